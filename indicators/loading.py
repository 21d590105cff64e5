"""Load the official figures shipped in ``indicators/reference/`` (``load_reference``).

Idempotent: every row is matched on its natural key (force, year, group; census, force,
group; ...), changed rows are updated in place, rows no longer in a file are removed, and
nothing is duplicated. Running it twice changes nothing the second time.

Forces are matched through ``force-codes.csv``, which maps each force's slug to the ONS
police force area code and to the names the Home Office and the Census 2011 file use. A file
naming a force the crosswalk does not know is refused, so a typo cannot drop a force.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.db import models
from django.utils import timezone

from indicators.models import (
    Ethnicity,
    OfficialTableImport,
    Population,
    RecordedSearch,
    Source,
    StopSearchCount,
    UseOfForceCount,
)
from indicators.police_uk import load, read_files
from plans.models import Force

REFERENCE = Path(__file__).resolve().parent / "reference"
LICENCE = "Open Government Licence v3.0"
USE_OF_FORCE_YEAR = "2019/20"
POLICE_UK_MONTH = dt.date(2019, 1, 1)
POLICE_UK_FILE = "data-police-uk/2019-01-city-of-london-stop-and-search.csv"

SOURCES = [
    {
        "slug": "stop-search",
        "order": 1,
        "title": "Police powers and procedures: stop and search by self-defined ethnicity",
        "publisher": "Home Office",
        "period": "April 2020 to March 2025 (2020/21 to 2024/25)",
        "licence": LICENCE,
        "census": None,
        "url": "https://www.gov.uk/government/collections/police-powers-and-procedures-england-and-wales",
        "caveats": (
            "Searches of people by the ethnic group they gave (self-defined), for the 43 "
            "territorial forces; searches where the person's group was not stated, vehicle-only "
            "searches and British Transport Police are not included. Dyfed-Powys has no figure "
            "for the Other group in 2020/21 and 2021/22: unknown, not zero. The Home Office "
            "later revised North Yorkshire's and Surrey's 2022/23 counts."
        ),
    },
    {
        "slug": "census-2021",
        "order": 2,
        "title": "Census 2021: ethnic group (TS021) by police force area",
        "publisher": "Office for National Statistics",
        "period": "Census day, 21 March 2021",
        "licence": LICENCE,
        "census": 2021,
        "url": "https://www.ons.gov.uk/census",
        "caveats": (
            "Usual residents, aggregated from local authorities to police force areas. Gypsy or "
            "Irish Traveller and Roma count as White, Arab as Other."
        ),
    },
    {
        "slug": "census-2011",
        "order": 3,
        "title": "Census 2011: ethnic group (QS201EW) by police force area",
        "publisher": "Office for National Statistics",
        "period": "Census day, 27 March 2011",
        "licence": LICENCE,
        "census": 2011,
        "url": "https://www.ons.gov.uk/census/2011census",
        "caveats": (
            "Usual residents, aggregated to police force areas. Chinese residents are counted "
            "within Asian, as the Home Office has counted them since 2020/21."
        ),
    },
    {
        "slug": "use-of-force",
        "order": 4,
        "title": "Police use of force statistics, table 16: tactics by perceived ethnicity",
        "publisher": "Home Office",
        "period": "April 2019 to March 2020 (2019/20)",
        "licence": LICENCE,
        "census": None,
        "url": "https://www.gov.uk/government/collections/police-use-of-force-statistics",
        "caveats": (
            "Experimental statistics. Counts the times a tactic was used, not people, by the "
            "group the officer perceived. The officer did not report the group for a large "
            "share of uses in some forces (a third in Avon and Somerset)."
        ),
    },
    {
        "slug": "police-uk-2019-01-city-of-london",
        "order": 5,
        "title": "data.police.uk stop and search records: City of London Police",
        "publisher": "Home Office (data.police.uk)",
        "period": "January 2019",
        "licence": LICENCE,
        "census": None,
        "url": "https://data.police.uk/data/",
        "caveats": "One row per search. Blank ethnicity, age and location cells occur.",
    },
]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


def sync_rows(
    model: type[models.Model],
    key: tuple[str, ...],
    rows: Iterable[dict],
    scope: models.QuerySet | None = None,
) -> tuple[int, int, int]:
    """Make ``model``'s table (or the ``scope`` of it) hold exactly ``rows``, matched on the
    ``key`` fields: create what is missing, update what changed, delete what is no longer
    there. Returns (created, updated, deleted)."""
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}

    def plain(value):
        # Foreign keys are compared by id.
        return value.pk if isinstance(value, models.Model) else value

    wanted = {tuple(plain(row[field]) for field in key): row for row in rows}
    existing = {
        tuple(getattr(obj, attnames[field]) for field in key): obj
        for obj in (model.objects.all() if scope is None else scope)
    }
    to_create, to_update, changed_fields = [], [], set()
    for identity, values in wanted.items():
        obj = existing.pop(identity, None)
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = [
            field
            for field, value in values.items()
            if getattr(obj, attnames[field]) != plain(value)
        ]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            to_update.append(obj)
            changed_fields.update(changed)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    if existing:
        model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
    return len(to_create), len(to_update), len(existing)


class Crosswalk:
    """Each force by the names and codes the published files use."""

    def __init__(self, directory: Path):
        forces = {force.slug: force for force in Force.objects.all()}
        self.by_code: dict[str, Force] = {}
        self.by_home_office_name: dict[str, Force] = {}
        self.by_census2011_name: dict[str, Force] = {}
        for row in read_rows(directory / "force-codes.csv"):
            force = forces.get(row["slug"])
            if force is None or not row["ons_force_area_code"]:
                continue  # British Transport Police: no force area, no residents.
            self.by_code[row["ons_force_area_code"]] = force
            self.by_home_office_name[row["home_office_name"]] = force
            self.by_census2011_name[row["census2011_file_name"]] = force

    @staticmethod
    def find(table: dict[str, Force], name: str, file: str) -> Force:
        try:
            return table[name]
        except KeyError:
            raise ValueError(f"{file}: no force called {name!r} in force-codes.csv") from None


def _count(text: str) -> int | None:
    """A published count; ``None`` where the source gave none (blank or ':')."""
    text = text.strip()
    if text in ("", ":"):
        return None
    return round(float(text))


def stop_search_rows(directory: Path, crosswalk: Crosswalk, source: Source) -> list[dict]:
    name = "stop-search-by-force-and-ethnicity-2020-21-to-2024-25.csv"
    return [
        {
            "source": source,
            "force": crosswalk.find(crosswalk.by_home_office_name, row["police_force"], name),
            "year": row["financial_year"],
            "ethnicity": Ethnicity(row["ethnicity"]).value,
            "searches": int(row["total_searches"]),
        }
        for row in read_rows(directory / name)
    ]


def census2021_rows(directory: Path, crosswalk: Crosswalk, source: Source) -> list[dict]:
    name = "population-census2021-by-force-area.csv"
    return [
        {
            "source": source,
            "census": 2021,
            "force": crosswalk.find(crosswalk.by_code, row["geography_code"], name),
            "ethnicity": Ethnicity(row["ethnicity"]).value,
            "residents": int(row["population"]),
        }
        for row in read_rows(directory / name)
    ]


# Census 2011 columns, with Chinese counted within Asian as the Home Office has since 2020/21.
CENSUS2011_COLUMNS = {
    Ethnicity.ASIAN: ("Asian (or Asian British)", "Chinese"),
    Ethnicity.BLACK: ("Black (or Black British)",),
    Ethnicity.MIXED: ("Mixed",),
    Ethnicity.OTHER: ("Other",),
    Ethnicity.WHITE: ("White",),
}


def census2011_rows(directory: Path, crosswalk: Crosswalk, source: Source) -> list[dict]:
    name = "population-census2011-by-force-area.csv"
    return [
        {
            "source": source,
            "census": 2011,
            "force": crosswalk.find(crosswalk.by_census2011_name, row["Police force"], name),
            "ethnicity": group.value,
            "residents": sum(int(row[column]) for column in columns),
        }
        for row in read_rows(directory / name)
        for group, columns in CENSUS2011_COLUMNS.items()
    ]


USE_OF_FORCE_COLUMNS = {
    "White": "White",
    "Black": "Black (or Black British)",
    "Asian": "Asian (or Asian British)",
    "Mixed": "Mixed",
    "Other": "Other",
    "Not reported": "Not reported",
}


def use_of_force_rows(directory: Path, crosswalk: Crosswalk, source: Source) -> list[dict]:
    """The all-tactics total of each force (the file's "*Total Tactics" row); the England
    and Wales row is left out, since it is the sum of the forces."""
    name = "use-of-force-by-force-and-ethnicity-2019-20.csv"
    rows = []
    for row in read_rows(directory / name):
        if row["Tactic"] != "*Total Tactics" or row["Police Force"] == "Total England and Wales":
            continue
        # This file spells forces as the Census 2011 file does ("Metropolitan").
        force = crosswalk.find(crosswalk.by_census2011_name, row["Police Force"], name)
        for group, column in USE_OF_FORCE_COLUMNS.items():
            times = _count(row[column])
            if times is not None:
                rows.append(
                    {
                        "source": source,
                        "force": force,
                        "year": USE_OF_FORCE_YEAR,
                        "ethnicity": group,
                        "times": times,
                    }
                )
    return rows


def recorded_search_rows(directory: Path, source: Source) -> list[dict]:
    force = Force.objects.get(slug="city-of-london")
    return [
        {
            "source": source,
            "force": force,
            "month": POLICE_UK_MONTH,
            "line": line,
            "kind": row["Type"],
            "searched_at": dt.datetime.fromisoformat(row["Date"]),
            "gender": row["Gender"],
            "age_range": row["Age range"],
            "self_defined_ethnicity": row["Self-defined ethnicity"],
            "officer_defined_ethnicity": row["Officer-defined ethnicity"],
            "legislation": row["Legislation"],
            "object_of_search": row["Object of search"],
            "outcome": row["Outcome"],
        }
        for line, row in enumerate(read_rows(directory / POLICE_UK_FILE), start=1)
    ]


def uploaded_periods(kind: str) -> set[str]:
    """The financial years (or census years) loaded from an official table on the staff
    pages or by command (``indicators.home_office``): ``load_reference`` leaves them as they
    were loaded."""
    periods = OfficialTableImport.objects.filter(kind=kind).values_list("years", flat=True)
    return {period.strip() for text in periods for period in text.split(",") if period.strip()}


def load_police_uk_months(directory: Path, now: dt.datetime) -> tuple[int, int, int]:
    """The shipped month, counted by group into ``MonthlyStopSearchCount`` as an import of
    the file would, unless that month is loaded already (a later load of it is kept)."""
    force = Force.objects.get(slug="city-of-london")
    path = directory / POLICE_UK_FILE
    with path.open("rb") as file:
        reading = read_files(force, [(path.name, file)])
    if not reading.is_valid:
        raise ValueError(f"{POLICE_UK_FILE}: " + "; ".join(reading.messages()))
    if reading.already_loaded():
        return 0, 0, 0
    record = load(reading, by=None, now=now)
    return record.counts.count(), 0, 0


def load_indicators(directory: Path = REFERENCE) -> dict[str, tuple[int, int, int]]:
    """Load every shipped dataset; returns (created, updated, deleted) by dataset. Call it
    inside a transaction, after the forces are loaded."""
    report = {"indicator sources": sync_rows(Source, ("slug",), SOURCES)}
    sources = {source.slug: source for source in Source.objects.all()}
    crosswalk = Crosswalk(directory)
    # A year loaded from a newer Home Office table (indicators.home_office) is kept as loaded.
    uploaded = uploaded_periods(OfficialTableImport.Kind.STOP_SEARCH)
    report["stop and search counts"] = sync_rows(
        StopSearchCount,
        ("force", "year", "ethnicity"),
        [
            row
            for row in stop_search_rows(directory, crosswalk, sources["stop-search"])
            if row["year"] not in uploaded
        ],
        scope=StopSearchCount.objects.exclude(year__in=uploaded),
    )
    censuses = {int(census) for census in uploaded_periods(OfficialTableImport.Kind.POPULATION)}
    report["census populations"] = sync_rows(
        Population,
        ("census", "force", "ethnicity"),
        [
            row
            for row in census2021_rows(directory, crosswalk, sources["census-2021"])
            + census2011_rows(directory, crosswalk, sources["census-2011"])
            if row["census"] not in censuses
        ],
        scope=Population.objects.exclude(census__in=censuses),
    )
    report["use of force counts"] = sync_rows(
        UseOfForceCount,
        ("force", "year", "ethnicity"),
        use_of_force_rows(directory, crosswalk, sources["use-of-force"]),
    )
    report["data.police.uk searches"] = sync_rows(
        RecordedSearch,
        ("force", "month", "line"),
        recorded_search_rows(directory, sources["police-uk-2019-01-city-of-london"]),
    )
    report["data.police.uk monthly counts"] = load_police_uk_months(directory, timezone.now())
    return report
