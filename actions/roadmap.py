"""Everything a force roadmap shows, gathered in a fixed handful of queries.

``build_roadmap(plan, today)`` is what the public roadmap renders. A coordinator's preview
passes ``include_drafts=True`` to see the roadmap as it will look once the drafts are
published; public views never do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Max

from actions.lanes import Slot, pack
from actions.models import Deliverable, QuarterlyUpdate, Status
from actions.progress import StatusCounts
from plans.models import Plan
from plans.quarters import Quarter, quarter_window
from workstreams.models import Workstream

#: Quarters the grid shows by default (as many as fit a desktop page without scrolling
#: sideways); a longer plan shows this many around the current quarter, two before it.
WINDOW = 6
WINDOW_BEFORE = 2

#: What a roadmap never shows of a deliverable, left unread (its description and texts as
#: first published are on its own page).
ROADMAP_DEFERRED = (
    "description",
    "lead",
    "original_title",
    "original_description",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Achievement:
    """A completed deliverable and the update that reported it complete (if any)."""

    deliverable: Deliverable
    update: QuarterlyUpdate | None

    @property
    def quarter(self) -> Quarter | None:
        return self.update.quarter if self.update else self.deliverable.current_quarter


@dataclass
class WorkstreamRoadmap:
    """One workstream's part of the roadmap: its grid lanes, deliverables and achievements."""

    workstream: Workstream
    deliverables: list[Deliverable] = field(default_factory=list)
    lanes: list[list[Slot[Deliverable]]] = field(default_factory=list)
    achievements: list[Achievement] = field(default_factory=list)

    @cached_property
    def counts(self) -> StatusCounts:
        """Counts by current status of the active (not withdrawn) deliverables (worked out
        once: the page says them four times)."""
        return StatusCounts.from_statuses(
            d.current_status for d in self.deliverables if not d.is_withdrawn
        )

    @property
    def withdrawn_count(self) -> int:
        return sum(1 for d in self.deliverables if d.is_withdrawn)

    @property
    def lane_count(self) -> int:
        """Table rows this workstream takes in the grid (at least one, even when empty)."""
        return max(1, len(self.lanes))


@dataclass
class Roadmap:
    plan: Plan
    today: dt.date
    quarters: list[Quarter]
    workstreams: list[WorkstreamRoadmap]
    latest_published_at: dt.datetime | None
    include_drafts: bool = False
    all_quarters: list[Quarter] = field(default_factory=list)
    earlier_count: int = 0
    later_count: int = 0

    window_size: int = WINDOW

    @property
    def is_windowed(self) -> bool:
        """True when the grid shows only some of the plan's quarters."""
        return len(self.quarters) < len(self.all_quarters)

    @property
    def current_quarter(self) -> Quarter:
        return Quarter.containing(self.today)

    @cached_property
    def current_column(self) -> int | None:
        """Index of the current quarter's column, or None when the grid does not show it.
        (Kept: the grid asks it of every cell.)"""
        current = self.current_quarter
        return self.quarters.index(current) if current in self.quarters else None

    @property
    def width_step(self) -> int:
        """The grid's minimum-width step in the stylesheet: its number of quarters, up to 16."""
        return min(len(self.quarters), 16)

    @cached_property
    def counts(self) -> StatusCounts:
        total = StatusCounts()
        for part in self.workstreams:
            total += part.counts
        return total

    @property
    def deliverable_count(self) -> int:
        return sum(len(part.deliverables) for part in self.workstreams)

    @property
    def withdrawn_count(self) -> int:
        return sum(part.withdrawn_count for part in self.workstreams)

    @property
    def overdue_count(self) -> int:
        return sum(1 for part in self.workstreams for d in part.deliverables if d.overdue)

    @property
    def replanned_count(self) -> int:
        """Active deliverables whose start or due quarter is not the one first published."""
        return sum(
            1
            for part in self.workstreams
            for d in part.deliverables
            if d.is_replanned and not d.is_withdrawn
        )

    @property
    def past_original_due_count(self) -> int:
        """Re-planned deliverables past their original due quarter, not complete, and not
        overdue (still within their new due quarter)."""
        return sum(1 for part in self.workstreams for d in part.deliverables if d.past_original_due)


