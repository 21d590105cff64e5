"""Production settings: Django's deployment checklist, cookies and passwords."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import PASSWORD

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "production-like-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKL",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "prap.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_URL": "smtp+tls://prap:not-a-secret@smtp.example.org:587",
}
# Variables the test run sets (pyproject's pytest env) that a production host would not.
UNSET = (
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their live server
)


def production_env(**overrides: str | None) -> dict[str, str]:
    """The production environment for a process of the project; an override of None unsets
    it."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="prap.settings", **overrides)
    return {k: v for k, v in env.items() if v is not None}


def run_django(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess:
    """Run a command with the production environment; an override of None unsets it."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=PROJECT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_settings(**overrides: str) -> dict:
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_DOMAIN",
        "CSRF_COOKIE_PATH",
        "SECURE_HSTS_SECONDS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "X_FRAME_OPTIONS",
        "REQUIRE_MFA",
        "SESSION_COOKIE_AGE",
        "SESSION_IDLE_SECONDS",
        "SESSION_ABSOLUTE_SECONDS",
        "SIGN_IN_ACCOUNT_LIMIT",
        "SIGN_IN_ADDRESS_LIMIT",
        "SIGN_IN_COOL_OFF_SECONDS",
        "REAUTHENTICATION_SECONDS",
    ]
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = run_django(["-c", script], **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_environment():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("email_url", ["consolemail://", "memorymail://", "dummymail://"])
def test_check_deploy_refuses_e_mail_that_is_never_sent(email_url):
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], EMAIL_URL=email_url
    )
    assert result.returncode != 0
    assert "prap.E001" in result.stdout + result.stderr
    assert "Set EMAIL_URL" in result.stdout + result.stderr


def test_without_debug_a_missing_email_url_fails_the_deploy_check():
    result = run_django(["manage.py", "check", "--deploy"], EMAIL_URL=None)
    assert result.returncode != 0
    assert "prap.E001" in result.stdout + result.stderr


def test_check_deploy_fails_when_https_redirect_and_secure_cookies_are_turned_off():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "security.W008" in output  # SECURE_SSL_REDIRECT
    assert "security.W012" in output  # SESSION_COOKIE_SECURE
    assert "security.W016" in output  # CSRF_COOKIE_SECURE


def test_production_settings_are_strict():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_production_cookies_are_secure_host_prefixed_and_http_only():
    values = production_settings()
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    # The __Host- prefix is only honoured with Secure, Path=/ and no Domain.
    for cookie in ("SESSION", "CSRF"):
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_PATH"] == "/"
        assert values[f"{cookie}_COOKIE_DOMAIN"] is None
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_local_run_over_plain_http_can_turn_secure_cookies_off():
    values = production_settings(SECURE_COOKIES="false")
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is False


def test_behind_a_tls_proxy_the_forwarded_protocol_header_is_trusted_when_switched_on():
    values = production_settings(SECURE_PROXY_SSL_HEADER="true")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_https_redirect_is_skipped_for_requests_the_proxy_says_came_over_tls(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/").status_code == 301
    assert client.get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.django_db
def test_the_sign_in_cookies_are_sent_secure_host_prefixed_http_only_and_same_site(client, sam):
    page = client.get("/accounts/sign-in/")
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["path"] == "/"
    assert csrf["domain"] == ""
    assert csrf["samesite"] == "Lax"

    response = client.post(
        "/accounts/sign-in/",
        {
            "next": "/admin/",
            "username": sam.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf.value,
        },
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["path"] == "/"
    assert session["domain"] == ""
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize(
    "password",
    [
        "elevenchars",  # 11 characters
        "q1w2e3r4t5y6",  # 12 characters, but on the common-password list
        "qwerty123456",
    ],
)
def test_short_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "twelve chars",  # only lower case and a space: no composition rules
        "correcthorsebatterystaple",
        "839201746512",  # only digits, long and not common
        "Zebra lamp, 7 quiet rivers",  # any characters, spaces and punctuation
    ],
)
def test_long_uncommon_passwords_are_accepted_whatever_their_characters(password):
    validate_password(password)


@pytest.mark.django_db
def test_a_password_like_the_persons_email_or_name_is_refused(force_a):
    from accounts.models import User

    person = User(email="margaret.okafor@force-a.example", full_name="Margaret Okafor")
    with pytest.raises(ValidationError):
        validate_password("margaret.okafor", user=person)
    with pytest.raises(ValidationError):
        validate_password("Margaret Okafor!", user=person)
    validate_password("blue kettle on the hill", user=person)


def test_production_staff_sessions_throttling_and_mfa_are_as_specified():
    values = production_settings()
    assert values["REQUIRE_MFA"] is True
    assert values["SESSION_IDLE_SECONDS"] == 30 * 60
    assert values["SESSION_ABSOLUTE_SECONDS"] == 12 * 60 * 60
    assert values["SESSION_COOKIE_AGE"] == 12 * 60 * 60
    assert values["SIGN_IN_ACCOUNT_LIMIT"] == 10
    assert values["SIGN_IN_ADDRESS_LIMIT"] == 100
    assert values["SIGN_IN_COOL_OFF_SECONDS"] == 15 * 60
    assert values["REAUTHENTICATION_SECONDS"] == 10 * 60


def test_a_fresh_clone_checks_its_migrations_without_a_signing_key_and_serves_nothing_without():
    """``makemigrations --check`` needs no secret (it signs nothing); anything else does."""
    bare = {k: v for k, v in os.environ.items() if k not in {*UNSET, "SECRET_KEY", "DEBUG"}}
    bare["DATABASE_URL"] = "sqlite:///:memory:"

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=bare,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    checked = manage("makemigrations", "--check", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    refused = manage("check")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr
