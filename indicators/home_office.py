"""The official tables loaded by the national team: read, check and load them.

Two tables (:data:`STOP_SEARCH_TABLE`, :data:`POPULATION_TABLE`), read the same way. The
population table has one row per census, police force area and group:
``census,force_area,ethnicity,population`` (``2021,E23000039,Black,5315``; the area by its
ONS code or its name), and each census it holds replaces that census's residents.

The table has one row per financial year, force and self-defined group:
``financial_year,police_force,ethnicity,total_searches`` (``2024/25,Avon & Somerset,Black,1234``),
as in the "Police powers and procedures: stop and search" open data tables summed by force.

:func:`read_table` streams the CSV and checks every row, naming the row and column of each
problem: a force the site cannot match (forces are matched through ``force-codes.csv`` and
the forces' own names, whatever the spelling: ``Avon & Somerset``, ``Avon and Somerset``,
``Avon and Somerset Constabulary``, ``London, City of``, ``City of London Police``), a group
other than the five, a year that is not a financial year or has not begun, a count that is
negative or not a whole number, a row given twice. Nothing is written.

:func:`load` writes a table without problems in one transaction: each year it holds
*replaces* that year (figures of the year not in the table are removed), every figure's
change is kept with who and when (django-simple-history), the load is recorded as an
``OfficialTableImport`` with every change old → new, and every public page is renewed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.loading import REFERENCE, read_rows
from indicators.models import (
    Ethnicity,
    OfficialTableImport,
    Population,
    Source,
    StopSearchCount,
)
from indicators.police_uk import MAX_PROBLEMS, max_bytes
from plans.cache import all_content_changed
from plans.models import Force
from plans.quarters import Quarter

YEAR = re.compile(r"^(?P<start>\d{4})/(?P<end>\d{2})$")
COUNT = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)$")
FIRST_YEAR = 2000
# Words that only say what kind of force it is: "Dorset", "Dorset Police" are one force.
_KIND_WORDS = {"police", "constabulary", "service", "force"}


def name_key(name: str) -> str:
    """A force's name reduced to what identifies it: lower case, "&" as "and", "London, City
    of" as "city of london", punctuation as spaces, "Police"/"Constabulary" dropped."""
    text = name.strip().lower().replace("&", " and ")
    inverted = re.match(r"^(?P<place>[^,]+),\s*(?P<prefix>[^,]+)$", text)
    if inverted:
        text = f"{inverted['prefix']} {inverted['place']}"
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(word for word in words if word not in _KIND_WORDS)


def force_names() -> dict[str, Force]:
    """Every way the site knows to write each force, by ``name_key``: its name and slug, and
    the Home Office's and the Census 2011 file's spellings and its ONS code from the
    crosswalk (``indicators/reference/force-codes.csv``)."""
    forces = {force.slug: force for force in Force.objects.all()}
    names: dict[str, Force] = {}
    for force in forces.values():
        names[name_key(force.name)] = force
        names[name_key(force.slug)] = force
    for row in read_rows(REFERENCE / "force-codes.csv"):
        force = forces.get(row["slug"])
        if force is None:
            continue
        for column in ("home_office_name", "census2011_file_name", "ons_force_area_code"):
            if row.get(column):
                names[name_key(row[column])] = force
    return names


@dataclass(frozen=True, slots=True)
class Change:
    year: str
    force: str
    ethnicity: str
    old: int | None
    new: int | None


