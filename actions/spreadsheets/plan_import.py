"""Importing a force's plan (deliverables, and optionally milestones) from a spreadsheet.

See :mod:`actions.spreadsheets.preview` for the steps every import shares.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import (
    ORIGINAL_COMMITMENT_FIELDS,
    CommitmentChange,
    Deliverable,
    Milestone,
    quarter_outside_plan,
)
from actions.replanning import Commitment
from actions.spreadsheets.exports import deliverable_reference
from actions.spreadsheets.files import (
    MILESTONES,
    PLAN,
    Problem,
    Sheet,
    SpreadsheetFile,
    Table,
    bind,
    codes_text,
    multi_line,
    single_line,
    split_codes,
    yes_no,
)
from actions.spreadsheets.preview import (
    HISTORY_REASON_LENGTH,
    NUMBER,
    Change,
    ImportPreview,
    Outcome,
    PlanState,
    RowPreview,
    RowReader,
    field_max_length,
    pick_sheet,
    shorten,
)
from plans.models import Plan
from plans.quarters import Quarter
from workstreams.models import NationalAction, Workstream


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
    change_reason: str = ""

    @property
    def commitment(self) -> Commitment:
        return Commitment(self.start_quarter, self.due_quarter, self.title, self.description)


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
    def force_id(self) -> int:
        return self.plan.force_id

    @property
    def description(self) -> str:
        return f"Plan of {self.plan.force}: {self.plan.title} ({self.plan.period_label})"

    @property
    def identity(self) -> list:
        return [self.kind, self.plan.pk]

    @property
    def history_reason(self) -> str:
        names = [self.file.name, *([self.milestones_file.name] if self.milestones_file else [])]
        return f"Imported from {' and '.join(names)}"[:HISTORY_REASON_LENGTH]

    def preview(self) -> ImportPreview:
        preview = ImportPreview(self)
        plan_sheet = pick_sheet(self.file, PLAN, preview)
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
        state = PlanState(self.plan, milestones=milestone_sheet is not None)
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
        return pick_sheet(self.milestones_file, MILESTONES, preview)

    def _preview_deliverables(
        self, table: Table, state: PlanState, preview: ImportPreview
    ) -> set[str]:
        seen: dict[tuple, int] = {}
        new_codes: set[str] = set()
        for record in table.records:
            reader = RowReader(table, record)
            reference = reader.text(
                "reference", max_length=field_max_length(Deliverable, "reference")
            )
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
                _check_replanning(reader, row, state)
            preview.rows.append(row)
        return new_codes

    @staticmethod
    def _resolve(
        reader: RowReader, reference: str, state: PlanState
    ) -> tuple[Deliverable | None, str]:
        """(existing deliverable, "") or (None, code for a new deliverable)."""
        if not reference or len(reference) > field_max_length(Deliverable, "reference"):
            return None, ""
        found = state.find(reference)
        if found is not None:
            return found, ""
        if NUMBER.fullmatch(reference):
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
        reader: RowReader, state: PlanState, code: str
    ) -> _DeliverableValues | None:
        workstream_text = reader.text("workstream", required="Enter the workstream.")
        workstream = state.workstream(workstream_text) if workstream_text else None
        if workstream_text and workstream is None:
            names = ", ".join(w.name for w in Workstream.objects.all())
            reader.fail(
                "workstream",
                f'"{shorten(workstream_text)}" is not a workstream. Use one of: {names}.',
            )
        title = reader.text(
            "title",
            required="Enter the title of the deliverable.",
            max_length=field_max_length(Deliverable, "title"),
        )
        description = reader.text(
            "description", multiline=True, max_length=field_max_length(Deliverable, "description")
        )
        lead = reader.text("lead", max_length=field_max_length(Deliverable, "lead"))
        start = reader.quarter("start_quarter")
        due = reader.quarter("due_quarter")
        if start and due and due < start:
            reader.fail(
                "due_quarter",
                f"The due quarter, {due}, is before the start quarter, {start}.",
            )
        # A due quarter already refused for being before the start quarter gets one message.
        in_order = not (start and due and due < start)
        for key, quarter in (("start_quarter", start), ("due_quarter", due if in_order else None)):
            if message := quarter_outside_plan(state.plan, reader.heading(key), quarter):
                reader.fail(key, f"{message}.")
        actions = _read_actions(reader, workstream, state)
        withdrawn = reader.yes_no("withdrawn")
        reason = reader.text(
            "withdrawn_reason",
            multiline=True,
            max_length=field_max_length(Deliverable, "withdrawn_reason"),
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
        change_reason = reader.text(
            "change_reason",
            multiline=True,
            max_length=field_max_length(CommitmentChange, "reason"),
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
            change_reason=change_reason,
        )

    def _preview_milestones(
        self, table: Table, state: PlanState, new_codes: set[str], preview: ImportPreview
    ) -> None:
        seen: dict[int, int] = {}
        for record in table.records:
            reader = RowReader(table, record)
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
                if NUMBER.fullmatch(reference):
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
                max_length=field_max_length(Milestone, "title"),
            )
            due = reader.quarter("due_quarter")
            if message := quarter_outside_plan(state.plan, reader.heading("due_quarter"), due):
                reader.fail("due_quarter", f"{message}.")
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
            deliverable.record_replanning(None, user, now)  # public at once in a public plan
            created.append(deliverable)
        changed = []
        replanned: list[CommitmentChange] = []
        for row in changed_rows:
            deliverable = row.target
            deliverable.plan = self.plan
            before = deliverable.commitment
            _set_deliverable(deliverable, row.values, today)
            replanned += deliverable.record_replanning(before, user, now, row.values.change_reason)
            deliverable.version += 1
            deliverable.updated_at = now
            changed.append(deliverable)

        Deliverable.objects.bulk_create(created)
        Deliverable.objects.bulk_update(
            changed,
            [
                *ORIGINAL_COMMITMENT_FIELDS,
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
        CommitmentChange.save_all(replanned)

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
    reader: RowReader, workstream: Workstream | None, state: PlanState
) -> list[NationalAction]:
    found = []
    for code in split_codes(reader.text("national_actions")):
        action = state.actions.get(code.casefold())
        if action is None:
            hint = ""
            if workstream is not None:
                codes = [a.code for a in state.actions.values() if a.workstream_id == workstream.pk]
                hint = f" The codes for {workstream} are: {', '.join(sorted(codes))}."
            reader.fail("national_actions", f'There is no national action "{shorten(code)}".{hint}')
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


def _check_replanning(reader: RowReader, row: RowPreview, state: PlanState) -> None:
    """The rule of every write path (``Deliverable.replanning_problem``): a change to a
    public deliverable's commitment that needs a reason refuses the row, naming the "Reason
    for change" column; the reason, when given, is shown with the changes."""
    target, values = row.target, row.values
    target.plan = state.plan
    if problem := target.replanning_problem(values.commitment, values.change_reason):
        reader.fail("change_reason", problem)  # row.problems is the reader's list
        row.outcome = Outcome.ERROR
    elif not values.change_reason:
        return
    elif not target.is_committed:
        _ignored_reason(reader, "This deliverable is not public yet: it changes freely")
    elif target.commitment == values.commitment:
        _ignored_reason(reader, "This row changes no quarter, title or description")
    else:
        row.note = f"Reason for change: {shorten(values.change_reason)}"


def _ignored_reason(reader: RowReader, why: str) -> None:
    problem = reader.table.problem(
        reader.record, "change_reason", f"{why}, so its reason for change is not kept."
    )
    reader.warnings.append(problem)  # row.warnings is the reader's list


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
