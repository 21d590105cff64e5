"""Importing a plan from a spreadsheet: preview, apply, history, and force isolation."""

import datetime as dt

import pytest

from actions.models import Deliverable, Milestone
from actions.spreadsheets.exports import export_plan
from actions.spreadsheets.plan_import import PlanImport
from actions.spreadsheets.preview import ImportConflict, ImportRefused, Outcome, apply_import
from plans.quarters import Quarter
from tests.actions.conftest import (
    csv_bytes,
    csv_rows,
    database_state,
    messages,
    now,
    plan_preview,
    read,
)

pytestmark = pytest.mark.django_db


def exported_csv(plan):
    plan_file, milestones_file = export_plan(plan, "csv")
    return plan_file.data, milestones_file.data


def column(rows, heading):
    return rows[0].index(heading)


def row_of(rows, reference):
    return next(row for row in rows[1:] if row[0] == reference)


def test_an_exported_plan_imported_unchanged_has_no_changes(plan_a):
    plan_data, milestones_data = exported_csv(plan_a)

    preview = plan_preview(plan_a, plan_data, milestones=milestones_data)

    assert preview.is_valid
    assert not preview.has_changes
    assert preview.counts.unchanged == 3 + 3
    assert [row.outcome for row in preview.rows] == [Outcome.UNCHANGED] * 6


def test_the_export_lists_every_deliverable_with_its_code_or_number(plan_a):
    rows = csv_rows(exported_csv(plan_a)[0])
    uncoded = plan_a.deliverables.get(reference="")

    assert rows[0] == [
        "Reference",
        "Workstream",
        "Title",
        "Description",
        "Lead",
        "Start quarter",
        "Due quarter",
        "National actions",
        "Withdrawn",
        "Withdrawal reason",
        "Reason for change",
    ]
    assert rows[1] == [
        "R-01",
        "Represented",
        "Recruit and retain Black officers",
        "We will widen recruitment.\nWe will mentor new recruits.",
        "Head of People",
        "2024-Q1",
        "2024-Q4",
        "R1, R2",
        "no",
        "",
        "",
    ]
    assert rows[2][0] == str(uncoded.pk)
    assert rows[3][0] == "I-09"
    assert rows[3][8:] == ["yes", "Merged into the scrutiny panel.", ""]


def test_three_edited_cells_change_exactly_those_three_fields(plan_a, alice):
    plan_data, milestones_data = exported_csv(plan_a)
    rows = csv_rows(plan_data)
    uncoded = plan_a.deliverables.get(reference="")
    row_of(rows, "R-01")[column(rows, "Title")] = "Recruit, retain and promote Black officers"
    row_of(rows, "R-01")[column(rows, "Reason for change")] = "Promotion added."
    row_of(rows, str(uncoded.pk))[column(rows, "Due quarter")] = "Q2 2025/26"
    row_of(rows, str(uncoded.pk))[column(rows, "Reason for change")] = "Reviews take longer."
    row_of(rows, "I-09")[column(rows, "Lead")] = "Head of Engagement"
    before = {d.pk: d for d in Deliverable.objects.all()}

    preview = plan_preview(plan_a, csv_bytes(rows), milestones=milestones_data)

    changes = {
        (row.reference, change.field, change.old, change.new)
        for row in preview.rows
        for change in row.changes
    }
    assert changes == {
        (
            "R-01",
            "Title",
            "Recruit and retain Black officers",
            "Recruit, retain and promote Black officers",
        ),
        (str(uncoded.pk), "Due quarter", "Q1 2025/26", "Q2 2025/26"),
        ("I-09", "Lead", "", "Head of Engagement"),
    }
    assert preview.counts.changed == 3

    apply_import(preview, user=alice, now=now())

    after = {d.pk: d for d in Deliverable.objects.all()}
    changed_fields = {
        (pk, name)
        for pk in before
        for name in ("title", "description", "lead", "start_quarter", "due_quarter")
        if getattr(before[pk], name) != getattr(after[pk], name)
    }
    coded, withdrawn = (plan_a.deliverables.get(reference=r).pk for r in ("R-01", "I-09"))
    assert changed_fields == {
        (coded, "title"),
        (uncoded.pk, "due_quarter"),
        (withdrawn, "lead"),
    }
    assert after[uncoded.pk].due_quarter == Quarter(2025, 2)
    assert {pk: after[pk].version for pk in after} == {
        pk: before[pk].version + (pk in {coded, uncoded.pk, withdrawn}) for pk in before
    }