@dataclass
class TableReading:
    """What the table holds: searches by (force slug, year, group), the rows read, and every
    problem (empty: it can be loaded)."""

    table: Table = None  # type: ignore[assignment]
    file_name: str = ""
    rows_read: int = 0
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.counts)

    @property
    def years(self) -> list[str]:
        """The periods the table holds: financial years, or census years."""
        return sorted({year for _, year, _ in self.counts})

    def _loaded(self):
        """The figures already loaded for the table's periods."""
        table = self.table
        values = [table.period_value(period) for period in self.years]
        return table.model.objects.filter(**{f"{table.period_field}__in": values})

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)
        else:
            self.more_problems += 1

    def messages(self) -> list[str]:
        if self.more_problems:
            return [*self.problems, f"… and {self.more_problems} more problems."]
        return list(self.problems)

    def summary(self) -> list[tuple[str, int, int]]:
        """(year, forces, searches) for each year in the table."""
        return [
            (
                year,
                len({slug for slug, y, _ in self.counts if y == year}),
                sum(n for (_, y, _), n in self.counts.items() if y == year),
            )
            for year in self.years
        ]

    def already_loaded(self) -> list[str]:
        field_name = self.table.period_field
        return sorted({str(p) for p in self._loaded().values_list(field_name, flat=True)})

    def changes(self) -> list[Change]:
        """Every figure of a year already loaded that the table changes, adds or removes."""
        table = self.table
        old = {
            (slug, str(period), group): n
            for slug, period, group, n in self._loaded().values_list(
                "force__slug", table.period_field, "ethnicity", table.count_field
            )
        }
        loaded = {year for _, year, _ in old}
        keys = set(old) | {key for key in self.counts if key[1] in loaded}
        return [
            Change(key[1], key[0], key[2], old.get(key), self.counts.get(key))
            for key in sorted(keys, key=lambda k: (k[1], k[0], k[2]))
            if old.get(key) != self.counts.get(key)
        ]

    def fingerprint(self) -> str:
        text = repr((self.already_loaded(), self.changes()))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def to_json(self) -> dict:
        return {
            "table": self.table.kind,
            "file_name": self.file_name,
            "rows_read": self.rows_read,
            "counts": [[*key, n] for key, n in sorted(self.counts.items())],
        }

    @classmethod
    def from_json(cls, data: dict) -> TableReading:
        return cls(
            table=TABLES[data.get("table", STOP_SEARCH_TABLE.kind)],
            file_name=data["file_name"],
            rows_read=data["rows_read"],
            counts={(slug, year, group): n for slug, year, group, n in data["counts"]},
        )


def _year_problem(text: str, today: dt.date) -> str:
    match = YEAR.match(text)
    if not match or (int(match["start"]) + 1) % 100 != int(match["end"]):
        return f"“{text}” is not a financial year like 2024/25"
    start = int(match["start"])
    if start < FIRST_YEAR:
        return f"{text} is before {FIRST_YEAR}/{(FIRST_YEAR + 1) % 100:02d}, the earliest accepted"
    if start > Quarter.containing(today).year:
        return f"{text} has not begun"
    return ""


def _census_problem(text: str, today: dt.date) -> str:
    known = sorted(
        Source.objects.filter(census__isnull=False).values_list("census", flat=True).distinct()
    )
    if not re.fullmatch(r"\d{4}", text):
        return f"“{text}” is not a census year like 2021"
    if int(text) not in known:
        return f"Census {text} is not one this site knows ({', '.join(map(str, known))})"
    return ""


@dataclass(frozen=True)
class Table:
    """One kind of official table: its columns (period, force, group, count, in that order)
    and where its figures go."""

    kind: str
    title: str
    columns: tuple[str, str, str, str]
    model: type
    period_field: str
    count_field: str
    period_problem: Callable[[str, dt.date], str]
    period_value: Callable[[str], object]
    source_slug: Callable[[str], str]
    period_name: str


STOP_SEARCH_TABLE = Table(
    kind=OfficialTableImport.Kind.STOP_SEARCH,
    title="Home Office stop and search table",
    columns=("financial_year", "police_force", "ethnicity", "total_searches"),
    model=StopSearchCount,
    period_field="year",
    count_field="searches",
    period_problem=_year_problem,
    period_value=str,
    source_slug=lambda period: "stop-search",
    period_name="year",
)
POPULATION_TABLE = Table(
    kind=OfficialTableImport.Kind.POPULATION,
    title="census population table",
    columns=("census", "force_area", "ethnicity", "population"),
    model=Population,
    period_field="census",
    count_field="residents",
    period_problem=_census_problem,
    period_value=int,
    source_slug=lambda period: f"census-{period}",
    period_name="census",
)
TABLES = {table.kind: table for table in (STOP_SEARCH_TABLE, POPULATION_TABLE)}
COLUMNS = STOP_SEARCH_TABLE.columns


