"""Re-planning: a published deliverable keeps its original commitment, and every later change
to its quarters, title or "We will" text is a dated entry, with the force's reason when the
change matters (the due quarter moving later, a material change of wording). The same rule
on every write path: the staff form, the plan import and the admin.
"""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from actions.forms import DeliverableForm
from actions.models import CommitmentChange, Deliverable, refresh_trend_figures
from actions.replanning import Commitment, is_material, reason_needed, wording
from actions.spreadsheets.exports import export_plan
from actions.spreadsheets.preview import ImportRefused, apply_import
from plans.models import Plan
from plans.quarters import Quarter
from tests.actions.conftest import csv_bytes, csv_rows, database_state, plan_preview
from tests.factories import DeliverableFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 10, 30, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def commitment(**changes) -> Commitment:
    values = {
        "start_quarter": Quarter(2025, 1),
        "due_quarter": Quarter(2025, 2),
        "title": "Reform use of stop and search",
        "description": "We will review every search.",
    }
    return Commitment(**{**values, **changes})


def published_deliverable(**fields) -> Deliverable:
    plan = PlanFactory(
        first_quarter=Quarter(2024, 1), last_quarter=Quarter(2027, 4), is_published=False
    )
    deliverable = DeliverableFactory(
        plan=plan,
        title="Reform use of stop and search",
        description="We will review every search.",
        start_quarter=Quarter(2025, 1),
        due_quarter=Quarter(2025, 2),
        **fields,
    )
    Plan.objects.filter(pk=plan.pk).update(is_published=True)
    Deliverable.objects.filter(plan=plan).record_first_publication(NOW)
    # What publishing a plan does to the trend (an update() sends no save signal).
    refresh_trend_figures([plan.force_id])
    return Deliverable.objects.select_related("plan").get(pk=deliverable.pk)


# What counts as material --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "material"),
    [
        ("Reform stop and search", "Reform stop and search", False),
        ("Reform stop and search", "reform STOP and search.", False),
        ("Reform stop-and-search", "Reform stop and search", False),
        ("We will  review\nevery search", "We will review every search!", False),
        ("Reform stop and search", "Reform use of force", True),
        ("We will review every search", "We will review some searches", True),
        ("", "We will review every search", True),
    ],
)
def test_only_more_than_case_punctuation_or_spacing_is_material(before, after, material):
    assert is_material(before, after) is material


@given(st.text(max_size=60))
def test_wording_ignores_case_spacing_and_punctuation(text):
    assert wording(f"  {text.casefold()}. ") == wording(text)
    assert is_material(text, text + " ,") is False


@pytest.mark.parametrize(
    ("after", "needs"),
    [
        (commitment(), []),
        (commitment(due_quarter=Quarter(2026, 4)), ["due quarter moves later"]),
        (commitment(due_quarter=Quarter(2025, 1)), []),  # earlier: good news, no reason needed
        (commitment(start_quarter=Quarter(2025, 2)), []),
        (commitment(title="Reform use of stop and search."), []),
        (commitment(title="Reform use of force"), ["title changes"]),
        (commitment(description="We will review some searches."), ['"We will" text changes']),
    ],
)
def test_a_reason_is_needed_for_a_later_due_quarter_or_new_wording(after, needs):
    found = reason_needed(commitment(), after)
    assert len(found) == len(needs)
    for need, text in zip(needs, found, strict=True):
        assert need in text


# The original commitment -------------------------------------------------------------------


def test_publishing_a_plan_keeps_each_deliverables_original_commitment():
    deliverable = published_deliverable()
    assert deliverable.first_published_at == NOW
    assert deliverable.original_commitment == commitment()


def test_a_draft_has_no_original_commitment_and_changes_freely():
    plan = PlanFactory(is_published=False)
    deliverable = DeliverableFactory(plan=plan, due_quarter=Quarter(2024, 2))
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2025, 4)
    deliverable.title = "Something else entirely"
    assert deliverable.replanning_problem(deliverable.commitment, "") == ""
    assert deliverable.record_replanning(before, None, NOW) == []
    assert deliverable.first_published_at is None
    assert deliverable.original_commitment is None


