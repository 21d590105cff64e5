"""The Home Office's yearly stop and search table: read, check and load it.

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
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.loading import REFERENCE, read_rows
from indicators.models import Ethnicity, OfficialTableImport, Source, StopSearchCount
from indicators.police_uk import MAX_PROBLEMS, max_bytes
from plans.cache import all_content_changed
from plans.models import Force
from plans.quarters import Quarter

COLUMNS = ("financial_year", "police_force", "ethnicity", "total_searches")
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
        return sorted({year for _, year, _ in self.counts})

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
        return sorted(
            set(StopSearchCount.objects.filter(year__in=self.years).values_list("year", flat=True))
        )

    def changes(self) -> list[Change]:
        """Every figure of a year already loaded that the table changes, adds or removes."""
        old = {
            (slug, year, group): searches
            for slug, year, group, searches in StopSearchCount.objects.filter(
                year__in=self.years
            ).values_list("force__slug", "year", "ethnicity", "searches")
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
            "file_name": self.file_name,
            "rows_read": self.rows_read,
            "counts": [[*key, n] for key, n in sorted(self.counts.items())],
        }

    @classmethod
    def from_json(cls, data: dict) -> TableReading:
        return cls(
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


def read_table(name: str, file: BinaryIO, *, today: dt.date) -> TableReading:
    """Read and check the table (see the module's docstring); ``today`` says which financial
    years have begun."""
    reading = TableReading(file_name=name)
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
        missing = [c for c in COLUMNS if c not in header]
        unexpected = [c for c in header if c not in COLUMNS]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append("missing columns: " + ", ".join(missing))
            if unexpected:
                parts.append("unexpected columns: " + ", ".join(unexpected))
            reading.problem(
                f"{name}: the first row must be {','.join(COLUMNS)}; " + "; ".join(parts) + "."
            )
            return reading
        where = {column: header.index(column) for column in COLUMNS}
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


def _read_row(reading, line, row, where, names, groups, today) -> None:
    def cell(column: str) -> str:
        index = where[column]
        return row[index].strip() if index < len(row) else ""

    def problem(column: str, message: str) -> None:
        reading.problem(f"Row {line}, column {column}: {message}.")

    year, force_name = cell("financial_year"), cell("police_force")
    group_name, count_text = cell("ethnicity"), cell("total_searches")
    ok = True
    year_problem = _year_problem(year, today)
    if year_problem:
        problem("financial_year", year_problem)
        ok = False
    force = names.get(name_key(force_name)) if force_name else None
    if force is None:
        problem(
            "police_force",
            f"no force called “{force_name}”" if force_name else "the force is missing",
        )
        ok = False
    group = groups.get(group_name.lower())
    if group is None:
        problem(
            "ethnicity",
            f"“{group_name}” is not one of {', '.join(Ethnicity.values)}",
        )
        ok = False
    searches = None
    if count_text.startswith("-") and COUNT.match(count_text[1:]):
        problem("total_searches", f"{count_text} is negative")
        ok = False
    elif not COUNT.match(count_text):
        problem("total_searches", f"“{count_text}” is not a whole number")
        ok = False
    else:
        searches = int(count_text.replace(",", ""))
    if not ok:
        return
    key = (force.slug, year, group)
    if key in reading.counts:
        reading.problem(
            f"Row {line}: {force.name}, {year}, {group} is given twice; give each once."
        )
        return
    reading.counts[key] = searches


class NotLoadable(ValueError):
    """The table has problems: nothing was written."""


@transaction.atomic
def load(reading: TableReading, *, by, now: dt.datetime) -> OfficialTableImport:
    """Write the table (see the module's docstring); ``by`` is a user, or None for a
    command."""
    if not reading.is_valid:
        raise NotLoadable("; ".join(reading.messages()) or "Nothing to load.")
    changes = reading.changes()
    forces = {force.slug: force for force in Force.objects.all()}
    source = Source.objects.get(slug="stop-search")
    existing = {
        (obj.force.slug, obj.year, obj.ethnicity): obj
        for obj in StopSearchCount.objects.filter(year__in=reading.years).select_related("force")
    }
    to_create, to_update = [], []
    for (slug, year, group), searches in reading.counts.items():
        obj = existing.pop((slug, year, group), None)
        if obj is None:
            to_create.append(
                StopSearchCount(
                    source=source, force=forces[slug], year=year, ethnicity=group, searches=searches
                )
            )
        elif obj.searches != searches:
            obj.searches = searches
            to_update.append(obj)
    for obj in existing.values():
        obj._history_user = by
        obj._history_date = now
        obj.delete()
    bulk_create_with_history(to_create, StopSearchCount, default_user=by, default_date=now)
    bulk_update_with_history(
        to_update, StopSearchCount, ["searches"], default_user=by, default_date=now
    )
    record = OfficialTableImport.objects.create(
        kind=OfficialTableImport.Kind.STOP_SEARCH,
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
