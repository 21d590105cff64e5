"""UK police financial-year quarters.

A financial year starts on 1 April: Q1 is April-June, Q2 July-September, Q3 October-December
and Q4 January-March of the following calendar year. "Q3 2024/25" is October-December 2024
and "Q4 2024/25" is January-March 2025.

Two written forms:

* the display form ``"Q2 2024/25"``;
* the compact form ``"2024-Q2"`` (financial year of the start, then the quarter), used in
  URLs, CSV and JSON because it sorts as text and needs no escaping.

This module has no Django imports: it is pure arithmetic, tested on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

_DISPLAY = re.compile(r"^Q(?P<number>\d)\s+(?P<year>\d{4})/(?P<next>\d{2})$", re.IGNORECASE)
_COMPACT = re.compile(r"^(?P<year>\d{4})-Q(?P<number>\d)$", re.IGNORECASE)

_MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

# Calendar month on which each quarter starts, and whether it falls in the next calendar year.
_FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """One financial-year quarter.

    ``year`` is the calendar year in which the financial year starts (2024 for 2024/25) and
    ``number`` is 1 to 4. Instances order chronologically, support ``quarter + n``,
    ``quarter - n`` and ``later - earlier`` (a number of quarters).
    """

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"A quarter number must be 1 to 4, not {self.number}.")
        if not 1900 <= self.year <= 2999:
            raise ValueError(f"The financial year {self.year} is out of range.")

    # Construction -------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``"Q2 2024/25"`` or ``"2024-Q2"`` (surrounding spaces and case ignored).

        Raises ``ValueError`` with a message a person can act on for anything else.
        """
        if text is None or not str(text).strip():
            raise ValueError('Enter a quarter, for example "Q2 2024/25" or "2024-Q2".')
        cleaned = " ".join(str(text).split())
        display = _DISPLAY.match(cleaned)
        compact = _COMPACT.match(cleaned)
        if display:
            year, number = int(display["year"]), int(display["number"])
            expected_next = (year + 1) % 100
            if int(display["next"]) != expected_next:
                raise ValueError(
                    f'"{cleaned}" is not a financial year: after {year} comes '
                    f"{year}/{expected_next:02d}."
                )
        elif compact:
            year, number = int(compact["year"]), int(compact["number"])
        else:
            raise ValueError(
                f'"{cleaned}" is not a quarter. Write it as "Q2 2024/25" or "2024-Q2".'
            )
        if not 1 <= number <= 4:
            raise ValueError(f'"{cleaned}" is not a quarter: quarters are numbered Q1 to Q4.')
        return cls(year, number)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter in which ``day`` falls."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def from_first_day(cls, day: dt.date) -> Quarter:
        """The quarter that starts on ``day``; ``ValueError`` if no quarter starts then."""
        quarter = cls.containing(day)
        if quarter.first_day != day:
            raise ValueError(f"{day.isoformat()} is not the first day of a quarter.")
        return quarter

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        """Inverse of :attr:`index`."""
        return cls(index // 4, index % 4 + 1)

    @classmethod
    def range(cls, first: Quarter, last: Quarter) -> list[Quarter]:
        """Every quarter from ``first`` to ``last`` inclusive (empty if last is earlier)."""
        return [cls.from_index(i) for i in range(first.index, last.index + 1)]

    # Derived values -----------------------------------------------------------------------

    @property
    def index(self) -> int:
        """A running count of quarters: consecutive quarters differ by one."""
        return self.year * 4 + self.number - 1

    @property
    def first_day(self) -> dt.date:
        month = _FIRST_MONTH[self.number]
        year = self.year + 1 if self.number == 4 else self.year
        return dt.date(year, month, 1)

    @property
    def last_day(self) -> dt.date:
        return (self + 1).first_day - dt.timedelta(days=1)

    @property
    def compact(self) -> str:
        """``"2024-Q2"``."""
        return f"{self.year}-Q{self.number}"

    @property
    def financial_year(self) -> str:
        """``"2024/25"``."""
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def months_label(self) -> str:
        """``"Jul-Sep 2024"``: the months the quarter covers and their calendar year."""
        first = self.first_day
        start, end = _MONTH_ABBREVIATIONS[first.month - 1], _MONTH_ABBREVIATIONS[first.month + 1]
        return f"{start}-{end} {first.year}"

    @property
    def previous(self) -> Quarter:
        return self - 1

    @property
    def next(self) -> Quarter:
        return self + 1

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def until(self, last: Quarter) -> Iterator[Quarter]:
        """Iterate from this quarter to ``last`` inclusive."""
        return iter(Quarter.range(self, last))

    # Arithmetic and text ------------------------------------------------------------------

    def __add__(self, quarters: int) -> Quarter:
        if not isinstance(quarters, int):
            return NotImplemented
        return Quarter.from_index(self.index + quarters)

    def __sub__(self, other: int | Quarter):  # type: ignore[override]
        if isinstance(other, Quarter):
            return self.index - other.index
        if isinstance(other, int):
            return Quarter.from_index(self.index - other)
        return NotImplemented

    def __str__(self) -> str:
        return f"Q{self.number} {self.financial_year}"

    def __repr__(self) -> str:
        return f"Quarter({self.compact!r})"


def quarter_just_ended(today: dt.date) -> Quarter:
    """The most recent quarter that has finished on ``today``: the one a return is due for."""
    return Quarter.containing(today) - 1


def quarter_window(
    first: Quarter, last: Quarter, around: Quarter, size: int = 8, before: int = 3
) -> tuple[Quarter, Quarter]:
    """The ``size`` consecutive quarters of ``first..last`` to show around ``around``: ideally
    ``before`` quarters before it, slid to stay inside the span (so a finished plan shows its
    last ``size`` quarters, one not yet started its first). The whole span if it is no longer
    than ``size``. Returns the window's first and last quarter."""
    if size < 1:
        raise ValueError("A window has at least one quarter.")
    if last - first + 1 <= size:
        return first, last
    start = around - before
    start = max(first, min(start, last - (size - 1)))
    return start, start + (size - 1)
