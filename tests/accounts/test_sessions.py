"""Staff sessions end server-side: after 30 idle minutes, 12 hours after sign-in, on sign-out,
on deactivation, and when an administrator signs a person out everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts import mfa, sessions
from accounts.models import User
from tests.conftest import PASSWORD
from tests.mfa import VerifiedClient, give_authenticator

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)


def at(minutes: float):
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def dashboard(force) -> str:
    return f"/staff/forces/{force.slug}/"


def signed_in_as(user) -> VerifiedClient:
    browser = VerifiedClient()
    browser.force_login(user)
    return browser


def session_key(browser) -> str:
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def test_thirty_idle_minutes_end_the_session(alice, force_a, log_lines):
    with at(0):
        browser = signed_in_as(alice)
        assert browser.get(dashboard(force_a)).status_code == 200
        stored = browser.cookies[settings.SESSION_COOKIE_NAME].value
    with at(29.5):
        assert browser.get(dashboard(force_a)).status_code == 200
    with at(29.5 + 30):
        response = browser.get(dashboard(force_a))
        assert response["Location"] == f"/accounts/sign-in/?next={dashboard(force_a)}"
        assert not Session.objects.filter(session_key=stored).exists()
        page = browser.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used the site for 30 minutes" in page
    [ended] = log_lines(event="session_ended")
    assert (ended["reason"], ended["target_user_id"]) == ("idle", alice.pk)


def test_activity_keeps_the_session_open_until_twelve_hours_after_sign_in(alice, force_a):
    with at(0):
        browser = signed_in_as(alice)
    minute = 0
    while minute + 25 < 12 * 60:
        minute += 25
        with at(minute):
            assert browser.get(dashboard(force_a)).status_code == 200, minute
    with at(12 * 60):
        response = browser.get(dashboard(force_a))
        assert response["Location"].startswith("/accounts/sign-in/")
        page = browser.get(response["Location"]).content.decode()
    assert "You were signed out because you had been signed in for 12 hours" in page


@pytest.mark.parametrize(
    ("signed_in", "seen", "version", "now", "reason"),
    [
        (0, 0, 0, 60, None),
        (0, 0, 0, 30 * 60 - 1, None),
        (0, 0, 0, 30 * 60, "idle"),
        (0, 11 * 3600 + 50 * 60, 0, 12 * 3600 - 1, None),
        (0, 11 * 3600 + 50 * 60, 0, 12 * 3600, "absolute"),
        (0, 0, 1, 60, "signed_out_everywhere"),
        (None, 0, 0, 60, "unknown"),
    ],
)
def test_the_end_of_a_session_follows_from_its_times(signed_in, seen, version, now, reason):
    session = {
        sessions.SIGNED_IN_AT: signed_in,
        sessions.SEEN_AT: seen,
        sessions.SESSION_VERSION: version,
    }
    session = {k: v for k, v in session.items() if v is not None}
    assert (
        sessions.end_reason(session, 0, now=now, idle_seconds=30 * 60, absolute_seconds=12 * 3600)
        == reason
    )


def test_the_limits_are_thirty_minutes_and_twelve_hours():
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_SECONDS


def admin_action(admin_browser, action: str, *people):
    return admin_browser.post(
        "/admin/accounts/user/",
        {"action": action, "_selected_action": [person.pk for person in people]},
    )


def test_an_administrator_signs_a_person_out_everywhere(alice, bob, sam, force_a, force_b):
    laptop, phone, bobs = signed_in_as(alice), signed_in_as(alice), signed_in_as(bob)
    admin_browser = signed_in_as(sam)
    for browser, force in ((laptop, force_a), (phone, force_a), (bobs, force_b)):
        assert browser.get(dashboard(force)).status_code == 200
    alices_sessions = [session_key(laptop), session_key(phone)]
    done = admin_action(admin_browser, "sign_out_everywhere", alice)
    assert done.status_code == 302
    message = admin_browser.get(done["Location"]).content.decode()
    assert "Signed out everywhere: 1 person" in message
    for browser in (laptop, phone):
        response = browser.get(dashboard(force_a))
        assert response["Location"].startswith("/accounts/sign-in/")
        assert (
            "You were signed out by an administrator"
            in browser.get(response["Location"]).content.decode()
        )
    assert not Session.objects.filter(session_key__in=alices_sessions).exists()
    # Nobody else is touched, the administrator included.
    assert bobs.get(dashboard(force_b)).status_code == 200
    assert admin_browser.get("/admin/").status_code == 200
    # Alice signs in again as normal.
    alice.refresh_from_db()
    assert signed_in_as(alice).get(dashboard(force_a)).status_code == 200


def test_an_administrator_resets_a_persons_two_step_verification(alice, sam, force_a):
    give_authenticator(alice)
    mfa.new_recovery_codes(alice)
    alices = signed_in_as(alice)
    admin_browser = signed_in_as(sam)
    listing = admin_browser.get("/admin/accounts/user/").content.decode()
    assert "Two-step set up" in listing
    admin_action(admin_browser, "reset_two_step_verification", alice)
    assert mfa.authenticator_for(alice) is None
    assert mfa.recovery_codes_left(alice) == 0
    assert alices.get(dashboard(force_a))["Location"].startswith("/accounts/sign-in/")
    fresh = Client()
    signed_in = fresh.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    assert signed_in["Location"].startswith("/accounts/two-step/set-up/")


def test_deactivation_ends_the_session_server_side(alice, force_a):
    browser = signed_in_as(alice)
    assert browser.get(dashboard(force_a)).status_code == 200
    stored = session_key(browser)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert browser.get(dashboard(force_a))["Location"].startswith("/accounts/sign-in/")
    assert not Session.objects.filter(session_key=stored).exists()
