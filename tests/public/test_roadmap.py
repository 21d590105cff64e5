import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from actions.models import Deliverable, Status
from actions.roadmap import build_roadmap
from plans.quarters import Quarter
from tests.clock import on
from tests.factories import (
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)
from tests.html_tables import parse_table
from workstreams.models import Workstream

DORSET_CSV = Path(settings.BASE_DIR) / "demo" / "files" / "dorset.csv"


# The roadmap shows the quarters around today's: every test here runs on one day, inside the
# factories' plan period (Q1 2024/25 to Q4 2025/26); the demo fixture moves it to the demo's day.
ROADMAP_DAY = dt.date(2025, 1, 15)


@pytest.fixture(autouse=True)
def _one_clock():
    with on(ROADMAP_DAY):
        yield


@pytest.fixture
def demo(reference, demo_day):
    call_command("seed_demo", today=demo_day, stdout=io.StringIO())


@pytest.fixture
def workstreams(db):
    return [
        WorkstreamFactory(slug="represented", order=1, name="Represented"),
        WorkstreamFactory(slug="not-over-policed", order=2, name="Not over-policed"),
    ]


def grid(response):
    assert response.status_code == 200
    return parse_table(response.content.decode(), "prap-grid")


def cell_for(table, title):
    matches = [c for c in table.body_cells if any(text == title for _, text in c.links)]
    assert len(matches) == 1, f"{title!r} is in {len(matches)} grid cells"
    return matches[0]


@pytest.mark.django_db
def test_the_roadmap_places_each_dorset_deliverable_in_its_workstream_row_and_quarters(
    client, demo
):
    rows = list(csv.DictReader(DORSET_CSV.open(encoding="utf-8")))
    names = {w.slug: w.name for w in Workstream.objects.all()}
    table = grid(client.get("/forces/dorset/"))

    assert len(rows) == 20
    assert len([c for c in table.body_cells if c.links]) == 20
    for row in rows:
        cell = cell_for(table, row["title"])
        start, due = Quarter.parse(row["start_quarter"]), Quarter.parse(row["due_quarter"])
        assert table.row_header(cell).text.startswith(names[row["workstream"]]), row["title"]
        assert table.column_header(cell.column).text.startswith(str(start)), row["title"]
        assert table.column_header(cell.columns[-1]).text.startswith(str(due)), row["title"]
        assert cell.colspan == due - start + 1
        deliverable = Deliverable.objects.get(plan__force__slug="dorset", title=row["title"])
        assert cell.links[0][0] == deliverable.get_absolute_url()


@pytest.mark.django_db
def test_dorsets_merged_q3_q4_deliverables_are_one_cell_spanning_two_quarters(client, demo):
    table = grid(client.get("/forces/dorset/"))

    spanning = [c for c in table.body_cells if c.colspan > 1]
    assert sorted(c.links[0][1] for c in spanning) == sorted(
        [
            "Deliver workforce training on Black history, bias and lived experience",
            "Introduce platform for recording of vehicle stops",
            "Agree calendar of community scrutiny visits within the organisation",
            "Improve our ethnicity data recording",
        ]
    )
    for cell in spanning:
        assert table.column_header(cell.column).text.startswith("Q3 2024/25")
        assert cell.colspan == 2


@pytest.mark.django_db
def test_the_grid_is_a_table_with_a_caption_quarter_column_headers_and_workstream_row_headers(
    client, demo
):
    table = grid(client.get("/forces/dorset/"))

    assert table.caption.startswith("Dorset Police roadmap")
    quarter_headers = table.column_headers[1:]
    assert [h.text for h in quarter_headers[:2]] == [
        "Q1 2024/25 Apr-Jun 2024",
        "Q2 2024/25 Jul-Sep 2024",
    ]
    assert len(quarter_headers) == 6
    assert all(h.attrs["scope"] == "col" for h in table.column_headers)
    row_headers = [c for c in table.cells if c.tag == "th" and not c.in_head]
    assert [h.text.split()[0] for h in row_headers] == ["Represented", "Not", "Involved", "Not"]
    assert all(h.attrs["scope"] in ("row", "rowgroup") for h in row_headers)


@pytest.mark.django_db
def test_each_grid_cell_says_the_deliverables_status_in_words(client, workstreams):
    plan = PlanFactory(first_quarter=Quarter(2024, 1), last_quarter=Quarter(2024, 4))
    deliverable = DeliverableFactory(plan=plan, workstream=workstreams[0], title="Mentoring")
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 1), status="at_risk")

    table = grid(client.get(plan.force.get_absolute_url()))

    assert "At risk" in cell_for(table, "Mentoring").text


