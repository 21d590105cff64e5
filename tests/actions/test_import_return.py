"""Importing a quarterly return: drafts unless published, corrections, evidence links."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from actions.models import QuarterlyUpdate, Status
from actions.spreadsheets.exports import export_return
from actions.spreadsheets.preview import ImportConflict, Outcome, apply_import
from plans.quarters import Quarter
from tests.actions.conftest import (
    csv_bytes,
    csv_rows,
    database_state,
    return_preview,
)
from tests.factories import DeliverableFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moment():
    """The moment the import is applied."""
    return timezone.now()


def exported(plan, quarter):
    return csv_rows(export_return(plan, quarter, "csv").data)


def test_the_export_lists_the_deliverables_in_the_return_with_their_updates(plan_a, return_a):
    uncoded = plan_a.deliverables.get(reference="")
    QuarterlyUpdate.objects.filter(deliverable__reference="R-01", quarter=return_a).update(
        published_at=dt.datetime(2024, 10, 20, 23, 30, tzinfo=dt.UTC)  # 21 October in London
    )

    assert exported(plan_a, return_a) == [
        [
            "Reference",
            "Title",
            "Quarter",
            "Status",
            "What was done",
            "What is next",
            "Evidence links",
            "Published",
        ],
        [
            "R-01",
            "Recruit and retain Black officers",
            "2024-Q3",
            "On track",
            "Ran two open days.",
            "Start mentoring.",
            "https://force-a.example/open-days\nhttps://force-a.example/report;v=2",
            "Yes, 21 October 2024",
        ],
        [
            str(uncoded.pk),
            "Reform use of stop and search",
            "2024-Q3",
            "At risk",
            "Reviewed 40 searches.",
            "",
            "",
            "No (draft)",
        ],
    ]


PUBLISHED = 7  # the column of the return's informational "Published"


def test_the_export_says_when_a_corrected_update_was_published_and_corrected(plan_a, return_a):
    QuarterlyUpdate.objects.filter(deliverable__reference="R-01", quarter=return_a).update(
        published_at=dt.datetime(2024, 10, 21, 9, 0, tzinfo=dt.UTC),
        corrected_at=dt.datetime(2024, 11, 3, 15, 0, tzinfo=dt.UTC),
    )

    rows = exported(plan_a, return_a)

    assert rows[1][PUBLISHED] == "Yes, 21 October 2024 (corrected 3 November 2024)"


def test_the_export_says_no_for_a_deliverable_without_an_update(plan_a):
    rows = exported(plan_a, Quarter(2024, 4))

    assert [row[PUBLISHED] for row in rows[1:]] == ["No (no update yet)"] * 2


def test_the_workbook_has_the_published_column_too(plan_a, return_a):
    workbook = openpyxl.load_workbook(io.BytesIO(export_return(plan_a, return_a, "xlsx").data))
    sheet = workbook["Return"]

    assert sheet.cell(row=1, column=PUBLISHED + 1).value == "Published"
    note = sheet.cell(row=1, column=PUBLISHED + 1).comment.text
    assert note == "For information only: the import never reads this column."
    assert sheet.cell(row=2, column=PUBLISHED + 1).value.startswith("Yes, ")
    assert sheet.cell(row=3, column=PUBLISHED + 1).value == "No (draft)"


@pytest.mark.parametrize("cell", ["No (draft)", "", "yes please", "=1+1"])
def test_the_import_ignores_the_published_column_whatever_it_says(plan_a, return_a, cell):
    rows = exported(plan_a, return_a)
    rows[1][PUBLISHED] = cell
    rows[2][PUBLISHED] = cell

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    assert preview.is_valid
    assert not preview.has_changes
    assert not [w for row in preview.rows for w in row.warnings]
    assert not preview.warnings


def test_a_return_without_the_published_column_imports_as_before(plan_a, return_a):
    rows = [row[:PUBLISHED] for row in exported(plan_a, return_a)]

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    assert preview.is_valid
    assert not preview.has_changes
    assert not preview.warnings


def test_the_return_leaves_out_withdrawn_unstarted_and_completed_deliverables(plan_a):
    coded = plan_a.deliverables.get(reference="R-01")
    uncoded = plan_a.deliverables.get(reference="")
    QuarterlyUpdateFactory(deliverable=coded, quarter=Quarter(2024, 2), status=Status.COMPLETE)
    DeliverableFactory(
        plan=plan_a,
        workstream=coded.workstream,
        start_quarter=Quarter(2025, 1),
        due_quarter=Quarter(2025, 1),
    )

    listed = list(plan_a.deliverables.in_return(Quarter(2024, 3)))

    assert listed == [uncoded]


def test_the_return_keeps_a_deliverable_already_reported_that_quarter_but_not_a_withdrawn_one(
    plan_a,
):
    coded = plan_a.deliverables.get(reference="R-01")
    early_start = DeliverableFactory(
        plan=plan_a,
        workstream=coded.workstream,
        start_quarter=Quarter(2025, 1),
        due_quarter=Quarter(2025, 1),
    )
    QuarterlyUpdateFactory(deliverable=early_start, quarter=Quarter(2024, 3), published_at=None)
    withdrawn = plan_a.deliverables.get(reference="I-09")
    QuarterlyUpdateFactory(deliverable=withdrawn, quarter=Quarter(2024, 3), published_at=None)

    listed = set(plan_a.deliverables.in_return(Quarter(2024, 3)))

    assert listed == {early_start, *plan_a.deliverables.filter(reference__in=["R-01", ""])}


def test_an_exported_return_imported_unchanged_has_no_changes(plan_a, return_a):
    preview = return_preview(plan_a, return_a, csv_bytes(exported(plan_a, return_a)))

    assert preview.is_valid
    assert not preview.has_changes
    assert preview.counts.unchanged == 2


def test_new_updates_are_saved_as_drafts_by_the_importer(plan_a, alice, moment):
    quarter = Quarter(2024, 4)
    rows = exported(plan_a, quarter)
    rows[1][3:7] = ["on TRACK", "Mentoring began.", "Second cohort.", ""]
    rows[2][3] = "off_track"

    preview = return_preview(plan_a, quarter, csv_bytes(rows))
    assert [(row.outcome, row.note) for row in preview.rows] == [
        (Outcome.CREATED, "Saved as a draft"),
        (Outcome.CREATED, "Saved as a draft"),
    ]
    apply_import(preview, user=alice, now=moment)

    updates = QuarterlyUpdate.objects.filter(quarter=quarter).order_by("deliverable__reference")
    assert [(u.deliverable.reference, u.status, u.is_published) for u in updates] == [
        ("", Status.OFF_TRACK, False),
        ("R-01", Status.ON_TRACK, False),
    ]
    assert {u.author for u in updates} == {alice}
    assert {u.history.get().history_user for u in updates} == {alice}


def test_publish_publishes_new_updates_and_the_drafts_in_the_file(plan_a, return_a, alice, moment):
    rows = exported(plan_a, return_a)
    uncoded = plan_a.deliverables.get(reference="")

    preview = return_preview(plan_a, return_a, csv_bytes(rows), publish=True)

    draft_row = next(row for row in preview.rows if row.reference == str(uncoded.pk))
    assert [(c.field, c.old, c.new) for c in draft_row.changes] == [("Published", "no", "yes")]
    assert preview.counts.changed == 1
    apply_import(preview, user=alice, now=moment)
    update = uncoded.updates.get(quarter=return_a)
    assert update.published_at == moment
    assert update.corrected_at is None
    assert update.version == 2
    assert update.history.first().history_user == alice


def test_changing_a_published_update_keeps_it_published_and_marks_the_correction(
    plan_a, return_a, alice, moment
):
    rows = exported(plan_a, return_a)
    rows[1][4] = "Ran three open days."
    coded_update = QuarterlyUpdate.objects.get(deliverable__reference="R-01", quarter=return_a)
    published_at = coded_update.published_at

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    assert [str(warning) for warning in preview.rows[0].warnings] == [
        "Return, row 2: This update is already published: the change is public as soon as it "
        "is imported, and shown as a correction."
    ]
    apply_import(preview, user=alice, now=moment)
    coded_update.refresh_from_db()
    assert coded_update.done == "Ran three open days."
    assert coded_update.published_at == published_at
    assert coded_update.corrected_at == moment


def test_a_blank_row_for_a_deliverable_without_an_update_is_no_update(plan_a):
    quarter = Quarter(2024, 4)
    preview = return_preview(plan_a, quarter, csv_bytes(exported(plan_a, quarter)))

    assert [(row.outcome, row.note) for row in preview.rows] == [
        (Outcome.UNCHANGED, "No update"),
        (Outcome.UNCHANGED, "No update"),
    ]


@pytest.mark.parametrize(
    "cell",
    [
        "https://a.example/one\nhttps://b.example/two;x=1\r\nhttps://c.example",
        "https://a.example/one https://b.example/two;x=1   https://c.example",
        "https://a.example/one; https://b.example/two;x=1;https://c.example;",
    ],
)
def test_evidence_links_may_be_separated_by_lines_spaces_or_semicolons(plan_a, alice, moment, cell):
    quarter = Quarter(2024, 4)
    rows = exported(plan_a, quarter)
    rows[1][3] = "On track"
    rows[1][6] = cell

    apply_import(return_preview(plan_a, quarter, csv_bytes(rows)), user=alice, now=moment)

    update = QuarterlyUpdate.objects.get(quarter=quarter)
    assert update.evidence_links == [
        "https://a.example/one",
        "https://b.example/two;x=1",
        "https://c.example",
    ]
    again = return_preview(plan_a, quarter, csv_bytes(exported(plan_a, quarter)))
    assert not again.has_changes


def test_a_return_saved_meanwhile_by_someone_else_stops_the_import(plan_a, alice):
    quarter = Quarter(2024, 4)
    rows = exported(plan_a, quarter)
    rows[1][3] = "Complete"
    rows[1][4] = "All done."
    preview = return_preview(plan_a, quarter, csv_bytes(rows))
    QuarterlyUpdateFactory(
        deliverable=plan_a.deliverables.get(reference="R-01"),
        quarter=quarter,
        status=Status.AT_RISK,
        published_at=None,
    )
    state = database_state()

    with pytest.raises(ImportConflict):
        apply_import(preview, user=alice, now=timezone.now())

    assert database_state() == state
