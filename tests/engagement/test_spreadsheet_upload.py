"""Uploading the engagement log back from the workbook it downloads: upload, preview, confirm;
row-and-column errors; nothing written until confirmed, and nothing at all when anything is
wrong; isolation; no lost updates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from actions.spreadsheets.files import SpreadsheetFile
from actions.spreadsheets.preview import ImportConflict, Outcome, apply_import
from engagement.models import Activity, EngagementAction
from engagement.spreadsheet_import import EngagementImport
from engagement.spreadsheets import log_workbook
from plans.versioning import save_versioned
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    EngagementActionFactory,
)
from tests.mfa import VerifiedClient

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2025, 6, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def log(force_a, force_b):
    """Force A's log: a published activity with an action, and force B's activity."""
    deliverable = DeliverableFactory(
        plan__force=force_a, title="Stop and search scrutiny panel", reference="R-01"
    )
    activity = ActivityFactory(
        force=force_a,
        title="Community meeting in Hanley",
        held_on=dt.date(2025, 5, 14),
        themes=["stop_and_search"],
        heard="People asked why searches fall on young Black men.",
        partner_contacts="office@group.example",
    )
    action = EngagementActionFactory(
        activity=activity,
        deliverable=deliverable,
        description="Publish search figures every quarter.",
        due_quarter=deliverable.due_quarter,
    )
    theirs = ActivityFactory(force=force_b, title="Force B's meeting")
    return {"deliverable": deliverable, "activity": activity, "action": action, "theirs": theirs}


def workbook(force, edit=None) -> bytes:
    """Force's downloaded log, changed by ``edit(activities_sheet, actions_sheet, columns)``."""
    book = load_workbook(io.BytesIO(log_workbook(Activity.objects.for_force(force))))
    if edit:
        sheets = book["Activities"], book["Actions"]
        columns = {
            sheet.title: {cell.value: cell.column for cell in sheet[1] if cell.value}
            for sheet in sheets
        }
        edit(*sheets, columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def put(sheet, columns, row: int, values: dict) -> None:
    for heading, value in values.items():
        sheet.cell(row=row, column=columns[sheet.title][heading], value=value)


def preview_of(force, data: bytes):
    return EngagementImport(force, SpreadsheetFile.from_bytes(data, "log.xlsx")).preview()


def test_the_downloaded_log_uploads_back_unchanged(log, force_a):
    preview = preview_of(force_a, workbook(force_a))

    assert preview.is_valid
    assert [(row.sheet, row.reference, row.outcome) for row in preview.rows] == [
        ("Activities", str(log["activity"].pk), Outcome.UNCHANGED),
        ("Actions", str(log["action"].pk), Outcome.UNCHANGED),
    ]
    assert not preview.has_changes


def test_new_and_changed_rows_are_previewed_then_written_as_the_uploader(log, force_a, alice):
    def edit(activities, actions, columns):
        put(activities, columns, 2, {"What we heard": "Searches of young Black men, again."})
        put(
            activities,
            columns,
            3,
            {
                "Activity": "Youth panel in Stoke",
                "Date": "2025-06-02",
                "Kind": "Youth session",
                "Place or area": "Stoke",
                "People who took part": "18",
                "Count or estimate": "Estimate",
                "Of whom from Black communities": "9",
                "Themes": "Custody; Trust and confidence",
                "What we heard": "Young people described long waits in custody.",
                "How to reach the partners (staff only)": "youth-voice@example.org",
            },
        )
        put(
            actions,
            columns,
            3,
            {
                "Activity number": "Youth panel in Stoke",
                "What we will do": "Appropriate adults on call in every custody suite.",
                "Deliverable": "R-01",
                "Due quarter": "2025-Q3",
            },
        )
        put(
            actions,
            columns,
            4,
            {
                "Activity number": str(log["activity"].pk),
                "What we will do": "Nothing more on school exclusions.",
                "No action, because": "Schools are not the force's to change.",
            },
        )

    data = workbook(force_a, edit)
    preview = preview_of(force_a, data)

    assert preview.is_valid, [str(p) for p in preview.errors]
    assert str(preview.counts) == "3 created, 1 changed, 1 unchanged"
    [changed] = [row for row in preview.rows if row.outcome == Outcome.CHANGED]
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        (
            "What we heard",
            "People asked why searches fall on young Black men.",
            "Searches of young Black men, again.",
        )
    ]
    assert changed.note == "Published: the public page changes too."
    new_activity = next(r for r in preview.rows if r.sheet == "Activities" and not r.reference)
    assert new_activity.note == "Saved as a draft: publish it from its page."
    assert ("Themes", "Custody; Trust and confidence") in [
        (s.field, s.text) for s in new_activity.content
    ]
    assert Activity.objects.count() == 2  # nothing written by a preview

    apply_import(preview, user=alice, now=DAY)

    youth = Activity.objects.get(title="Youth panel in Stoke")
    assert youth.force == force_a and youth.published_at is None  # a draft
    assert (youth.attendance, youth.attendance_basis, youth.attendance_black) == (
        18,
        "estimate",
        9,
    )
    assert youth.themes == ["custody", "trust"]
    assert youth.partner_contacts == "youth-voice@example.org"
    assert youth.history.get().history_user == alice
    [panel_action] = youth.actions.all()
    assert panel_action.deliverable == log["deliverable"]
    assert str(panel_action.due_quarter) == "Q3 2025/26"
    activity = Activity.objects.get(pk=log["activity"].pk)
    assert activity.heard == "Searches of young Black men, again."
    assert activity.version == log["activity"].version + 1
    assert activity.history.get(history_user=alice).history_change_reason == (
        "Imported from log.xlsx"
    )
    no_action = activity.actions.get(deliverable=None)
    assert no_action.no_action_reason == "Schools are not the force's to change."
    assert no_action.order > log["action"].order


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_written(log, force_a):
    theirs = log["theirs"]

    def edit(activities, actions, columns):
        put(activities, columns, 2, {"Date": "the 14th", "Themes": "Stop and search; Parking"})
        put(
            activities,
            columns,
            3,
            {
                "Activity number": str(theirs.pk),
                "Activity": "Taken from force B",
                "Date": "2025-05-01",
                "Kind": "Community meeting",
                "What we heard": "Something.",
            },
        )
        put(
            activities,
            columns,
            4,
            {
                "Activity": "Survey of residents",
                "Date": "2025-05-01",
                "Kind": "Questionnaire",
                "People who took part": "ten",
                "What we heard": "Something.",
            },
        )
        put(
            activities,
            columns,
            5,
            {
                "Activity": "Online session",
                "Date": "2025-05-02",
                "Kind": "Online session",
                "People who took part": "5",
                "Of whom from Black communities": "9",
                "What we heard": "Something.",
            },
        )
        put(
            actions,
            columns,
            3,
            {
                "Activity number": str(log["activity"].pk),
                "What we will do": "Both at once.",
                "Deliverable": "R-01",
                "No action, because": "And a reason.",
                "Due quarter": "2025-Q3",
            },
        )
        put(
            actions,
            columns,
            4,
            {
                "Activity number": str(log["activity"].pk),
                "What we will do": "Something.",
                "Deliverable": "A deliverable nobody wrote",
                "Due quarter": "2025-Q3",
            },
        )

    before = list(Activity.objects.values_list("pk", "version", "heard"))
    preview = preview_of(force_a, workbook(force_a, edit))
    errors = [str(problem) for problem in preview.errors]

    assert not preview.is_valid
    expected = [
        'Activities, row 2, column "Date" (C): "the 14th" is not a date.',
        'Activities, row 2, column "Themes" (K): Not on the list of themes: "Parking".',
        f'Activities, row 3, column "Activity number" (A): Activity {theirs.pk} is not in '
        f"{force_a}'s engagement log.",
        'Activities, row 4, column "Kind" (D): "Questionnaire" is not a kind of activity on the '
        "list.",
        'Activities, row 4, column "People who took part" (H): "ten" is not a whole number',
        'Activities, row 5, column "Of whom from Black communities" (J): People from Black '
        "communities (9) cannot be more than the people who took part (5)",
        'Actions, row 3, column "No action, because" (F): Either choose a deliverable or say '
        "why there is no action, not both",
        'Actions, row 4, column "Deliverable" (E): "A deliverable nobody wrote" is not a '
        "deliverable of your force's plans.",
    ]
    for start in expected:
        assert any(error.startswith(start) for error in errors), (start, errors)
    assert "Force B's meeting" not in " ".join(errors)
    with pytest.raises(Exception, match="Nothing was written: the file has"):
        apply_import(preview, user=None, now=DAY)
    assert list(Activity.objects.values_list("pk", "version", "heard")) == before
    assert EngagementAction.objects.count() == 1


