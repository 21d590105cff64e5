"""The second step of signing in: an authenticator app (TOTP) and single-use recovery codes.

A signed-in person whose session has not been verified by a code reaches no page that needs
signing in: every pattern under /staff/, /admin/ and /accounts/ is walked from the URL
resolver, GET and POST, right after the password and right after a password reset.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.test import Client
from django.urls.resolvers import RoutePattern
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from tests.conftest import PASSWORD
from tests.mfa import code_from_secret, enrol, fresh_code, give_authenticator, totp_code
from tests.urls_walk import PRIVATE_PREFIXES, site_routes

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-step/verify/"
SET_UP = "/accounts/two-step/set-up/"

# Pages a signed-in person may use before the second step: the public ones (sign-in, the
# password reset pages), the second step itself, and signing out. Everything else under
# /accounts/, /staff/ and /admin/ must wait for the code.
BEFORE_THE_SECOND_STEP = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:mfa_verify",
    "accounts:mfa_setup",
}

# A value for each kind of URL argument. The refusal comes before the view runs, so the
# arguments need not name real objects; app labels must match the admin's pattern.
SAMPLE_ARGUMENTS = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "1",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _sample_regex(regex: str) -> str:
    regex = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match: re.Match) -> str:
        name, body = match[1], match[2]
        if name == "app_label":
            return body.split("|")[0]
        return "1"

    return re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, regex).replace("\\", "")


def _sample_route(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE_ARGUMENTS.get(m[1] or "str", "1"), route)


def _sample_piece(piece) -> str:
    if isinstance(piece, RoutePattern):
        return _sample_route(str(piece))
    return _sample_regex(piece.regex.pattern)


def private_urls() -> list[tuple[str, str]]:
    """(name, a URL) for every pattern under /staff/, /admin/ and /accounts/ that needs the
    second step, from the URL resolver (tests/urls_walk.py)."""
    found = []
    for route in site_routes():
        url = "/" + "".join(_sample_piece(piece) for piece in route.pieces)
        if url.startswith(PRIVATE_PREFIXES) and route.name not in BEFORE_THE_SECOND_STEP:
            found.append((route.name, url))
    return found


def assert_every_private_page_waits_for_the_second_step(client, step: str):
    urls = private_urls()
    names = {name for name, _ in urls}
    # The walk reaches the admin of every registered model, the staff pages and the
    # account pages that need a verified session.
    assert {"staff:home", "staff:dashboard", "staff:return", "admin:index"} <= names
    assert {"accounts:password_change", "accounts:mfa_manage", "accounts:confirm_password"} <= names
    for model in admin_site._registry:
        assert f"admin:{model._meta.app_label}_{model._meta.model_name}_change" in names
    reached = []
    for name, url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            location = response.get("Location", "")
            # The admin's own sign-in page sends everyone to /accounts/sign-in/, which sends
            # a signed-in person on to where they were going: the second step.
            if name == "admin:login":
                followed = getattr(client, method)(url, follow=True)
                location = followed.redirect_chain[-1][0] if followed.redirect_chain else ""
            if response.status_code not in (301, 302) or not location.startswith(step):
                reached.append(f"{method.upper()} {url} ({name}): {response.status_code}")
    assert reached == []


def test_after_the_password_alone_no_staff_admin_or_account_page_opens(sam):
    give_authenticator(sam)
    browser = Client()
    browser.force_login(sam)  # the password step only
    assert_every_private_page_waits_for_the_second_step(browser, VERIFY)


def test_without_an_app_every_private_page_sends_the_person_to_set_one_up(alice):
    browser = Client()
    browser.force_login(alice)
    assert_every_private_page_waits_for_the_second_step(browser, SET_UP)


def test_a_password_reset_does_not_skip_the_second_step(alice):
    give_authenticator(alice)
    browser = Client()
    browser.post("/accounts/password/reset/", {"email": alice.email})
    link = re.search(r"https?://[^/]+(/accounts/password/set/\S+/)", mail.outbox[0].body)[1]
    form_page = browser.get(link, follow=True)
    new_password = "a brand new passphrase 2027"
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done["Location"] == "/accounts/password/set/done/"
    # The reset signs nobody in and keeps the app.
    assert browser.get("/staff/")["Location"].startswith("/accounts/sign-in/")
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    signed_in = browser.post(
        "/accounts/sign-in/", {"username": alice.email, "password": new_password}
    )
    assert signed_in["Location"].startswith(VERIFY)
    assert_every_private_page_waits_for_the_second_step(browser, VERIFY)


def test_the_admin_needs_the_second_step_even_for_a_superuser(sam):
    give_authenticator(sam)
    browser = Client()
    browser.force_login(sam)
    assert browser.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert browser.get("/admin/login/")["Location"] == "/accounts/sign-in/?next=%2Fadmin%2F"
    device = mfa.authenticator_for(sam)
    verified = browser.post(f"{VERIFY}?next=/admin/", {"code": fresh_code(device)})
    assert verified["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_a_first_sign_in_sets_up_an_app_from_the_qr_code_or_the_key(client, alice, force_a):
    signed_in = client.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    assert signed_in["Location"] == f"{SET_UP}?next=%2Fstaff%2F"
    page = client.get(signed_in["Location"]).content.decode()
    assert "Set up an authenticator app" in page
    # The QR code is drawn into the page as SVG: no image from elsewhere, nothing inline to run.
    svg = re.search(r"<svg [^>]*>.*?</svg>", page, re.S)[0]
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "<script" not in svg and "style=" not in svg and "href" not in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    enrolled, secret = enrol(client, signed_in["Location"])
    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed
    assert secret.replace(" ", "") in device.config_url
    assert enrolled["Location"] == "/accounts/two-step/recovery-codes/?next=%2Fstaff%2F"
    codes_page = client.get(enrolled["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", codes_page)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=alice).count()
    # Shown once: the page does not show them again.
    assert client.get(enrolled["Location"])["Location"] == "/accounts/two-step/"
    assert client.get("/staff/", follow=True).redirect_chain[-1][0] == "/staff/forces/force-a/"


def test_a_wrong_code_at_set_up_is_refused_and_the_key_stays_the_same(client, alice):
    client.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    first = client.get(SET_UP).content.decode()
    response = client.post(SET_UP, {"code": "12345"})
    html = response.content.decode()
    assert "Enter the 6 digits your authenticator app shows" in html
    assert 'href="#id_code"' in html
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', first)[1]
    assert key in html  # the same key: a person half-way through scanning is not thrown
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def test_a_code_from_the_app_is_never_accepted_twice(alice):
    device = give_authenticator(alice)
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0, 5, tzinfo=dt.UTC), tick=False):
        code = totp_code(device)
        first = Client()
        first.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
        assert first.post(VERIFY, {"code": code})["Location"] == "/staff/"
        # Someone watching the screen types the same code, in the same 30 seconds.
        second = Client()
        second.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
        refused = second.post(VERIFY, {"code": code})
        # Still on the same clock: the session made at 09:00 is young, so the refusal (not an
        # expiry) is what keeps this browser at the second step.
        assert second.get("/staff/")["Location"].startswith(VERIFY)
    assert refused.status_code == 200
    assert "already been used" in refused.content.decode()


def test_a_recovery_code_works_once(alice, force_a, log_lines):
    give_authenticator(alice)
    codes = mfa.new_recovery_codes(alice)
    browser = Client()
    browser.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    typed = mfa.display_code(codes[3]).upper()  # as written down: any case, with the hyphen
    used = browser.post(VERIFY, {"code": typed}, follow=True)
    assert used.redirect_chain[-1][0] == f"/staff/forces/{force_a.slug}/"
    assert "You have 9 left" in used.content.decode()
    assert mfa.recovery_codes_left(alice) == 9
    assert log_lines(event="mfa_verified")[0]["factor"] == "recovery_code"
    browser.post("/accounts/sign-out/")
    browser.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    again = browser.post(VERIFY, {"code": typed})
    assert "That recovery code is not right, or it has already been used" in again.content.decode()
    assert log_lines(event="mfa_failed")[0]["level"] == "WARNING"


def test_wrong_codes_are_slowed_down(alice):
    device = give_authenticator(alice)
    browser = Client()
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0, 5, tzinfo=dt.UTC), tick=False):
        browser.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
        wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
        assert "That code is not right" in browser.post(VERIFY, {"code": wrong}).content.decode()
        # Straight after a wrong code, even the right one waits (1, 2, 4... seconds).
        refused = browser.post(VERIFY, {"code": totp_code(device)})
        assert "too many wrong codes. Wait 1 second," in refused.content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, 0, 7, tzinfo=dt.UTC), tick=False):
        assert browser.post(VERIFY, {"code": totp_code(device)})["Location"] == "/staff/"


def test_a_password_alone_never_replaces_an_app_that_is_set_up(alice):
    give_authenticator(alice)
    browser = Client()
    browser.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    assert browser.get(SET_UP)["Location"].startswith(VERIFY)
    assert browser.post(SET_UP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_replacing_the_app_needs_the_password_again_within_ten_minutes(client, alice):
    old = give_authenticator(alice)
    codes = mfa.new_recovery_codes(alice)
    start = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
        asked = client.get(SET_UP)
        assert (
            asked["Location"]
            == "/accounts/confirm-password/?next=%2Faccounts%2Ftwo-step%2Fset-up%2F"
        )
        wrong = client.post(asked["Location"], {"password": "not my password at all"})
        assert "The password is not right" in wrong.content.decode()
        right = client.post(asked["Location"], {"password": PASSWORD})
        assert right["Location"] == SET_UP
        page = client.get(SET_UP)
        assert "Replace your authenticator app" in page.content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', client.get(SET_UP).content.decode())[1]
        replaced = client.post(SET_UP, {"code": code_from_secret(secret)})
        assert replaced["Location"] == "/accounts/two-step/"
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).count() == 1
    assert StaticToken.objects.filter(token__in=codes).count() == 10  # the codes stay
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        assert client.get(SET_UP)["Location"].startswith("/accounts/confirm-password/")


def test_new_recovery_codes_need_the_password_again_and_replace_the_old_ones(client, alice):
    client.force_login(alice)
    old = mfa.new_recovery_codes(alice)
    new_codes_url = "/accounts/two-step/recovery-codes/new/"
    assert client.post(new_codes_url)["Location"].startswith("/accounts/confirm-password/")
    assert StaticToken.objects.filter(token__in=old).count() == 10
    client.post("/accounts/confirm-password/", {"password": PASSWORD})
    created = client.post(new_codes_url)
    assert created["Location"] == "/accounts/two-step/recovery-codes/"
    page = client.get(created["Location"]).content.decode()
    shown = [code.replace("-", "") for code in re.findall(r"<code>([a-z2-7-]{11})</code>", page)]
    assert len(shown) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(shown)
    assert not set(old) & set(shown)


def test_the_manage_page_says_what_is_set_up(client, alice):
    client.force_login(alice)
    mfa.new_recovery_codes(alice)
    html = client.get("/accounts/two-step/").content.decode()
    assert "Two-step verification" in html
    assert "10 of 10 left" in html


def test_with_require_mfa_off_a_password_is_enough(settings, alice, force_a):
    settings.REQUIRE_MFA = False
    browser = Client()
    signed_in = browser.post("/accounts/sign-in/", {"username": alice.email, "password": PASSWORD})
    assert signed_in["Location"] == "/staff/"
    assert browser.get(f"/staff/forces/{force_a.slug}/").status_code == 200


def test_require_mfa_is_on_unless_debug_and_check_deploy_warns_when_it_is_off():
    from tests.prap.test_settings import production_settings, run_django

    assert production_settings()["REQUIRE_MFA"] is True
    assert production_settings(DEBUG="true", SECRET_KEY="x")["REQUIRE_MFA"] is False
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], REQUIRE_MFA="false"
    )
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr
