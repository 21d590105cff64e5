"""Status mix per quarter, and the geometry of the trend chart. Pure, no Django imports.

The status of a deliverable at quarter ``q`` is the status of its latest published update
for a quarter up to ``q``; with no such update it is Not started. The database groups the
published updates into spans (``QuarterlyUpdate.objects.status_spans()``): ``n`` updates
whose ``status`` holds from ``quarter`` until ``until`` (exclusive; None: still holds).
Every deliverable counted in ``total`` without a span covering ``q`` is Not started at ``q``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from actions.comparison import in_display_order
from actions.progress import STATUS_ORDER, StatusCounts
from plans.quarters import Quarter

MAX_QUARTERS = 20


@dataclass(frozen=True, slots=True)
class QuarterMix:
    quarter: Quarter
    counts: StatusCounts


def trend_quarters(
    spans: Iterable[Mapping], last: Quarter, limit: int = MAX_QUARTERS
) -> list[Quarter]:
    """Quarters from the first reported one to ``last`` (or the latest reported, if later),
    at most the ``limit`` most recent. Empty when nothing has been reported.
    """
    reported = [span["quarter"] for span in spans]
    if not reported:
        return []
    quarters = Quarter.range(min(reported), max(max(reported), last))
    return quarters[-limit:]


def status_mix(
    spans: Iterable[Mapping], total: int, quarters: Sequence[Quarter]
) -> list[QuarterMix]:
    """How many of ``total`` deliverables were at each status at each of ``quarters``."""
    spans = list(spans)
    mixes = []
    for quarter in quarters:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for span in spans:
            until = span["until"]
            if span["quarter"] <= quarter and (until is None or quarter < until):
                counts[span["status"]] += span["n"]
        reported = sum(n for status, n in counts.items() if status != "not_started")
        counts["not_started"] = max(total - reported, 0)
        mixes.append(QuarterMix(quarter, StatusCounts.from_mapping(counts)))
    return mixes


@dataclass(frozen=True, slots=True)
class Block:
    """One status in one quarter's column, in chart units (y grows downwards)."""

    status: str
    label: str
    count: int
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class Column:
    mix: QuarterMix
    x: float
    label_x: float
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A 100%-stacked column chart, one column per quarter, complete at the bottom."""

    columns: tuple[Column, ...]
    width: float
    height: float
    plot_top: float
    plot_bottom: float
    column_width: float
    gridlines: tuple[tuple[int, float], ...]


def stacked_chart(
    mixes: Sequence[QuarterMix],
    *,
    column_width: float = 36,
    gap: float = 14,
    plot_height: float = 200,
    left: float = 44,
    top: float = 24,
    bottom: float = 40,
) -> Chart:
    """Lay out ``mixes`` as columns ``column_width`` wide, ``gap`` apart."""
    plot_bottom = top + plot_height
    columns = []
    for index, mix in enumerate(mixes):
        x = left + gap / 2 + index * (column_width + gap)
        total = mix.counts.total
        blocks = []
        y = plot_bottom
        for status, label, count in in_display_order(mix.counts):
            if not count or not total:
                continue
            height = round(plot_height * count / total, 3)
            y = round(y - height, 3)
            blocks.append(Block(status, label, count, y, height))
        columns.append(Column(mix, x, x + column_width / 2, tuple(blocks)))
    width = left + len(mixes) * (column_width + gap) + gap
    gridlines = tuple(
        (share, round(plot_bottom - plot_height * share / 100, 3)) for share in (0, 25, 50, 75, 100)
    )
    return Chart(
        columns=tuple(columns),
        width=width,
        height=plot_bottom + bottom,
        plot_top=top,
        plot_bottom=plot_bottom,
        column_width=column_width,
        gridlines=gridlines,
    )
