"""Sign-up throttling, in the database as the sign-in throttle is (``accounts.throttle``):
every worker of every instance sees the same counts, with or without a cache.

Two limits over ``ALERTS_SIGN_UP_WINDOW_SECONDS`` (an hour):

- per client address, ``ALERTS_SIGN_UP_ADDRESS_LIMIT`` sign-ups: then the form says how long
  to wait (it reveals nothing about any e-mail address);
- per e-mail address typed, ``ALERTS_SIGN_UP_EMAIL_LIMIT`` confirmation e-mails: more
  sign-ups get the same answer as any other and no e-mail, so nobody can flood an inbox.

Every function takes ``now``; the counts are ``prap.throttling``'s, one row per minute.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from alerts.models import SignUpAttempt
from prap.throttling import MinuteCounts, digest

counts = MinuteCounts(SignUpAttempt)


def refused_from(address: str, now: dt.datetime) -> int | None:
    """Minutes to wait when the client ``address`` has signed up too often in the window;
    None when it may sign up."""
    return counts.minutes_to_wait(
        "address",
        digest(address),
        now,
        settings.ALERTS_SIGN_UP_WINDOW_SECONDS,
        settings.ALERTS_SIGN_UP_ADDRESS_LIMIT,
    )


def record_sign_up(email: str, address: str, now: dt.datetime) -> bool:
    """Count a sign-up; True when a confirmation may be sent to ``email`` (fewer than
    ``ALERTS_SIGN_UP_EMAIL_LIMIT`` in the window). The page answers the same either way."""
    window = settings.ALERTS_SIGN_UP_WINDOW_SECONDS
    counts.add("address", digest(address), now)
    key = digest(email)
    allowed = counts.total("email", key, now, window) < settings.ALERTS_SIGN_UP_EMAIL_LIMIT
    if allowed:
        counts.add("email", key, now)
    counts.forget_before(now, window)
    return allowed
