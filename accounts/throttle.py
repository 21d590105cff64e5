"""Sign-in throttling: a cool-off after too many wrong passwords, never a permanent lock.

NCSC guidance: allow about 10 attempts. Failures are counted in the cache (local memory for
one instance, Redis for several: ``CACHE_URL``) over a sliding window as long as the cool-off,
under two keys:

- the account (the e-mail address typed, whether or not an account has it):
  ``SIGN_IN_ACCOUNT_LIMIT`` failures (10) pause sign-in to that account, from anywhere;
- the address the attempts come from: ``SIGN_IN_ADDRESS_LIMIT`` failures (100) pause sign-in
  from that address, to any account. The limit is far higher than the account's, because a
  whole police building can share one address: one person guessing at one account locks that
  account long before the address, and a person at another address is never affected.

Either pause lasts ``SIGN_IN_COOL_OFF_SECONDS`` (15 minutes) from the failure that reached
the limit; attempts during it are refused without checking the password (so they cannot
guess on), and do not extend it. After it the right password works again, with a fresh count.
A successful sign-in clears its account's count.

Every function takes ``now`` (an aware datetime): nothing here reads the clock.

Failures are counted in one-minute buckets with atomic cache increments, so concurrent
attempts on several workers sharing Redis are all counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.cache import cache

Scope = Literal["account", "address"]
BUCKET_SECONDS = 60


@dataclass(frozen=True)
class Pause:
    """Sign-in is paused for ``scope`` until ``until``."""

    scope: Scope
    until: dt.datetime

    def minutes_left(self, now: dt.datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))

    def message(self, now: dt.datetime) -> str:
        minutes = self.minutes_left(now)
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        if self.scope == "account":
            return (
                f"There have been too many attempts to sign in to this account. Wait {wait}, "
                "then try again. If you have forgotten your password, reset it below."
            )
        return (
            f"There have been too many failed sign-ins from your network. Wait {wait}, "
            "then try again."
        )


def _limit(scope: Scope) -> int:
    return settings.SIGN_IN_ACCOUNT_LIMIT if scope == "account" else settings.SIGN_IN_ADDRESS_LIMIT


def _cool_off() -> int:
    return settings.SIGN_IN_COOL_OFF_SECONDS


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _keys(username: str, address: str) -> dict[Scope, str]:
    return {"account": _digest(username), "address": _digest(address)}


def _lock_key(scope: Scope, digest: str) -> str:
    return f"prap:sign-in:{scope}:{digest}:paused-until"


def _bucket_keys(scope: Scope, digest: str, now: dt.datetime) -> list[str]:
    """The keys of the buckets in the window that ends at ``now``, newest first."""
    current = int(now.timestamp()) // BUCKET_SECONDS
    count = max(1, math.ceil(_cool_off() / BUCKET_SECONDS))
    return [
        f"prap:sign-in:{scope}:{digest}:{minute}" for minute in range(current, current - count, -1)
    ]


def _pause(scope: Scope, digest: str, now: dt.datetime) -> Pause | None:
    until = cache.get(_lock_key(scope, digest))
    if until is not None and until > now.timestamp():
        return Pause(scope, dt.datetime.fromtimestamp(until, tz=dt.UTC))
    return None


def current_pause(username: str, address: str, now: dt.datetime) -> Pause | None:
    """The pause that refuses a sign-in as ``username`` from ``address`` now, if any (the
    account's first: it is the one a person can do something about)."""
    for scope, digest in _keys(username, address).items():
        pause = _pause(scope, digest, now)
        if pause is not None:
            return pause
    return None


def record_failure(username: str, address: str, now: dt.datetime) -> Pause | None:
    """Count a wrong password. Returns the pause it started, if it reached a limit."""
    started = None
    for scope, digest in _keys(username, address).items():
        buckets = _bucket_keys(scope, digest, now)
        # add() then incr(): atomic on Redis and in local memory alike.
        cache.add(buckets[0], 0, timeout=_cool_off() + BUCKET_SECONDS)
        try:
            cache.incr(buckets[0])
        except ValueError:  # expired between add() and incr()
            cache.set(buckets[0], 1, timeout=_cool_off() + BUCKET_SECONDS)
        failures = sum(value for value in cache.get_many(buckets).values() if value)
        if failures >= _limit(scope) and _pause(scope, digest, now) is None:
            until = now + dt.timedelta(seconds=_cool_off())
            cache.set(_lock_key(scope, digest), until.timestamp(), timeout=_cool_off() + 60)
            # A fresh count after the cool-off: the failures that caused it are spent.
            cache.delete_many(buckets)
            started = started or Pause(scope, until)
    return started


def record_success(username: str, now: dt.datetime) -> None:
    """The right password: forget the account's failures (not the address's)."""
    cache.delete_many(_bucket_keys("account", _digest(username), now))
