"""Downloading a plan or a quarterly return from the staff pages, and uploading the download
back unchanged ("no changes")."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from actions.spreadsheets.files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from tests.actions.conftest import csv_rows, database_state
from tests.actions.spreadsheet_pages import (
    page_text,
    preview_url,
    upload_plan,
    upload_return,
)
from tests.factories import DeliverableFactory, MilestoneFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def download(client, plan, name, quarter=None):
    query = f"?quarter={quarter.compact}" if quarter else ""
    response = client.get(f"/staff/plans/{plan.pk}/download/{name}{query}")
    assert response.status_code == 200
    return response


def test_the_plan_downloads_as_a_workbook_named_after_the_force_and_the_day(alice_client, plan_a):
    today = timezone.localdate().isoformat()

    response = download(alice_client, plan_a, "plan.xlsx")

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="force-a-plan-{today}.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Plan", "Milestones"]
    assert [c.value for c in workbook["Plan"]["C"]][1:] == [
        "Recruit and retain Black officers",
        "Reform use of stop and search",
        "Community panel",
    ]
    assert workbook["Milestones"].max_row == 1 + 3


def test_the_plan_downloads_as_two_csv_files(alice_client, plan_a):
    today = timezone.localdate().isoformat()

    deliverables = download(alice_client, plan_a, "plan.csv")
    milestones = download(alice_client, plan_a, "milestones.csv")

    assert deliverables["Content-Type"] == milestones["Content-Type"] == CSV_CONTENT_TYPE
    assert deliverables["Content-Disposition"] == (
        f'attachment; filename="force-a-plan-{today}.csv"'
    )
    assert milestones["Content-Disposition"] == (
        f'attachment; filename="force-a-plan-milestones-{today}.csv"'
    )
    assert csv_rows(deliverables.content)[0][:3] == ["Reference", "Workstream", "Title"]
    assert [row[2] for row in csv_rows(milestones.content)] == [
        "Milestone",
        "Mentors trained",
        "First cohort",
        "Searches reviewed",
    ]


def test_the_return_downloads_for_the_chosen_quarter(alice_client, plan_a, return_a):
    csv_file = download(alice_client, plan_a, "return.csv", return_a)
    workbook = download(alice_client, plan_a, "return.xlsx", return_a)

    assert csv_file["Content-Type"] == CSV_CONTENT_TYPE
    assert csv_file["Content-Disposition"] == 'attachment; filename="force-a-return-2024-Q3.csv"'
    assert workbook["Content-Disposition"] == ('attachment; filename="force-a-return-2024-Q3.xlsx"')
    rows = csv_rows(csv_file.content)
    assert [row[:4] for row in rows[1:]] == [
        ["R-01", "Recruit and retain Black officers", "2024-Q3", "On track"],
        [rows[2][0], "Reform use of stop and search", "2024-Q3", "At risk"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["Return"]
    assert [c.value for c in sheet["D"]] == ["Status", "On track", "At risk"]


def test_the_return_download_defaults_to_the_quarter_just_ended(alice_client, plan_a):
    from plans.quarters import quarter_just_ended

    quarter = quarter_just_ended(timezone.localdate())

    response = download(alice_client, plan_a, "return.csv")

    assert f"force-a-return-{quarter.compact}.csv" in response["Content-Disposition"]


def test_a_return_download_for_a_quarter_that_does_not_exist_is_not_found(alice_client, plan_a):
    response = alice_client.get(f"/staff/plans/{plan_a.pk}/download/return.csv?quarter=2024-Q5")

    assert response.status_code == 404


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_downloaded_plan_uploaded_unchanged_changes_nothing(alice_client, plan_a, file_format):
    before = database_state()
    plan_file = download(alice_client, plan_a, f"plan.{file_format}").content
    milestones = download(alice_client, plan_a, "milestones.csv").content

    response = upload_plan(
        alice_client,
        plan_a,
        plan_file,
        name=f"plan.{file_format}",
        milestones=milestones if file_format == "csv" else None,
    )
    preview = alice_client.get(preview_url(response))

    counts = preview.context["preview"].counts
    assert (counts.created, counts.changed, counts.unchanged, counts.errors) == (0, 0, 6, 0)
    assert "There is nothing to import" in page_text(preview)
    assert database_state() == before


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_downloaded_return_uploaded_unchanged_changes_nothing(
    alice_client, plan_a, return_a, file_format
):
    before = database_state()
    data = download(alice_client, plan_a, f"return.{file_format}", return_a).content

    preview = alice_client.get(
        preview_url(upload_return(alice_client, plan_a, return_a, data, f"r.{file_format}"))
    )

    counts = preview.context["preview"].counts
    assert (counts.created, counts.changed, counts.unchanged, counts.errors) == (0, 0, 2, 0)
    assert database_state() == before


def grow(plan, times: int) -> None:
    """Add ``times`` deliverables, each with a milestone and an update for Q3 2024/25."""
    template = plan.deliverables.get(reference="R-01")
    for number in range(times):
        deliverable = DeliverableFactory(
            plan=plan,
            reference=f"X-{number}",
            workstream=template.workstream,
            start_quarter=template.start_quarter,
            due_quarter=template.due_quarter,
        )
        deliverable.national_actions.set(template.national_actions.all())
        MilestoneFactory(deliverable=deliverable, due_quarter=template.due_quarter)
        QuarterlyUpdateFactory(
            deliverable=deliverable,
            quarter=template.start_quarter + 2,
            status="on_track",
            published_at=timezone.now() - dt.timedelta(days=1),
        )


@pytest.mark.parametrize("size", [1, 10])
def test_downloads_and_previews_run_a_fixed_number_of_queries(
    alice_client, plan_a, return_a, size, django_assert_max_num_queries
):
    grow(plan_a, 3 * size)
    plan_file = download(alice_client, plan_a, "plan.xlsx").content
    return_file = download(alice_client, plan_a, "return.csv", return_a).content
    plan_preview = preview_url(upload_plan(alice_client, plan_a, plan_file))
    return_preview = preview_url(upload_return(alice_client, plan_a, return_a, return_file))

    # Each bound includes the one query that checks the signed-in person's second factor,
    # and the content version read by pages that show the demonstration-data banner; the
    # previews, the one query that reads the waiting upload.
    with django_assert_max_num_queries(8):
        download(alice_client, plan_a, "plan.xlsx")
    with django_assert_max_num_queries(6):
        download(alice_client, plan_a, "return.xlsx", return_a)
    with django_assert_max_num_queries(16):
        assert alice_client.get(plan_preview).context["preview"].counts.unchanged > 3 * size
    with django_assert_max_num_queries(15):
        assert alice_client.get(return_preview).context["preview"].counts.unchanged > 3 * size


def test_dorsets_demo_plan_and_return_round_trip_through_the_pages(client, reference, demo_day):
    """The demonstration Dorset plan, downloaded and uploaded back as the coordinator: no
    changes, in both formats."""
    import io as text_io

    from django.core.management import call_command

    from accounts.models import User
    from plans.models import Plan
    from plans.quarters import quarter_just_ended

    call_command("seed_demo", today=demo_day, stdout=text_io.StringIO())
    coordinator = User.objects.filter(force__slug="dorset", role=User.Role.COORDINATOR).first()
    plan = Plan.objects.for_force(coordinator.force).current().first()
    quarter = quarter_just_ended(demo_day)
    client.force_login(coordinator)
    before = database_state()

    workbook = download(client, plan, "plan.xlsx")
    assert workbook["Content-Disposition"].startswith('attachment; filename="dorset-plan-')
    plan_preview = client.get(preview_url(upload_plan(client, plan, workbook.content)))
    return_file = download(client, plan, "return.csv", quarter)
    assert 'filename="dorset-return-2026-Q2.csv"' in return_file["Content-Disposition"]
    return_preview = client.get(
        preview_url(upload_return(client, plan, quarter, return_file.content))
    )

    for preview in (plan_preview.context["preview"], return_preview.context["preview"]):
        assert preview.is_valid and not preview.has_changes
        assert preview.counts.unchanged >= 7
    assert database_state() == before
