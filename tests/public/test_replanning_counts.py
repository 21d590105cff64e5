"""Counts of re-planned, overdue and past-original-due deliverables per force: the national
comparison (page and CSV), the forces directory, the compare page and the open data file.
Published data only: drafts, unpublished plans and withdrawn deliverables never count."""

import csv
import datetime as dt
import io

import pytest

from actions.models import Deliverable, refresh_trend_figures
from plans.models import Force, Plan
from plans.quarters import Quarter
from tests.clock import on
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)  # Q4 2025/26
PUBLISHED = dt.datetime(2024, 4, 2, 9, 0, tzinfo=dt.UTC)


def deliverable(plan, due, *, moved_to=None, status=None, withdrawn=False):
    made = DeliverableFactory(
        plan=plan,
        workstream=plan.force_workstream,
        start_quarter=Quarter(2024, 1),
        due_quarter=due,
        withdrawn_at=dt.date(2025, 1, 1) if withdrawn else None,
        withdrawn_reason="Merged." if withdrawn else "",
    )
    Deliverable.objects.filter(pk=made.pk).record_first_publication(PUBLISHED)
    if moved_to:
        Deliverable.objects.filter(pk=made.pk).update(due_quarter=moved_to)
    if status:
        QuarterlyUpdateFactory(
            deliverable=made, quarter=Quarter(2025, 1), status=status, published_at=PUBLISHED
        )
    return made


def plan_of(slug, *, published=True, first=None):
    plan = PlanFactory(
        force=Force.objects.get(slug=slug),
        first_quarter=first or Quarter(2024, 1),
        last_quarter=Quarter(2027, 4),
        is_published=published,
    )
    plan.force_workstream = Workstream.objects.get(slug="involved")
    return plan


@pytest.fixture
def forces(reference):
    dorset = plan_of("dorset")
    # Re-planned from Q2 2025/26 to Q4 2026/27, on track: not overdue, past its original.
    deliverable(dorset, Quarter(2025, 2), moved_to=Quarter(2026, 4), status="on_track")
    # Never re-planned, due Q1 2025/26, not started: overdue and past its original.
    deliverable(dorset, Quarter(2025, 1))
    # Re-planned and complete: neither overdue nor past its original.
    deliverable(dorset, Quarter(2025, 1), moved_to=Quarter(2025, 3), status="complete")
    # Withdrawn: never counted.
    deliverable(dorset, Quarter(2024, 2), moved_to=Quarter(2026, 1), withdrawn=True)
    # Kent's only plan was published, then unpublished: nothing of it counts.
    kent = plan_of("kent")
    deliverable(kent, Quarter(2024, 2), moved_to=Quarter(2025, 1))
    Plan.objects.filter(pk=kent.pk).update(is_published=False)
    refresh_trend_figures([kent.force_id])  # what unpublishing does (update() sends no signal)
    # Dorset's next plan, still a draft (its deliverables were never public), would add one
    # of each if it were counted.
    draft = plan_of("dorset", published=False, first=Quarter(2025, 1))
    deliverable(draft, Quarter(2025, 1), moved_to=Quarter(2025, 2))
    return dorset


EXPECTED = {"replanned": 2, "overdue": 1, "past_original_due": 2}


def get(client, url) -> str:
    with on(TODAY):
        response = client.get(url)
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()


def test_the_national_csv_counts_replanned_overdue_and_past_original_due(client, forces):
    rows = {
        row["Force id"]: row
        for row in csv.DictReader(io.StringIO(get(client, "/national/?format=csv")))
    }
    dorset = rows["dorset"]
    assert (dorset["Re-planned"], dorset["Overdue"], dorset["Past original due quarter"]) == (
        "2",
        "1",
        "2",
    )
    kent = rows["kent"]  # its plan is unpublished
    assert (kent["Re-planned"], kent["Overdue"], kent["Past original due quarter"]) == (
        "0",
        "0",
        "0",
    )


def test_the_national_page_shows_the_counts(client, forces):
    html = get(client, "/national/")
    assert ">Re-planned<" in html or "Re-planned</a>" in html
    assert "Past original due quarter" in html


def test_the_open_data_forces_file_counts_them(client, forces):
    rows = {
        row["slug"]: row for row in csv.DictReader(io.StringIO(get(client, "/data/forces.csv")))
    }
    dorset = rows["dorset"]
    assert {key: int(dorset[key]) for key in EXPECTED} == EXPECTED
    kent = rows["kent"]
    assert {key: int(kent[key]) for key in EXPECTED} == dict.fromkeys(EXPECTED, 0)


def test_the_open_data_deliverables_file_has_the_original_quarters(client, forces):
    rows = list(csv.DictReader(io.StringIO(get(client, "/data/deliverables.csv"))))
    moved = [row for row in rows if row["original_due_quarter"] != row["due_quarter"]]
    assert ("2025-Q2", "2026-Q4") in {(r["original_due_quarter"], r["due_quarter"]) for r in moved}
    assert all(row["first_published_at"] for row in rows if row["force"] == "dorset")


def test_the_forces_directory_shows_the_counts(client, forces):
    html = get(client, "/forces/?region=South+West")
    row = html[html.index(">Dorset Police<") :]
    row = row[: row.index("</tr>")]
    assert 'data-label="Re-planned">2<' in row
    assert 'data-label="Overdue">1<' in row
    assert 'data-label="Past original due quarter">2<' in row


def test_the_compare_page_shows_the_counts(client, forces):
    html = get(client, "/national/compare/?forces=dorset,kent")
    row = html[html.index("Re-planned since first published") :]
    assert row[: row.index("</tr>")].count(">2<") == 1
    row = html[html.index(">Past original due quarter<") :]
    assert ">2<" in row[: row.index("</tr>")]


def test_the_counts_follow_today(client, forces):
    """Before Q2 2025/26 ended, the re-planned deliverable was not yet past its original."""
    with on(dt.date(2025, 8, 1)):
        response = client.get("/data/forces.csv")
    rows = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert rows["dorset"]["past_original_due"] == "1"
