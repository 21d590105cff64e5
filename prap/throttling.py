"""Events counted per key and per minute in the database, for the throttles (sign-in and
password resets in ``accounts.throttle``, alert sign-ups in ``alerts.throttle``).

In the database, so every worker of every instance counts the same events, with or without a
shared cache. A key is a ``scope`` and the digest of what is counted (an e-mail address
typed, a client address): the table holds digests, never the values. Each minute of a key is
one row, incremented atomically (an UPDATE, or an INSERT that falls back to the UPDATE if
another worker inserted first), so concurrent events on several workers are all counted.

Every method takes ``now`` (an aware datetime): nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum

BUCKET_SECONDS = 60


def digest(value: str) -> str:
    """The key of ``value``, whatever its case and surrounding spaces."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def minute(now: dt.datetime) -> int:
    return int(now.timestamp()) // BUCKET_SECONDS


def first_minute(now: dt.datetime, seconds: int) -> int:
    """The first minute of the window of ``seconds`` that ends at ``now``."""
    return minute(now) - max(1, math.ceil(seconds / BUCKET_SECONDS)) + 1


class MinuteCounts:
    """The counts kept in ``model``: a model with the fields ``scope``, ``digest``,
    ``minute`` and ``count``, unique on the first three."""

    def __init__(self, model: type[models.Model]):
        self.model = model

    def add(self, scope: str, key: str, now: dt.datetime) -> None:
        """Count one event of ``scope``/``key`` (a digest) in the minute of ``now``."""
        rows = self.model.objects.filter(scope=scope, digest=key, minute=minute(now))
        if rows.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                self.model.objects.create(scope=scope, digest=key, minute=minute(now), count=1)
        except IntegrityError:
            rows.update(count=F("count") + 1)

    def _window(self, scope: str, key: str, now: dt.datetime, seconds: int):
        return self.model.objects.filter(
            scope=scope, digest=key, minute__gte=first_minute(now, seconds)
        )

    def total(self, scope: str, key: str, now: dt.datetime, seconds: int) -> int:
        """The events of ``scope``/``key`` in the ``seconds`` up to ``now``."""
        window = self._window(scope, key, now, seconds)
        return window.aggregate(total=Sum("count"))["total"] or 0

    def minutes_to_wait(
        self, scope: str, key: str, now: dt.datetime, seconds: int, limit: int
    ) -> int | None:
        """None while ``scope``/``key`` has had fewer than ``limit`` events in the window of
        ``seconds``; otherwise the whole minutes until its oldest counted minute leaves the
        window (at least 1)."""
        if self.total(scope, key, now, seconds) < limit:
            return None
        oldest = (
            self._window(scope, key, now, seconds)
            .order_by("minute")
            .values_list("minute", flat=True)
            .first()
        )
        ends = (oldest + math.ceil(seconds / BUCKET_SECONDS)) * BUCKET_SECONDS
        return max(1, math.ceil((ends - now.timestamp()) / 60))

    def forget(self, scope: str, key: str) -> None:
        """Forget every count of ``scope``/``key``."""
        self.model.objects.filter(scope=scope, digest=key).delete()

    def forget_before(self, now: dt.datetime, seconds: int) -> None:
        """Forget the minutes no window of ``seconds`` ending at ``now`` or later can reach."""
        self.model.objects.filter(minute__lt=first_minute(now, seconds)).delete()
