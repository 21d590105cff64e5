"""The disparity figures every page and download shows, from the loaded counts.

``StopSearchFigures.load()`` reads the counts and populations in three queries and works out,
for each force (and England and Wales, the sum of the 43 territorial forces: British
Transport Police has no residents) in each year over each census, every group's searches,
residents, rate per 1,000 and ratio to the White rate with its 95% interval
(``indicators.rates``). Census 2021 gives every year; Census 2011 gives 2020/21, the year the
Police Race Action Plan's "seven times more likely" was measured over it.

A count the source does not give stays unknown: its rate and ratio are unknown, and England
and Wales adds up only the forces that give it (their residents too), never a zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from indicators.models import (
    Ethnicity,
    Measure,
    MonthlyGroup,
    MonthlyStopSearchCount,
    Population,
    StopSearchCount,
    UseOfForceCount,
)
from indicators.rates import SMALL_COUNT, RateRatio, rate_per_1000, rate_ratio
from plans.models import Force
from plans.quarters import Quarter

GROUPS = [group.value for group in Ethnicity]
COMPARED_GROUPS = [group for group in GROUPS if group != Ethnicity.WHITE]
DEFAULT_CENSUS = 2021
BASELINE_YEAR = "2020/21"
# Each census, and the years worked out over it (None: every year).
CENSUS_YEARS: dict[int, tuple[str, ...] | None] = {2021: None, 2011: (BASELINE_YEAR,)}
NATIONAL_SLUG = "england-and-wales"
NATIONAL_NAME = "England and Wales"
NOT_MEANINGFUL = {
    "city-of-london": (
        "The City of London has fewer than 9,000 residents and hundreds of thousands of "
        "workers and visitors every day, so searches per resident are not a meaningful rate. "
        "The counts are shown; the rates and ratios are not compared."
    ),
}
# A use of force share with no group reported at or above this is warned about.
LARGE_NOT_REPORTED = 0.10
# Use of force in 2019/20 is put over the census of the time.
USE_OF_FORCE_CENSUS = 2011


@dataclass(frozen=True, slots=True)
class Area:
    """A force, or England and Wales."""

    slug: str
    name: str
    region: str = ""

    @property
    def is_national(self) -> bool:
        return self.slug == NATIONAL_SLUG


NATIONAL = Area(NATIONAL_SLUG, NATIONAL_NAME)


@dataclass(frozen=True, slots=True)
class GroupFigure:
    """One group's searches, residents, rate and ratio to the White rate."""

    ethnicity: str
    searches: int | None
    population: int | None
    ratio: RateRatio | None = None

    @property
    def rate(self) -> float | None:
        return rate_per_1000(self.searches, self.population)

    @property
    def is_unknown(self) -> bool:
        return self.searches is None

    @property
    def is_small(self) -> bool:
        """Fewer than ``SMALL_COUNT`` searches: the rate and ratio swing with a few searches."""
        return self.searches is not None and self.searches < SMALL_COUNT

    @property
    def is_reference(self) -> bool:
        return self.ethnicity == Ethnicity.WHITE

    @property
    def needs_caution(self) -> bool:
        """Small counts, or a ratio whose interval is wide or cannot be worked out."""
        if self.is_reference or self.is_unknown:
            return False
        return self.is_small or self.ratio is None or self.ratio.is_wide

    @property
    def caution(self) -> str:
        """Why this figure needs care, in words, or ''."""
        if self.is_unknown:
            return "The source gives no count: unknown, not zero."
        if self.is_small:
            return f"Fewer than {SMALL_COUNT} searches: treat with caution."
        if self.needs_caution:
            return "Wide interval: treat with caution."
        return ""


