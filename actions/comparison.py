"""National comparison arithmetic: combine grouped counts into one row per force, national
action coverage, and the geometry of a stacked status bar. Pure, no Django imports.

The database does the counting (``Deliverable.objects.status_counts_by(...)`` and
``national_action_pairs()``); this module only adds up the few grouped rows per force, so a
page costs the same number of queries whatever the number of deliverables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from actions.progress import DISPLAY_ORDER, StatusCounts, percent
from plans.quarters import Quarter

__all__ = ["DISPLAY_ORDER", "in_display_order"]


def in_display_order(counts: StatusCounts) -> list[tuple[str, str, int]]:
    """``(status, label, count)`` in ``actions.progress.DISPLAY_ORDER``."""
    return counts.in_display_order()


@dataclass(frozen=True, slots=True)
class BarSegment:
    """One status in a stacked bar: ``x`` and ``width`` are percentages of the bar."""

    status: str
    label: str
    count: int
    x: float
    width: float


def status_bar(counts: StatusCounts) -> list[BarSegment]:
    """Segments of a 100%-wide stacked bar, complete first, leaving out empty statuses."""
    total = counts.total
    segments: list[BarSegment] = []
    x = 0.0
    for status, label, count in in_display_order(counts):
        if not count:
            continue
        width = round(100 * count / total, 3)
        segments.append(BarSegment(status, label, count, round(x, 3), width))
        x += width
    return segments


@dataclass(frozen=True, slots=True)
class WorkstreamShare:
    """A force's figures under one workstream (a heat-map cell)."""

    workstream: Any
    counts: StatusCounts

    @property
    def percent_complete(self) -> int | None:
        """None when the force has no deliverables under the workstream."""
        return self.counts.percent_complete if self.counts.total else None

    @property
    def band(self) -> int | None:
        """Heat-map band 0-4 (0-19%, 20-39%, 40-59%, 60-79%, 80-100%); None if empty."""
        share = self.percent_complete
        return None if share is None else min(share // 20, 4)


@dataclass(frozen=True, slots=True)
class ForceComparison:
    """One force's row in the national comparison (published data only)."""

    force: Any
    counts: StatusCounts
    workstreams: tuple[WorkstreamShare, ...]
    latest_quarter: Quarter | None = None
    has_published_plan: bool = False
    #: Deliverables re-planned, overdue and past their original due quarter (all forces'
    #: published deliverables, whatever workstream is counted).
    replanned: int = 0
    overdue: int = 0
    past_original_due: int = 0
    #: Published engagement activities, and their actions linked to a deliverable.
    engagement: int = 0
    engagement_actions: int = 0
    #: An active independent scrutiny panel; deliverables whose standing panel views challenge
    #: them (Some concerns or Disagree), counted once per quarter; standing published panel
    #: views the force has not replied to.
    has_panel: bool = False
    panel_challenges: int = 0
    panel_unanswered: int = 0

    @property
    def percent_complete(self) -> int | None:
        """Share complete; None when the force has no deliverables to count."""
        return self.counts.percent_complete if self.counts.total else None

    #: Share complete by workstream slug (None where there are no deliverables): worked out
    #: once, as the national table reads it for every heat-map cell.
    share_by_workstream: dict[str, int | None] = field(init=False, repr=False, compare=False)

    #: Heat-map band by workstream slug (None where there are no deliverables), likewise.
    band_by_workstream: dict[str, int | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shares = {cell.workstream.slug: cell.percent_complete for cell in self.workstreams}
        object.__setattr__(self, "share_by_workstream", shares)
        bands = {cell.workstream.slug: cell.band for cell in self.workstreams}
        object.__setattr__(self, "band_by_workstream", bands)

    @property
    def bar(self) -> list[BarSegment]:
        return status_bar(self.counts)

    def workstream(self, slug: str) -> WorkstreamShare:
        return next(cell for cell in self.workstreams if cell.workstream.slug == slug)


#: The figures of a :class:`ForceComparison` besides its counts, each with the attribute a
#: force may carry it as (a database annotation) and its value when it has none.
FIGURES: dict[str, tuple[str, Any]] = {
    "latest_quarter": ("latest_quarter", None),
    "has_published_plan": ("has_published_plan", False),
    "replanned": ("replanned_count", 0),
    "overdue": ("overdue_count", 0),
    "past_original_due": ("past_original_due_count", 0),
    "engagement": ("engagement_count", 0),
    "engagement_actions": ("engagement_actions_count", 0),
    "has_panel": ("has_panel", False),
    "panel_challenges": ("panel_challenges_count", 0),
    "panel_unanswered": ("panel_unanswered_count", 0),
}


#: The re-planning figures, counted over all the force's workstreams whichever is chosen.
REPLANNING = ("replanned", "overdue", "past_original_due")


def merge_figures(*parts: Mapping[Any, Mapping[str, Any]]) -> dict[Any, dict[str, Any]]:
    """``{force id: {figure: value}}`` from several such mappings (one per grouped query)."""
    merged: dict[Any, dict[str, Any]] = defaultdict(dict)
    for part in parts:
        for key, values in part.items():
            merged[key].update(values)
    return dict(merged)


def compare_forces(
    forces: Iterable[Any],
    workstreams: Sequence[Any],
    rows: Iterable[Mapping[str, Any]],
    *,
    only_workstream: Any | None = None,
    figures: Mapping[Any, Mapping[str, Any]] | None = None,
) -> list[ForceComparison]:
    """One :class:`ForceComparison` per force, in the order given.

    ``rows`` come from ``status_counts_by("plan__force", "workstream")``: each has the force
    id, the workstream id and a ``counts`` :class:`StatusCounts`. Forces without rows (no
    published plan, or nothing in it) get zero counts. With ``only_workstream`` the totals
    count that workstream only. Rows from ``status_counts_by(..., today=today)`` also carry
    the re-planning counts (:data:`REPLANNING`), added up here over every workstream.

    The other figures (:data:`FIGURES`: latest quarter reported, re-planning, engagement and
    panel counts) come from ``figures``, ``{force id: {figure: value}}`` as grouped queries
    give them (:func:`merge_figures`), or else from the force's attribute named in
    :data:`FIGURES` (a database annotation); a force with neither gets the default.
    """
    figures = {key: dict(values) for key, values in (figures or {}).items()}
    cells: dict[tuple[Any, Any], StatusCounts] = defaultdict(StatusCounts)
    for row in rows:
        key = (row["plan__force"], row["workstream"])
        cells[key] = cells[key] + row["counts"]
        for name in REPLANNING:
            if name in row:
                known = figures.setdefault(row["plan__force"], {})
                known[name] = known.get(name, 0) + row[name]
    compared = []
    for force in forces:
        shares = tuple(
            WorkstreamShare(workstream, cells.get((force.pk, workstream.pk), StatusCounts()))
            for workstream in workstreams
        )
        counted = [
            share.counts
            for share in shares
            if only_workstream is None or share.workstream.pk == only_workstream.pk
        ]
        known = figures.get(force.pk, {})
        values = {
            name: known[name] if name in known else getattr(force, attribute, default)
            for name, (attribute, default) in FIGURES.items()
        }
        values["has_published_plan"] = bool(values["has_published_plan"])
        values["has_panel"] = bool(values["has_panel"])
        compared.append(
            ForceComparison(
                force=force,
                counts=sum(counted, StatusCounts()),
                workstreams=shares,
                **values,
            )
        )
    return compared


@dataclass(frozen=True, slots=True)
class ForceCell:
    """One force's figures and deliverables under one workstream, on the compare page."""

    comparison: ForceComparison
    share: WorkstreamShare
    deliverables: list[Any]


@dataclass(frozen=True, slots=True)
class WorkstreamSection:
    workstream: Any
    cells: list[ForceCell]


def side_by_side(
    compared: Sequence[ForceComparison], workstreams: Sequence[Any], deliverables: Iterable[Any]
) -> list[WorkstreamSection]:
    """Per workstream, each compared force's figures and its deliverables (in the order
    given). Deliverables need ``plan.force_id`` and ``workstream_id``.
    """
    grouped: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
    for deliverable in deliverables:
        grouped[(deliverable.plan.force_id, deliverable.workstream_id)].append(deliverable)
    return [
        WorkstreamSection(
            workstream,
            [
                ForceCell(
                    row,
                    row.workstream(workstream.slug),
                    grouped.get((row.force.pk, workstream.pk), []),
                )
                for row in compared
            ],
        )
        for workstream in workstreams
    ]


def national_totals(rows: Iterable[ForceComparison]) -> StatusCounts:
    return sum((row.counts for row in rows), StatusCounts())


@dataclass(slots=True)
class ActionCoverage:
    """Which forces serve one national action with at least one deliverable."""

    action: Any
    forces: list[Any] = field(default_factory=list)
    force_count: int = 0

    @property
    def count(self) -> int:
        return len(self.forces)

    @property
    def percent(self) -> int:
        return percent(self.count, self.force_count)


@dataclass(slots=True)
class ForceCoverage:
    """How many national actions one force serves."""

    force: Any
    actions: list[Any] = field(default_factory=list)
    action_count: int = 0

    @property
    def count(self) -> int:
        return len(self.actions)

    @property
    def percent(self) -> int:
        return percent(self.count, self.action_count)


@dataclass(slots=True)
class Coverage:
    actions: list[ActionCoverage]
    forces: list[ForceCoverage]

    def least_covered(self, limit: int = 5) -> list[ActionCoverage]:
        """The actions served by the fewest forces (ties in the actions' own order)."""
        return sorted(self.actions, key=lambda row: row.count)[:limit]

    def by_workstream(self) -> list[tuple[Any, list[ActionCoverage]]]:
        """Action rows grouped by workstream, in the actions' order."""
        groups: dict[Any, list[ActionCoverage]] = {}
        for row in self.actions:
            groups.setdefault(row.action.workstream, []).append(row)
        return list(groups.items())


def coverage(
    actions: Sequence[Any], forces: Sequence[Any], pairs: Iterable[tuple[Any, Any]]
) -> Coverage:
    """Cross national actions with forces from ``(action id, force id)`` pairs."""
    served = set(pairs)
    action_rows = [
        ActionCoverage(
            action,
            [force for force in forces if (action.pk, force.pk) in served],
            len(forces),
        )
        for action in actions
    ]
    force_rows = [
        ForceCoverage(
            force,
            [action for action in actions if (action.pk, force.pk) in served],
            len(actions),
        )
        for force in forces
    ]
    return Coverage(action_rows, force_rows)