def test_a_deliverable_added_to_a_published_plan_is_first_published_when_created():
    plan = PlanFactory(is_published=True)
    deliverable = Deliverable(
        plan=plan,
        workstream=DeliverableFactory(plan=plan).workstream,
        title="New",
        description="We will start.",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 3),
    )
    assert deliverable.record_replanning(None, None, NOW) == []
    assert deliverable.first_published_at == NOW
    assert deliverable.original_due_quarter == Quarter(2024, 3)
    assert deliverable.original_title == "New"


def test_publishing_again_keeps_the_first_original():
    deliverable = published_deliverable()
    Deliverable.objects.filter(pk=deliverable.pk).update(due_quarter=Quarter(2025, 1))
    Deliverable.objects.filter(plan=deliverable.plan).record_first_publication(LATER)
    deliverable.refresh_from_db()
    assert (deliverable.first_published_at, deliverable.original_due_quarter) == (
        NOW,
        Quarter(2025, 2),
    )


def test_a_published_deliverable_without_a_recorded_original_keeps_its_saved_values():
    # A plan published by a path that did not record the originals (older data).
    deliverable = DeliverableFactory(
        plan=PlanFactory(is_published=True), due_quarter=Quarter(2024, 2)
    )
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2025, 1)
    entries = deliverable.record_replanning(before, None, NOW, "Funding moved")
    assert deliverable.original_due_quarter == Quarter(2024, 2)
    assert [(e.field, e.was, e.became) for e in entries] == [("due_quarter", "2024-Q2", "2025-Q1")]


# Dated entries and the reason --------------------------------------------------------------


def test_moving_the_due_quarter_later_needs_a_reason():
    deliverable = published_deliverable()
    problem = deliverable.replanning_problem(commitment(due_quarter=Quarter(2026, 4)), " ")
    assert problem == (
        "Give the reason for this change (the public will read it): the due quarter moves "
        "later, from Q2 2025/26 to Q4 2026/27."
    )
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2026, 4)
    with pytest.raises(ValidationError) as refused:
        deliverable.record_replanning(before, None, NOW, "")
    assert "replanning_reason" in refused.value.message_dict


def test_each_changed_field_is_a_dated_entry_with_who_and_why():
    deliverable = published_deliverable()
    user = UserFactory(email="dana@example.com")
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2026, 4)
    deliverable.title = "Reform use of stop and search and strip search"
    deliverable.description = "We will review every search."  # unchanged
    entries = deliverable.record_replanning(before, user, LATER, "  The new IT system slipped. ")
    deliverable.save()
    CommitmentChange.save_all(entries)
    saved = list(deliverable.commitment_changes.all())
    assert [(e.field, e.was_shown, e.became_shown) for e in saved] == [
        ("due_quarter", "Q2 2025/26", "Q4 2026/27"),
        (
            "title",
            "Reform use of stop and search",
            "Reform use of stop and search and strip search",
        ),
    ]
    assert {(e.made_at, e.made_by, e.reason) for e in saved} == {
        (LATER, user, "The new IT system slipped.")
    }
    deliverable.refresh_from_db()
    assert deliverable.original_commitment == commitment()  # never moves


def test_a_spelling_fix_is_recorded_without_a_reason():
    deliverable = published_deliverable()
    before = deliverable.commitment
    deliverable.title = "Reform use of stop-and-search"
    entries = deliverable.record_replanning(before, None, LATER)
    assert [(e.field, e.reason) for e in entries] == [("title", "")]


def test_bringing_the_due_quarter_forward_needs_no_reason():
    deliverable = published_deliverable()
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2025, 1)
    deliverable.start_quarter = Quarter(2024, 4)
    entries = deliverable.record_replanning(before, None, LATER)
    assert [e.field for e in entries] == ["start_quarter", "due_quarter"]