@dataclass(slots=True)
class AreaFigures:
    """Every group's figures for one area in one year, over one census."""

    area: Area
    year: str
    census: int
    groups: dict[str, GroupFigure]
    # Each group's ratio minus its ratio in BASELINE_YEAR over the same census.
    changes: dict[str, float] = field(default_factory=dict)

    @property
    def not_meaningful(self) -> str:
        """Why per-resident rates mean nothing here, or ''."""
        return NOT_MEANINGFUL.get(self.area.slug, "")

    @property
    def black(self) -> GroupFigure:
        return self.groups[Ethnicity.BLACK]

    @property
    def white(self) -> GroupFigure:
        return self.groups[Ethnicity.WHITE]

    @property
    def change(self) -> float | None:
        """The Black ratio's change since BASELINE_YEAR."""
        return self.changes.get(Ethnicity.BLACK)

    def compared_with(self, other: AreaFigures | None, group: str = Ethnicity.BLACK) -> str:
        """ "higher" or "lower" when this area's whole 95% interval for ``group`` lies above
        or below ``other``'s ratio (England and Wales), "similar" when it includes it, ""
        when either is unknown or the interval cannot be worked out."""
        mine = self.groups[group].ratio
        theirs = other.groups[group].ratio if other else None
        if mine is None or theirs is None or mine.lower is None:
            return ""
        if mine.lower > theirs.ratio:
            return "higher"
        if mine.upper < theirs.ratio:
            return "lower"
        return "similar"

    def in_order(self) -> list[GroupFigure]:
        return [self.groups[group] for group in GROUPS]


