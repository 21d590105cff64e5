"""Importing a force's engagement log from the workbook it downloads (``log_workbook``).

The same three steps as the plan spreadsheets (:mod:`actions.spreadsheets.preview`): read the
file, preview every row (new, changed with each field's old and new value, unchanged, or
errors naming the sheet, row and column), then :func:`actions.spreadsheets.preview.apply_import`
writes all of it or nothing, checked again with the force's activities locked.

- **Activities** sheet: a row with no activity number is a new activity, saved as a draft
  (the coordinator publishes it from its page); a row with a number changes that activity of
  the force's own log (any other number is "not found", another force's included). The
  Published column is for the reader only: an upload never publishes or unpublishes.
- **Actions** sheet: a row with no action number is a new action of the activity named in
  its "Activity number" cell: an existing activity's number, or, for an activity new in this
  file, its title exactly as on the Activities sheet. The deliverable is named by its
  reference or its title in the force's plans.
- Leaving a row out changes nothing: an upload never deletes.

Every row is checked by the models' own rules (``Activity.rule_errors``,
``EngagementAction.rule_errors``), the same ones the staff forms and the admin use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from actions.models import Deliverable
from actions.spreadsheets.files import Problem, SpreadsheetFile, bind
from actions.spreadsheets.preview import (
    HISTORY_REASON_LENGTH,
    NUMBER,
    Change,
    ImportPreview,
    Outcome,
    RowPreview,
    RowReader,
    Shown,
    field_max_length,
    shorten,
)
from engagement.models import (
    THEME_LABELS,
    Activity,
    Attendance,
    EngagementAction,
    Kind,
    Theme,
)
from engagement.spreadsheets import ACTIONS, ACTIVITIES
from plans.models import Force
from plans.quarters import Quarter

#: The activity fields an upload writes, with the heading shown when one changes.
ACTIVITY_FIELDS = {
    "title": "Activity",
    "held_on": "Date",
    "kind": "Kind",
    "place": "Place or area",
    "partners": "Partner organisations and community groups",
    "partner_contacts": "How to reach the partners (staff only)",
    "attendance": "People who took part",
    "attendance_basis": "Count or estimate",
    "attendance_black": "Of whom from Black communities",
    "themes": "Themes",
    "other_themes": "Other themes",
    "heard": "What we heard",
}
ACTION_FIELDS = {
    "theme": "Theme",
    "description": "What we will do",
    "deliverable": "Deliverable",
    "no_action_reason": "No action, because",
    "due_quarter": "Due quarter",
    "outcome": "What we did",
    "done_on": "Done on",
}
# A model rule's field, and the column its message belongs to.
_ACTIVITY_COLUMNS = {"themes": "themes", "attendance_black": "attendance_black"}
_ACTION_COLUMNS = {
    "deliverable": "deliverable",
    "no_action_reason": "no_action_reason",
    "due_quarter": "due_quarter",
    "outcome": "outcome",
}
_THEME_SEPARATORS = (";", "\n")


@dataclass
class RowValues:
    """What one row will save: the field values, and how the preview shows a new row."""

    fields: dict[str, Any]
    shown: list[Shown] = field(default_factory=list)
    activity_row: int | None = None  # an action's activity new in this file: its row


def _choice(text: str, choices) -> str | None:
    """The value of the choice whose value or label is ``text`` (any case), or None."""
    folded = text.casefold()
    for value, label in choices:
        if folded in (str(value).casefold(), str(label).casefold()):
            return value
    return None


def _display(name: str, value) -> str:
    """A field's value as the preview shows it."""
    if value is None:
        return ""
    if name == "held_on" or name == "done_on":
        return value.isoformat()
    if name == "kind":
        return dict(Kind.choices).get(value, value)
    if name == "attendance_basis":
        return dict(Attendance.choices).get(value, value)
    if name == "themes":
        return "; ".join(THEME_LABELS.get(theme, theme) for theme in value)
    if name == "theme":
        return THEME_LABELS.get(value, "")
    if name == "deliverable":
        return value.title if value else ""
    return str(value)


