"""Quarterly return deadlines. Pure, no Django imports.

A force's return for a quarter is due ``days`` days after the quarter's last day
(``settings.RETURN_DEADLINE_DAYS``, 30 by default). An incomplete return is overdue from the
day after its deadline.
"""

from __future__ import annotations

import datetime as dt

from plans.quarters import Quarter

COMPLETE = "complete"


def return_deadline(quarter: Quarter, days: int) -> dt.date:
    """The last day on which the return for ``quarter`` is on time."""
    return quarter.last_day + dt.timedelta(days=days)


def is_past_deadline(quarter: Quarter, days: int, today: dt.date) -> bool:
    return today > return_deadline(quarter, days)


def is_overdue(state: str | None, quarter: Quarter, days: int, today: dt.date) -> bool:
    """An incomplete return (``state`` other than complete) after the deadline."""
    return state is not None and state != COMPLETE and is_past_deadline(quarter, days, today)