def test_an_action_for_a_new_activity_must_name_it_exactly(log, force_a):
    def edit(activities, actions, columns):
        put(
            actions,
            columns,
            3,
            {
                "Activity number": "A meeting not in the file",
                "What we will do": "Something.",
                "No action, because": "A reason.",
            },
        )

    [error] = preview_of(force_a, workbook(force_a, edit)).errors
    assert str(error).startswith(
        'Actions, row 3, column "Activity number" (B): No new activity on the Activities sheet '
        'is called "A meeting not in the file".'
    )


def test_a_workbook_without_the_activities_sheet_is_refused(force_a):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Plan"
    out = io.BytesIO()
    book.save(out)

    [problem] = preview_of(force_a, out.getvalue()).problems
    assert 'has no sheet called "Activities" (its sheets: "Plan")' in str(problem)


def test_confirming_after_someone_else_changed_the_log_writes_nothing(log, force_a, alice):
    def edit(activities, actions, columns):
        put(activities, columns, 2, {"What we heard": "From the file."})

    preview = preview_of(force_a, workbook(force_a, edit))
    activity = Activity.objects.get(pk=log["activity"].pk)
    activity.heard = "Saved on the page meanwhile."
    save_versioned(activity, activity.version)

    with pytest.raises(ImportConflict):
        apply_import(preview, user=alice, now=DAY)
    assert Activity.objects.get(pk=activity.pk).heard == "Saved on the page meanwhile."