@dataclass(slots=True)
class StopSearchFigures:
    """All the figures, by (area slug, year, census).

    Each area's figures for a year and census are worked out the first time they are asked
    for, and kept: a page that shows one year's forces works out those (and their
    baseline year, for the change) and no others."""

    areas: list[Area]
    years: list[str]
    # (slug, year, group): searches, and (census, slug, group): residents, as loaded.
    searches: dict[tuple[str, str, str], int] = field(default_factory=dict, repr=False)
    residents: dict[tuple[int, str, str], int] = field(default_factory=dict, repr=False)
    _by_slug: dict[str, Area] = field(default_factory=dict, repr=False)
    _national_slugs: list[str] = field(default_factory=list, repr=False)
    _worked_out: dict[tuple[str, str, int], AreaFigures | None] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def load(cls, force: Force | None = None) -> StopSearchFigures:
        """Three queries: the forces, the counts, the populations. With ``force``, the
        figures of that force's page, its own and England and Wales's, in two: the force
        is the only area named."""
        if force is None:
            areas = [
                Area(slug, name, region)
                for slug, name, region in Force.objects.order_by("name").values_list(
                    "slug", "name", "region"
                )
            ]
        else:
            areas = [Area(force.slug, force.name, force.region)]
        counts = StopSearchCount.objects.values_list("force__slug", "year", "ethnicity", "searches")
        populations = Population.objects.values_list(
            "census", "force__slug", "ethnicity", "residents"
        )
        return cls.build(areas, counts, populations)

    @classmethod
    def build(
        cls,
        areas: Iterable[Area],
        counts: Iterable[tuple[str, str, str, int]],
        populations: Iterable[tuple[int, str, str, int]],
    ) -> StopSearchFigures:
        searches = {(slug, year, group): n for slug, year, group, n in counts}
        residents = {(census, slug, group): n for census, slug, group, n in populations}
        # Only forces with residents have figures (not British Transport Police).
        with_residents = {slug for _, slug, _ in residents}
        areas = [a for a in areas if a.slug in with_residents]
        years = sorted({year for _, year, _ in searches})
        return cls(
            areas=areas,
            years=years,
            searches=searches,
            residents=residents,
            _by_slug={a.slug: a for a in areas},
            # England and Wales: every force with residents, whichever areas are named.
            _national_slugs=sorted(with_residents),
        )

    def get(self, slug: str, year: str, census: int) -> AreaFigures | None:
        key = (slug, year, census)
        try:
            return self._worked_out[key]
        except KeyError:
            pass
        item = self._work_out(slug, year, census)
        self._worked_out[key] = item
        if item is not None and year != BASELINE_YEAR:
            baseline = self.get(slug, BASELINE_YEAR, census)
            if baseline is not None:
                for group in COMPARED_GROUPS:
                    now, then = item.groups[group].ratio, baseline.groups[group].ratio
                    if now is not None and then is not None:
                        item.changes[group] = now.ratio - then.ratio
        return item

    def _work_out(self, slug: str, year: str, census: int) -> AreaFigures | None:
        """The area's figures, without the change since the baseline year; None when the
        census gives no figures for the year, or the area has none."""
        if census not in CENSUS_YEARS or year not in (CENSUS_YEARS[census] or self.years):
            return None
        if slug == NATIONAL_SLUG:
            return self._area_figures(NATIONAL, year, census, self._national_cells(year, census))
        area = self._by_slug.get(slug)
        if area is None:
            return None
        searches, residents = self.searches, self.residents
        cells = {
            group: (searches.get((slug, year, group)), residents.get((census, slug, group)))
            for group in GROUPS
        }
        return self._area_figures(area, year, census, cells)

    def _national_cells(self, year: str, census: int) -> dict[str, tuple]:
        """Each group's searches and residents summed over the forces that give both."""
        searches, residents = self.searches, self.residents
        cells = {}
        for group in GROUPS:
            found = False
            total_n = total_pop = 0
            for slug in self._national_slugs:
                n = searches.get((slug, year, group))
                pop = residents.get((census, slug, group))
                if n is not None and pop is not None:
                    found = True
                    total_n += n
                    total_pop += pop
            cells[group] = (total_n, total_pop) if found else (None, None)
        return cells

    @staticmethod
    def _area_figures(area: Area, year: str, census: int, cells: dict[str, tuple]) -> AreaFigures:
        white_n, white_pop = cells[Ethnicity.WHITE]
        groups = {
            group: GroupFigure(
                group,
                n,
                pop,
                None if group == Ethnicity.WHITE else rate_ratio(n, pop, white_n, white_pop),
            )
            for group, (n, pop) in cells.items()
        }
        return AreaFigures(area, year, census, groups)

    def years_for(self, census: int) -> list[str]:
        return list(CENSUS_YEARS.get(census) or self.years)

    def for_area(self, slug: str, census: int = DEFAULT_CENSUS) -> list[AreaFigures]:
        """The area's figures for every year over ``census``, oldest first."""
        found = (self.get(slug, year, census) for year in self.years_for(census))
        return [item for item in found if item is not None]

    def forces(self, year: str, census: int) -> list[AreaFigures]:
        """Every force's figures for the year, by force name (England and Wales apart)."""
        found = (self.get(area.slug, year, census) for area in self.areas)
        return [item for item in found if item is not None]

    def national(self, year: str, census: int) -> AreaFigures | None:
        return self.get(NATIONAL_SLUG, year, census)

    def every_row(self) -> Iterator[tuple[AreaFigures, GroupFigure]]:
        """(area figures, group) for every area, year, census and group: England and Wales
        first, then the forces by slug; newest census first, then years."""
        for area in [NATIONAL, *sorted(self.areas, key=lambda a: a.slug)]:
            for census in sorted(CENSUS_YEARS, reverse=True):
                for item in self.for_area(area.slug, census):
                    for group in item.in_order():
                        yield item, group


@dataclass(frozen=True, slots=True)
class UseOfForceGroup:
    ethnicity: str
    times: int | None
    population: int | None

    @property
    def rate(self) -> float | None:
        return rate_per_1000(self.times, self.population)


@dataclass(slots=True)
class UseOfForceFigures:
    """Times force was used, by officer-perceived group, for one area in 2019/20, per 1,000
    residents of Census 2011 (the census of the time)."""

    area: Area
    year: str
    groups: list[UseOfForceGroup]
    not_reported: int
    census: int = USE_OF_FORCE_CENSUS

    @property
    def total(self) -> int:
        return sum(g.times or 0 for g in self.groups) + self.not_reported

    @property
    def share_not_reported(self) -> float:
        return self.not_reported / self.total if self.total else 0.0

    @property
    def many_not_reported(self) -> bool:
        return self.share_not_reported >= LARGE_NOT_REPORTED

    @property
    def black_to_white(self) -> float | None:
        by_group = {g.ethnicity: g.rate for g in self.groups}
        black, white = by_group.get(Ethnicity.BLACK), by_group.get(Ethnicity.WHITE)
        return black / white if black is not None and white else None

    @property
    def not_meaningful(self) -> str:
        return NOT_MEANINGFUL.get(self.area.slug, "")