class EngagementImport:
    """Import of the engagement log workbook into ``force``'s log."""

    kind = "engagement"

    def __init__(self, force: Force, file: SpreadsheetFile):
        self.force = force
        self.file = file

    @property
    def force_id(self) -> int:
        return self.force.pk

    @property
    def description(self) -> str:
        return f"Engagement log of {self.force}"

    @property
    def identity(self) -> list:
        return [self.kind, self.force.pk]

    @property
    def history_reason(self) -> str:
        return f"Imported from {self.file.name}"[:HISTORY_REASON_LENGTH]

    # Preview -------------------------------------------------------------------------------

    def preview(self) -> ImportPreview:
        preview = ImportPreview(self)
        activities_sheet = self._sheet(ACTIVITIES.title, preview, required=True)
        actions_sheet = self._sheet(ACTIONS.title, preview, required=False)
        if activities_sheet is None:
            return preview
        tables = [bind(activities_sheet, ACTIVITIES)]
        if actions_sheet is not None:
            tables.append(bind(actions_sheet, ACTIONS))
        for table in tables:
            preview.problems.extend(table.problems)
            preview.warnings.extend(table.warnings)
        if preview.problems:
            return preview

        activities = {a.pk: a for a in Activity.objects.for_force(self.force)}
        new_titles: dict[str, list[int]] = {}
        seen: dict[int, int] = {}
        for record in tables[0].records:
            row = self._activity_row(RowReader(tables[0], record), activities, seen)
            preview.rows.append(row)
            if row.outcome == Outcome.CREATED or (row.has_errors and not row.reference):
                new_titles.setdefault(row.title.casefold(), []).append(row.number)
        if len(tables) > 1:
            actions = {
                a.pk: a
                for a in EngagementAction.objects.for_force(self.force).select_related(
                    "deliverable__plan", "activity"
                )
            }
            finder = _DeliverableFinder(self.force)
            seen_actions: dict[int, int] = {}
            for record in tables[1].records:
                reader = RowReader(tables[1], record)
                preview.rows.append(
                    self._action_row(reader, activities, actions, new_titles, finder, seen_actions)
                )
        return preview

    def _sheet(self, title: str, preview: ImportPreview, *, required: bool):
        if self.file.format == "csv":
            if title == ACTIVITIES.title:
                return self.file.sheets[0] if self.file.sheets else None
            return None
        sheet = self.file.sheet_titled(title)
        if sheet is None and required:
            titles = ", ".join(f'"{s.title}"' for s in self.file.sheets) or "none"
            preview.problems.append(
                Problem(
                    f'The workbook "{self.file.name}" has no sheet called "{title}" (its '
                    f"sheets: {titles}). Upload the engagement log as downloaded, with its "
                    '"Activities" and "Actions" sheets.'
                )
            )
        return sheet

    def _activity_row(self, reader: RowReader, activities: dict, seen: dict) -> RowPreview:
        number_text = reader.text("id")
        title = reader.text(
            "title", required="Enter the activity's title.", max_length=_length(Activity, "title")
        )
        row = RowPreview(ACTIVITIES.title, reader.record.number, number_text, title)
        existing = None
        if number_text:
            if not NUMBER.fullmatch(number_text):
                reader.fail(
                    "id",
                    f'"{shorten(number_text)}" is not an activity number. Leave it blank to '
                    "add a new activity.",
                )
            else:
                existing = activities.get(int(number_text))
                if existing is None:
                    reader.fail(
                        "id",
                        f"Activity {number_text} is not in {self.force}'s engagement log. "
                        "Leave the number blank to add a new activity.",
                    )
                elif existing.pk in seen:
                    reader.fail(
                        "id",
                        f"Activity {number_text} is also on row {seen[existing.pk]}. Keep one "
                        "row for each activity.",
                    )
                else:
                    seen[existing.pk] = reader.record.number
        values = {
            "title": title,
            "held_on": self._date(reader, "held_on", required=True),
            "kind": self._pick(reader, "kind", Kind.choices, "kind of activity", required=True),
            "place": reader.text("place", max_length=_length(Activity, "place")),
            "partners": reader.text(
                "partners", multiline=True, max_length=_length(Activity, "partners")
            ),
            "partner_contacts": reader.text(
                "partner_contacts",
                multiline=True,
                max_length=_length(Activity, "partner_contacts"),
            ),
            "attendance": self._whole_number(reader, "attendance"),
            "attendance_basis": self._pick(
                reader, "attendance_basis", Attendance.choices, "count or estimate"
            )
            or Attendance.COUNT,
            "attendance_black": self._whole_number(reader, "attendance_black"),
            "themes": self._themes(reader),
            "other_themes": reader.text(
                "other_themes", max_length=_length(Activity, "other_themes")
            ),
            "heard": reader.text(
                "heard",
                multiline=True,
                required="Enter what the force heard: a summary the public will read.",
                max_length=_length(Activity, "heard"),
            ),
        }
        if values["attendance"] is None:
            values["attendance_basis"] = Attendance.COUNT
        if not reader.problems:
            candidate = Activity(force=self.force, **values)
            for name, messages in candidate.rule_errors().items():
                for message in messages:
                    reader.fail(_ACTIVITY_COLUMNS.get(name, "title"), message)
        return self._finish(row, reader, existing, values, ACTIVITY_FIELDS, note_new=True)

    def _action_row(
        self,
        reader: RowReader,
        activities: dict,
        actions: dict,
        new_titles: dict,
        finder: _DeliverableFinder,
        seen: dict,
    ) -> RowPreview:
        number_text = reader.text("id")
        activity_text = reader.text(
            "activity",
            required="Enter the number of the activity this action answers, or the title of an "
            "activity new in this file.",
        )
        description = reader.text(
            "description",
            multiline=True,
            required="Enter what the force will do.",
            max_length=_length(EngagementAction, "description"),
        )
        row = RowPreview(ACTIONS.title, reader.record.number, number_text, description)
        existing = None
        if number_text:
            if not NUMBER.fullmatch(number_text):
                reader.fail(
                    "id",
                    f'"{shorten(number_text)}" is not an action number. Leave it blank to add '
                    "a new action.",
                )
            else:
                existing = actions.get(int(number_text))
                if existing is None:
                    reader.fail(
                        "id",
                        f"Action {number_text} is not in {self.force}'s engagement log. Leave "
                        "the number blank to add a new action.",
                    )
                elif existing.pk in seen:
                    reader.fail(
                        "id",
                        f"Action {number_text} is also on row {seen[existing.pk]}. Keep one row "
                        "for each action.",
                    )
                else:
                    seen[existing.pk] = reader.record.number
        activity, activity_row = None, None
        if activity_text and NUMBER.fullmatch(activity_text):
            activity = activities.get(int(activity_text))
            if activity is None:
                reader.fail(
                    "activity",
                    f"Activity {activity_text} is not in {self.force}'s engagement log.",
                )
        elif activity_text:
            rows = new_titles.get(activity_text.casefold(), [])
            if len(rows) == 1:
                activity_row = rows[0]
            elif rows:
                reader.fail(
                    "activity",
                    f'Several new activities are called "{shorten(activity_text)}" (rows '
                    f"{', '.join(map(str, rows))} of the Activities sheet). Give them different "
                    "titles.",
                )
            else:
                reader.fail(
                    "activity",
                    "No new activity on the Activities sheet is called "
                    f'"{shorten(activity_text)}". '
                    "Write an existing activity's number, or the title of a new one exactly as "
                    "on the Activities sheet.",
                )
        if existing is not None and activity is not None and existing.activity_id != activity.pk:
            reader.fail(
                "activity",
                f"Action {existing.pk} belongs to activity {existing.activity_id}; an action "
                "cannot move to another activity. Add it as a new action instead.",
            )
        values = {
            "theme": self._pick(reader, "theme", Theme.choices, "theme") or "",
            "description": description,
            "deliverable": finder.find(reader),
            "no_action_reason": reader.text(
                "no_action_reason",
                multiline=True,
                max_length=_length(EngagementAction, "no_action_reason"),
            ),
            "due_quarter": self._quarter(reader, "due_quarter"),
            "outcome": reader.text(
                "outcome", multiline=True, max_length=_length(EngagementAction, "outcome")
            ),
            "done_on": self._date(reader, "done_on"),
        }
        if not reader.problems:
            candidate = EngagementAction(
                activity=activity or (existing.activity if existing else None), **values
            )
            for name, messages in candidate.rule_errors().items():
                for message in messages:
                    reader.fail(_ACTION_COLUMNS.get(name, "description"), message)
        row = self._finish(row, reader, existing, values, ACTION_FIELDS, note_new=False)
        if row.values is not None:
            row.values.fields["activity"] = activity or (existing.activity if existing else None)
            row.values.activity_row = activity_row
            if row.outcome == Outcome.CREATED:
                answers = activity.title if activity else f"{activity_text} (new in this file)"
                row.values.shown.insert(0, Shown("Activity", answers))
        return row

    def _finish(self, row, reader, existing, values, fields, *, note_new) -> RowPreview:
        row.problems.extend(reader.problems)
        row.warnings.extend(reader.warnings)
        if row.problems:
            row.outcome = Outcome.ERROR
            return row
        row.values = RowValues(values)
        if existing is None:
            row.outcome = Outcome.CREATED
            row.values.shown = [
                Shown(heading, _display(name, values[name]))
                for name, heading in fields.items()
                if name != "title"
            ]
            if note_new:
                row.note = "Saved as a draft: publish it from its page."
            return row
        row.target = existing
        row.changes = [
            Change(heading, _display(name, getattr(existing, name)), _display(name, values[name]))
            for name, heading in fields.items()
            if _display(name, getattr(existing, name)) != _display(name, values[name])
        ]
        row.outcome = Outcome.CHANGED if row.changes else Outcome.UNCHANGED
        if row.changes and getattr(existing, "is_published", False):
            row.note = "Published: the public page changes too."
        return row

    # Cells ---------------------------------------------------------------------------------

    @staticmethod
    def _pick(reader: RowReader, key: str, choices, what: str, *, required: bool = False):
        text = reader.text(key)
        if not text:
            if required:
                reader.fail(key, f"Choose the {what}: " + ", ".join(str(c[1]) for c in choices))
            return None
        value = _choice(text, choices)
        if value is None:
            reader.fail(
                key,
                f'"{shorten(text)}" is not a {what} on the list. Write one of: '
                + ", ".join(str(label) for _, label in choices)
                + ".",
            )
        return value

    @staticmethod
    def _themes(reader: RowReader) -> list[str]:
        text = reader.text("themes", multiline=True)
        for separator in _THEME_SEPARATORS[1:]:
            text = text.replace(separator, _THEME_SEPARATORS[0])
        themes, unknown = [], []
        for part in (p.strip() for p in text.split(_THEME_SEPARATORS[0])):
            if not part:
                continue
            value = _choice(part, Theme.choices)
            if value is None:
                unknown.append(part)
            elif value not in themes:
                themes.append(value)
        if unknown:
            reader.fail(
                "themes",
                "Not on the list of themes: "
                + ", ".join(f'"{shorten(u, 40)}"' for u in unknown)
                + ". Separate themes with a semicolon; put anything else under Other themes. "
                "The themes are: " + ", ".join(THEME_LABELS.values()) + ".",
            )
        return themes

    @staticmethod
    def _whole_number(reader: RowReader, key: str) -> int | None:
        text = reader.text(key).replace(",", "")
        if not text:
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not NUMBER.fullmatch(text) or int(text) > 2_147_483_647:
            reader.fail(
                key,
                f'"{shorten(text)}" is not a whole number of people. Write a number such as 25, '
                "or leave it blank if not known.",
            )
            return None
        return int(text)

    @staticmethod
    def _date(reader: RowReader, key: str, *, required: bool = False) -> dt.date | None:
        value = reader.date(key)
        if value is None and required and not reader.text(key):
            reader.fail(key, "Enter the date, as 2024-09-30 (or 30/09/2024).")
        return value

    @staticmethod
    def _quarter(reader: RowReader, key: str) -> Quarter | None:
        return reader.quarter(key) if reader.text(key) else None

    # Applying ------------------------------------------------------------------------------

    def _lock(self) -> None:
        list(
            Activity.objects.filter(force=self.force)
            .select_for_update()
            .values_list("pk", flat=True)
        )

    def _write(self, preview: ImportPreview, *, user, now: dt.datetime) -> None:
        reason = self.history_reason
        created: dict[int, Activity] = {}
        for row in preview.rows:
            if row.sheet != ACTIVITIES.title or row.outcome not in (
                Outcome.CREATED,
                Outcome.CHANGED,
            ):
                continue
            activity = row.target or Activity(force=self.force)
            for name, value in row.values.fields.items():
                setattr(activity, name, value)
            if row.target is not None:
                activity.version += 1
            activity.updated_by = user
            activity._history_user = user
            activity._change_reason = reason
            activity.save()
            if row.target is None:
                created[row.number] = activity
        next_order: dict[int, int] = {}
        for row in preview.rows:
            if row.sheet != ACTIONS.title or row.outcome not in (Outcome.CREATED, Outcome.CHANGED):
                continue
            fields = dict(row.values.fields)
            activity = fields.pop("activity") or created[row.values.activity_row]
            action = row.target or EngagementAction(activity=activity)
            for name, value in fields.items():
                setattr(action, name, value)
            if row.target is None:
                if activity.pk not in next_order:
                    last = activity.actions.order_by("-order").values_list("order", flat=True)
                    next_order[activity.pk] = (last.first() or 0) + 1
                action.order = next_order[activity.pk]
                next_order[activity.pk] += 1
            else:
                action.version += 1
            action._history_user = user
            action._change_reason = reason
            action.save()


class _DeliverableFinder:
    """A deliverable of the force's plans, by its reference or its title (any case)."""

    def __init__(self, force: Force):
        self.deliverables = list(
            Deliverable.objects.filter(plan__force=force).select_related("plan")
        )

    def find(self, reader: RowReader) -> Deliverable | None:
        text = reader.text("deliverable")
        if not text:
            return None
        folded = text.casefold()
        by_reference = [
            d for d in self.deliverables if d.reference and d.reference.casefold() == folded
        ]
        found = by_reference or [d for d in self.deliverables if d.title.casefold() == folded]
        if len(found) > 1:
            # The same title in an earlier and a later plan: the later plan's.
            newest = max(d.plan.first_quarter for d in found)
            found = [d for d in found if d.plan.first_quarter == newest]
        if len(found) == 1:
            return found[0]
        if found:
            reader.fail(
                "deliverable",
                f'Several deliverables are called "{shorten(text)}". Write its reference instead.',
            )
        else:
            reader.fail(
                "deliverable",
                f'"{shorten(text)}" is not a deliverable of your force\'s plans. Write its '
                "reference or its title exactly as in the plan, or leave it blank and say why "
                "there is no action.",
            )
        return None


def _length(model, name: str) -> int:
    return field_max_length(model, name)
