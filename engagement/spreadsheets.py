"""The engagement log as a workbook: an "Activities" sheet and an "Actions" sheet, written
with the plan spreadsheets' machinery (``actions.spreadsheets.files``: text cells never
formulas, headings frozen, drop-down lists for the fixed choices). The same workbook, changed,
is uploaded back (``engagement.spreadsheet_import``)."""

from __future__ import annotations

from actions.spreadsheets.files import Column, Layout, SheetData, multi_line, write_xlsx
from engagement.models import THEME_LABELS, Attendance, EngagementAction, Kind

ACTIVITIES = Layout(
    "Activities",
    (
        Column("id", "Activity number", width=10),
        Column("title", "Activity", width=40, wrap=True),
        Column("held_on", "Date", width=12),
        Column("kind", "Kind", width=24),
        Column("place", "Place or area", width=24, wrap=True),
        Column("partners", "Partner organisations and community groups", width=36, wrap=True),
        Column("partner_contacts", "How to reach the partners (staff only)", width=30, wrap=True),
        Column("attendance", "People who took part", width=12),
        Column("attendance_basis", "Count or estimate", width=12),
        Column("attendance_black", "Of whom from Black communities", width=14),
        Column("themes", "Themes", width=36, wrap=True),
        Column("other_themes", "Other themes", width=24, wrap=True),
        Column("heard", "What we heard", width=60, wrap=True),
        Column("published", "Published", width=10, required=False, informational=True),
    ),
)

ACTIONS = Layout(
    "Actions",
    (
        Column("id", "Action number", width=10, required=False),
        Column("activity", "Activity number", width=10),
        Column("theme", "Theme", width=24),
        Column("description", "What we will do", width=50, wrap=True),
        Column("deliverable", "Deliverable", width=40, wrap=True),
        Column("no_action_reason", "No action, because", width=40, wrap=True),
        Column("due_quarter", "Due quarter", width=12),
        Column("outcome", "What we did", width=50, wrap=True),
        Column("done_on", "Done on", width=12),
    ),
)


def log_workbook(activities) -> bytes:
    """``activities`` (with drafts: it is the force's own file) and their actions."""
    activities = list(activities.order_by("held_on", "pk"))
    kinds, bases = dict(Kind.choices), dict(Attendance.choices)
    activity_rows = [
        [
            str(a.pk),
            a.title,
            a.held_on,
            kinds.get(a.kind, a.kind),
            a.place,
            multi_line(a.partners),
            multi_line(a.partner_contacts),
            "" if a.attendance is None else str(a.attendance),
            bases.get(a.attendance_basis, "") if a.attendance is not None else "",
            "" if a.attendance_black is None else str(a.attendance_black),
            "; ".join(a.theme_labels),
            a.other_themes,
            multi_line(a.heard),
            "Yes" if a.is_published else "No",
        ]
        for a in activities
    ]
    actions = EngagementAction.objects.filter(activity__in=activities).select_related("deliverable")
    action_rows = [
        [
            str(x.pk),
            str(x.activity_id),
            THEME_LABELS.get(x.theme, ""),
            multi_line(x.description),
            x.deliverable.title if x.deliverable else "",
            multi_line(x.no_action_reason),
            str(x.due_quarter) if x.due_quarter else "",
            multi_line(x.outcome),
            x.done_on or "",
        ]
        for x in actions.order_by("activity__held_on", "activity_id", "order", "pk")
    ]
    return write_xlsx(
        [
            SheetData(ACTIVITIES, activity_rows, {"kind": list(kinds.values())}),
            SheetData(ACTIONS, action_rows, {"theme": list(THEME_LABELS.values())}),
        ]
    )
