"""Importing a force's quarterly return from a spreadsheet.

See :mod:`actions.spreadsheets.preview` for the steps every import shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import (
    MAX_EVIDENCE_LINKS,
    MAX_LINK_LENGTH,
    Deliverable,
    LinkProblem,
    QuarterlyUpdate,
    Status,
    link_problem,
    narrative_problem,
)
from actions.spreadsheets.files import (
    RETURN,
    Problem,
    SpreadsheetFile,
    bind,
    evidence_text,
    multi_line,
    single_line,
    split_links,
)
from actions.spreadsheets.preview import (
    HISTORY_REASON_LENGTH,
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

_STATUS_LIST = ", ".join(label for _, label in Status.choices)


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
    def force_id(self) -> int:
        return self.plan.force_id

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
        return f"Imported from {self.file.name}"[:HISTORY_REASON_LENGTH]

    def preview(self) -> ImportPreview:
        preview = ImportPreview(self)
        sheet = pick_sheet(self.file, RETURN, preview)
        if sheet is None:
            return preview
        table = bind(sheet, RETURN)
        preview.problems.extend(table.problems)
        preview.warnings.extend(table.warnings)
        if preview.problems:
            return preview
        state = PlanState(self.plan)
        updates = {
            update.deliverable_id: update
            for update in QuarterlyUpdate.objects.filter(
                deliverable__plan=self.plan, quarter=self.quarter
            )
        }
        seen: dict[int, int] = {}
        for record in table.records:
            row = self._preview_row(RowReader(table, record), state, updates, seen)
            preview.rows.append(row)
        return preview

    def _preview_row(self, reader: RowReader, state, updates, seen) -> RowPreview:
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
                f'"{shorten(status_text)}" is not a status. Use one of: {_STATUS_LIST}.',
            )
        done = reader.text(
            "done", multiline=True, max_length=field_max_length(QuarterlyUpdate, "done")
        )
        next_steps = reader.text(
            "next", multiline=True, max_length=field_max_length(QuarterlyUpdate, "next")
        )
        links = split_links(reader.text("evidence", multiline=True))
        if len(links) > MAX_EVIDENCE_LINKS:
            reader.fail(
                "evidence",
                f"There are {len(links)} evidence links; the most allowed is "
                f"{MAX_EVIDENCE_LINKS}. Link to fewer pages, or to one page that lists them.",
            )
        for link in links:
            problem = _link_problem(link)
            if problem:
                reader.fail("evidence", problem)
        evidence = evidence_text(links)
        limit = field_max_length(QuarterlyUpdate, "evidence")
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

    def _compare(self, reader: RowReader, row: RowPreview, update, values: _UpdateValues) -> None:
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
        if publishing and (message := narrative_problem(status, done)):
            reader.fail("done", message)

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
                update = QuarterlyUpdate(deliverable=values.deliverable, quarter=self.quarter)
                created.append(update)
            elif row.outcome == Outcome.CHANGED:
                update = row.target
                update.version += 1  # claimed: apply_import holds the rows locked
                changed.append(update)
            else:
                continue
            update.status = values.status
            update.done = values.done
            update.next = values.next
            update.evidence = values.evidence
            update.record(user, now, publish=self.publish, reason=self.history_reason)
        if created:
            bulk_create_with_history(created, QuarterlyUpdate, **history)
        if changed:
            bulk_update_with_history(
                changed,
                QuarterlyUpdate,
                QuarterlyUpdate.RECORDED_FIELDS,
                **history,
            )
        QuarterlyUpdate.announce_publications(created + changed, now)


_STATUS_BY_WORD = {
    " ".join(word.replace("_", " ").split()).casefold(): value
    for value, label in Status.choices
    for word in (value, label)
}


def _status(text: str) -> str | None:
    words = text.replace("_", " ").replace("-", " ").split()
    return _STATUS_BY_WORD.get(" ".join(words).casefold())


def _link_problem(link: str) -> str:
    problem = link_problem(link)
    if problem == LinkProblem.TOO_LONG:
        return (
            f'The link "{shorten(link)}" is {len(link)} characters long; the most allowed for '
            f"a link is {MAX_LINK_LENGTH}."
        )
    if problem == LinkProblem.NOT_WEB_ADDRESS:
        return (
            f'"{shorten(link)}" is not a web address: each evidence link must start with '
            "https:// or http://."
        )
    if problem == LinkProblem.INVALID:
        return f'"{shorten(link)}" is not a valid web address.'
    return ""