# Re-planned and overdue ---------------------------------------------------------------------


def test_overdue_is_measured_against_both_due_quarters():
    deliverable = published_deliverable()
    Deliverable.objects.filter(pk=deliverable.pk).update(due_quarter=Quarter(2026, 4))
    deliverable.refresh_from_db()
    in_q4_2025 = dt.date(2026, 1, 15)  # after the original Q2 2025/26, before Q4 2026/27
    assert deliverable.is_replanned and deliverable.due_moved
    assert not deliverable.is_overdue(in_q4_2025, "on_track")
    assert deliverable.is_past_original_due(in_q4_2025, "on_track")
    assert not deliverable.is_past_original_due(in_q4_2025, "complete")
    assert not deliverable.is_past_original_due(dt.date(2025, 9, 30), "on_track")
    assert deliverable.is_overdue(dt.date(2027, 4, 1), "at_risk")


def test_the_replanning_annotations_agree_with_the_model():
    deliverable = published_deliverable()
    Deliverable.objects.filter(pk=deliverable.pk).update(due_quarter=Quarter(2026, 4))
    untouched = DeliverableFactory(plan=deliverable.plan, due_quarter=Quarter(2024, 2))
    Deliverable.objects.filter(pk=untouched.pk).record_first_publication(NOW)
    counts = Deliverable.objects.filter(plan=deliverable.plan).replanning_counts_by(
        "plan__force", dt.date(2026, 1, 15)
    )
    assert counts == {
        deliverable.plan.force_id: {"replanned": 1, "overdue": 1, "past_original_due": 2}
    }


def test_the_staff_form_is_not_given_a_reason_field_for_a_draft():
    plan = PlanFactory(is_published=False)
    deliverable = DeliverableFactory(plan=plan)
    assert "replanning_reason" not in DeliverableForm(plan=plan, instance=deliverable).fields
    published = published_deliverable()
    assert "replanning_reason" in DeliverableForm(plan=published.plan, instance=published).fields


# Every write path: the staff form and the admin ----------------------------------------------


def edit_data(deliverable, **changes):
    data = {
        "version": deliverable.version,
        "workstream": deliverable.workstream_id,
        "reference": deliverable.reference,
        "title": deliverable.title,
        "description": deliverable.description,
        "lead": deliverable.lead,
        "start_quarter": deliverable.start_quarter.compact,
        "due_quarter": deliverable.due_quarter.compact,
    }
    return {**data, **changes}


@pytest.fixture
def own_deliverable(force_a):
    deliverable = published_deliverable()
    Plan.objects.filter(pk=deliverable.plan_id).update(force=force_a)
    refresh_trend_figures([deliverable.plan.force_id, force_a.pk])  # the plan moved forces
    return Deliverable.objects.select_related("plan__force").get(pk=deliverable.pk)


