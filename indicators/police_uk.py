"""data.police.uk's monthly stop and search files: read, check, count and load them.

data.police.uk publishes, for each force and month, a CSV file of every stop and search
(``2019-01-city-of-london-stop-and-search.csv``: 15 columns, one row per search), alone or in
a .zip of a month's download. The file has no force column and no month column: its name
says both, and every row's ``Date`` must fall in the month its name gives.

:func:`read_files` streams each file through a ``csv.reader`` over a text wrapper (memory
stays bounded whatever the file's size), checks it, and counts the searches of each month by
group, twice: by the ethnicity the person gave (``Self-defined ethnicity``, one of
data.police.uk's 19 labels, mapped to the five groups) and by the ethnicity the officer
recorded (``Officer-defined ethnicity``). A blank cell, or "Other ethnic group - Not stated",
counts as Not stated. It returns a :class:`Reading`: the counts, the rows read, and every
problem found, each naming the file, row and column. Nothing is written.

:func:`load` writes a reading without problems in one transaction: the months it holds
replace the same months loaded before, with a :class:`~indicators.models.StopSearchImport`
saying who loaded which files when, and every public page that shows them is renewed.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from indicators.models import Measure, MonthlyGroup, MonthlyStopSearchCount, StopSearchImport
from plans.cache import content_changed
from plans.models import Force

HEADER = (
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
SELF_DEFINED_COLUMN = "Self-defined ethnicity"
OFFICER_DEFINED_COLUMN = "Officer-defined ethnicity"

# data.police.uk's 19 self-defined labels (the 2011 Census categories). Chinese counts as
# Asian, as the Home Office has counted it since 2020/21; Gypsy or Irish Traveller as White;
# Arab as Other.
SELF_DEFINED_GROUPS: dict[str, str] = {
    "White - English/Welsh/Scottish/Northern Irish/British": MonthlyGroup.WHITE,
    "White - Irish": MonthlyGroup.WHITE,
    "White - Gypsy or Irish Traveller": MonthlyGroup.WHITE,
    "White - Any other White background": MonthlyGroup.WHITE,
    "Mixed/Multiple ethnic groups - White and Black Caribbean": MonthlyGroup.MIXED,
    "Mixed/Multiple ethnic groups - White and Black African": MonthlyGroup.MIXED,
    "Mixed/Multiple ethnic groups - White and Asian": MonthlyGroup.MIXED,
    "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background": (
        MonthlyGroup.MIXED
    ),
    "Asian/Asian British - Indian": MonthlyGroup.ASIAN,
    "Asian/Asian British - Pakistani": MonthlyGroup.ASIAN,
    "Asian/Asian British - Bangladeshi": MonthlyGroup.ASIAN,
    "Asian/Asian British - Chinese": MonthlyGroup.ASIAN,
    "Asian/Asian British - Any other Asian background": MonthlyGroup.ASIAN,
    "Black/African/Caribbean/Black British - African": MonthlyGroup.BLACK,
    "Black/African/Caribbean/Black British - Caribbean": MonthlyGroup.BLACK,
    "Black/African/Caribbean/Black British - Any other Black/African/Caribbean background": (
        MonthlyGroup.BLACK
    ),
    "Other ethnic group - Arab": MonthlyGroup.OTHER,
    "Other ethnic group - Any other ethnic group": MonthlyGroup.OTHER,
    "Other ethnic group - Not stated": MonthlyGroup.NOT_STATED,
}
OFFICER_DEFINED_GROUPS: dict[str, str] = {
    group.value: group.value for group in MonthlyGroup if group != MonthlyGroup.NOT_STATED
}
FILE_NAME = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<force>[a-z0-9-]+?)-stop-and-search\.csv$"
)
ZIP_MAGIC = b"PK\x03\x04"
# How long files checked on the staff pages wait for their confirmation.
UPLOAD_LIFETIME = dt.timedelta(hours=2)
# Problems listed in full; beyond this many the rest are counted, so a wrong file cannot fill
# the memory (or the page) with messages.
MAX_PROBLEMS = 30


def max_bytes() -> int:
    """The largest file (or .zip, or CSV inside a .zip) accepted: ``STOP_SEARCH_MAX_BYTES``."""
    return settings.STOP_SEARCH_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Change:
    """A cell of a month already loaded, before and after."""

    month: dt.date
    measure: str
    ethnicity: str
    old: int
    new: int


@dataclass
class Reading:
    """What the files hold for ``force``: searches by (month, measure, group), the data rows
    read, and every problem found (empty: the files can be loaded)."""

    force: Force
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    counts: Counter = field(default_factory=Counter)
    months: list[dt.date] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.months)

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)
        else:
            self.more_problems += 1

    def messages(self) -> list[str]:
        """Every problem, with how many more were found past ``MAX_PROBLEMS``."""
        if self.more_problems:
            return [*self.problems, f"… and {self.more_problems} more problems."]
        return list(self.problems)

    def cells(self, month: dt.date) -> dict[tuple[str, str], int]:
        """All twelve cells of ``month``: (measure, group) -> searches, zeros included."""
        return {
            (measure, group): self.counts[(month, measure, group)]
            for measure in Measure.values
            for group in MonthlyGroup.values
        }

    def to_json(self) -> dict:
        """What a valid reading counted, to keep between the preview and the confirmation."""
        return {
            "files": self.files,
            "rows_read": self.rows_read,
            "months": [month.isoformat() for month in sorted(self.months)],
            "counts": [
                [month.isoformat(), measure, group, searches]
                for (month, measure, group), searches in sorted(self.counts.items())
            ],
        }

    @classmethod
    def from_json(cls, force: Force, data: dict) -> Reading:
        return cls(
            force=force,
            files=list(data["files"]),
            rows_read=data["rows_read"],
            months=[dt.date.fromisoformat(month) for month in data["months"]],
            counts=Counter(
                {
                    (dt.date.fromisoformat(month), measure, group): searches
                    for month, measure, group, searches in data["counts"]
                }
            ),
        )

    def fingerprint(self) -> str:
        """Changes when what a load would replace changes (someone loaded one of the months
        meanwhile): the confirmation carries the fingerprint of the preview it confirms."""
        replaced = [(str(c.month), c.measure, c.ethnicity, c.old, c.new) for c in self.changes()]
        text = repr((sorted(map(str, self.already_loaded())), replaced))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def table(self) -> list[tuple[dt.date, str, list[int], int]]:
        """(month, measure, searches of each group in MonthlyGroup order, total), for the
        preview."""
        rows = []
        for month in sorted(self.months):
            for measure in Measure.values:
                numbers = [self.counts[(month, measure, group)] for group in MonthlyGroup.values]
                rows.append((month, measure, numbers, sum(numbers)))
        return rows

    def already_loaded(self) -> list[dt.date]:
        """The months of the files that this force has loaded before (replaced on confirm)."""
        return sorted(
            set(
                MonthlyStopSearchCount.objects.filter(
                    force=self.force, month__in=self.months
                ).values_list("month", flat=True)
            )
        )

    def changes(self) -> list[Change]:
        """Every cell of a month already loaded whose count the files change (old -> new)."""
        old = {
            (month, measure, group): searches
            for month, measure, group, searches in MonthlyStopSearchCount.objects.filter(
                force=self.force, month__in=self.months
            ).values_list("month", "measure", "ethnicity", "searches")
        }
        loaded = {month for month, _, _ in old}
        return [
            Change(month, measure, group, old.get((month, measure, group), 0), new)
            for month in sorted(loaded)
            for (measure, group), new in self.cells(month).items()
            if old.get((month, measure, group), 0) != new
        ]


def _size(file: BinaryIO) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def read_files(force: Force, files: Iterable[tuple[str, BinaryIO]]) -> Reading:
    """Read every ``(name, binary file)``: a data.police.uk stop and search CSV, or a .zip
    holding them (its other files, street crime and outcomes, are passed over). Checks and
    counts; writes nothing."""
    reading = Reading(force=force)
    limit = max_bytes()
    for name, file in files:
        size = _size(file)
        if size > limit:
            reading.problem(
                f"{name} is {_megabytes(size)}: the largest file accepted is "
                f"{_megabytes(limit)} (STOP_SEARCH_MAX_BYTES)."
            )
            continue
        if file.read(4) == ZIP_MAGIC:
            file.seek(0)
            _read_zip(reading, name, file, limit)
        else:
            file.seek(0)
            _read_csv(reading, name, name, file)
    if not reading.files and not reading.problems:
        reading.problem("Choose at least one file.")
    return reading


def _read_zip(reading: Reading, name: str, file: BinaryIO, limit: int) -> None:
    try:
        archive = zipfile.ZipFile(file)
        members = [
            member
            for member in archive.infolist()
            if not member.is_dir() and member.filename.endswith("-stop-and-search.csv")
        ]
    except zipfile.BadZipFile:
        reading.problem(f"{name} is not a CSV file, nor a .zip that can be opened.")
        return
    if not members:
        reading.problem(
            f"{name} holds no stop and search file: data.police.uk names them "
            "YYYY-MM-force-stop-and-search.csv (tick “Include stop and search data” when "
            "downloading)."
        )
        return
    for member in members:
        label = f"{name}: {member.filename}"
        if member.file_size > limit:
            reading.problem(
                f"{label} is {_megabytes(member.file_size)} once unpacked: the largest file "
                f"accepted is {_megabytes(limit)} (STOP_SEARCH_MAX_BYTES)."
            )
            continue
        with archive.open(member) as inner:
            _read_csv(reading, label, PurePosixPath(member.filename).name, inner)


def _month_and_force(reading: Reading, label: str, base_name: str) -> dt.date | None:
    """The month the file's name gives, once its name is checked to be this force's."""
    match = FILE_NAME.match(base_name)
    if match is None:
        reading.problem(
            f"{label}: the name does not say the file's month and force. data.police.uk names "
            f"each file YYYY-MM-force-stop-and-search.csv (for example "
            f"2019-01-{reading.force.slug}-stop-and-search.csv); keep that name."
        )
        return None
    try:
        month = dt.date(int(match["year"]), int(match["month"]), 1)
    except ValueError:
        reading.problem(f"{label}: {match['year']}-{match['month']} is not a month.")
        return None
    named = match["force"]
    if named != reading.force.slug:
        other = Force.objects.filter(slug=named).values_list("name", flat=True).first()
        whose = f"{other}'s" if other else f"for a force called “{named}”"
        reading.problem(
            f"{label} is {whose} file (data.police.uk names the force in the file name), not "
            f"{reading.force.name}'s. Choose that force, or the file for {reading.force.name}."
        )
        return None
    if month in reading.months:
        reading.problem(f"{label}: {month:%B %Y} is in another file too; load each month once.")
        return None
    return month


def _read_csv(reading: Reading, label: str, base_name: str, binary: BinaryIO) -> None:
    month = _month_and_force(reading, label, base_name)
    if month is None:
        return
    problems_before = len(reading.problems) + reading.more_problems
    counts: Counter = Counter()
    rows = 0
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    line = 0
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            reading.problem(f"{label} is empty.")
            return
        names = [cell.strip() for cell in header]
        missing = [column for column in HEADER if column not in names]
        unexpected = [column for column in names if column not in HEADER]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append("missing columns: " + ", ".join(f"“{c}”" for c in missing))
            if unexpected:
                parts.append("unexpected columns: " + ", ".join(f"“{c}”" for c in unexpected))
            reading.problem(
                f"{label}: the first row is not data.police.uk's stop and search header; "
                + "; ".join(parts)
                + "."
            )
            return
        where = {column: names.index(column) for column in HEADER}
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            cells = _count_row(reading, label, line, row, len(names), where, month)
            if cells:
                counts.update(cells)
    except UnicodeDecodeError:
        reading.problem(f"{label} is not a CSV file: it is not UTF-8 text (near row {line + 1}).")
        return
    except csv.Error as error:
        reading.problem(f"{label} is not a CSV file: row {line + 1}: {error}.")
        return
    finally:
        text.detach()
    reading.files.append(label)
    reading.rows_read += rows
    if len(reading.problems) + reading.more_problems == problems_before:
        reading.months.append(month)
        reading.counts.update(counts)


def _count_row(
    reading: Reading,
    label: str,
    line: int,
    row: list[str],
    width: int,
    where: dict[str, int],
    month: dt.date,
) -> list[tuple[dt.date, str, str]]:
    """The row's two cells (self-defined, officer-defined), or [] with its problems noted."""
    if len(row) != width:
        reading.problem(f"{label}, row {line}: {len(row)} cells, where the header has {width}.")
        return []
    ok = True
    date_text = row[where["Date"]].strip()
    try:
        when = dt.datetime.fromisoformat(date_text)
    except ValueError:
        reading.problem(
            f"{label}, row {line}, column Date: “{date_text}” is not a date and time like "
            "2019-01-01T02:48:45+00:00."
        )
        ok = False
    else:
        if (when.year, when.month) != (month.year, month.month):
            reading.problem(
                f"{label}, row {line}, column Date: {date_text} is not in {month:%B %Y}, the "
                "month of the file."
            )
            ok = False
    self_label = row[where[SELF_DEFINED_COLUMN]].strip()
    self_group = SELF_DEFINED_GROUPS.get(self_label) if self_label else MonthlyGroup.NOT_STATED
    if self_group is None:
        reading.problem(
            f"{label}, row {line}, column {SELF_DEFINED_COLUMN}: “{self_label}” is not one of "
            "data.police.uk's 19 labels."
        )
        ok = False
    officer_label = row[where[OFFICER_DEFINED_COLUMN]].strip()
    officer_group = (
        OFFICER_DEFINED_GROUPS.get(officer_label) if officer_label else MonthlyGroup.NOT_STATED
    )
    if officer_group is None:
        reading.problem(
            f"{label}, row {line}, column {OFFICER_DEFINED_COLUMN}: “{officer_label}” is not "
            "one of Asian, Black, Mixed, Other, White (or blank)."
        )
        ok = False
    if not ok:
        return []
    return [
        (month, Measure.SELF_DEFINED.value, str(self_group)),
        (month, Measure.OFFICER_DEFINED.value, str(officer_group)),
    ]


