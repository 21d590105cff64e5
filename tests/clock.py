"""One clock per test.

A test that needs a date takes it from here and runs every step under it: the data it loads,
the requests it makes and the assertions on "now". Never compare a fixed date with the real
clock, and never let a request that follows a ``time_machine.travel`` block run on the real
clock (a session made "on 21 November" has expired by December).

- ``DEMO_TODAY``: the day the demo data is loaded in tests that need a fixed story.
- ``on(moment, tick=...)``: travel to a moment; ``tick=False`` freezes it (TOTP windows,
  session limits), ``tick=True`` lets it run (pages, time-outs in the server).
- The ``demo_day`` fixture (tests/conftest.py): the whole test runs on ``DEMO_TODAY``.

Browser tests are the exception that proves the rule: chromium keeps the system clock, so they
load the demo data as of the system's today (``timezone.localdate()``) instead of travelling,
and CI moves the system clock for the whole process tree with libfaketime (README, "Testing
at another date").
"""

from __future__ import annotations

import datetime as dt

import time_machine

DEMO_TODAY = dt.date(2026, 11, 21)
DEMO_MOMENT = dt.datetime.combine(DEMO_TODAY, dt.time(12, 0), tzinfo=dt.UTC)


def on(moment: dt.datetime | dt.date, *, tick: bool = True) -> time_machine.travel:
    """Travel to ``moment`` (a date means noon UTC that day)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(12, 0), tzinfo=dt.UTC)
    return time_machine.travel(moment, tick=tick)
