"""Geometry of the server-rendered SVG charts of ratios: a force's trend and every force's
ratio with its interval (dot and whisker). Pure arithmetic; the templates draw it with
classes only (the Content Security Policy allows no inline styles) and every figure is also
in a table beside the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from indicators.figures import AreaFigures

# The axis never runs past this ratio; a whisker beyond it is cut and marked.
AXIS_CAP = 20.0


def nice_axis(value: float, cap: float = AXIS_CAP) -> tuple[float, float]:
    """(axis maximum, tick step) for ratios up to ``value``: steps of 1, 2 or 5 times a
    power of ten, at most eight ticks, never below 2 (so the line at 1 is inside)."""
    top = min(max(value, 2.0), cap)
    for step in (0.5, 1, 2, 5, 10):
        if top / step <= 8:
            return math.ceil(top / step) * step, step
    return cap, 5.0


@dataclass(frozen=True, slots=True)
class Tick:
    value: float
    position: float

    @property
    def label(self) -> str:
        return f"{self.value:g}"


@dataclass(frozen=True, slots=True)
class Whisker:
    """One ratio with its interval, in chart coordinates."""

    figures: AreaFigures
    centre: float  # x of the dot (dot-and-whisker) or y (trend)
    low: float | None
    high: float | None
    cut: bool  # the interval runs past the axis
    cross: float  # the other coordinate: the row's y, or the year's x
    label: str

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


@dataclass(frozen=True, slots=True)
class DotWhiskerChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    ticks: list[Tick]
    rows: list[Whisker]
    one: float  # x of the line at ratio 1 (the same rate as White people)
    national: float | None  # x of England and Wales's ratio
    national_label: str


def _scale(value: float, top: float, start: float, length: float) -> float:
    return round(start + min(value, top) / top * length, 1)


def dot_whisker_chart(
    rows: Sequence[AreaFigures], group: str, national: AreaFigures | None
) -> DotWhiskerChart | None:
    """One row per force with a ratio for ``group``, in the order given."""
    drawn = [r for r in rows if r.groups[group].ratio is not None and not r.not_meaningful]
    if not drawn:
        return None
    highest = max(r.groups[group].ratio.upper or r.groups[group].ratio.ratio for r in drawn)
    top, step = nice_axis(highest)
    left, right, row_height, head = 270, 760, 22, 34
    width = right + 20
    height = head + row_height * len(drawn) + 10
    length = right - left
    ticks = [
        Tick(value=step * i, position=_scale(step * i, top, left, length))
        for i in range(round(top / step) + 1)
    ]
    whiskers = []
    for index, item in enumerate(drawn):
        ratio = item.groups[group].ratio
        whiskers.append(
            Whisker(
                figures=item,
                centre=_scale(ratio.ratio, top, left, length),
                low=None if ratio.lower is None else _scale(ratio.lower, top, left, length),
                high=None if ratio.upper is None else _scale(ratio.upper, top, left, length),
                cut=(ratio.upper or 0) > top or ratio.ratio > top,
                cross=head + row_height * index + row_height / 2,
                label=item.area.name,
            )
        )
    national_ratio = national.groups[group].ratio if national else None
    return DotWhiskerChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=head - 6,
        plot_bottom=height - 6,
        ticks=ticks,
        rows=whiskers,
        one=_scale(1, top, left, length),
        national=_scale(national_ratio.ratio, top, left, length) if national_ratio else None,
        national_label=f"{national_ratio.ratio:.1f}" if national_ratio else "",
    )


@dataclass(frozen=True, slots=True)
class TrendChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    ticks: list[Tick]
    force: list[Whisker]
    national: list[Whisker]
    one: float  # y of the line at ratio 1

    @property
    def national_points(self) -> str:
        """The ``points`` of the England and Wales line."""
        return " ".join(f"{w.cross},{w.centre}" for w in self.national)


def trend_chart(
    force_years: Sequence[AreaFigures], national_years: Sequence[AreaFigures], group: str
) -> TrendChart | None:
    """The force's ratio for ``group`` each year with its interval, and England and
    Wales's, on the same axis. Years in the order given (oldest first)."""
    years = [item.year for item in national_years]
    with_ratio = [f for f in force_years if f.groups[group].ratio is not None]
    if not with_ratio or not years:
        return None
    values = [f.groups[group].ratio.upper or f.groups[group].ratio.ratio for f in with_ratio]
    values += [n.groups[group].ratio.ratio for n in national_years if n.groups[group].ratio]
    top, step = nice_axis(max(values))
    left, right, plot_top, bottom = 48, 620, 16, 236
    width, height = right + 20, bottom + 28
    length = bottom - plot_top
    gap = (right - left) / len(years)

    def y(value: float) -> float:
        return round(bottom - min(value, top) / top * length, 1)

    def x(year: str) -> float:
        return round(left + gap * (years.index(year) + 0.5), 1)

    def whisker(item: AreaFigures, offset: float) -> Whisker:
        ratio = item.groups[group].ratio
        return Whisker(
            figures=item,
            centre=y(ratio.ratio),
            low=None if ratio.lower is None else y(ratio.lower),
            high=None if ratio.upper is None else y(ratio.upper),
            cut=(ratio.upper or 0) > top or ratio.ratio > top,
            cross=x(item.year) + offset,
            label=item.year,
        )

    return TrendChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=plot_top,
        plot_bottom=bottom,
        ticks=[Tick(step * i, y(step * i)) for i in range(round(top / step) + 1)],
        force=[whisker(f, -8) for f in with_ratio if f.year in years],
        national=[whisker(n, 8) for n in national_years if n.groups[group].ratio is not None],
        one=y(1),
    )