def use_of_force(force: Force | None = None) -> UseOfForceFigures | None:
    """The 2019/20 use of force figures for ``force``, or for England and Wales (the sum of
    the forces) when ``force`` is None; None if there are none. Two queries."""
    counts = UseOfForceCount.objects.all()
    populations = Population.objects.filter(census=USE_OF_FORCE_CENSUS)
    if force is not None:
        counts = counts.filter(force=force)
        populations = populations.filter(force=force)
        area = Area(force.slug, force.name, force.region)
    else:
        area = NATIONAL
    return _use_of_force(
        area,
        counts.values_list("ethnicity", "times", "year"),
        populations.values_list("ethnicity", "residents"),
    )


def use_of_force_beside_national(
    force: Force,
) -> tuple[UseOfForceFigures | None, UseOfForceFigures | None]:
    """``(use_of_force(force), use_of_force())`` in two queries rather than four."""
    counts = list(UseOfForceCount.objects.values_list("force_id", "ethnicity", "times", "year"))
    populations = list(
        Population.objects.filter(census=USE_OF_FORCE_CENSUS).values_list(
            "force_id", "ethnicity", "residents"
        )
    )
    mine = _use_of_force(
        Area(force.slug, force.name, force.region),
        [row[1:] for row in counts if row[0] == force.pk],
        [row[1:] for row in populations if row[0] == force.pk],
    )
    every = _use_of_force(NATIONAL, [row[1:] for row in counts], [row[1:] for row in populations])
    return mine, every


def _use_of_force(
    area: Area,
    counts: Iterable[tuple[str, int, str]],
    populations: Iterable[tuple[str, int]],
) -> UseOfForceFigures | None:
    """``area``'s figures from its (group, times, year) counts and (group, residents)."""
    times: dict[str, int] = {}
    years = set()
    for group, n, year in counts:
        times[group] = times.get(group, 0) + n
        years.add(year)
    if not times:
        return None
    residents: dict[str, int] = {}
    for group, n in populations:
        residents[group] = residents.get(group, 0) + n
    return UseOfForceFigures(
        area=area,
        year=", ".join(sorted(years)),
        groups=[UseOfForceGroup(g, times.get(g), residents.get(g)) for g in GROUPS],
        not_reported=times.get("Not reported", 0),
    )


MONTHS_IN_YEAR = 12


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    """One quarter of a force's data.police.uk searches by one measure, from the ``months``
    (1 to 3) of it that are loaded, with residents of each group (Census 2021) for rates.

    Rates are **annualised**: searches per 1,000 residents x 12 / months loaded, so a quarter
    reads on the same scale as the yearly rates. The Black/White ratio is the same whether
    annualised or not."""

    quarter: Quarter
    measure: str
    months: int
    searches: dict[str, int]
    populations: dict[str, int | None]

    @property
    def total(self) -> int:
        return sum(self.searches.values())

    @property
    def not_stated(self) -> int:
        return self.searches[MonthlyGroup.NOT_STATED]

    @property
    def is_part(self) -> bool:
        return self.months < 3

    def in_order(self) -> list[int]:
        return [self.searches[group] for group in MonthlyGroup.values]

    def rate(self, group: str) -> float | None:
        """Annualised searches per 1,000 residents of ``group``; None without residents."""
        per_1000 = rate_per_1000(self.searches.get(group), self.populations.get(group))
        return None if per_1000 is None else per_1000 * MONTHS_IN_YEAR / self.months

    @property
    def black_rate(self) -> float | None:
        return self.rate(Ethnicity.BLACK)

    @property
    def white_rate(self) -> float | None:
        return self.rate(Ethnicity.WHITE)

    @property
    def ratio(self) -> RateRatio | None:
        """The Black rate over the White rate, with its 95% interval."""
        return rate_ratio(
            self.searches[Ethnicity.BLACK],
            self.populations.get(Ethnicity.BLACK),
            self.searches[Ethnicity.WHITE],
            self.populations.get(Ethnicity.WHITE),
        )

    @property
    def caution(self) -> str:
        """Why the quarter's ratio needs care, in words, or '': a quarter has few searches
        of a group far more often than a year."""
        small = [
            group
            for group in (Ethnicity.BLACK, Ethnicity.WHITE)
            if self.searches[group] < SMALL_COUNT
        ]
        if small:
            return (
                f"Fewer than {SMALL_COUNT} searches of {' or '.join(small)} people: "
                "treat with caution."
            )
        ratio = self.ratio
        if ratio is not None and ratio.is_wide:
            return "Wide interval: treat with caution."
        return ""