def test_the_history_names_the_importer_and_the_file(plan_a, alice):
    rows = csv_rows(exported_csv(plan_a)[0])
    row_of(rows, "R-01")[column(rows, "National actions")] = "R1, R3"

    apply_import(plan_preview(plan_a, csv_bytes(rows), name="a-plan.csv"), user=alice, now=now())

    coded = plan_a.deliverables.get(reference="R-01")
    latest = coded.history.first()
    assert latest.history_user == alice
    assert latest.history_change_reason == "Imported from a-plan.csv"
    assert latest.history_type == "~"
    diff = latest.diff_against(latest.prev_record)
    assert [change.field for change in diff.changes] == ["national_actions"]
    assert sorted(link.nationalaction.code for link in latest.national_actions.all()) == [
        "R1",
        "R3",
    ]
    assert sorted(coded.national_actions.values_list("code", flat=True)) == ["R1", "R3"]


def test_new_rows_are_created_in_the_plan_with_history(plan_a, alice):
    plan_data, milestones_data = exported_csv(plan_a)
    rows = csv_rows(plan_data)
    rows.append(
        [
            "",
            "protected",
            "Support victims of hate crime",
            "We will.",
            "Head of Safeguarding",
            "Q3 2024/25",
            "2025-Q1",
            "u1; U2",
            "",
            "",
        ]
    )
    rows.append(["R-77", "Involved", "Youth panel", "", "", "2025-Q1", "2025-Q2", "", "no", ""])
    milestones = csv_rows(milestones_data)
    milestones.append(["R-77", "", "Panel recruited", "2025-Q1", "30/06/2025"])

    preview = plan_preview(plan_a, csv_bytes(rows), milestones=csv_bytes(milestones))

    assert [row.outcome for row in preview.rows if row.outcome != Outcome.UNCHANGED] == [
        Outcome.CREATED,
        Outcome.CREATED,
        Outcome.CREATED,
    ]
    apply_import(preview, user=alice, now=now())

    victims = plan_a.deliverables.get(title="Support victims of hate crime")
    assert victims.reference == ""
    assert victims.workstream.slug == "not-under-protected"
    assert (victims.start_quarter, victims.due_quarter) == (Quarter(2024, 3), Quarter(2025, 1))
    assert sorted(victims.national_actions.values_list("code", flat=True)) == ["U1", "U2"]
    assert victims.history.get().history_user == alice
    snapshot = victims.history.get().national_actions.all()
    assert sorted(link.nationalaction.code for link in snapshot) == ["U1", "U2"]
    panel = plan_a.deliverables.get(reference="R-77")
    milestone = panel.milestones.get()
    assert (milestone.title, milestone.done_on) == ("Panel recruited", dt.date(2025, 6, 30))
    assert milestone.history.get().history_user == alice


def test_milestones_are_changed_from_their_own_sheet(plan_a, alice):
    plan_data, milestones_data = exported_csv(plan_a)
    milestones = csv_rows(milestones_data)
    first_cohort = Milestone.objects.get(title="First cohort")
    row = next(r for r in milestones if r[1] == str(first_cohort.pk))
    row[4] = "2025-01-15"

    preview = plan_preview(plan_a, plan_data, milestones=csv_bytes(milestones))

    changed = [r for r in preview.rows if r.outcome == Outcome.CHANGED]
    assert [(r.sheet, r.changes[0].field, r.changes[0].new) for r in changed] == [
        ("Milestones", "Done on", "2025-01-15")
    ]
    apply_import(preview, user=alice, now=now())
    first_cohort.refresh_from_db()
    assert first_cohort.done_on == dt.date(2025, 1, 15)
    assert first_cohort.version == 2
    assert first_cohort.history.first().history_user == alice


