"""Sign-in throttling: a cool-off after too many wrong passwords, never a permanent lock.

NCSC guidance: allow about 10 attempts. Failures are counted in the database
(``Attempt``, ``SignInPause``), so every worker of every instance sees the same counts
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

from accounts.models import Attempt, SignInPause

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


def _minute(now: dt.datetime) -> int:
    return int(now.timestamp()) // BUCKET_SECONDS


def _first_minute(now: dt.datetime, seconds: int) -> int:
    """The first minute of the window of ``seconds`` that ends at ``now``."""
    return _minute(now) - max(1, math.ceil(seconds / BUCKET_SECONDS)) + 1


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


def _count(scope: str, digest: str, now: dt.datetime) -> None:
    """Add one attempt to the minute's row, atomically: an UPDATE of the row, or an INSERT
    of it that another worker's INSERT may beat (then the UPDATE again)."""
    rows = Attempt.objects.filter(scope=scope, digest=digest, minute=_minute(now))
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            Attempt.objects.create(scope=scope, digest=digest, minute=_minute(now), count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def _total(scope: str, digest: str, now: dt.datetime, seconds: int) -> int:
    rows = Attempt.objects.filter(
        scope=scope, digest=digest, minute__gte=_first_minute(now, seconds)
    )
    return rows.aggregate(total=Sum("count"))["total"] or 0


def _forget_old(now: dt.datetime) -> None:
    """Forget what no window can reach any more: old minutes of every key, ended pauses."""
    longest = max(_cool_off(), settings.PASSWORD_RESET_WINDOW_SECONDS)
    Attempt.objects.filter(minute__lt=_first_minute(now, longest)).delete()
    SignInPause.objects.filter(until__lte=now).delete()


def record_failure(username: str, address: str, now: dt.datetime) -> Pause | None:
    """Count a wrong password. Returns the pause it started, if it reached a limit."""
    started = None
    for scope, digest in _keys(username, address).items():
        _count(scope, digest, now)
        failures = _total(scope, digest, now, _cool_off())
        if (
            failures >= _limit(scope)
            and not SignInPause.objects.filter(scope=scope, digest=digest, until__gt=now).exists()
        ):
            until = now + dt.timedelta(seconds=_cool_off())
            SignInPause.objects.update_or_create(
                scope=scope, digest=digest, defaults={"until": until}
            )
            # A fresh count after the cool-off: the failures that caused it are spent.
            Attempt.objects.filter(scope=scope, digest=digest).delete()
            started = started or Pause(scope, until)
    _forget_old(now)
    return started


def record_success(username: str, now: dt.datetime) -> None:
    """The right password: forget the account's failures (not the address's)."""
    Attempt.objects.filter(scope="account", digest=_digest(username)).delete()


# Password-reset requests: counted per address typed and per client address, over
# PASSWORD_RESET_WINDOW_SECONDS (an hour).


def reset_refused_from(address: str, now: dt.datetime) -> int | None:
    """Minutes to wait when ``address`` (the client's) has asked for too many reset links
    in the window (``PASSWORD_RESET_ADDRESS_LIMIT``); None when it may ask."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    digest = _digest(address)
    if _total("reset-address", digest, now, window) < settings.PASSWORD_RESET_ADDRESS_LIMIT:
        return None
    oldest = (
        Attempt.objects.filter(
            scope="reset-address", digest=digest, minute__gte=_first_minute(now, window)
        )
        .order_by("minute")
        .values_list("minute", flat=True)
        .first()
    )
    ends = (oldest + math.ceil(window / BUCKET_SECONDS)) * BUCKET_SECONDS
    return max(1, math.ceil((ends - now.timestamp()) / 60))


def record_reset_request(email: str, address: str, now: dt.datetime) -> bool:
    """Count a reset request; True when a link may be sent to ``email`` (it has had fewer
    than ``PASSWORD_RESET_ACCOUNT_LIMIT`` in the window). The answer on the page is the same
    either way, so nobody learns anything about the address from it."""
    _count("reset-address", _digest(address), now)
    digest = _digest(email)
    allowed = (
        _total("reset-account", digest, now, settings.PASSWORD_RESET_WINDOW_SECONDS)
        < settings.PASSWORD_RESET_ACCOUNT_LIMIT
    )
    if allowed:
        _count("reset-account", digest, now)
    _forget_old(now)
    return allowed