def _quarter_figures(counts, populations: dict[str, int | None]) -> list[QuarterFigures]:
    """``counts`` (one force's monthly counts) summed into each quarter and measure they
    hold, oldest quarter first, self-defined before officer-defined. One query."""
    cells: dict[tuple, dict[str, int]] = {}
    months: dict[tuple, int] = {}
    for count in counts.by_quarter(streamed=False):
        key = (count.quarter, count.measure)
        cells.setdefault(key, {})[count.ethnicity] = count.searches
        months[key] = count.months
    return [
        QuarterFigures(quarter, measure, months[(quarter, measure)], searches, populations)
        for (quarter, measure), searches in cells.items()
    ]


def quarterly_series(
    force: Force, populations: dict[str, int | None]
) -> dict[str, list[QuarterFigures]]:
    """The force's loaded data.police.uk months by police financial-year quarter, oldest
    first, for each measure (self-defined first); ``populations`` are its residents by
    group. One query."""
    series: dict[str, list[QuarterFigures]] = {measure: [] for measure in Measure.values}
    counts = MonthlyStopSearchCount.objects.filter(force=force)
    for figures in _quarter_figures(counts, populations):
        series[figures.measure].append(figures)
    return series


@dataclass(frozen=True)
class QuarterStopSearches:
    """A force's data.police.uk searches in one quarter, beside its return for the quarter:
    each measure's figures (self-defined first; empty when no month of the quarter is
    loaded)."""

    force: Force
    quarter: Quarter
    measures: list[QuarterFigures]

    @property
    def not_meaningful(self) -> str:
        """Why the force's rates per resident are not meaningful (the City of London), or ''."""
        return NOT_MEANINGFUL.get(self.force.slug, "")

    @property
    def groups(self) -> list[str]:
        """The columns of each measure's ``in_order()``."""
        return list(MonthlyGroup.labels)

    @property
    def self_defined(self) -> QuarterFigures | None:
        return next((f for f in self.measures if f.measure == Measure.SELF_DEFINED), None)


def stop_searches_by_quarter(
    force: Force, quarters: Iterable[Quarter]
) -> dict[Quarter, QuarterStopSearches]:
    """The force's loaded months of each of ``quarters`` with its Census 2021 residents by
    group, for the pages of those quarters' returns. Two queries, however many quarters."""
    quarters = sorted(set(quarters))
    found = {quarter: QuarterStopSearches(force, quarter, []) for quarter in quarters}
    if not quarters:
        return found
    populations = dict(
        Population.objects.filter(force=force, census=DEFAULT_CENSUS).values_list(
            "ethnicity", "residents"
        )
    )
    counts = MonthlyStopSearchCount.objects.filter(
        force=force, month__gte=quarters[0].first_day, month__lte=quarters[-1].last_day
    )
    for figures in _quarter_figures(counts, populations):
        if figures.quarter in found:
            found[figures.quarter].measures.append(figures)
    return found


def stop_searches_in_quarter(force: Force, quarter: Quarter) -> QuarterStopSearches:
    """The force's loaded months of ``quarter``, for the pages of that quarter's return."""
    return stop_searches_by_quarter(force, [quarter])[quarter]