class NotLoadable(ValueError):
    """The reading has problems (or nothing to load): nothing was written."""


@transaction.atomic
def load(reading: Reading, *, by, now: dt.datetime) -> StopSearchImport:
    """Write ``reading`` (which must have no problems) in one transaction: its months replace
    the same months loaded before; the import is recorded with ``by`` (a user, or None for
    the command) and ``now``; the force's public pages and the national ones are renewed."""
    if not reading.is_valid:
        raise NotLoadable("; ".join(reading.messages()) or "Nothing to load.")
    changes = reading.changes()
    replaced = reading.already_loaded()
    record = StopSearchImport.objects.create(
        force=reading.force,
        imported_by=by,
        imported_at=now,
        file_names="\n".join(reading.files),
        rows_read=reading.rows_read,
        months=", ".join(f"{month:%Y-%m}" for month in sorted(reading.months)),
        replaced="\n".join(
            [f"{month:%Y-%m} replaced" for month in replaced]
            + [f"{c.month:%Y-%m} {c.measure} {c.ethnicity}: {c.old} → {c.new}" for c in changes]
        ),
    )
    MonthlyStopSearchCount.objects.filter(force=reading.force, month__in=reading.months).delete()
    MonthlyStopSearchCount.objects.bulk_create(
        MonthlyStopSearchCount(
            stop_search_import=record,
            force=reading.force,
            month=month,
            measure=measure,
            ethnicity=group,
            searches=searches,
        )
        for month in sorted(reading.months)
        for (measure, group), searches in reading.cells(month).items()
    )
    content_changed(reading.force)
    return record
