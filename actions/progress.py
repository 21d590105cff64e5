"""Progress rollups: counts by status and share complete. Pure, no Django imports.

Status keys are the values stored in the database. :data:`STATUSES` is the one place the
statuses, their labels and their order are declared: the stored choices
(``actions.models.Status``), the counts below, and every bar, chart, legend, table and file
that lists statuses derive from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import add, attrgetter

#: Every status, ``(stored value, label)``, in the order of a deliverable's life.
STATUSES: tuple[tuple[str, str], ...] = (
    ("not_started", "Not started"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("off_track", "Off track"),
    ("complete", "Complete"),
)
STATUS_ORDER: tuple[str, ...] = tuple(value for value, _ in STATUSES)
STATUS_LABELS: Mapping[str, str] = dict(STATUSES)
#: The order of bars, charts, legends, tables and the open data columns: what is done first,
#: what has not started last, the rest as in a deliverable's life (the life order with its
#: two ends swapped).
DISPLAY_ORDER: tuple[str, ...] = (STATUS_ORDER[-1], *STATUS_ORDER[1:-1], STATUS_ORDER[0])
#: A StatusCounts' counts in :data:`STATUS_ORDER` (a table reads them for every cell).
_COUNTS = attrgetter(*STATUS_ORDER)


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """How many deliverables are at each status. ``total`` counts active deliverables only.

    One field per status of :data:`STATUSES` (the tests check they match); everything that
    lists the counts goes through :data:`STATUS_ORDER` or :data:`DISPLAY_ORDER`.
    """

    not_started: int = 0
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    complete: int = 0

    @classmethod
    def from_statuses(cls, statuses: Iterable[str]) -> StatusCounts:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for status in statuses:
            if status not in counts:
                raise ValueError(f"Unknown status {status!r}.")
            counts[status] += 1
        return cls(**counts)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, int | None]) -> StatusCounts:
        """Build from a row such as an aggregate ``{"complete": 3, ...}`` (None counts as 0)."""
        return cls(**{status: int(mapping.get(status) or 0) for status in STATUS_ORDER})

    @property
    def total(self) -> int:
        return sum(_COUNTS(self))

    @property
    def percent_complete(self) -> int:
        """Share complete as a whole percentage, rounded half up; 0 when there is nothing."""
        return percent(self.complete, self.total)

    def items(self) -> list[tuple[str, str, int]]:
        """(key, label, count) for every status in the order of a deliverable's life."""
        return [(status, STATUS_LABELS[status], getattr(self, status)) for status in STATUS_ORDER]

    def in_display_order(self) -> list[tuple[str, str, int]]:
        """(key, label, count) for every status in :data:`DISPLAY_ORDER`."""
        return [(status, STATUS_LABELS[status], getattr(self, status)) for status in DISPLAY_ORDER]

    def __add__(self, other: StatusCounts) -> StatusCounts:
        return StatusCounts(
            **dict(zip(STATUS_ORDER, map(add, _COUNTS(self), _COUNTS(other)), strict=True))
        )


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole percentage, rounded half up; 0 when ``whole`` is 0."""
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True, slots=True)
class ReturnProgress:
    """A force's quarterly return: of the deliverables due an update, how many are
    published, drafted or missing.
    """

    published: int = 0
    drafts: int = 0
    missing: int = 0

    @classmethod
    def from_states(cls, states: Iterable[str]) -> ReturnProgress:
        """Count states "published", "draft" and "missing" (anything else is not due)."""
        counts = {"published": 0, "draft": 0, "missing": 0}
        for state in states:
            if state in counts:
                counts[state] += 1
        return cls(counts["published"], counts["draft"], counts["missing"])

    @property
    def due(self) -> int:
        return self.published + self.drafts + self.missing

    @property
    def is_complete(self) -> bool:
        return self.due > 0 and self.published == self.due

    @property
    def percent_published(self) -> int:
        return percent(self.published, self.due)