# The pages -----------------------------------------------------------------------------------


@pytest.fixture
def alice_client(alice):
    client = VerifiedClient()
    client.force_login(alice)
    return client


def upload(client, force, data: bytes, name="engagement-log.xlsx"):
    return client.post(
        f"/staff/forces/{force.slug}/engagement/upload/",
        {"log_file": SimpleUploadedFile(name, data)},
    )


def test_a_coordinator_uploads_checks_and_confirms(alice_client, log, force_a):
    def edit(activities, actions, columns):
        put(activities, columns, 2, {"Place or area": "Hanley town hall"})

    page = alice_client.get(f"/staff/forces/{force_a.slug}/engagement/")
    assert f'href="/staff/forces/{force_a.slug}/engagement/upload/"' in page.content.decode()

    response = upload(alice_client, force_a, workbook(force_a, edit))
    assert response.status_code == 302
    preview_url = response["Location"]
    html = alice_client.get(preview_url).content.decode()
    assert "Check what the engagement log upload will change" in html
    assert "Hanley town hall" in html and "Town hall" in html
    assert Activity.objects.get(pk=log["activity"].pk).place == "Town hall"  # not yet

    fingerprint = html.split('name="fingerprint" value="')[1].split('"')[0]
    done = alice_client.post(preview_url, {"fingerprint": fingerprint}, follow=True)
    assert "Imported engagement-log.xlsx: 0 created, 1 changed, 1 unchanged." in (
        done.content.decode()
    )
    assert Activity.objects.get(pk=log["activity"].pk).place == "Hanley town hall"
    # Confirming twice writes nothing more.
    again = alice_client.post(preview_url, {"fingerprint": fingerprint}, follow=True)
    assert "already been imported" in again.content.decode()


def test_a_file_with_errors_shows_them_and_cannot_be_confirmed(alice_client, log, force_a):
    def edit(activities, actions, columns):
        put(activities, columns, 2, {"Kind": "Barbecue"})

    preview_url = upload(alice_client, force_a, workbook(force_a, edit))["Location"]
    html = alice_client.get(preview_url).content.decode()
    assert "&quot;Barbecue&quot; is not a kind of activity on the list" in html
    assert "Nothing can be imported until every error is corrected" in html
    assert "Confirm and import" not in html


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(alice_client, force_a):
    response = upload(alice_client, force_a, b"%PDF-1.4 not a spreadsheet", name="log.pdf")
    assert response.status_code == 200
    assert "Error:" in response.content.decode()
    assert not Activity.objects.exists()


def test_another_forces_coordinator_cannot_see_or_confirm_the_upload(
    alice_client, log, force_a, bob
):
    preview_url = upload(alice_client, force_a, workbook(force_a))["Location"]
    other = VerifiedClient()
    other.force_login(bob)

    assert other.get(preview_url).status_code == 404
    assert upload(other, force_a, workbook(force_a)).status_code == 404
    # Bob's own force address with Alice's upload token finds nothing either.
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    own = other.get(f"/staff/forces/{bob.force.slug}/engagement/upload/{token}/")
    assert own.status_code == 302 and own["Location"].endswith("/engagement/upload/")
