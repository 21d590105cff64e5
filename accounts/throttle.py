"""Sign-in throttling: a cool-off after too many wrong passwords, never a permanent lock.

NCSC guidance: allow about 10 attempts. Failures are counted in the database
(``SignInFailure``, ``SignInPause``), so every worker of every instance sees the same counts
and losing the cache changes nothing, over a sliding window as long as the cool-off, under
two keys:

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

Failures are counted in one-minute rows with atomic increments (an UPDATE, or an INSERT that
falls back to the UPDATE if another worker inserted first), so concurrent attempts on several
workers are all counted. Rows older than the window and ended pauses are deleted as new
failures arrive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum

from accounts.models import SignInFailure, SignInPause

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


def _window(now: dt.datetime) -> tuple[int, int]:
    """(first, last) minute of the window that ends at ``now``."""
    current = int(now.timestamp()) // BUCKET_SECONDS
    count = max(1, math.ceil(_cool_off() / BUCKET_SECONDS))
    return current - count + 1, current


def current_pause(username: str, address: str, now: dt.datetime) -> Pause | None:
    """The pause that refuses a sign-in as ``username`` from ``address`` now, if any (the
    account's first: it is the one a person can do something about)."""
    keys = _keys(username, address)
    matches = Q()
    for scope, digest in keys.items():
        matches |= Q(scope=scope, digest=digest)
    pauses = {p.scope: p.until for p in SignInPause.objects.filter(matches, until__gt=now)}
    for scope in keys:
        if scope in pauses:
            return Pause(scope, pauses[scope])
    return None


def _count(scope: Scope, digest: str, minute: int) -> None:
    """Add one failure to the minute's row, atomically: an UPDATE of the row, or an INSERT
    of it that another worker's INSERT may beat (then the UPDATE again)."""
    rows = SignInFailure.objects.filter(scope=scope, digest=digest, minute=minute)
    if rows.update(failures=F("failures") + 1):
        return
    try:
        with transaction.atomic():
            SignInFailure.objects.create(scope=scope, digest=digest, minute=minute, failures=1)
    except IntegrityError:
        rows.update(failures=F("failures") + 1)


def record_failure(username: str, address: str, now: dt.datetime) -> Pause | None:
    """Count a wrong password. Returns the pause it started, if it reached a limit."""
    first, last = _window(now)
    started = None
    for scope, digest in _keys(username, address).items():
        _count(scope, digest, last)
        mine = SignInFailure.objects.filter(scope=scope, digest=digest)
        failures = mine.filter(minute__gte=first).aggregate(total=Sum("failures"))["total"]
        if (
            failures >= _limit(scope)
            and not SignInPause.objects.filter(scope=scope, digest=digest, until__gt=now).exists()
        ):
            until = now + dt.timedelta(seconds=_cool_off())
            SignInPause.objects.update_or_create(
                scope=scope, digest=digest, defaults={"until": until}
            )
            # A fresh count after the cool-off: the failures that caused it are spent.
            mine.delete()
            started = started or Pause(scope, until)
    # Forget what no window can reach any more: every key's old minutes, ended pauses.
    SignInFailure.objects.filter(minute__lt=first).delete()
    SignInPause.objects.filter(until__lte=now).delete()
    return started


def record_success(username: str, now: dt.datetime) -> None:
    """The right password: forget the account's failures (not the address's)."""
    SignInFailure.objects.filter(scope="account", digest=_digest(username)).delete()