def test_the_staff_form_refuses_a_later_due_quarter_without_a_reason_and_keeps_the_typing(
    client, alice, own_deliverable
):
    client.force_login(alice)
    response = client.post(
        f"/staff/deliverables/{own_deliverable.pk}/edit/",
        edit_data(own_deliverable, due_quarter="2026-Q4", lead="Typed lead"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "the due quarter moves later, from Q2 2025/26 to Q4 2026/27" in html
    assert 'href="#id_replanning_reason"' in html
    assert "Typed lead" in html
    own_deliverable.refresh_from_db()
    assert own_deliverable.due_quarter == Quarter(2025, 2)
    assert not own_deliverable.commitment_changes.exists()


def test_the_staff_form_saves_a_reasoned_change_as_a_dated_entry(client, alice, own_deliverable):
    client.force_login(alice)
    response = client.post(
        f"/staff/deliverables/{own_deliverable.pk}/edit/",
        edit_data(own_deliverable, due_quarter="2026-Q4", replanning_reason="Supplier failed."),
    )
    assert response.status_code == 302
    (entry,) = own_deliverable.commitment_changes.all()
    assert (entry.field, entry.was, entry.became, entry.reason, entry.made_by) == (
        "due_quarter",
        "2025-Q2",
        "2026-Q4",
        "Supplier failed.",
        alice,
    )
    own_deliverable.refresh_from_db()
    assert own_deliverable.original_due_quarter == Quarter(2025, 2)


def test_editing_a_draft_on_the_staff_form_records_nothing(client, alice, force_a):
    plan = PlanFactory(force=force_a, is_published=False)
    draft = DeliverableFactory(plan=plan, due_quarter=Quarter(2024, 2))
    client.force_login(alice)
    response = client.post(
        f"/staff/deliverables/{draft.pk}/edit/",
        edit_data(draft, due_quarter="2025-Q4", title="Quite different"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.first_published_at) == ("Quite different", None)
    assert not CommitmentChange.objects.exists()


def test_publishing_a_plan_on_the_staff_pages_keeps_the_original_commitments(
    client, alice, force_a
):
    plan = PlanFactory(force=force_a, is_published=False)
    draft = DeliverableFactory(plan=plan, due_quarter=Quarter(2024, 3))
    client.force_login(alice)
    response = client.post(
        f"/staff/plans/{plan.pk}/publish/", {"publish": "1", "version": plan.version}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.first_published_at is not None
    assert draft.original_due_quarter == Quarter(2024, 3)


def admin_data(deliverable, **changes):
    data = {
        "plan": deliverable.plan_id,
        "workstream": deliverable.workstream_id,
        "reference": deliverable.reference,
        "title": deliverable.title,
        "description": deliverable.description,
        "lead": deliverable.lead,
        "start_quarter": deliverable.start_quarter.compact,
        "due_quarter": deliverable.due_quarter.compact,
        "order": deliverable.order,
        "withdrawn_reason": "",
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "commitment_changes-TOTAL_FORMS": 0,
        "commitment_changes-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


def test_the_admin_applies_the_same_rule(client, sam):
    deliverable = published_deliverable()
    client.force_login(sam)
    url = f"/admin/actions/deliverable/{deliverable.pk}/change/"
    response = client.post(url, admin_data(deliverable, title="A different commitment"))
    assert response.status_code == 200
    assert "the title changes" in response.content.decode()
    response = client.post(
        url, admin_data(deliverable, title="A different commitment", replanning_reason="Merged.")
    )
    assert response.status_code == 302
    (entry,) = deliverable.commitment_changes.all()
    assert (entry.field, entry.became, entry.reason, entry.made_by) == (
        "title",
        "A different commitment",
        "Merged.",
        sam,
    )


def test_the_migration_backfills_public_deliverables_from_their_plans_first_publication():
    backfill = import_module("actions.migrations.0003_backfill_original_commitment").backfill
    draft = DeliverableFactory(plan=PlanFactory(is_published=False))
    public = DeliverableFactory(plan=PlanFactory(is_published=True), due_quarter=Quarter(2024, 3))
    backfill(apps, None)
    draft.refresh_from_db()
    public.refresh_from_db()
    assert draft.first_published_at is None
    assert public.first_published_at is not None
    assert public.original_commitment == public.commitment


# The plan import -----------------------------------------------------------------------------


def import_rows(plan):
    return csv_rows(export_plan(plan, "csv")[0].data)


def row_for(rows, reference):
    return next(row for row in rows[1:] if row[0] == reference)


def cell(rows, heading):
    return rows[0].index(heading)


def test_the_import_refuses_a_later_due_quarter_without_a_reason_naming_row_and_column(
    plan_a, alice
):
    rows = import_rows(plan_a)
    row_for(rows, "R-01")[cell(rows, "Due quarter")] = "2025-Q4"
    state = database_state()
    preview = plan_preview(plan_a, csv_bytes(rows))
    assert [str(problem) for problem in preview.errors] == [
        'Plan, row 2, column "Reason for change" (K): Give the reason for this change (the '
        "public will read it): the due quarter moves later, from Q4 2024/25 to Q4 2025/26."
    ]
    with pytest.raises(ImportRefused):
        apply_import(preview, user=alice, now=NOW)
    assert database_state() == state
    assert not CommitmentChange.objects.exists()


def test_the_import_records_a_reasoned_change_as_a_dated_entry(plan_a, alice):
    rows = import_rows(plan_a)
    row = row_for(rows, "R-01")
    row[cell(rows, "Due quarter")] = "2025-Q4"
    row[cell(rows, "Title")] = "Recruit, retain and promote Black officers"
    row[cell(rows, "Reason for change")] = "The promotion review joined this work."
    preview = plan_preview(plan_a, csv_bytes(rows))
    assert preview.is_valid
    assert preview.rows[0].note == "Reason for change: The promotion review joined this work."
    apply_import(preview, user=alice, now=NOW)
    coded = plan_a.deliverables.get(reference="R-01")
    entries = list(coded.commitment_changes.all())
    assert [(e.field, e.was, e.became) for e in entries] == [
        ("due_quarter", "2024-Q4", "2025-Q4"),
        (
            "title",
            "Recruit and retain Black officers",
            "Recruit, retain and promote Black officers",
        ),
    ]
    assert {(e.made_by, e.made_at, e.reason) for e in entries} == {
        (alice, NOW, "The promotion review joined this work.")
    }
    assert coded.original_due_quarter == Quarter(2024, 4)
    assert coded.original_title == "Recruit and retain Black officers"


def test_the_import_changes_a_draft_plan_freely(plan_a, alice):
    Plan.objects.filter(pk=plan_a.pk).update(is_published=False)
    plan_a.refresh_from_db()
    rows = import_rows(plan_a)
    row_for(rows, "R-01")[cell(rows, "Due quarter")] = "2025-Q4"
    preview = plan_preview(plan_a, csv_bytes(rows))
    assert preview.is_valid
    apply_import(preview, user=alice, now=NOW)
    assert plan_a.deliverables.get(reference="R-01").due_quarter == Quarter(2025, 4)
    assert not CommitmentChange.objects.exists()


def test_a_deliverable_imported_into_a_published_plan_is_first_published_then(plan_a, alice):
    rows = import_rows(plan_a)
    rows.append(["N-01", "Involved", "Listening events", "", "", "2025-Q1", "2025-Q2"])
    apply_import(plan_preview(plan_a, csv_bytes(rows)), user=alice, now=NOW)
    added = plan_a.deliverables.get(reference="N-01")
    assert (added.first_published_at, added.original_due_quarter) == (NOW, Quarter(2025, 2))


def test_a_reason_with_nothing_to_explain_is_a_note_not_kept(plan_a):
    rows = import_rows(plan_a)
    row_for(rows, "R-01")[cell(rows, "Lead")] = "Head of HR"
    row_for(rows, "R-01")[cell(rows, "Reason for change")] = "New lead."
    preview = plan_preview(plan_a, csv_bytes(rows))
    assert preview.is_valid
    assert [str(w) for w in preview.rows[0].warnings] == [
        'Plan, row 2, column "Reason for change" (K): This row changes no quarter, title or '
        "description, so its reason for change is not kept."
    ]


def test_the_staff_deliverable_page_shows_the_original_commitment_and_changes(
    client, alice, own_deliverable
):
    client.force_login(alice)
    client.post(
        f"/staff/deliverables/{own_deliverable.pk}/edit/",
        edit_data(own_deliverable, due_quarter="2026-Q4", replanning_reason="Supplier failed."),
    )
    html = client.get(f"/staff/deliverables/{own_deliverable.pk}/").content.decode()
    assert "Original commitment" in html
    assert "Supplier failed." in html