def read_table(
    name: str, file: BinaryIO, *, today: dt.date, table: Table = STOP_SEARCH_TABLE
) -> TableReading:
    """Read and check the table (see the module's docstring); ``today`` says which financial
    years have begun."""
    reading = TableReading(table=table, file_name=name)
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > max_bytes():
        limit = max_bytes() / 1024 / 1024
        reading.problem(
            f"{name} is {size / 1024 / 1024:.1f} MB: the largest file accepted is "
            f"{limit:.1f} MB (STOP_SEARCH_MAX_BYTES)."
        )
        return reading
    names = force_names()
    groups = {group.lower(): group for group in Ethnicity.values}
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    line = 0
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            reading.problem(f"{name} is empty.")
            return reading
        header = [cell.strip().lower() for cell in header]
        missing = [c for c in table.columns if c not in header]
        unexpected = [c for c in header if c not in table.columns]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append("missing columns: " + ", ".join(missing))
            if unexpected:
                parts.append("unexpected columns: " + ", ".join(unexpected))
            reading.problem(
                f"{name}: the first row must be {','.join(table.columns)}; "
                + "; ".join(parts)
                + "."
            )
            return reading
        where = {
            role: header.index(column) for role, column in zip(ROLES, table.columns, strict=True)
        }
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            reading.rows_read += 1
            _read_row(reading, line, row, where, names, groups, today)
    except UnicodeDecodeError:
        reading.problem(f"{name} is not a CSV file: it is not UTF-8 text (near row {line + 1}).")
    except csv.Error as error:
        reading.problem(f"{name} is not a CSV file: row {line + 1}: {error}.")
    finally:
        text.detach()
    if not reading.rows_read and not reading.problems:
        reading.problem(f"{name} has no rows under its header.")
    return reading


ROLES = ("period", "force", "ethnicity", "count")


def _read_row(reading, line, row, where, names, groups, today) -> None:
    table = reading.table
    column_of = dict(zip(ROLES, table.columns, strict=True))

    def cell(role: str) -> str:
        index = where[role]
        return row[index].strip() if index < len(row) else ""

    def problem(role: str, message: str) -> None:
        reading.problem(f"Row {line}, column {column_of[role]}: {message}.")

    period, force_name = cell("period"), cell("force")
    group_name, count_text = cell("ethnicity"), cell("count")
    ok = True
    period_problem = table.period_problem(period, today)
    if period_problem:
        problem("period", period_problem)
        ok = False
    force = names.get(name_key(force_name)) if force_name else None
    if force is None:
        problem("force", f"no force called “{force_name}”" if force_name else "it is empty")
        ok = False
    group = groups.get(group_name.lower())
    if group is None:
        problem("ethnicity", f"“{group_name}” is not one of {', '.join(Ethnicity.values)}")
        ok = False
    count = None
    if count_text.startswith("-") and COUNT.match(count_text[1:]):
        problem("count", f"{count_text} is negative")
        ok = False
    elif not COUNT.match(count_text):
        problem("count", f"“{count_text}” is not a whole number")
        ok = False
    else:
        count = int(count_text.replace(",", ""))
    if not ok:
        return
    key = (force.slug, period, group)
    if key in reading.counts:
        reading.problem(
            f"Row {line}: {force.name}, {period}, {group} is given twice; give each once."
        )
        return
    reading.counts[key] = count


class NotLoadable(ValueError):
    """The table has problems: nothing was written."""


@transaction.atomic
def load(reading: TableReading, *, by, now: dt.datetime) -> OfficialTableImport:
    """Write the table (see the module's docstring); ``by`` is a user, or None for a
    command."""
    if not reading.is_valid:
        raise NotLoadable("; ".join(reading.messages()) or "Nothing to load.")
    table = reading.table
    changes = reading.changes()
    forces = {force.slug: force for force in Force.objects.all()}
    sources = {source.slug: source for source in Source.objects.all()}
    existing = {
        (obj.force.slug, str(getattr(obj, table.period_field)), obj.ethnicity): obj
        for obj in reading._loaded().select_related("force")
    }
    to_create, to_update = [], []
    for (slug, period, group), count in reading.counts.items():
        obj = existing.pop((slug, period, group), None)
        if obj is None:
            to_create.append(
                table.model(
                    source=sources[table.source_slug(period)],
                    force=forces[slug],
                    ethnicity=group,
                    **{
                        table.period_field: table.period_value(period),
                        table.count_field: count,
                    },
                )
            )
        elif getattr(obj, table.count_field) != count:
            setattr(obj, table.count_field, count)
            to_update.append(obj)
    for obj in existing.values():
        obj._history_user = by
        obj._history_date = now
        obj.delete()
    bulk_create_with_history(to_create, table.model, default_user=by, default_date=now)
    bulk_update_with_history(
        to_update, table.model, [table.count_field], default_user=by, default_date=now
    )
    record = OfficialTableImport.objects.create(
        kind=table.kind,
        years=", ".join(reading.years),
        file_name=reading.file_name,
        rows_read=reading.rows_read,
        imported_by=by,
        imported_at=now,
        changes="\n".join(
            f"{c.year} {c.force} {c.ethnicity}: {_shown(c.old)} → {_shown(c.new)}" for c in changes
        ),
    )
    all_content_changed()
    return record


def _shown(value: int | None) -> str:
    return "(none)" if value is None else str(value)