@pytest.mark.django_db
def test_overlapping_deliverables_of_a_workstream_share_its_row_group(client, workstreams):
    plan = PlanFactory(first_quarter=Quarter(2024, 1), last_quarter=Quarter(2024, 4))
    represented, _ = workstreams
    for title, start, due in [
        ("Long one", Quarter(2024, 1), Quarter(2024, 4)),
        ("Overlaps", Quarter(2024, 2), Quarter(2024, 3)),
        ("Fits after", Quarter(2024, 4), Quarter(2024, 4)),
    ]:
        DeliverableFactory(
            plan=plan, workstream=represented, title=title, start_quarter=start, due_quarter=due
        )

    table = grid(client.get(plan.force.get_absolute_url()))

    header = next(c for c in table.cells if c.tag == "th" and c.text.startswith("Represented"))
    assert header.attrs["scope"] == "rowgroup"
    assert header.rowspan == 2
    long_one, overlaps, fits = (cell_for(table, t) for t in ["Long one", "Overlaps", "Fits after"])
    assert (long_one.column, long_one.colspan) == (1, 4)
    assert (overlaps.column, overlaps.colspan) == (2, 2)
    assert (fits.column, fits.colspan) == (4, 1)
    assert overlaps.row == fits.row != long_one.row
    for cell in (long_one, overlaps, fits):
        assert table.row_header(cell) is header


@pytest.mark.django_db
def test_a_workstream_without_deliverables_still_has_its_row(client, workstreams):
    plan = PlanFactory()
    DeliverableFactory(plan=plan, workstream=workstreams[0])

    table = grid(client.get(plan.force.get_absolute_url()))

    empty = next(c for c in table.body_cells if "No deliverables" in c.text)
    assert table.row_header(empty).text == "Not over-policed"


@pytest.mark.django_db
def test_a_deliverable_outside_the_plan_period_widens_the_grid_rather_than_vanishing(
    client, workstreams
):
    plan = PlanFactory(first_quarter=Quarter(2024, 2), last_quarter=Quarter(2024, 3))
    DeliverableFactory(
        plan=plan,
        workstream=workstreams[0],
        title="Early",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 1),
    )

    table = grid(client.get(plan.force.get_absolute_url()))

    assert table.column_header(cell_for(table, "Early").column).text.startswith("Q1 2024/25")


@pytest.mark.django_db
def test_the_current_quarter_is_marked_in_words(client, workstreams):
    current = Quarter.containing(timezone.localdate())
    plan = PlanFactory(first_quarter=current - 1, last_quarter=current + 1)
    DeliverableFactory(
        plan=plan, workstream=workstreams[0], start_quarter=current, due_quarter=current
    )

    table = grid(client.get(plan.force.get_absolute_url()))

    marked = [h for h in table.column_headers if "Current quarter" in h.text]
    assert len(marked) == 1
    assert marked[0].text.startswith(str(current))
    assert "prap-grid__quarter--current" in marked[0].attrs["class"]


@pytest.mark.django_db
def test_withdrawn_deliverables_show_as_withdrawn_with_their_reason(client, workstreams):
    plan = PlanFactory()
    DeliverableFactory(plan=plan, workstream=workstreams[0], title="Kept")
    DeliverableFactory(
        plan=plan,
        workstream=workstreams[0],
        title="Dropped pilot",
        withdrawn_at=dt.date(2024, 9, 1),
        withdrawn_reason="Merged into the county-wide scheme.",
    )

    response = client.get(plan.force.get_absolute_url())
    html = response.content.decode()
    cell = cell_for(grid(response), "Dropped pilot")

    assert "Withdrawn" in cell.text
    assert "Merged into the county-wide scheme." in cell.text
    assert "Not started" not in cell.text
    # The plain list gives the reason in full, with the date.
    assert "Withdrawn on 1 September 2024:</strong> Merged into the county-wide scheme." in html
    # Withdrawn deliverables are not counted as active work.
    assert "1 active, 1 withdrawn" in html


@pytest.mark.django_db
def test_the_roadmap_has_a_plain_list_of_every_deliverable_by_workstream(client, demo):
    response = client.get("/forces/dorset/")
    html = response.content.decode()
    list_part = html[html.index('id="by-workstream"') : html.index('id="achieved"')]

    for deliverable in Deliverable.objects.filter(plan__force__slug="dorset"):
        assert f'href="{deliverable.get_absolute_url()}">{deliverable.title}</a></h4>' in (
            list_part.replace("&#x27;", "'")
        )


