"""Importing a force's plan or quarterly return from a spreadsheet: validate, preview, apply.

The staff upload pages and the ``import_plan`` / ``import_return`` commands share three steps:

1. Read the upload: :class:`actions.spreadsheets.SpreadsheetFile` refuses anything that is not
   a CSV (UTF-8) or ``.xlsx`` file, is empty or is larger than 5 MB.
2. Preview: ``PlanImport(plan, file).preview()`` or ``ReturnImport(plan, quarter, file)
   .preview()`` checks every row against the force's own plan and says what would happen to
   it (created; changed, with each field's old and new value; unchanged; or errors naming the
   row and column). Nothing is written. Only the given plan is ever read: another force's
   references are "not found", exactly like references that do not exist.
3. Apply: :func:`apply_import` takes the preview the person saw, checks it again inside one
   transaction with the rows locked, refuses if anything differs from what was shown (someone
   else changed the plan meanwhile), and writes everything or nothing. Every change is recorded
   in the history as the importing user, and each changed row's ``version`` goes up by one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.exports import deliverable_reference
from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from actions.spreadsheets import (
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
    bind,
    codes_text,
    evidence_text,
    has_control_characters,
    multi_line,
    single_line,
    split_codes,
    split_links,
    yes_no,
)
from plans.models import Plan
from plans.quarters import Quarter
from plans.versioning import writing_content
from workstreams.models import NationalAction, Workstream

_NUMBER = re.compile(r"[0-9]{1,18}")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
_NARRATIVE_NEEDED = {Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETE}
_STATUS_LIST = ", ".join(label for _, label in Status.choices)
_HISTORY_REASON_LENGTH = 100


def _max_length(model, name: str) -> int:
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
                f'{row.sheet}, row {row.number} [{reference}] "{_short(row.title, 50)}": '
                f"{row.outcome.value}{note}"
            )
            lines.extend(
                f"    {change.field}: {_short(change.old)} -> {_short(change.new)}"
                for change in row.changes
            )
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
        with writing_content(source.plan.force_id):
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


class _RowReader:
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
                    f'This cell holds a formula. It is kept as the text "{_short(cell.text)}" '
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
        self.fail(key, f'Write "yes" or "no", not "{_short(text)}".')
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
                f'"{_short(text)}" is not a date. Write it as 2024-09-30 (or 30/09/2024), or '
                "leave it blank.",
            )
            return None


class _PlanState:
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
        if found is None and _NUMBER.fullmatch(reference):
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


def _pick_sheet(file: SpreadsheetFile, layout: Layout, preview: ImportPreview) -> Sheet | None:
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


# Plans ----------------------------------------------------------------------------------------


@dataclass
class _DeliverableValues:
    code: str
    workstream: Workstream
    title: str
    description: str
    lead: str
    start_quarter: Quarter
    due_quarter: Quarter
    actions: list[NationalAction]
    withdrawn: bool
    withdrawn_reason: str


@dataclass
class _MilestoneValues:
    deliverable: Deliverable | None
    new_deliverable_code: str
    title: str
    due_quarter: Quarter
    done_on: dt.date | None


class PlanImport:
    """Import of a plan sheet (and optionally milestones) into ``plan``.

    Milestones come from ``milestones_file`` when given, otherwise from the "Milestones"
    sheet of an ``.xlsx`` plan file when it has one. Rows never delete anything: a
    deliverable or milestone left out of the file stays as it is.
    """

    kind = "plan"

    def __init__(
        self,
        plan: Plan,
        file: SpreadsheetFile,
        milestones_file: SpreadsheetFile | None = None,
    ):
        self.plan = plan
        self.file = file
        self.milestones_file = milestones_file

    @property
    def description(self) -> str:
        return f"Plan of {self.plan.force}: {self.plan.title} ({self.plan.period_label})"

    @property
    def identity(self) -> list:
        return [self.kind, self.plan.pk]

    @property
    def history_reason(self) -> str:
        names = [self.file.name, *([self.milestones_file.name] if self.milestones_file else [])]
        return f"Imported from {' and '.join(names)}"[:_HISTORY_REASON_LENGTH]

    def preview(self) -> ImportPreview:
        preview = ImportPreview(self)
        plan_sheet = _pick_sheet(self.file, PLAN, preview)
        milestone_sheet = self._milestone_sheet(preview)
        if preview.problems or plan_sheet is None:
            return preview
        tables = [bind(plan_sheet, PLAN)]
        if milestone_sheet is not None:
            tables.append(bind(milestone_sheet, MILESTONES))
        for table in tables:
            preview.problems.extend(table.problems)
            preview.warnings.extend(table.warnings)
        if preview.problems:
            return preview
        state = _PlanState(self.plan, milestones=milestone_sheet is not None)
        new_codes = self._preview_deliverables(tables[0], state, preview)
        if milestone_sheet is not None:
            self._preview_milestones(tables[1], state, new_codes, preview)
        return preview

    def _milestone_sheet(self, preview: ImportPreview) -> Sheet | None:
        in_plan_file = (
            self.file.sheet_titled(MILESTONES.title) if self.file.format == "xlsx" else None
        )
        if self.file.format == "xlsx":
            known = {PLAN.title.casefold(), MILESTONES.title.casefold()}
            preview.warnings.extend(
                Problem(
                    f'The sheet "{sheet.title}" was ignored: only the "Plan" and "Milestones" '
                    "sheets are imported."
                )
                for sheet in self.file.sheets
                if len(self.file.sheets) > 1 and sheet.title.casefold() not in known
            )
        if self.milestones_file is None:
            return in_plan_file
        if in_plan_file is not None:
            preview.warnings.append(
                Problem(
                    f'The "Milestones" sheet of "{self.file.name}" was ignored: milestones '
                    f'were read from "{self.milestones_file.name}".'
                )
            )
        return _pick_sheet(self.milestones_file, MILESTONES, preview)

    def _preview_deliverables(
        self, table: Table, state: _PlanState, preview: ImportPreview
    ) -> set[str]:
        seen: dict[tuple, int] = {}
        new_codes: set[str] = set()
        for record in table.records:
            reader = _RowReader(table, record)
            reference = reader.text("reference", max_length=_max_length(Deliverable, "reference"))
            target, code = self._resolve(reader, reference, state)
            key = ("pk", target.pk) if target else ("code", code) if code else None
            if key in seen:
                reader.fail(
                    "reference",
                    f"The reference {reference} is also on row {seen[key]}: each deliverable "
                    "can be in the file only once.",
                )
            elif key:
                seen[key] = record.number
            values = self._read_deliverable(reader, state, code)
            row = RowPreview(
                sheet=PLAN.title,
                number=record.number,
                reference=reference,
                title=values.title if values else single_line(record.text("title")),
                problems=reader.problems,
                warnings=reader.warnings,
                target=target,
                values=values,
            )
            if code:
                # Even on a row with errors, so milestones of it are not reported as orphans.
                new_codes.add(code)
            if row.problems:
                row.outcome = Outcome.ERROR
            elif target is None:
                row.outcome = Outcome.CREATED
                row.note = "New deliverable"
            else:
                row.changes = _deliverable_changes(target, values)
                row.outcome = Outcome.CHANGED if row.changes else Outcome.UNCHANGED
            preview.rows.append(row)
        return new_codes

    @staticmethod
    def _resolve(
        reader: _RowReader, reference: str, state: _PlanState
    ) -> tuple[Deliverable | None, str]:
        """(existing deliverable, "") or (None, code for a new deliverable)."""
        if not reference or len(reference) > _max_length(Deliverable, "reference"):
            return None, ""
        found = state.find(reference)
        if found is not None:
            return found, ""
        if _NUMBER.fullmatch(reference):
            # Numbers are the site's own deliverable numbers: one that is not in this plan
            # (whether it does not exist or belongs to another force) is simply not found.
            reader.fail(
                "reference",
                f"No deliverable in this plan has the reference {reference}. To add a new "
                "deliverable, leave its reference blank or give it a code with a letter, "
                "such as R-04.",
            )
            return None, ""
        return None, reference

    @staticmethod
    def _read_deliverable(
        reader: _RowReader, state: _PlanState, code: str
    ) -> _DeliverableValues | None:
        workstream_text = reader.text("workstream", required="Enter the workstream.")
        workstream = state.workstream(workstream_text) if workstream_text else None
        if workstream_text and workstream is None:
            names = ", ".join(w.name for w in Workstream.objects.all())
            reader.fail(
                "workstream",
                f'"{_short(workstream_text)}" is not a workstream. Use one of: {names}.',
            )
        title = reader.text(
            "title",
            required="Enter the title of the deliverable.",
            max_length=_max_length(Deliverable, "title"),
        )
        description = reader.text(
            "description", multiline=True, max_length=_max_length(Deliverable, "description")
        )
        lead = reader.text("lead", max_length=_max_length(Deliverable, "lead"))
        start = reader.quarter("start_quarter")
        due = reader.quarter("due_quarter")
        if start and due and due < start:
            reader.fail(
                "due_quarter",
                f"The due quarter, {due}, is before the start quarter, {start}.",
            )
        actions = _read_actions(reader, workstream, state)
        withdrawn = reader.yes_no("withdrawn")
        reason = reader.text(
            "withdrawn_reason",
            multiline=True,
            max_length=_max_length(Deliverable, "withdrawn_reason"),
        )
        if withdrawn and not reason:
            reader.fail(
                "withdrawn_reason",
                "Give the reason this deliverable is withdrawn: the public can read it.",
            )
        if withdrawn is False and reason:
            reader.fail(
                "withdrawn_reason",
                '"Withdrawn" is "no", so there can be no withdrawal reason. Clear the reason, '
                'or set "Withdrawn" to "yes".',
            )
        if reader.problems:
            return None
        return _DeliverableValues(
            code=code,
            workstream=workstream,
            title=title,
            description=description,
            lead=lead,
            start_quarter=start,
            due_quarter=due,
            actions=actions,
            withdrawn=bool(withdrawn),
            withdrawn_reason=reason,
        )

    def _preview_milestones(
        self, table: Table, state: _PlanState, new_codes: set[str], preview: ImportPreview
    ) -> None:
        seen: dict[int, int] = {}
        for record in table.records:
            reader = _RowReader(table, record)
            deliverable_ref = reader.text(
                "deliverable", required="Enter the reference of the deliverable."
            )
            deliverable = state.find(deliverable_ref) if deliverable_ref else None
            new_code = ""
            if deliverable_ref and deliverable is None:
                if deliverable_ref in new_codes:
                    new_code = deliverable_ref
                else:
                    reader.fail(
                        "deliverable",
                        f"No deliverable in this plan has the reference {deliverable_ref}, and "
                        "the Plan sheet adds none with it.",
                    )
            reference = reader.text("reference")
            target = None
            if reference:
                if _NUMBER.fullmatch(reference):
                    target = state.milestones.get(int(reference))
                if target is None:
                    reader.fail(
                        "reference",
                        f"No milestone in this plan has the reference {reference}. To add a new "
                        "milestone, leave its reference blank.",
                    )
                elif target.pk in seen:
                    reader.fail(
                        "reference",
                        f"The milestone {reference} is also on row {seen[target.pk]}: each "
                        "milestone can be in the file only once.",
                    )
                    target = None
                else:
                    seen[target.pk] = record.number
                    owner = state.by_pk[target.deliverable_id]
                    if (deliverable or new_code) and owner != deliverable:
                        reader.fail(
                            "deliverable",
                            f"Milestone {reference} belongs to deliverable "
                            f"{deliverable_reference(owner)}, not {deliverable_ref}.",
                        )
            title = reader.text(
                "title",
                required="Enter the milestone.",
                max_length=_max_length(Milestone, "title"),
            )
            due = reader.quarter("due_quarter")
            done_on = reader.date("done_on")
            row = RowPreview(
                sheet=MILESTONES.title,
                number=record.number,
                reference=reference,
                title=title,
                problems=reader.problems,
                warnings=reader.warnings,
                target=target,
            )
            if row.problems:
                row.outcome = Outcome.ERROR
            else:
                row.values = _MilestoneValues(deliverable, new_code, title, due, done_on)
                if target is None:
                    row.outcome = Outcome.CREATED
                    row.note = f"New milestone of {deliverable_ref}"
                else:
                    row.changes = _milestone_changes(target, row.values)
                    row.outcome = Outcome.CHANGED if row.changes else Outcome.UNCHANGED
            preview.rows.append(row)

    def _lock(self) -> None:
        """Lock the plan, its deliverables and milestones until the transaction ends."""
        list(Plan.objects.select_for_update().filter(pk=self.plan.pk).values_list("pk"))
        deliverables = list(
            Deliverable.objects.select_for_update()
            .filter(plan=self.plan)
            .values_list("pk", flat=True)
        )
        list(
            Milestone.objects.select_for_update()
            .filter(deliverable_id__in=deliverables)
            .values_list("pk")
        )

    def _write(self, preview: ImportPreview, *, user, now: dt.datetime) -> None:
        today = timezone.localdate(now)
        history = {"default_user": user, "default_date": now}
        reason = self.history_reason
        rows = [row for row in preview.rows if row.sheet == PLAN.title]
        created_rows = [row for row in rows if row.outcome == Outcome.CREATED]
        changed_rows = [row for row in rows if row.outcome == Outcome.CHANGED]

        next_order = defaultdict(int)
        for deliverable in Deliverable.objects.filter(plan=self.plan):
            next_order[deliverable.workstream_id] = max(
                next_order[deliverable.workstream_id], deliverable.order + 1
            )
        created = []
        for row in created_rows:
            deliverable = Deliverable(plan=self.plan, reference=row.values.code)
            deliverable.order = next_order[row.values.workstream.pk]
            next_order[row.values.workstream.pk] += 1
            _set_deliverable(deliverable, row.values, today)
            created.append(deliverable)
        changed = []
        for row in changed_rows:
            deliverable = row.target
            _set_deliverable(deliverable, row.values, today)
            deliverable.version += 1
            deliverable.updated_at = now
            changed.append(deliverable)

        Deliverable.objects.bulk_create(created)
        Deliverable.objects.bulk_update(
            changed,
            [
                "workstream",
                "title",
                "description",
                "lead",
                "start_quarter",
                "due_quarter",
                "withdrawn_at",
                "withdrawn_reason",
                "version",
                "updated_at",
            ],
        )
        actions_heading = PLAN.column("national_actions").heading
        relinked = [
            (deliverable, row.values.actions)
            for deliverable, row in zip(changed, changed_rows, strict=True)
            if any(change.field == actions_heading for change in row.changes)
        ]
        through = Deliverable.national_actions.through
        through.objects.filter(deliverable__in=[d for d, _ in relinked]).delete()
        through.objects.bulk_create(
            through(deliverable_id=deliverable.pk, nationalaction_id=action.pk)
            for deliverable, actions in [
                *relinked,
                *((d, row.values.actions) for d, row in zip(created, created_rows, strict=True)),
            ]
            for action in actions
        )
        records = [
            *Deliverable.history.bulk_history_create(
                created, default_change_reason=reason, **history
            ),
            *Deliverable.history.bulk_history_create(
                changed, update=True, default_change_reason=reason, **history
            ),
        ]
        _record_national_actions(records)

        by_code = {d.reference: d for d in created if d.reference}
        self._write_milestones(preview, by_code, user=user, now=now, reason=reason)

    @staticmethod
    def _write_milestones(preview, by_code, *, user, now, reason) -> None:
        rows = [row for row in preview.rows if row.sheet == MILESTONES.title]
        history = {"default_user": user, "default_date": now, "default_change_reason": reason}
        created, changed = [], []
        next_order = defaultdict(
            int,
            Milestone.objects.filter(
                deliverable__in=[
                    r.values.deliverable for r in rows if r.values and r.values.deliverable
                ]
            )
            .order_by()
            .values_list("deliverable")
            .annotate(next=Max("order") + 1),
        )
        for row in rows:
            values = row.values
            if row.outcome == Outcome.CREATED:
                deliverable = values.deliverable or by_code[values.new_deliverable_code]
                milestone = Milestone(deliverable=deliverable, order=next_order[deliverable.pk])
                next_order[deliverable.pk] += 1
                created.append(milestone)
            elif row.outcome == Outcome.CHANGED:
                milestone = row.target
                milestone.version += 1
                changed.append(milestone)
            else:
                continue
            milestone.title = values.title
            milestone.due_quarter = values.due_quarter
            milestone.done_on = values.done_on
        if created:
            bulk_create_with_history(created, Milestone, **history)
        if changed:
            bulk_update_with_history(
                changed, Milestone, ["title", "due_quarter", "done_on", "version"], **history
            )


def _read_actions(
    reader: _RowReader, workstream: Workstream | None, state: _PlanState
) -> list[NationalAction]:
    found = []
    for code in split_codes(reader.text("national_actions")):
        action = state.actions.get(code.casefold())
        if action is None:
            hint = ""
            if workstream is not None:
                codes = [a.code for a in state.actions.values() if a.workstream_id == workstream.pk]
                hint = f" The codes for {workstream} are: {', '.join(sorted(codes))}."
            reader.fail("national_actions", f'There is no national action "{_short(code)}".{hint}')
        elif workstream is not None and action.workstream_id != workstream.pk:
            reader.fail(
                "national_actions",
                f"National action {action.code} belongs to the {action.workstream} "
                f"workstream, not {workstream}.",
            )
        else:
            found.append(action)
    return sorted(found, key=lambda action: (action.workstream.order, action.code))


def _set_deliverable(deliverable: Deliverable, values: _DeliverableValues, today: dt.date) -> None:
    deliverable.workstream = values.workstream
    deliverable.title = values.title
    deliverable.description = values.description
    deliverable.lead = values.lead
    deliverable.start_quarter = values.start_quarter
    deliverable.due_quarter = values.due_quarter
    if not values.withdrawn:
        deliverable.withdrawn_at = None
    elif deliverable.withdrawn_at is None:
        deliverable.withdrawn_at = today
    deliverable.withdrawn_reason = values.withdrawn_reason if values.withdrawn else ""


def _record_national_actions(records) -> None:
    """Snapshot each new history record's national actions, as django-simple-history does
    for a single save (its bulk helpers leave many-to-many fields out)."""
    if not records:
        return
    snapshot_model = Deliverable.history.model.national_actions.model
    through = Deliverable.national_actions.through
    links = defaultdict(list)
    for link in through.objects.filter(deliverable_id__in={r.id for r in records}):
        links[link.deliverable_id].append(link)
    snapshot_model.objects.bulk_create(
        snapshot_model(
            history=record,
            id=link.id,
            deliverable_id=link.deliverable_id,
            nationalaction_id=link.nationalaction_id,
        )
        for record in records
        for link in links[record.id]
    )


def _deliverable_changes(deliverable: Deliverable, values: _DeliverableValues) -> list[Change]:
    heading = {column.key: column.heading for column in PLAN.columns}
    old_actions = list(deliverable.national_actions.all())
    pairs = [
        ("workstream", deliverable.workstream.name, values.workstream.name),
        ("title", single_line(deliverable.title), values.title),
        ("description", multi_line(deliverable.description), values.description),
        ("lead", single_line(deliverable.lead), values.lead),
        ("start_quarter", str(deliverable.start_quarter), str(values.start_quarter)),
        ("due_quarter", str(deliverable.due_quarter), str(values.due_quarter)),
        (
            "national_actions",
            codes_text(a.code for a in old_actions),
            codes_text(a.code for a in values.actions),
        ),
        ("withdrawn", yes_no(deliverable.is_withdrawn), yes_no(values.withdrawn)),
        ("withdrawn_reason", multi_line(deliverable.withdrawn_reason), values.withdrawn_reason),
    ]
    return [Change(heading[key], old, new) for key, old, new in pairs if old != new]


def _milestone_changes(milestone: Milestone, values: _MilestoneValues) -> list[Change]:
    heading = {column.key: column.heading for column in MILESTONES.columns}
    pairs = [
        ("title", single_line(milestone.title), values.title),
        ("due_quarter", str(milestone.due_quarter), str(values.due_quarter)),
        (
            "done_on",
            milestone.done_on.isoformat() if milestone.done_on else "",
            values.done_on.isoformat() if values.done_on else "",
        ),
    ]
    return [Change(heading[key], old, new) for key, old, new in pairs if old != new]


# Quarterly returns ----------------------------------------------------------------------------


@dataclass
class _UpdateValues:
    deliverable: Deliverable
    status: str
    done: str
    next: str
    evidence: str


class ReturnImport:
    """Import of a quarterly return for ``quarter`` into the deliverables of ``plan``.

    Updates are saved as drafts unless ``publish`` is true, in which case every update in the
    file is published, drafts included. A published update that the file changes stays
    published, with the new text, and is marked as corrected.
    """

    kind = "return"

    def __init__(
        self, plan: Plan, quarter: Quarter, file: SpreadsheetFile, *, publish: bool = False
    ):
        self.plan = plan
        self.quarter = quarter
        self.file = file
        self.publish = publish

    @property
    def description(self) -> str:
        mode = "published" if self.publish else "saved as drafts"
        return (
            f"Quarterly return of {self.plan.force} for {self.quarter} "
            f"({self.quarter.months_label}), {mode}"
        )

    @property
    def identity(self) -> list:
        return [self.kind, self.plan.pk, self.quarter.compact, self.publish]

    @property
    def history_reason(self) -> str:
        return f"Imported from {self.file.name}"[:_HISTORY_REASON_LENGTH]

    def preview(self) -> ImportPreview:
        preview = ImportPreview(self)
        sheet = _pick_sheet(self.file, RETURN, preview)
        if sheet is None:
            return preview
        table = bind(sheet, RETURN)
        preview.problems.extend(table.problems)
        preview.warnings.extend(table.warnings)
        if preview.problems:
            return preview
        state = _PlanState(self.plan)
        updates = {
            update.deliverable_id: update
            for update in QuarterlyUpdate.objects.filter(
                deliverable__plan=self.plan, quarter=self.quarter
            )
        }
        seen: dict[int, int] = {}
        for record in table.records:
            row = self._preview_row(_RowReader(table, record), state, updates, seen)
            preview.rows.append(row)
        return preview

    def _preview_row(self, reader: _RowReader, state, updates, seen) -> RowPreview:
        reference = reader.text(
            "reference",
            required="Enter the reference of the deliverable. A return cannot add deliverables.",
        )
        deliverable = state.find(reference) if reference else None
        if reference and deliverable is None:
            reader.fail(
                "reference",
                f"No deliverable in this plan has the reference {reference}. A return cannot "
                "add deliverables: add it to the plan first.",
            )
        elif deliverable is not None and deliverable.pk in seen:
            reader.fail(
                "reference",
                f"The reference {reference} is also on row {seen[deliverable.pk]}: each "
                "deliverable can be in the file only once.",
            )
        elif deliverable is not None:
            seen[deliverable.pk] = reader.record.number
        quarter = reader.quarter("quarter")
        if quarter is not None and quarter != self.quarter:
            reader.fail(
                "quarter",
                f"This row is for {quarter}, but this is the return for {self.quarter}. "
                "Correct the quarter, or import the file as the return for "
                f"{quarter}.",
            )
        status_text = reader.text("status")
        status = _status(status_text)
        if status_text and status is None:
            reader.fail(
                "status",
                f'"{_short(status_text)}" is not a status. Use one of: {_STATUS_LIST}.',
            )
        done = reader.text("done", multiline=True, max_length=_max_length(QuarterlyUpdate, "done"))
        next_steps = reader.text(
            "next", multiline=True, max_length=_max_length(QuarterlyUpdate, "next")
        )
        links = split_links(reader.text("evidence", multiline=True))
        for link in links:
            problem = _link_problem(link)
            if problem:
                reader.fail("evidence", problem)
        evidence = evidence_text(links)
        limit = _max_length(QuarterlyUpdate, "evidence")
        if len(evidence) > limit:
            reader.fail(
                "evidence",
                f"The evidence links come to {len(evidence)} characters; the most allowed is "
                f"{limit}. Link to fewer pages, or to one page that lists them.",
            )
        row = RowPreview(
            sheet=RETURN.title,
            number=reader.record.number,
            reference=reference,
            title=single_line(deliverable.title) if deliverable else reader.text("title"),
            warnings=reader.warnings,
        )
        if not reader.problems and deliverable is not None:
            row.values = _UpdateValues(deliverable, status or "", done, next_steps, evidence)
            self._compare(reader, row, updates.get(deliverable.pk), row.values)
        row.problems = reader.problems
        if row.problems:
            row.outcome = Outcome.ERROR
        return row

    def _compare(self, reader: _RowReader, row: RowPreview, update, values: _UpdateValues) -> None:
        """Decide the row's outcome against the stored update, if any; fail what is wrong."""
        status, done = values.status, values.done
        is_blank = not (status or done or values.next or values.evidence)
        if is_blank and update is None:
            row.note = "No update"
            return
        if not status:
            message = f"Choose a status: {_STATUS_LIST}."
            if update is not None:
                message = (
                    f"This deliverable already has an update for {self.quarter}, and an import "
                    f"cannot remove one. Choose its status: {_STATUS_LIST}."
                )
            reader.fail("status", message)
            return
        row.target = update
        if update is None:
            row.outcome = Outcome.CREATED
            row.note = "To be published" if self.publish else "Saved as a draft"
        else:
            heading = {column.key: column.heading for column in RETURN.columns}
            pairs = [
                ("status", update.get_status_display(), Status(status).label),
                ("done", multi_line(update.done), done),
                ("next", multi_line(update.next), values.next),
                ("evidence", evidence_text(split_links(update.evidence)), values.evidence),
            ]
            row.changes = [Change(heading[k], old, new) for k, old, new in pairs if old != new]
            if row.changes and update.is_published:
                row.warnings.append(
                    Problem(
                        "This update is already published: the change is public as soon as "
                        "it is imported, and shown as a correction.",
                        sheet=RETURN.title,
                        row=row.number,
                    )
                )
            if self.publish and not update.is_published:
                row.changes.append(Change("Published", "no", "yes"))
            row.outcome = Outcome.CHANGED if row.changes else Outcome.UNCHANGED
        if row.outcome == Outcome.UNCHANGED:
            return
        if values.deliverable.is_withdrawn:
            reader.fail(
                "reference",
                f"Deliverable {row.reference} is withdrawn, so it takes no more updates. "
                "Remove this row.",
            )
        publishing = self.publish or (update is not None and update.is_published)
        if publishing and status in _NARRATIVE_NEEDED and not done:
            reader.fail(
                "done",
                f'Say what was done: an update that is "{Status(status).label}" needs it '
                "before it is published.",
            )

    def _lock(self) -> None:
        """Lock the plan, its deliverables and this quarter's updates."""
        list(Plan.objects.select_for_update().filter(pk=self.plan.pk).values_list("pk"))
        deliverables = list(
            Deliverable.objects.select_for_update()
            .filter(plan=self.plan)
            .values_list("pk", flat=True)
        )
        list(
            QuarterlyUpdate.objects.select_for_update()
            .filter(deliverable_id__in=deliverables, quarter=self.quarter)
            .values_list("pk")
        )

    def _write(self, preview: ImportPreview, *, user, now: dt.datetime) -> None:
        history = {
            "default_user": user,
            "default_date": now,
            "default_change_reason": self.history_reason,
        }
        created, changed = [], []
        for row in preview.rows:
            values = row.values
            if row.outcome == Outcome.CREATED:
                update = QuarterlyUpdate(
                    deliverable=values.deliverable,
                    quarter=self.quarter,
                    author=user,
                    published_at=now if self.publish else None,
                )
                created.append(update)
            elif row.outcome == Outcome.CHANGED:
                update = row.target
                if update.is_published and any(c.field != "Published" for c in row.changes):
                    update.corrected_at = now
                if self.publish and not update.is_published:
                    update.published_at = now
                update.version += 1
                update.updated_at = now
                changed.append(update)
            else:
                continue
            update.status = values.status
            update.done = values.done
            update.next = values.next
            update.evidence = values.evidence
        if created:
            bulk_create_with_history(created, QuarterlyUpdate, **history)
        if changed:
            bulk_update_with_history(
                changed,
                QuarterlyUpdate,
                [
                    "status",
                    "done",
                    "next",
                    "evidence",
                    "published_at",
                    "corrected_at",
                    "version",
                    "updated_at",
                ],
                **history,
            )


_STATUS_BY_WORD = {
    " ".join(word.replace("_", " ").split()).casefold(): value
    for value, label in Status.choices
    for word in (value, label)
}


def _status(text: str) -> str | None:
    words = text.replace("_", " ").replace("-", " ").split()
    return _STATUS_BY_WORD.get(" ".join(words).casefold())


_URL = URLValidator(schemes=["http", "https"])


def _link_problem(link: str) -> str:
    if not link.lower().startswith(("http://", "https://")):
        return (
            f'"{_short(link)}" is not a web address: each evidence link must start with '
            "https:// or http://."
        )
    try:
        _URL(link)
    except ValidationError:
        return f'"{_short(link)}" is not a valid web address.'
    return ""


def _short(text: str, length: int = 60) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "(blank)"
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _without_row(problem: Problem) -> str:
    column = f'column "{problem.column}" ({problem.letter}): ' if problem.column else ""
    return f"{column}{problem.message}"
