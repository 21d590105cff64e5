"""One rule for each write: the update page, the return page, the spreadsheet imports and the
admin save an update, a deliverable or a milestone by the same rules (who and when, evidence
links, what was done before publishing, the plan's quarters, the version).
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status, narrative_problem
from actions.spreadsheets.exports import export_plan, export_return
from actions.spreadsheets.preview import ImportRefused, Outcome, apply_import
from plans.quarters import Quarter
from tests.actions.conftest import (
    csv_bytes,
    csv_rows,
    database_state,
    messages,
    plan_preview,
    return_preview,
)
from tests.factories import DeliverableFactory, QuarterlyUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = 6  # the column of the return's evidence links


@pytest.fixture
def carol(force_a):
    return UserFactory(
        email="carol@force-a.example",
        full_name="Carol Carter",
        role=User.Role.COORDINATOR,
        force=force_a,
    )


def return_rows(plan, quarter) -> list[list[str]]:
    return csv_rows(export_return(plan, quarter, "csv").data)


def plan_rows(plan) -> list[list[str]]:
    plan_file, _ = export_plan(plan, "csv")
    return csv_rows(plan_file.data)


def row_of(rows: list[list[str]], reference: str) -> list[str]:
    return next(row for row in rows if row[0] == reference)


def links(count: int) -> str:
    return "\n".join(f"https://force-a.example/evidence/{n}" for n in range(count))


# Who and when ------------------------------------------------------------------------------


def test_an_imported_change_records_the_importer_as_last_saved_by(
    plan_a, return_a, alice, carol, client
):
    update = QuarterlyUpdate.objects.get(deliverable__reference="R-01", quarter=return_a)
    QuarterlyUpdate.objects.filter(pk=update.pk).update(author=carol)
    rows = return_rows(plan_a, return_a)
    row_of(rows, "R-01")[4] = "Ran three open days."
    moment = timezone.now()

    apply_import(return_preview(plan_a, return_a, csv_bytes(rows)), user=alice, now=moment)

    update.refresh_from_db()
    assert update.author == alice
    assert update.updated_at == moment
    assert update.corrected_at == moment
    client.force_login(alice)
    page = client.get(f"/staff/deliverables/{update.deliverable_id}/").content.decode()
    assert f"Last saved by {alice.get_full_name()}" in page
    assert "Carol Carter" not in page


def test_an_imported_new_update_records_the_importer_as_its_author(plan_a, return_a, alice):
    new = DeliverableFactory(plan=plan_a, reference="R-02", start_quarter=Quarter(2024, 1))
    rows = return_rows(plan_a, return_a)
    row_of(rows, "R-02")[3] = "On track"

    apply_import(return_preview(plan_a, return_a, csv_bytes(rows)), user=alice, now=timezone.now())

    assert QuarterlyUpdate.objects.get(deliverable=new).author == alice


# Evidence links ----------------------------------------------------------------------------


def test_an_import_is_refused_with_more_evidence_links_than_the_form_allows(
    plan_a, return_a, alice
):
    rows = return_rows(plan_a, return_a)
    row = row_of(rows, "R-01")
    row[EVIDENCE] = links(21)
    before = database_state()

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    number = rows.index(row) + 1
    assert messages(preview) == [
        f'Return, row {number}, column "Evidence links" (G): There are 21 evidence links; '
        "the most allowed is 20. Link to fewer pages, or to one page that lists them."
    ]
    with pytest.raises(ImportRefused):
        apply_import(preview, user=alice, now=timezone.now())
    assert database_state() == before


def test_an_import_is_refused_with_an_evidence_link_the_form_would_refuse(plan_a, return_a, alice):
    rows = return_rows(plan_a, return_a)
    row = row_of(rows, "R-01")
    long_link = "https://force-a.example/" + "a" * 480
    row[EVIDENCE] = long_link
    before = database_state()

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    number = rows.index(row) + 1
    assert messages(preview) == [
        f'Return, row {number}, column "Evidence links" (G): The link '
        f'"{long_link[:59]}…" is 504 characters long; the most allowed for a link is 500.'
    ]
    with pytest.raises(ImportRefused):
        apply_import(preview, user=alice, now=timezone.now())
    assert database_state() == before


def test_twenty_evidence_links_are_accepted_by_the_import_as_by_the_form(plan_a, return_a):
    rows = return_rows(plan_a, return_a)
    row_of(rows, "R-01")[EVIDENCE] = links(20)

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    assert preview.is_valid
    assert [row.outcome for row in preview.rows if row.reference == "R-01"] == [Outcome.CHANGED]


# What was done, before publishing ----------------------------------------------------------

SAY_WHAT_WAS_DONE = (
    "Say what was done: an update that is \u201cComplete\u201d needs it before it is published"
)
DONE = 4  # the column of the return's "What was done"


@pytest.fixture
def draft(plan_a, return_a):
    """The uncoded deliverable's draft update for the return's quarter (At risk)."""
    return QuarterlyUpdate.objects.get(deliverable__reference="", quarter=return_a)


def test_the_rule_is_worded_once_for_every_status_that_needs_it():
    assert narrative_problem(Status.COMPLETE, " \n ") == SAY_WHAT_WAS_DONE
    assert narrative_problem(Status.AT_RISK, "").startswith(
        "Say what was done: an update that is \u201cAt risk\u201d"
    )
    assert narrative_problem(Status.OFF_TRACK, "")
    assert narrative_problem(Status.COMPLETE, "Scheme launched.") == ""
    assert narrative_problem(Status.ON_TRACK, "") == ""
    assert narrative_problem(Status.NOT_STARTED, "") == ""


def test_the_update_page_refuses_to_publish_complete_without_what_was_done(draft, alice, client):
    before = database_state()
    client.force_login(alice)

    response = client.post(
        f"/staff/updates/{draft.pk}/edit/",
        {"status": Status.COMPLETE, "done": "", "action": "publish", "version": draft.version},
    )

    assert response.status_code == 200
    assert SAY_WHAT_WAS_DONE in response.content.decode()
    assert database_state() == before


def test_the_return_page_refuses_to_publish_complete_without_what_was_done(
    plan_a, return_a, draft, alice, client
):
    before = database_state()
    client.force_login(alice)
    prefix = f"d{draft.deliverable_id}"

    response = client.post(
        f"/staff/forces/{plan_a.force.slug}/return/?quarter={return_a.compact}",
        {
            "action": "publish",
            "return_quarter": return_a.compact,
            f"{prefix}-version": draft.version,
            f"{prefix}-status": Status.COMPLETE,
            f"{prefix}-done": "",
            f"{prefix}-publish": "on",
        },
    )

    assert response.status_code == 200
    assert SAY_WHAT_WAS_DONE in response.content.decode()
    assert database_state() == before


def test_the_return_import_refuses_to_publish_complete_without_what_was_done(
    plan_a, return_a, alice
):
    rows = return_rows(plan_a, return_a)
    row = next(row for row in rows if row[2] == return_a.compact and row[3] == "At risk")
    row[3], row[DONE] = "Complete", ""
    before = database_state()

    preview = return_preview(plan_a, return_a, csv_bytes(rows), publish=True)

    number = rows.index(row) + 1
    assert messages(preview) == [
        f'Return, row {number}, column "What was done" (E): {SAY_WHAT_WAS_DONE}'
    ]
    with pytest.raises(ImportRefused):
        apply_import(preview, user=alice, now=timezone.now())
    assert database_state() == before


def test_the_admin_refuses_a_published_update_without_what_was_done(plan_a, return_a, sam, client):
    update = QuarterlyUpdate.objects.get(deliverable__reference="R-01", quarter=return_a)
    before = database_state()
    client.force_login(sam)

    response = client.post(
        f"/admin/actions/quarterlyupdate/{update.pk}/change/",
        update_admin_form(update, status=Status.COMPLETE, done=""),
    )

    assert response.status_code == 200
    assert SAY_WHAT_WAS_DONE in response.content.decode()
    assert database_state() == before


def test_recording_a_publication_without_what_was_done_is_refused_and_changes_nothing(draft, alice):
    draft.status, draft.done = Status.COMPLETE, ""
    author = draft.author

    with pytest.raises(ValidationError) as refused:
        draft.record(alice, timezone.now(), publish=True)

    assert refused.value.message_dict == {"done": [SAY_WHAT_WAS_DONE]}
    assert draft.published_at is None and draft.author == author
    assert draft.record(alice, timezone.now()) == "draft"  # a draft may be unfinished


# The plan's quarters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "letter", "quarter"),
    [("Start quarter", "F", "2023-Q4"), ("Due quarter", "G", "2026-Q1")],
)
def test_a_plan_import_is_refused_with_a_deliverable_outside_the_plans_quarters(
    plan_a, alice, column, letter, quarter
):
    rows = plan_rows(plan_a)
    row = row_of(rows, "R-01")
    row[rows[0].index(column)] = quarter
    before = database_state()

    preview = plan_preview(plan_a, csv_bytes(rows))

    number = rows.index(row) + 1
    assert messages(preview) == [
        f'Plan, row {number}, column "{column}" ({letter}): {column} must be within the '
        "plan's period, Q1 2024/25 to Q4 2025/26."
    ]
    with pytest.raises(ImportRefused):
        apply_import(preview, user=alice, now=timezone.now())
    assert database_state() == before


def test_a_plan_import_is_refused_with_a_milestone_outside_the_plans_quarters(plan_a, alice):
    plan_file, milestones_file = export_plan(plan_a, "csv")
    plan, milestones = csv_rows(plan_file.data), csv_rows(milestones_file.data)
    milestones.append(["R-01", "", "Second cohort", "2026-Q2", ""])
    before = database_state()

    preview = plan_preview(plan_a, csv_bytes(plan), milestones=csv_bytes(milestones))

    assert messages(preview) == [
        f'Milestones, row {len(milestones)}, column "Due quarter" (D): Due quarter must be '
        "within the plan's period, Q1 2024/25 to Q4 2025/26."
    ]
    with pytest.raises(ImportRefused):
        apply_import(preview, user=alice, now=timezone.now())
    assert database_state() == before


def test_the_milestone_form_refuses_a_due_quarter_outside_the_plans_quarters(plan_a, alice, client):
    deliverable = plan_a.deliverables.get(reference="R-01")
    client.force_login(alice)

    response = client.post(
        f"/staff/deliverables/{deliverable.pk}/milestones/new/",
        {"title": "Second cohort", "due_quarter": "2026-Q2", "version": "0"},
    )

    assert response.status_code == 200
    assert "Due quarter must be within the plan&#x27;s period" in response.content.decode()
    assert not Milestone.objects.filter(title="Second cohort").exists()


# The admin ---------------------------------------------------------------------------------


def update_admin_form(update, **changes) -> dict:
    published = timezone.localtime(update.published_at)
    form = {
        "deliverable": update.deliverable_id,
        "quarter": str(update.quarter),
        "status": update.status,
        "done": update.done,
        "next": update.next,
        "evidence": update.evidence,
        "published_at_0": published.date().isoformat(),
        "published_at_1": published.time().strftime("%H:%M:%S"),
    }
    return form | changes


def test_the_admin_refuses_more_evidence_links_than_the_form_allows(plan_a, return_a, sam, client):
    update = QuarterlyUpdate.objects.get(deliverable__reference="R-01", quarter=return_a)
    before = database_state()
    client.force_login(sam)

    response = client.post(
        f"/admin/actions/quarterlyupdate/{update.pk}/change/",
        update_admin_form(update, evidence=links(21)),
    )

    assert response.status_code == 200
    assert "Enter 20 evidence links or fewer (there are 21)" in response.content.decode()
    assert database_state() == before


def test_an_admin_edit_records_who_saved_it_marks_the_correction_and_moves_the_version_on(
    plan_a, return_a, sam, carol, client
):
    update = QuarterlyUpdate.objects.get(deliverable__reference="R-01", quarter=return_a)
    QuarterlyUpdate.objects.filter(pk=update.pk).update(author=carol)
    client.force_login(sam)

    response = client.post(
        f"/admin/actions/quarterlyupdate/{update.pk}/change/",
        update_admin_form(update, done="Ran three open days."),
    )

    assert response.status_code == 302
    saved = QuarterlyUpdate.objects.get(pk=update.pk)
    assert saved.done == "Ran three open days."
    assert saved.author == sam
    assert saved.corrected_at is not None
    assert saved.version == update.version + 1


def test_the_admin_refuses_a_deliverable_outside_the_plans_quarters(plan_a, sam, client):
    deliverable = DeliverableFactory(plan=plan_a, reference="R-09")
    before = database_state()
    form = {
        "plan": plan_a.pk,
        "workstream": deliverable.workstream_id,
        "reference": "R-09",
        "title": deliverable.title,
        "description": "",
        "lead": "",
        "start_quarter": "2023-Q4",
        "due_quarter": str(deliverable.due_quarter),
        "order": "0",
        "withdrawn_at": "",
        "withdrawn_reason": "",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    client.force_login(sam)

    response = client.post(f"/admin/actions/deliverable/{deliverable.pk}/change/", form)

    assert response.status_code == 200
    assert "Start quarter must be within the plan&#x27;s period" in response.content.decode()
    assert database_state() == before
    assert Deliverable.objects.get(pk=deliverable.pk).start_quarter == deliverable.start_quarter


def test_the_update_page_and_the_import_store_the_same_evidence_text(plan_a, return_a, alice):
    draft = QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=plan_a, reference="R-03"),
        quarter=return_a,
        published_at=None,
        evidence="",
    )
    rows = return_rows(plan_a, return_a)
    row_of(rows, "R-03")[EVIDENCE] = "https://force-a.example/a https://force-a.example/b"

    apply_import(return_preview(plan_a, return_a, csv_bytes(rows)), user=alice, now=timezone.now())

    draft.refresh_from_db()
    assert draft.evidence == "https://force-a.example/a\nhttps://force-a.example/b"
    draft.full_clean()