def test_withdrawing_and_reinstating_through_the_sheet(plan_a, alice):
    rows = csv_rows(exported_csv(plan_a)[0])
    row_of(rows, "R-01")[8:] = ["yes", "Replaced by a national scheme."]
    row_of(rows, "I-09")[8:] = ["no", ""]

    apply_import(plan_preview(plan_a, csv_bytes(rows)), user=alice, now=now())

    coded = plan_a.deliverables.get(reference="R-01")
    reinstated = plan_a.deliverables.get(reference="I-09")
    assert coded.is_withdrawn
    assert coded.withdrawn_reason == "Replaced by a national scheme."
    assert not reinstated.is_withdrawn
    assert reinstated.withdrawn_reason == ""


def test_rows_left_out_of_the_file_are_left_alone(plan_a, alice):
    rows = csv_rows(exported_csv(plan_a)[0])
    state = database_state()

    preview = plan_preview(plan_a, csv_bytes(rows[:2]))

    assert preview.is_valid
    assert not preview.has_changes
    apply_import(preview, user=alice, now=now())
    assert database_state() == state


def test_nothing_is_written_when_writing_fails_part_way(plan_a, alice, monkeypatch):
    plan_data, milestones_data = exported_csv(plan_a)
    rows = csv_rows(plan_data)
    row_of(rows, "R-01")[2] = "A new title"
    row_of(rows, "R-01")[10] = "Renamed."
    rows.append(["", "Involved", "Brand new", "", "", "2025-Q1", "2025-Q1", "", "no", ""])
    milestones = csv_rows(milestones_data)
    milestones.append(["R-01", "", "A new milestone", "2025-Q1", ""])
    preview = plan_preview(plan_a, csv_bytes(rows), milestones=csv_bytes(milestones))
    state = database_state()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PlanImport, "_write_milestones", staticmethod(fail))
    with pytest.raises(RuntimeError):
        apply_import(preview, user=alice, now=now())

    assert database_state() == state


def test_a_change_made_after_the_preview_stops_the_import(plan_a, alice):
    rows = csv_rows(exported_csv(plan_a)[0])
    row_of(rows, "R-01")[2] = "Title from the spreadsheet"
    row_of(rows, "R-01")[10] = "Renamed."
    preview = plan_preview(plan_a, csv_bytes(rows))
    Deliverable.objects.filter(reference="R-01", plan=plan_a).update(lead="Changed meanwhile")
    state = database_state()

    with pytest.raises(ImportConflict) as raised:
        apply_import(preview, user=alice, now=now())

    assert "changed after the preview" in str(raised.value)
    fresh = raised.value.preview
    assert {c.field for row in fresh.rows for c in row.changes} == {"Title", "Lead"}
    assert database_state() == state


def test_applying_a_preview_with_errors_is_refused(plan_a, alice):
    rows = csv_rows(exported_csv(plan_a)[0])
    row_of(rows, "R-01")[5] = "Q5 2024/25"
    row_of(rows, "I-09")[2] = "Still valid title change"
    row_of(rows, "I-09")[10] = "Renamed."
    preview = plan_preview(plan_a, csv_bytes(rows))
    state = database_state()

    with pytest.raises(ImportRefused, match="1 error"):
        apply_import(preview, user=alice, now=now())

    assert database_state() == state


# Another force's data -------------------------------------------------------------------------


def test_another_forces_deliverable_number_is_not_found_like_a_number_that_does_not_exist(
    plan_a, plan_b
):
    theirs = plan_b.deliverables.get(reference="")
    missing = Deliverable.objects.order_by("-pk").first().pk + 100
    rows = csv_rows(exported_csv(plan_a)[0])
    template = list(row_of(rows, "R-01"))
    state = database_state()

    results = []
    for number in (theirs.pk, missing):
        attempt = [rows[0], [str(number), *template[1:]]]
        preview = plan_preview(plan_a, csv_bytes(attempt))
        results.append(messages(preview)[0].replace(str(number), "N"))

    assert results[0] == results[1]
    assert results[0] == (
        'Plan, row 2, column "Reference" (A): No deliverable in this plan has the reference N. '
        "To add a new deliverable, leave its reference blank or give it a code with a letter, "
        "such as R-04."
    )
    assert "Force B" not in results[0]
    assert database_state() == state


