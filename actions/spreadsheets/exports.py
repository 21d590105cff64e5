"""A force's plan and quarterly return as spreadsheets, in exactly the format the import reads.

Export, change nothing, import: the import reports no changes. The cell text of every value
comes from :mod:`actions.spreadsheets.files`, which the import compares against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from actions.spreadsheets.files import (
    CSV_CONTENT_TYPE,
    MILESTONES,
    PLAN,
    RETURN,
    XLSX_CONTENT_TYPE,
    SheetData,
    codes_text,
    evidence_text,
    multi_line,
    single_line,
    split_links,
    write_csv,
    write_xlsx,
    yes_no,
)
from plans.models import Plan
from plans.quarters import Quarter
from workstreams.models import Workstream

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportFile:
    """One file to download or save."""

    name: str
    content_type: str
    data: bytes


def deliverable_reference(deliverable: Deliverable) -> str:
    """The reference a spreadsheet uses: the force's code, or the site's number for it."""
    return deliverable.reference or str(deliverable.pk)


def quarter_text(quarter: Quarter | None) -> str:
    """Quarters are written in the compact form, ``2024-Q2``; both forms are read."""
    return quarter.compact if quarter else ""


def plan_sheet(plan: Plan) -> SheetData:
    """One row per deliverable of the plan, withdrawn ones included, in roadmap order."""
    deliverables = (
        Deliverable.objects.filter(plan=plan)
        .select_related("workstream")
        .prefetch_related("national_actions")
    )
    rows = [
        [
            deliverable_reference(d),
            d.workstream.name,
            single_line(d.title),
            multi_line(d.description),
            single_line(d.lead),
            quarter_text(d.start_quarter),
            quarter_text(d.due_quarter),
            codes_text(action.code for action in d.national_actions.all()),
            yes_no(d.is_withdrawn),
            multi_line(d.withdrawn_reason),
            "",  # Reason for change: given for one upload's changes, never carried over
        ]
        for d in deliverables
    ]
    workstreams = [workstream.name for workstream in Workstream.objects.all()]
    return SheetData(PLAN, rows, {"workstream": workstreams, "withdrawn": ["yes", "no"]})


def milestones_sheet(plan: Plan) -> SheetData:
    """One row per milestone of the plan's deliverables, grouped by deliverable."""
    milestones = (
        Milestone.objects.filter(deliverable__plan=plan)
        .select_related("deliverable__workstream")
        .order_by(
            "deliverable__workstream__order",
            "deliverable__order",
            "deliverable__start_quarter",
            "deliverable__pk",
            "due_quarter",
            "order",
            "pk",
        )
    )
    rows = [
        [
            deliverable_reference(m.deliverable),
            str(m.pk),
            single_line(m.title),
            quarter_text(m.due_quarter),
            m.done_on or "",
        ]
        for m in milestones
    ]
    return SheetData(MILESTONES, rows)


def return_sheet(plan: Plan, quarter: Quarter) -> SheetData:
    """One row per deliverable in the return; blank status and text where none is saved yet."""
    deliverables = list(
        Deliverable.objects.filter(plan=plan).in_return(quarter).select_related("workstream")
    )
    updates = {
        update.deliverable_id: update
        for update in QuarterlyUpdate.objects.filter(deliverable__in=deliverables, quarter=quarter)
    }
    rows = []
    for deliverable in deliverables:
        update = updates.get(deliverable.pk)
        rows.append(
            [
                deliverable_reference(deliverable),
                single_line(deliverable.title),
                quarter_text(quarter),
                update.get_status_display() if update else "",
                multi_line(update.done) if update else "",
                multi_line(update.next) if update else "",
                evidence_text(split_links(update.evidence)) if update else "",
                publication_text(update),
            ]
        )
    return SheetData(RETURN, rows, {"status": [label for _, label in Status.choices]})


def publication_text(update: QuarterlyUpdate | None) -> str:
    """The return sheet's informational "Published" cell: whether the row's update for the
    quarter is already public, and since when ("Yes, 20 October 2024", with "(corrected 3
    November 2024)" after a correction), "No (draft)" or "No (no update yet)". Local dates.
    """
    if update is None:
        return "No (no update yet)"
    if not update.is_published:
        return "No (draft)"
    text = f"Yes, {_long_date(update.published_at)}"
    if update.corrected_at:
        text += f" (corrected {_long_date(update.corrected_at)})"
    return text


def _long_date(moment: dt.datetime) -> str:
    day = timezone.localtime(moment).date()
    return f"{day.day} {day:%B %Y}"


def export_plan(plan: Plan, file_format: str, *, on: dt.date | None = None) -> list[ExportFile]:
    """The plan as one workbook (sheets Plan and Milestones) or two CSV files.

    With ``on``, the file names carry that date: ``dorset-plan-2026-11-21.xlsx``, or
    ``dorset-plan-2026-11-21.csv`` and ``dorset-plan-milestones-2026-11-21.csv``.
    """
    date = f"-{on.isoformat()}" if on else ""
    slug = plan.force.slug
    sheets = [plan_sheet(plan), milestones_sheet(plan)]
    if file_format == "xlsx":
        return [ExportFile(f"{slug}-plan{date}.xlsx", XLSX_CONTENT_TYPE, write_xlsx(sheets))]
    if file_format == "csv":
        return [
            ExportFile(f"{slug}-plan{date}.csv", CSV_CONTENT_TYPE, write_csv(sheets[0])),
            ExportFile(f"{slug}-plan-milestones{date}.csv", CSV_CONTENT_TYPE, write_csv(sheets[1])),
        ]
    raise ValueError(f"Unknown format {file_format!r}: choose csv or xlsx.")


def export_return(plan: Plan, quarter: Quarter, file_format: str) -> ExportFile:
    """The quarterly return for ``quarter`` as one CSV file or one workbook (sheet Return)."""
    stem = f"{plan.force.slug}-return-{quarter.compact}"
    sheet = return_sheet(plan, quarter)
    if file_format == "xlsx":
        return ExportFile(f"{stem}.xlsx", XLSX_CONTENT_TYPE, write_xlsx([sheet]))
    if file_format == "csv":
        return ExportFile(f"{stem}.csv", CSV_CONTENT_TYPE, write_csv(sheet))
    raise ValueError(f"Unknown format {file_format!r}: choose csv or xlsx.")
