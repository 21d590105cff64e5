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

Failures are counted in one-minute rows with atomic increments (``prap.throttling``), so
concurrent attempts on several workers are all counted. Rows older than the window and ended
pauses are deleted as new failures arrive.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db.models import Q

from accounts.models import Attempt, SignInPause
from prap.throttling import MinuteCounts, digest

Scope = Literal["account", "address"]
counts = MinuteCounts(Attempt)


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


def _keys(username: str, address: str) -> dict[Scope, str]:
    return {"account": digest(username), "address": digest(address)}


def current_pause(username: str, address: str, now: dt.datetime) -> Pause | None:
    """The pause that refuses a sign-in as ``username`` from ``address`` now, if any (the
    account's first: it is the one a person can do something about)."""
    keys = _keys(username, address)
    matches = Q()
    for scope, key in keys.items():
        matches |= Q(scope=scope, digest=key)
    pauses = {p.scope: p.until for p in SignInPause.objects.filter(matches, until__gt=now)}
    for scope in keys:
        if scope in pauses:
            return Pause(scope, pauses[scope])
    return None


def _forget_old(now: dt.datetime) -> None:
    """Forget what no window can reach any more: old minutes of every key, ended pauses."""
    counts.forget_before(now, max(_cool_off(), settings.PASSWORD_RESET_WINDOW_SECONDS))
    SignInPause.objects.filter(until__lte=now).delete()


def record_failure(username: str, address: str, now: dt.datetime) -> Pause | None:
    """Count a wrong password. Returns the pause it started, if it reached a limit."""
    started = None
    for scope, key in _keys(username, address).items():
        counts.add(scope, key, now)
        failures = counts.total(scope, key, now, _cool_off())
        if (
            failures >= _limit(scope)
            and not SignInPause.objects.filter(scope=scope, digest=key, until__gt=now).exists()
        ):
            until = now + dt.timedelta(seconds=_cool_off())
            SignInPause.objects.update_or_create(scope=scope, digest=key, defaults={"until": until})
            # A fresh count after the cool-off: the failures that caused it are spent.
            counts.forget(scope, key)
            started = started or Pause(scope, until)
    _forget_old(now)
    return started


def record_success(username: str, now: dt.datetime) -> None:
    """The right password: forget the account's failures (not the address's)."""
    counts.forget("account", digest(username))


# Password-reset requests: counted per address typed and per client address, over
# PASSWORD_RESET_WINDOW_SECONDS (an hour).


def reset_refused_from(address: str, now: dt.datetime) -> int | None:
    """Minutes to wait when ``address`` (the client's) has asked for too many reset links
    in the window (``PASSWORD_RESET_ADDRESS_LIMIT``); None when it may ask."""
    return counts.minutes_to_wait(
        "reset-address",
        digest(address),
        now,
        settings.PASSWORD_RESET_WINDOW_SECONDS,
        settings.PASSWORD_RESET_ADDRESS_LIMIT,
    )


def record_reset_request(email: str, address: str, now: dt.datetime) -> bool:
    """Count a reset request; True when a link may be sent to ``email`` (it has had fewer
    than ``PASSWORD_RESET_ACCOUNT_LIMIT`` in the window). The answer on the page is the same
    either way, so nobody learns anything about the address from it."""
    counts.add("reset-address", digest(address), now)
    key = digest(email)
    allowed = (
        counts.total("reset-account", key, now, settings.PASSWORD_RESET_WINDOW_SECONDS)
        < settings.PASSWORD_RESET_ACCOUNT_LIMIT
    )
    if allowed:
        counts.add("reset-account", key, now)
    _forget_old(now)
    return allowed
