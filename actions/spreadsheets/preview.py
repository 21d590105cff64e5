"""Importing a force's plan or quarterly return from a spreadsheet: validate, preview, apply.

The staff upload pages and the ``import_plan`` / ``import_return`` commands share three steps:

1. Read the upload: :class:`actions.spreadsheets.files.SpreadsheetFile` refuses anything that
   is not a CSV (UTF-8) or ``.xlsx`` file, is empty or is larger than 5 MB.
2. Preview: ``PlanImport(plan, file).preview()`` (:mod:`actions.spreadsheets.plan_import`) or
   ``ReturnImport(plan, quarter, file).preview()`` (:mod:`actions.spreadsheets.return_import`)
   checks every row against the force's own plan and says what would happen to it (created;
   changed, with each field's old and new value; unchanged; or errors naming the row and
   column). Nothing is written. Only the given plan is ever read: another force's references
   are "not found", exactly like references that do not exist.
3. Apply: :func:`apply_import` takes the preview the person saw, checks it again inside one
   transaction with the rows locked, refuses if anything differs from what was shown (someone
   else changed the plan meanwhile), and writes everything or nothing. Every change is recorded
   in the history as the importing user, and each changed row's ``version`` goes up by one.

This module holds what both imports share: the preview and its rows, applying it, and reading
the cells of a row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError

from actions.models import Deliverable, Milestone, Status
from actions.spreadsheets.files import (
    MILESTONES,
    PLAN,
    RETURN,
    Cell,
    Layout,
    Problem,
    Record,
    Sheet,
    SpreadsheetFile,
    Table,
    has_control_characters,
    multi_line,
    single_line,
)
from plans.models import Plan
from plans.quarters import Quarter
from plans.versioning import writing_content
from workstreams.models import NationalAction, Workstream

if TYPE_CHECKING:
    from actions.spreadsheets.plan_import import PlanImport
    from actions.spreadsheets.return_import import ReturnImport

NUMBER = re.compile(r"[0-9]{1,18}")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
HISTORY_REASON_LENGTH = 100


def field_max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class Outcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Change:
    """One field a row changes: its column heading, and the value before and after."""

    field: str
    old: str
    new: str


#: How many characters of a long text a new row's preview shows before "Show all".
SHOWN_LENGTH = 200


@dataclass(frozen=True)
class Shown:
    """One value a new row will save, as the preview shows it: the column's heading and the
    whole text. ``short`` is the start of a long text, cut at a word, or "" when the text is
    short enough to show whole.
    """

    field: str
    text: str

    @property
    def short(self) -> str:
        if len(self.text) <= SHOWN_LENGTH:
            return ""
        cut = self.text[:SHOWN_LENGTH].rsplit(maxsplit=1)[0] if " " in self.text else ""
        return (cut or self.text[: SHOWN_LENGTH - 1]).rstrip().rstrip(",;:") + "…"


@dataclass
class RowPreview:
    """What importing one row would do.

    ``reference`` and ``title`` are as given in the file (``reference`` is blank for a new
    deliverable without a code). ``changes`` lists the fields of a changed row; ``problems``
    the errors of an error row, each naming the row and column; ``note`` says more in words
    ("No update", "Saved as a draft"). ``target`` and ``values`` are for applying only.
    """

    sheet: str
    number: int
    reference: str
    title: str
    outcome: Outcome = Outcome.UNCHANGED
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    note: str = ""
    target: Any = field(default=None, repr=False)
    values: Any = field(default=None, repr=False)

    @property
    def has_errors(self) -> bool:
        return self.outcome == Outcome.ERROR

    @property
    def content(self) -> list[Shown]:
        """What a new row will save, field by field, for the person to check before
        confirming (the title and reference are shown beside it); empty for other rows.
        """
        if self.outcome != Outcome.CREATED or self.values is None:
            return []
        describe = _CONTENT.get(self.sheet)
        return describe(self.values) if describe else list(getattr(self.values, "shown", []))


def _quarter_shown(quarter: Quarter) -> str:
    return f"{quarter} ({quarter.months_label})"


def _long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _new_deliverable(values) -> list[Shown]:
    shown = [
        Shown("Workstream", values.workstream.name),
        Shown("Start quarter", _quarter_shown(values.start_quarter)),
        Shown("Due quarter", _quarter_shown(values.due_quarter)),
        Shown("Lead", values.lead),
        Shown("Description", values.description),
        Shown("National actions", ", ".join(action.code for action in values.actions)),
    ]
    if values.withdrawn:
        shown.append(Shown("Withdrawn", f"Yes: {values.withdrawn_reason}"))
    return shown


def _new_milestone(values) -> list[Shown]:
    return [
        Shown("Due quarter", _quarter_shown(values.due_quarter)),
        Shown("Done on", _long_date(values.done_on) or "Not done yet"),
    ]


def _new_update(values) -> list[Shown]:
    return [
        Shown("Status", Status(values.status).label),
        Shown("What was done", values.done),
        Shown("What is next", values.next),
        Shown("Evidence links", values.evidence),
    ]


_CONTENT = {
    PLAN.title: _new_deliverable,
    MILESTONES.title: _new_milestone,
    RETURN.title: _new_update,
}


@dataclass(frozen=True)
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: int = 0

    def __str__(self) -> str:
        text = f"{self.created} created, {self.changed} changed, {self.unchanged} unchanged"
        return f"{text}, {self.errors} with errors" if self.errors else text


@dataclass
class ImportPreview:
    """Every row of an import and what would happen to it, with file-wide problems and
    warnings. Nothing has been written when a preview exists; :func:`apply_import` writes it.
    """

    source: PlanImport | ReturnImport
    rows: list[RowPreview] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def description(self) -> str:
        return self.source.description

    @property
    def counts(self) -> Counts:
        tally = Counter(row.outcome for row in self.rows)
        return Counts(
            created=tally[Outcome.CREATED],
            changed=tally[Outcome.CHANGED],
            unchanged=tally[Outcome.UNCHANGED],
            errors=tally[Outcome.ERROR],
        )

    @property
    def errors(self) -> list[Problem]:
        """Every problem, file-wide ones first, then row by row."""
        return [*self.problems, *(p for row in self.rows for p in row.problems)]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(row.outcome in (Outcome.CREATED, Outcome.CHANGED) for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """A digest of everything the preview shows. Applying refuses when the same file,
        checked again at that moment, gives a different digest."""
        content = [
            self.source.identity,
            [str(problem) for problem in self.problems],
            [
                [
                    row.sheet,
                    row.number,
                    row.reference,
                    row.title,
                    row.outcome.value,
                    row.note,
                    [[c.field, c.old, c.new] for c in row.changes],
                    [[shown.field, shown.text] for shown in row.content],
                    [str(problem) for problem in row.problems],
                ]
                for row in self.rows
            ],
        ]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()

    def report_lines(self, *, verbose: bool = False) -> list[str]:
        """The preview as plain text lines (for the management commands). Unchanged rows are
        listed only when ``verbose``."""
        lines = [self.description]
        lines.extend(f"Problem: {problem}" for problem in self.problems)
        for row in self.rows:
            if row.outcome == Outcome.UNCHANGED and not verbose:
                continue
            reference = row.reference or "new"
            note = f" ({row.note})" if row.note else ""
            lines.append(
                f'{row.sheet}, row {row.number} [{reference}] "{shorten(row.title, 50)}": '
                f"{row.outcome.value}{note}"
            )
            lines.extend(
                f"    {change.field}: {shorten(change.old)} -> {shorten(change.new)}"
                for change in row.changes
            )
            lines.extend(f"    {shown.field}: {shorten(shown.text)}" for shown in row.content)
            lines.extend(f"    Error, {_without_row(problem)}" for problem in row.problems)
            lines.extend(f"    Note, {_without_row(warning)}" for warning in row.warnings)
        lines.extend(f"Note: {warning}" for warning in self.warnings)
        if self.rows or not self.problems:
            lines.append(f"Summary: {self.counts}.")
        return lines


class ImportFailed(Exception):
    """Applying an import wrote nothing. ``preview`` is the latest preview, when there is one."""

    def __init__(self, message: str, preview: ImportPreview | None = None):
        super().__init__(message)
        self.preview = preview


class ImportRefused(ImportFailed):
    """The file has errors."""


class ImportConflict(ImportFailed):
    """The plan or return changed after the preview was shown."""


def apply_import(
    preview: ImportPreview,
    *,
    user,
    now: dt.datetime,
    expected_fingerprint: str | None = None,
) -> ImportPreview:
    """Write a previewed import, all of it or nothing, and return what was written.

    The file is checked again with the affected rows locked. If the result differs from the
    preview that was shown (``expected_fingerprint``, by default the given preview's), nothing
    is written and :class:`ImportConflict` is raised with the new preview; if the file has
    errors, :class:`ImportRefused`. History records ``user`` as the author of every change.
    """
    if not preview.is_valid:
        raise ImportRefused(_refused_message(preview), preview)
    expected = expected_fingerprint or preview.fingerprint
    source = preview.source
    try:
        with writing_content(source.force_id):
            source._lock()
            current = source.preview()
            if not current.is_valid:
                raise ImportRefused(_refused_message(current), current)
            if current.fingerprint != expected:
                raise ImportConflict(
                    "The data changed after the preview was made, so nothing was written. "
                    "Check the new preview and confirm again.",
                    current,
                )
            if current.has_changes:
                source._write(current, user=user, now=now)
    except IntegrityError as error:
        raise ImportConflict(
            "Someone else saved a change that clashes with this import at the same moment, so "
            "nothing was written. Upload the file again to see a new preview.",
        ) from error
    return current


def _refused_message(preview: ImportPreview) -> str:
    count = len(preview.errors)
    return f"Nothing was written: the file has {count} error{'s' if count != 1 else ''}."


# Reading one row -----------------------------------------------------------------------------


class RowReader:
    """Reads the cells of one record, collecting a problem for each cell that is wrong."""

    def __init__(self, table: Table, record: Record):
        self.table = table
        self.record = record
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def heading(self, key: str) -> str:
        return self.table.layout.column(key).heading

    def fail(self, key: str, message: str) -> None:
        self.problems.append(self.table.problem(self.record, key, message))

    def text(
        self,
        key: str,
        *,
        multiline: bool = False,
        required: str = "",
        max_length: int | None = None,
    ) -> str:
        cell = self.record.cells.get(key, Cell())
        value = multi_line(cell.text) if multiline else single_line(cell.text)
        heading = self.heading(key)
        if cell.formula:
            self.warnings.append(
                self.table.problem(
                    self.record,
                    key,
                    f'This cell holds a formula. It is kept as the text "{shorten(cell.text)}" '
                    "and never calculated.",
                )
            )
        if has_control_characters(value):
            self.fail(
                key,
                f"{heading} contains an invisible control character. Delete it and type the "
                "text again.",
            )
        if required and not value:
            self.fail(key, required)
        if max_length is not None and len(value) > max_length:
            self.fail(
                key,
                f"{heading} is {len(value)} characters long; the most allowed is {max_length}. "
                f"Shorten it by {len(value) - max_length}.",
            )
        return value

    def quarter(self, key: str) -> Quarter | None:
        text = self.text(key)
        try:
            return Quarter.parse(text)
        except ValueError as error:
            self.fail(key, str(error))
            return None

    def yes_no(self, key: str) -> bool | None:
        text = self.text(key)
        if text.casefold() in _YES:
            return True
        if text.casefold() in _NO:
            return False
        self.fail(key, f'Write "yes" or "no", not "{shorten(text)}".')
        return None

    def date(self, key: str) -> dt.date | None:
        text = self.text(key)
        if not text:
            return None
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
        try:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            self.fail(
                key,
                f'"{shorten(text)}" is not a date. Write it as 2024-09-30 (or 30/09/2024), or '
                "leave it blank.",
            )
            return None


class PlanState:
    """The plan as stored: its deliverables and milestones, and the reference data."""

    def __init__(self, plan: Plan, *, milestones: bool = False):
        self.plan = plan
        self.deliverables = list(
            Deliverable.objects.filter(plan=plan)
            .select_related("workstream")
            .prefetch_related("national_actions__workstream")
        )
        self.by_code = {d.reference: d for d in self.deliverables if d.reference}
        self.by_pk = {d.pk: d for d in self.deliverables}
        self.milestones: dict[int, Milestone] = {}
        if milestones:
            self.milestones = {m.pk: m for m in Milestone.objects.filter(deliverable__plan=plan)}
        self._workstreams: dict[str, Workstream | None] = {}
        self._actions: dict[str, NationalAction] | None = None

    def find(self, reference: str) -> Deliverable | None:
        """The plan's deliverable with this code, or else with this number. Nothing outside
        the plan is ever found."""
        found = self.by_code.get(reference)
        if found is None and NUMBER.fullmatch(reference):
            found = self.by_pk.get(int(reference))
        return found

    def workstream(self, text: str) -> Workstream | None:
        key = single_line(text).casefold()
        if key not in self._workstreams:
            self._workstreams[key] = Workstream.objects.matching_name(text)
        return self._workstreams[key]

    @property
    def actions(self) -> dict[str, NationalAction]:
        if self._actions is None:
            self._actions = {
                action.code.casefold(): action
                for action in NationalAction.objects.select_related("workstream")
            }
        return self._actions


def pick_sheet(file: SpreadsheetFile, layout: Layout, preview: ImportPreview) -> Sheet | None:
    if file.format == "csv" or len(file.sheets) == 1:
        return file.sheets[0] if file.sheets else None
    sheet = file.sheet_titled(layout.title)
    if sheet is None:
        titles = ", ".join(f'"{s.title}"' for s in file.sheets) or "none"
        preview.problems.append(
            Problem(
                f'The workbook "{file.name}" has no sheet called "{layout.title}" (its sheets: '
                f'{titles}). Name the sheet to import "{layout.title}".',
            )
        )
    return sheet


def shorten(text: str, length: int = 60) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "(blank)"
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _without_row(problem: Problem) -> str:
    column = f'column "{problem.column}" ({problem.letter}): ' if problem.column else ""
    return f"{column}{problem.message}"