def build_roadmap(
    plan: Plan, today: dt.date, *, include_drafts: bool = False, every_quarter: bool = False
) -> Roadmap:
    """The roadmap of ``plan`` as of ``today``: four queries whatever the plan's size, none
    of them reading other plans' updates.

    The plan's quarters run over its period, widened if a deliverable starts earlier or ends
    later. The grid shows all of them when there are at most :data:`WINDOW` (or with
    ``every_quarter``); otherwise the :data:`WINDOW` quarters around today's
    (:func:`plans.quarters.quarter_window`). A deliverable that runs on beyond the window is
    cut at its edge and marked (``continues_from``, ``continues_to``); one wholly outside it
    is counted (``earlier_count``, ``later_count``) and stays in the list view, so none is
    ever lost from the page.
    """
    workstreams = list(Workstream.objects.all())
    deliverables = list(
        Deliverable.objects.filter(plan=plan)
        .defer(*ROADMAP_DEFERRED)
        .with_current_status(include_drafts=include_drafts)
        .order_by("workstream__order", "start_quarter", "order", "pk")
    )
    # The updates are looked up by their deliverables' keys, not joined to the plan: joined,
    # PostgreSQL reads every force's updates to find this plan's (a scan that grows with
    # the whole country's data); by key it reads this plan's alone, through the index.
    complete = [d.pk for d in deliverables if d.current_status == Status.COMPLETE]
    completions = (
        QuarterlyUpdate.objects.filter(deliverable_id__in=complete, status=Status.COMPLETE)
        .only("deliverable_id", "quarter", "done")
        .order_by("-quarter")
    )
    if not include_drafts:
        completions = completions.published()
    latest_published_at = (
        QuarterlyUpdate.objects.published()
        .filter(deliverable_id__in=[d.pk for d in deliverables])
        .aggregate(latest=Max("published_at"))["latest"]
    )

    span_first = min([plan.first_quarter, *(d.start_quarter for d in deliverables)])
    span_last = max([plan.last_quarter, *(d.due_quarter for d in deliverables)])
    all_quarters = Quarter.range(span_first, span_last)
    if every_quarter:
        first, last = span_first, span_last
    else:
        first, last = quarter_window(
            span_first, span_last, Quarter.containing(today), WINDOW, WINDOW_BEFORE
        )
    quarters = Quarter.range(first, last)

    # Deliverable rows carry the plan they were filtered by: no query per row for it.
    for deliverable in deliverables:
        deliverable.plan = plan
        deliverable.overdue = not deliverable.is_withdrawn and deliverable.is_overdue(
            today, deliverable.current_status
        )
        # Said only of a re-planned deliverable that is not overdue: "Overdue" says the rest.
        deliverable.past_original_due = (
            not deliverable.is_withdrawn
            and not deliverable.overdue
            and deliverable.due_moved
            and deliverable.is_past_original_due(today, deliverable.current_status)
        )
    completion_by_deliverable: dict[int, QuarterlyUpdate] = {}
    for update in completions:
        completion_by_deliverable.setdefault(update.deliverable_id, update)

    parts = {w.pk: WorkstreamRoadmap(workstream=w) for w in workstreams}
    earlier = later = 0
    for deliverable in deliverables:
        deliverable.workstream = parts[deliverable.workstream_id].workstream
        parts[deliverable.workstream_id].deliverables.append(deliverable)
        deliverable.continues_from = (
            deliverable.start_quarter if deliverable.start_quarter < first else None
        )
        deliverable.continues_to = (
            deliverable.due_quarter if deliverable.due_quarter > last else None
        )
        earlier += deliverable.due_quarter < first
        later += deliverable.start_quarter > last
    for part in parts.values():
        part.lanes = pack(
            [d for d in part.deliverables if d.due_quarter >= first and d.start_quarter <= last],
            len(quarters),
            lambda d: (d.start_quarter - first, d.due_quarter - first),
        )
        part.achievements = sorted(
            (
                Achievement(d, completion_by_deliverable.get(d.pk))
                for d in part.deliverables
                if d.current_status == Status.COMPLETE and not d.is_withdrawn
            ),
            key=lambda a: (a.quarter or first, a.deliverable.due_quarter),
            reverse=True,
        )
    return Roadmap(
        plan=plan,
        today=today,
        quarters=quarters,
        workstreams=list(parts.values()),
        latest_published_at=latest_published_at,
        include_drafts=include_drafts,
        all_quarters=all_quarters,
        earlier_count=earlier,
        later_count=later,
    )
