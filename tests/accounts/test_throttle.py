"""Sign-in throttling: a cool-off after too many wrong passwords, per account and per address.

The clock is frozen and moved with time-machine; the throttle's own functions take ``now``.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory

from accounts import throttle
from accounts.models import Attempt, SignInPause
from prap import cache_backends
from prap.security import client_address
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.20"


def attempt(email: str, password: str, *, address: str = ADDRESS):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/sign-in/", {"username": email, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/two-step/")


def errors(response) -> str:
    return response.content.decode()


def at(minutes: float):
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def test_the_tenth_wrong_password_pauses_the_account_for_fifteen_minutes(alice, log_lines):
    with at(0):
        for _ in range(9):
            response = attempt(alice.email, "not the password")
            assert "Enter a correct e-mail address and password" in errors(response)
        tenth = attempt(alice.email, "not the password")
        assert "too many attempts to sign in to this account. Wait 15 minutes" in errors(tenth)
        assert "There is a problem" in errors(tenth)
        # During the cool-off even the right password is refused, and the person is told
        # how long to wait.
        right = attempt(alice.email, PASSWORD)
        assert not signed_in(right)
        assert "Wait 15 minutes, then try again" in errors(right)
    with at(14.5):
        assert "Wait 1 minute, then try again" in errors(attempt(alice.email, PASSWORD))
    with at(15):
        assert signed_in(attempt(alice.email, PASSWORD))
    [paused] = log_lines(event="sign_in_paused")
    assert paused["scope"] == "account"
    assert paused["attempted_username"] == alice.email
    throttled = log_lines(event="sign_in_throttled")
    assert len(throttled) == 2
    assert throttled[0]["level"] == "WARNING"
    assert throttled[0]["remote_addr"] == ADDRESS
    assert PASSWORD not in log_lines.raw()
    assert len(log_lines(event="sign_in_failed")) == 10


def test_the_account_pause_holds_from_every_address(alice):
    with at(0):
        for number in range(10):
            attempt(alice.email, "not the password", address=f"192.0.2.{number}")
        assert not signed_in(attempt(alice.email, PASSWORD, address=OTHER_ADDRESS))


def test_attempts_during_the_cool_off_do_not_extend_it(alice):
    with at(0):
        for _ in range(10):
            attempt(alice.email, "not the password")
    for minute in (5, 10, 14):
        with at(minute):
            attempt(alice.email, "still guessing")
    with at(15):
        assert signed_in(attempt(alice.email, PASSWORD))


def test_after_the_cool_off_the_count_starts_again(alice):
    with at(0):
        for _ in range(10):
            attempt(alice.email, "not the password")
    with at(15):
        response = attempt(alice.email, "not the password")
        assert "Enter a correct e-mail address and password" in errors(response)
        assert signed_in(attempt(alice.email, PASSWORD))


def test_wrong_passwords_more_than_fifteen_minutes_apart_never_pause(alice):
    for number in range(12):
        with at(number * 16):
            assert "Enter a correct" in errors(attempt(alice.email, "not the password"))
    with at(12 * 16):
        assert signed_in(attempt(alice.email, PASSWORD))


def test_the_right_password_clears_the_accounts_count(alice):
    with at(0):
        for _ in range(9):
            attempt(alice.email, "not the password")
        assert signed_in(attempt(alice.email, PASSWORD))
        for _ in range(9):
            attempt(alice.email, "not the password")
        assert signed_in(attempt(alice.email, PASSWORD))


def test_many_failures_from_one_address_pause_that_address_only(settings, alice, bob):
    settings.SIGN_IN_ADDRESS_LIMIT = 25  # still well above the account limit of 10
    guessed = [UserFactory(email=f"person{n}@force-a.example").email for n in range(5)]
    with at(0):
        for email in guessed:
            for _ in range(5):  # under each account's limit
                attempt(email, "not the password")
        # 25 failures from ADDRESS: everyone there waits, whatever account they use...
        refused = attempt(bob.email, PASSWORD)
        assert not signed_in(refused)
        assert "too many failed sign-ins from your network. Wait 15 minutes" in errors(refused)
        # ...but nobody elsewhere: Bob at another address signs in, and Alice's account,
        # which nobody guessed at, is not paused.
        assert signed_in(attempt(bob.email, PASSWORD, address=OTHER_ADDRESS))
        assert signed_in(attempt(alice.email, PASSWORD, address=OTHER_ADDRESS))
    with at(15):
        assert signed_in(attempt(bob.email, PASSWORD))


def test_one_person_guessing_at_one_account_does_not_pause_their_address(alice, bob):
    with at(0):
        for _ in range(30):
            attempt(alice.email, "not the password")
        assert signed_in(attempt(bob.email, PASSWORD))


def test_the_per_address_limit_is_higher_than_the_per_account_limit(settings):
    assert 5 <= settings.SIGN_IN_ACCOUNT_LIMIT <= 10  # NCSC: allow 5 to 10 attempts
    assert settings.SIGN_IN_ADDRESS_LIMIT > settings.SIGN_IN_ACCOUNT_LIMIT
    assert settings.SIGN_IN_COOL_OFF_SECONDS == 15 * 60


def test_the_current_password_on_the_change_form_is_throttled_too(client, alice):
    data = {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    with at(0):
        client.force_login(alice)
        for _ in range(10):
            client.post("/accounts/password/change/", {"old_password": "wrong", **data})
        response = client.post("/accounts/password/change/", {"old_password": PASSWORD, **data})
        assert "Wait 15 minutes" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("failures", "minutes_later", "paused"),
    [
        (9, 0, False),
        (10, 0, True),
        (10, 14.9, True),
        (10, 15, False),
    ],
)
def test_the_throttle_counts_in_the_window_it_is_given(failures, minutes_later, paused):
    started = None
    for _ in range(failures):
        started = throttle.record_failure("alice@force-a.example", ADDRESS, START) or started
    assert (started is not None) == (failures >= 10)
    later = START + dt.timedelta(minutes=minutes_later)
    pause = throttle.current_pause("ALICE@force-a.example", OTHER_ADDRESS, later)
    assert (pause is not None) == paused
    if pause is not None:
        assert pause.scope == "account"
        assert pause.until == START + dt.timedelta(minutes=15)


def test_the_address_is_remote_addr_unless_the_proxy_hops_are_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.PROXY_HOPS = 0
    assert client_address(request) == "10.0.0.5"
    # Behind one proxy: the address it added (last), not what the client claimed (first).
    settings.PROXY_HOPS = 1
    assert client_address(request) == "203.0.113.7"
    settings.PROXY_HOPS = 2
    assert client_address(request) == "6.6.6.6"


def test_every_worker_counts_the_same_failures_whatever_its_cache(alice):
    """Workers with their own local-memory cache (gunicorn's default here) must not each get
    ten guesses: the counts are in the database. Emptying the cache between attempts is
    what a request landing on another worker looks like."""
    with at(0):
        for _ in range(9):
            attempt(alice.email, "not the password")
            cache.clear()
        tenth = attempt(alice.email, "not the password")
        assert "too many attempts to sign in to this account" in errors(tenth)
        cache.clear()
        assert not signed_in(attempt(alice.email, PASSWORD))


def test_the_throttle_still_counts_while_redis_is_down(alice, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "prap.cache_backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    cache_backends.reset()
    try:
        with at(0):
            for _ in range(9):
                attempt(alice.email, "not the password")
            tenth = attempt(alice.email, "not the password")
        assert "too many attempts to sign in to this account" in errors(tenth)
    finally:
        cache_backends.reset()


def test_counts_older_than_the_window_and_ended_pauses_are_deleted(alice):
    with at(0):
        for _ in range(10):
            attempt(alice.email, "not the password", address=OTHER_ADDRESS)
    assert SignInPause.objects.count() == 1
    # The longest window is the password-reset one (an hour).
    with at(80):
        attempt("someone@example.org", "not the password")
    # Only the new failure's minute is left (for its account and its address), and the
    # ended pause is gone.
    assert sorted(Attempt.objects.values_list("scope", "count")) == [
        ("account", 1),
        ("address", 1),
    ]
    assert not SignInPause.objects.exists()