@pytest.mark.django_db
def test_the_workstream_summary_gives_counts_and_share_complete_in_text(client, workstreams):
    plan = PlanFactory()
    for status in ["complete", "complete", "on_track", "off_track"]:
        deliverable = DeliverableFactory(plan=plan, workstream=workstreams[0])
        QuarterlyUpdateFactory(deliverable=deliverable, status=status)

    html = client.get(plan.force.get_absolute_url()).content.decode()
    summary = html[html.index('id="progress"') : html.index('id="roadmap"')]

    assert "<strong>2 of 4</strong> complete (50%)" in summary
    assert "On track: 1" in summary
    assert "Off track: 1" in summary
    assert "Complete: 2" in summary
    assert 'class="prap-bar"' in summary


@pytest.mark.django_db
def test_what_we_have_achieved_lists_completed_deliverables_newest_first(client, workstreams):
    plan = PlanFactory()
    for title, quarter in [("Older win", Quarter(2024, 1)), ("Newer win", Quarter(2024, 3))]:
        deliverable = DeliverableFactory(plan=plan, workstream=workstreams[0], title=title)
        QuarterlyUpdateFactory(
            deliverable=deliverable, quarter=quarter, status="complete", done=f"{title} text"
        )
    unfinished = DeliverableFactory(plan=plan, workstream=workstreams[0], title="Still going")
    QuarterlyUpdateFactory(deliverable=unfinished, status="on_track")

    html = client.get(plan.force.get_absolute_url()).content.decode()
    achieved = html[html.index('id="achieved"') :]

    assert achieved.index("Newer win") < achieved.index("Older win")
    assert "Completed Q3 2024/25" in achieved
    assert '<p class="govuk-body">Newer win text</p>' in achieved
    assert "Still going" not in achieved


@pytest.mark.django_db
def test_the_roadmap_links_to_the_forces_atom_feed(client, workstreams):
    plan = PlanFactory()
    html = client.get(plan.force.get_absolute_url()).content.decode()

    feed = f"/forces/{plan.force.slug}/feed/"
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{feed}">Updates feed (Atom)</a>' in html


@pytest.mark.django_db
def test_a_force_without_a_published_plan_gets_a_helpful_empty_state(client, workstreams):
    force = ForceFactory(region="Wales", website="https://www.example.police.uk/")
    PlanFactory(force=force, is_published=False, title="Secret draft plan")

    response = client.get(force.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "No published plan yet" in html
    assert "Secret draft plan" not in html
    assert 'href="https://www.example.police.uk/"' in html
    assert "/forces/?region=Wales" in html
    assert "prap-grid" not in html


@pytest.mark.django_db
def test_the_roadmap_shows_the_forces_newest_published_plan(client, workstreams):
    force = ForceFactory()
    for title, year, published in [
        ("First", 2022, True),
        ("Second", 2024, True),
        ("Third", 2026, False),
    ]:
        PlanFactory(
            force=force,
            title=f"{title} plan",
            first_quarter=Quarter(year, 1),
            last_quarter=Quarter(year + 1, 4),
            is_published=published,
        )

    html = client.get(force.get_absolute_url()).content.decode()

    assert "Second plan" in html
    assert "First plan" not in html
    assert "Third plan" not in html


@pytest.mark.django_db
def test_an_unknown_force_is_a_404(client):
    assert client.get("/forces/no-such-force/").status_code == 404


@pytest.mark.django_db
def test_the_roadmap_builder_previews_drafts_only_when_asked(workstreams):
    plan = PlanFactory()
    deliverable = DeliverableFactory(plan=plan, workstream=workstreams[0])
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 1), status="on_track")
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 2), status="complete", published_at=None
    )
    today = dt.date(2024, 11, 1)

    public = build_roadmap(plan, today)
    preview = build_roadmap(plan, today, include_drafts=True)

    assert public.workstreams[0].deliverables[0].current_status == Status.ON_TRACK
    assert public.workstreams[0].achievements == []
    assert preview.workstreams[0].deliverables[0].current_status == Status.COMPLETE
    assert [a.deliverable for a in preview.workstreams[0].achievements] == [deliverable]
    assert preview.latest_published_at == public.latest_published_at
    assert timezone.is_aware(public.latest_published_at)
