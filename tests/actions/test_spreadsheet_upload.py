"""Uploading a plan or a quarterly return through the staff pages: upload, preview, confirm."""

import pytest

from actions.models import Deliverable, QuarterlyUpdate, Status
from tests.actions.conftest import csv_bytes, csv_rows, database_state
from tests.actions.spreadsheet_pages import (
    confirm,
    page_text,
    plan_workbook,
    preview_url,
    return_csv,
    set_cell,
    upload_plan,
    upload_return,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def edited_plan(plan_a):
    """The exported plan workbook with two cells changed."""
    uncoded = plan_a.deliverables.get(reference="")
    workbook = plan_workbook(plan_a)
    set_cell(workbook["Plan"], "R-01", "Title", "Recruit, retain and promote Black officers")
    set_cell(workbook["Plan"], "R-01", "Reason for change", "Promotion added to the aim.")
    set_cell(workbook["Plan"], str(uncoded.pk), "Due quarter", "Q2 2025/26")
    set_cell(workbook["Plan"], str(uncoded.pk), "Reason for change", "Reviews take longer.")
    return workbook_bytes(workbook)


def test_an_edited_plan_is_previewed_then_imported_on_confirmation(alice_client, plan_a, alice):
    before = database_state()

    url = preview_url(upload_plan(alice_client, plan_a, edited_plan(plan_a)))
    preview = alice_client.get(url)

    assert database_state() == before  # nothing written by the upload or the preview
    assert preview.status_code == 200
    text = page_text(preview)
    assert "Nothing has been saved yet" in text
    assert "Title Recruit and retain Black officers → changes to " in text
    assert "Recruit, retain and promote Black officers" in text
    assert "Due quarter Q1 2025/26 → changes to Q2 2025/26" in text
    assert "Reason for change: Reviews take longer." in text
    counts = preview.context["preview"].counts
    assert (counts.created, counts.changed, counts.unchanged, counts.errors) == (0, 2, 4, 0)

    done = confirm(alice_client, preview)

    assert done.status_code == 302 and done["Location"] == url
    coded = Deliverable.objects.get(plan=plan_a, reference="R-01")
    assert coded.title == "Recruit, retain and promote Black officers"
    record = coded.history.first()
    assert record.history_user == alice
    assert record.history_change_reason == "Imported from plan.xlsx"
    result = alice_client.get(url)
    text = page_text(result)
    assert "Plan imported" in text and "0 created, 2 changed, 4 unchanged" in text
    assert f"/staff/deliverables/{coded.pk}/history/" in result.content.decode()


def test_a_csv_plan_and_its_milestones_file_are_imported_together(alice_client, plan_a):
    from actions.spreadsheets.exports import export_plan

    plan_file, milestones_file = export_plan(plan_a, "csv")
    rows = csv_rows(milestones_file.data)
    rows.append(["R-01", "", "Second cohort", "2025-Q1", ""])

    url = preview_url(
        upload_plan(
            alice_client, plan_a, plan_file.data, name="plan.csv", milestones=csv_bytes(rows)
        )
    )
    preview = alice_client.get(url)
    assert preview.context["preview"].counts.created == 1
    assert "Milestones: 4 rows" in page_text(preview)
    confirm(alice_client, preview)

    coded = Deliverable.objects.get(plan=plan_a, reference="R-01")
    assert list(coded.milestones.values_list("title", flat=True)) == [
        "Mentors trained",
        "First cohort",
        "Second cohort",
    ]


def test_an_unchanged_download_uploaded_again_has_nothing_to_import(alice_client, plan_a):
    before = database_state()
    response = alice_client.get(f"/staff/plans/{plan_a.pk}/download/plan.xlsx")

    preview = alice_client.get(
        preview_url(upload_plan(alice_client, plan_a, response.content, name="dorset.xlsx"))
    )

    assert not preview.context["preview"].has_changes
    assert "There is nothing to import" in page_text(preview)
    assert "Confirm and import" not in page_text(preview)
    assert database_state() == before


def test_a_return_is_imported_as_drafts_unless_publish_is_ticked(alice_client, plan_a, return_a):
    uncoded = plan_a.deliverables.get(reference="")
    rows = csv_rows(return_csv(plan_a, return_a))
    rows[2][3:5] = ["On track", "Reviewed 80 searches."]

    preview = alice_client.get(
        preview_url(upload_return(alice_client, plan_a, return_a, csv_bytes(rows)))
    )
    assert "Publish these updates now" in page_text(preview)
    assert "If you tick it, 1 update will be published." in page_text(preview)
    confirm(alice_client, preview)

    update = QuarterlyUpdate.objects.get(deliverable=uncoded, quarter=return_a)
    assert (update.status, update.done, update.is_published) == (
        Status.ON_TRACK,
        "Reviewed 80 searches.",
        False,
    )


def test_a_return_is_published_when_publish_is_ticked(alice_client, plan_a, return_a, alice):
    uncoded = plan_a.deliverables.get(reference="")
    rows = csv_rows(return_csv(plan_a, return_a))
    rows[2][3:5] = ["On track", "Reviewed 80 searches."]

    preview = alice_client.get(
        preview_url(upload_return(alice_client, plan_a, return_a, csv_bytes(rows)))
    )
    done = confirm(alice_client, preview, publish=True)

    update = QuarterlyUpdate.objects.get(deliverable=uncoded, quarter=return_a)
    assert update.is_published and update.done == "Reviewed 80 searches."
    assert update.history.first().history_user == alice
    result = alice_client.get(done["Location"])
    assert "Q3 2024/25 return imported" in page_text(result)
    links = result.content.decode()
    assert f"/staff/deliverables/{uncoded.pk}/history/" in links
    coded = plan_a.deliverables.get(reference="R-01")
    assert f"/staff/deliverables/{coded.pk}/history/" not in links  # unchanged


def test_publishing_is_refused_with_the_reason_when_an_update_cannot_be_published(
    alice_client, plan_a, return_a
):
    uncoded = plan_a.deliverables.get(reference="")
    rows = csv_rows(return_csv(plan_a, return_a))
    rows[2][3:5] = ["Off track", ""]  # publishable only with what was done
    before = database_state()

    preview = alice_client.get(
        preview_url(upload_return(alice_client, plan_a, return_a, csv_bytes(rows)))
    )
    assert preview.context["preview"].is_valid  # as drafts, it is fine
    refused = confirm(alice_client, preview, publish=True)

    assert refused.status_code == 200
    assert database_state() == before
    text = page_text(refused)
    assert "There is a problem" in text
    assert "Nothing was written: the file has 1 error." in text
    assert "Say what was done: an update that is \u201cOff track\u201d needs it" in text
    assert refused.context["form"]["publish"].value() is True
    assert "Untick “Publish these updates now” to save them as drafts" in text
    assert "Confirm and import" in text

    confirm(alice_client, refused)  # unticked: saved as a draft

    update = QuarterlyUpdate.objects.get(deliverable=uncoded, quarter=return_a)
    assert (update.status, update.is_published) == (Status.OFF_TRACK, False)


def test_row_errors_are_listed_by_row_and_column_and_nothing_can_be_confirmed(alice_client, plan_a):
    workbook = plan_workbook(plan_a)
    set_cell(workbook["Plan"], "R-01", "Start quarter", "Q5 2024/25")
    set_cell(workbook["Plan"], "I-09", "Workstream", "Happiness")
    before = database_state()

    preview = alice_client.get(
        preview_url(upload_plan(alice_client, plan_a, workbook_bytes(workbook)))
    )

    text = page_text(preview)
    assert "There is a problem" in text
    assert 'Plan, row 2, column "Start quarter" (F): "Q5 2024/25" is not a quarter' in text, text
    assert 'Plan, row 4, column "Workstream" (B): "Happiness" is not a workstream' in text
    assert 'href="#row-plan-2"' in preview.content.decode()
    assert "Confirm and import" not in text
    assert preview.context["preview"].counts.errors == 2

    forged = confirm(alice_client, preview)  # the fingerprint of a preview with errors

    assert forged.status_code == 200
    assert "Nothing was written: the file has 2 errors." in page_text(forged)
    assert database_state() == before


def test_a_change_made_after_the_preview_stops_the_import_with_a_fresh_preview(
    alice_client, plan_a
):
    url = preview_url(upload_plan(alice_client, plan_a, edited_plan(plan_a)))
    preview = alice_client.get(url)
    coded = Deliverable.objects.get(plan=plan_a, reference="R-01")
    Deliverable.objects.filter(pk=coded.pk).update(lead="Chief Constable")  # a colleague's edit

    stale = confirm(alice_client, preview)

    assert stale.status_code == 200
    text = page_text(stale)
    assert "The data changed after the preview was made, so nothing was written." in text
    assert "Lead Chief Constable → changes to Head of People" in text  # the new preview
    coded.refresh_from_db()
    assert coded.title == "Recruit and retain Black officers" and coded.lead == "Chief Constable"

    confirm(alice_client, stale)  # confirming the fresh preview imports it

    coded.refresh_from_db()
    assert (coded.title, coded.lead) == (
        "Recruit, retain and promote Black officers",
        "Head of People",
    )


def test_a_confirmation_without_its_fingerprint_writes_nothing(alice_client, plan_a):
    url = preview_url(upload_plan(alice_client, plan_a, edited_plan(plan_a)))
    before = database_state()

    response = alice_client.post(url, {})

    assert response.status_code == 200
    assert "This page was out of date, so nothing was written." in page_text(response)
    assert database_state() == before


def test_confirming_twice_imports_once(alice_client, plan_a):
    url = preview_url(upload_plan(alice_client, plan_a, edited_plan(plan_a)))
    preview = alice_client.get(url)
    confirm(alice_client, preview)
    after_first = database_state()

    again = confirm(alice_client, preview)

    assert again.status_code == 302
    assert database_state() == after_first
    assert "already been imported" in page_text(alice_client.get(again["Location"]))


def test_cancel_forgets_the_upload_and_writes_nothing(alice_client, plan_a):
    url = preview_url(upload_plan(alice_client, plan_a, edited_plan(plan_a)))
    preview = alice_client.get(url)
    before = database_state()
    token = url.rstrip("/").rsplit("/", 1)[1]

    cancelled = alice_client.post(f"/staff/plans/{plan_a.pk}/import/cancel/{token}/")

    assert cancelled.status_code == 302
    assert "cancelled: nothing was changed" in page_text(alice_client.get(cancelled["Location"]))
    gone = confirm(alice_client, preview)
    assert gone.status_code == 302 and gone["Location"] == f"/staff/plans/{plan_a.pk}/import/plan/"
    assert database_state() == before
    assert "no longer waiting to be imported" in page_text(alice_client.get(gone["Location"]))


def test_an_upload_is_forgotten_after_two_hours(alice_client, plan_a):
    import datetime as dt

    from actions.upload_models import StoredUpload

    url = preview_url(upload_plan(alice_client, plan_a, edited_plan(plan_a)))
    for stored in StoredUpload.objects.all():
        stored.saved_at -= dt.timedelta(hours=2, seconds=1)
        stored.save()

    response = alice_client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/staff/plans/{plan_a.pk}/import/plan/"


def test_waiting_uploads_are_kept_out_of_the_session(alice_client, plan_a):
    """The session is loaded and saved by every request: a waiting file must not be in it."""
    from django.contrib.sessions.models import Session

    from actions.upload_models import StoredUpload

    for _ in range(3):
        upload_plan(alice_client, plan_a, edited_plan(plan_a))
    session = Session.objects.get(pk=alice_client.session.session_key)
    assert len(session.session_data) < 2_000
    assert StoredUpload.objects.count() == 3
    # A fourth forgets the oldest.
    upload_plan(alice_client, plan_a, edited_plan(plan_a))
    assert StoredUpload.objects.count() == 3