def test_another_forces_code_creates_a_deliverable_in_the_importers_own_plan(plan_a, plan_b, alice):
    rows = csv_rows(exported_csv(plan_b)[0])
    theirs_before = list(plan_b.deliverables.order_by("pk").values())
    mine = [row for row in rows if row[0] == "R-01"]
    mine[0][2] = "Our own R-01 is elsewhere"
    mine[0][10] = "Renamed."
    # Force A already has R-01: it is matched in plan A only, never in plan B.
    preview = plan_preview(plan_a, csv_bytes([rows[0], *mine]))

    assert [row.target.plan_id for row in preview.rows] == [plan_a.pk]
    apply_import(preview, user=alice, now=now())

    assert list(plan_b.deliverables.order_by("pk").values()) == theirs_before
    assert plan_a.deliverables.get(reference="R-01").title == "Our own R-01 is elsewhere"


def test_a_code_only_another_force_uses_is_a_new_deliverable_here(plan_a, plan_b, alice):
    plan_b.deliverables.filter(reference="R-01").update(reference="B-55")
    theirs_before = list(plan_b.deliverables.order_by("pk").values())
    rows = csv_rows(exported_csv(plan_a)[0])
    rows.append(["B-55", "Involved", "Ours", "", "", "2025-Q1", "2025-Q1", "", "no", ""])

    preview = plan_preview(plan_a, csv_bytes(rows))
    apply_import(preview, user=alice, now=now())

    assert preview.rows[-1].outcome == Outcome.CREATED
    assert plan_a.deliverables.get(reference="B-55").title == "Ours"
    assert list(plan_b.deliverables.order_by("pk").values()) == theirs_before


def test_another_forces_milestone_number_is_not_found(plan_a, plan_b):
    from tests.factories import MilestoneFactory

    theirs = MilestoneFactory(deliverable=plan_b.deliverables.first(), title="Theirs")
    plan_data, milestones_data = exported_csv(plan_a)
    milestones = csv_rows(milestones_data)
    milestones.append(["R-01", str(theirs.pk), "Stolen", "2024-Q1", ""])
    state = database_state()

    preview = plan_preview(plan_a, plan_data, milestones=csv_bytes(milestones))

    assert messages(preview) == [
        f'Milestones, row 5, column "Milestone reference" (B): No milestone in this plan has '
        f"the reference {theirs.pk}. To add a new milestone, leave its reference blank."
    ]
    assert database_state() == state


# Queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 45])
def test_the_preview_runs_a_fixed_number_of_queries(plan_a, extra, django_assert_max_num_queries):
    from tests.factories import DeliverableFactory, MilestoneFactory

    represented = plan_a.deliverables.get(reference="R-01").workstream
    for n in range(extra):
        deliverable = DeliverableFactory(plan=plan_a, workstream=represented, title=f"Extra {n}")
        MilestoneFactory(deliverable=deliverable)
    plan_data, milestones_data = exported_csv(plan_a)
    plan_file, milestones_file = read(plan_data), read(milestones_data, "m.csv")

    with django_assert_max_num_queries(8):
        preview = PlanImport(plan_a, plan_file, milestones_file).preview()

    assert preview.counts.unchanged == 6 + 2 * extra


def test_a_new_milestone_is_placed_after_the_deliverables_others(plan_a, alice):
    plan_data, milestones_data = exported_csv(plan_a)
    milestones = csv_rows(milestones_data)
    milestones.append(["R-01", "", "Second cohort", "2024-Q4", ""])
    milestones.append(["R-01", "", "Third cohort", "2024-Q4", ""])
    Milestone.objects.filter(title="First cohort").update(order=4)

    apply_import(
        plan_preview(plan_a, plan_data, milestones=csv_bytes(milestones)), user=alice, now=now()
    )

    coded = plan_a.deliverables.get(reference="R-01")
    assert [(m.title, m.order) for m in coded.milestones.filter(due_quarter=Quarter(2024, 4))] == [
        ("First cohort", 4),
        ("Second cohort", 5),
        ("Third cohort", 6),
    ]
