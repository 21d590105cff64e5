"""Sign-up throttling, in the database as the sign-in throttle is (``accounts.throttle``):
every worker of every instance sees the same counts, with or without a cache.

Two limits over ``ALERTS_SIGN_UP_WINDOW_SECONDS`` (an hour):

- per client address, ``ALERTS_SIGN_UP_ADDRESS_LIMIT`` sign-ups: then the form says how long
  to wait (it reveals nothing about any e-mail address);
- per e-mail address typed, ``ALERTS_SIGN_UP_EMAIL_LIMIT`` confirmation e-mails: more
  sign-ups get the same answer as any other and no e-mail, so nobody can flood an inbox.

Every function takes ``now``; counts are one row per minute with atomic increments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from alerts.models import SignUpAttempt

BUCKET_SECONDS = 60


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _minute(now: dt.datetime) -> int:
    return int(now.timestamp()) // BUCKET_SECONDS


def _first_minute(now: dt.datetime) -> int:
    window = settings.ALERTS_SIGN_UP_WINDOW_SECONDS
    return _minute(now) - max(1, math.ceil(window / BUCKET_SECONDS)) + 1


def _count(scope: str, digest: str, now: dt.datetime) -> None:
    rows = SignUpAttempt.objects.filter(scope=scope, digest=digest, minute=_minute(now))
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            SignUpAttempt.objects.create(scope=scope, digest=digest, minute=_minute(now), count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def _window(scope: str, digest: str, now: dt.datetime):
    return SignUpAttempt.objects.filter(scope=scope, digest=digest, minute__gte=_first_minute(now))


def _total(scope: str, digest: str, now: dt.datetime) -> int:
    return _window(scope, digest, now).aggregate(total=Sum("count"))["total"] or 0


def refused_from(address: str, now: dt.datetime) -> int | None:
    """Minutes to wait when the client ``address`` has signed up too often in the window;
    None when it may sign up."""
    digest = _digest(address)
    if _total("address", digest, now) < settings.ALERTS_SIGN_UP_ADDRESS_LIMIT:
        return None
    oldest = _window("address", digest, now).order_by("minute").values_list("minute", flat=True)
    window_minutes = math.ceil(settings.ALERTS_SIGN_UP_WINDOW_SECONDS / BUCKET_SECONDS)
    ends = (oldest.first() + window_minutes) * BUCKET_SECONDS
    return max(1, math.ceil((ends - now.timestamp()) / 60))


def record_sign_up(email: str, address: str, now: dt.datetime) -> bool:
    """Count a sign-up; True when a confirmation may be sent to ``email`` (fewer than
    ``ALERTS_SIGN_UP_EMAIL_LIMIT`` in the window). The page answers the same either way."""
    _count("address", _digest(address), now)
    digest = _digest(email)
    allowed = _total("email", digest, now) < settings.ALERTS_SIGN_UP_EMAIL_LIMIT
    if allowed:
        _count("email", digest, now)
    SignUpAttempt.objects.filter(minute__lt=_first_minute(now)).delete()
    return allowed
