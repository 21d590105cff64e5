"""Structured logs: a JSON line per request and per security event, with the request's context,
UTC timestamps, and never a password, token or session id."""

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.conftest import PASSWORD
from tests.prap.test_settings import run_django

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.prap.urls")]

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def anyone(client):
    client.raise_request_exception = False
    return client


def test_every_response_gets_a_request_id_and_one_log_line(anyone, log_lines):
    response = anyone.get("/no-such-page/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = log_lines(logger="prap.request")
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == "/no-such-page/"
    assert line["status"] == 404
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["level"] == "INFO"
    assert line["timestamp"].endswith("Z")


def test_a_request_id_from_the_proxy_is_kept(anyone, log_lines):
    response = anyone.get("/", HTTP_X_REQUEST_ID="proxy-7f3a9c2e-0001")
    assert response["X-Request-ID"] == "proxy-7f3a9c2e-0001"
    assert log_lines(logger="prap.request")[0]["request_id"] == "proxy-7f3a9c2e-0001"


def test_a_request_id_that_is_not_an_id_is_replaced(anyone, log_lines):
    response = anyone.get("/", HTTP_X_REQUEST_ID='x" "injected": "yes')
    assert response["X-Request-ID"] != 'x" "injected": "yes'
    assert len(response["X-Request-ID"]) == 32


def test_the_request_line_names_the_signed_in_user_and_the_force(client, alice, log_lines):
    client.force_login(alice)
    client.get("/admin/")
    client.get("/forces/dorset/")
    client.get("/staff/test/")
    admin_line, force_line, staff_line = log_lines(logger="prap.request")
    assert admin_line["user_id"] == alice.pk
    assert force_line["force"] == "dorset"
    assert staff_line["force"] == "dorset"


def test_lines_written_while_serving_a_request_carry_its_context(anyone, log_lines):
    response = anyone.get("/test/breaks/")
    assert response.status_code == 500
    error = log_lines(logger="django.request")[0]
    assert error["level"] == "ERROR"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["path"] == "/test/breaks/"
    assert "RuntimeError: something broke" in error["exception"]
    assert log_lines(logger="prap.request")[0]["level"] == "WARNING"


def test_a_failed_sign_in_is_a_security_event_without_the_password(client, alice, log_lines):
    secret = "Wrong-but-secret-pass-8271"
    response = client.post("/accounts/sign-in/", {"username": alice.email, "password": secret})
    assert response.status_code == 200
    [event] = log_lines(event="sign_in_failed")
    assert event["logger"] == "prap.security"
    assert event["level"] == "WARNING"
    assert event["attempted_username"] == alice.email
    assert event["path"] == "/accounts/sign-in/"
    assert event["remote_addr"] == "127.0.0.1"
    assert event["timestamp"].endswith("Z")
    assert secret not in log_lines.raw()


def test_sign_in_and_sign_out_are_security_events(client, sam, log_lines):
    client.post("/accounts/sign-in/", {"username": sam.email, "password": PASSWORD})
    [signed_in] = log_lines(event="sign_in_succeeded")
    assert signed_in["target_user_id"] == sam.pk
    session_key = client.session.session_key
    client.post("/accounts/sign-out/")
    [signed_out] = log_lines(event="signed_out")
    assert signed_out["target_user_id"] == sam.pk
    assert signed_out["user_id"] == sam.pk
    assert PASSWORD not in log_lines.raw()
    assert session_key not in log_lines.raw()


def test_a_refusal_is_a_security_event(anyone, log_lines):
    assert anyone.get("/test/refuses/").status_code == 403
    [event] = log_lines(event="permission_denied")
    assert event["status"] == 403
    assert event["reason"] == "coordinators cannot edit national actions"
    assert event["path"] == "/test/refuses/"


def test_an_object_hidden_by_the_access_rule_is_a_plain_404_and_a_security_event(anyone, log_lines):
    response = anyone.get("/test/hides/force-b/")
    assert response.status_code == 404
    assert "another force" not in response.content.decode()
    [event] = log_lines(event="access_denied")
    assert event["status"] == 404
    assert event["reason"] == "deliverable of another force"


def test_a_csrf_failure_is_a_security_event(client, log_lines):
    client = client.__class__(enforce_csrf_checks=True)
    client.post("/accounts/sign-in/", {"username": "x", "password": "y"})
    assert log_lines(event="permission_denied")[0]["status"] == 403


def test_account_changes_are_security_events_naming_fields_not_values(alice, sam, log_lines):
    alice.is_active = False
    alice.set_password("a brand new password 2027")
    alice.save()
    [changed] = log_lines(event="account_changed")
    assert changed["target_user_id"] == alice.pk
    assert changed["changed_fields"] == ["is_active", "password"]
    assert changed["is_active"] is False
    assert "brand new password" not in log_lines.raw()
    assert alice.password not in log_lines.raw()

    editors = Group.objects.create(name="Editors")
    sam.groups.add(editors)
    granted = log_lines(event="account_changed")[-1]
    assert granted["target_user_id"] == sam.pk
    assert granted["changed_fields"] == ["group"]
    assert granted["ids"] == [editors.pk]


def test_an_account_changed_in_the_admin_names_who_changed_it(client, sam, alice, log_lines):
    client.force_login(sam)
    response = client.post(
        f"/admin/accounts/user/{alice.pk}/change/",
        {
            "email": alice.email,
            "full_name": alice.full_name,
            "role": "national",
            "force": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [changed] = log_lines(event="account_changed")
    assert changed["user_id"] == sam.pk
    assert changed["target_user_id"] == alice.pk
    assert changed["changed_fields"] == ["force", "role"]
    assert changed["role"] == "national"


def test_a_new_account_is_a_security_event(log_lines, force_a):
    from accounts.models import User

    user = User.objects.create_user("new@force-a.example", PASSWORD, force=force_a)
    assert log_lines(event="account_created")[0]["target_user_id"] == user.pk


def test_sensitive_fields_are_redacted_wherever_they_appear(log_lines):
    logging.getLogger("prap.test").info(
        "something happened",
        extra={
            "password": "hunter2-password",
            "session_key": "abcd1234sessionkey",
            "form": {"csrfmiddlewaretoken": "tok3n-value", "title": "Kept"},
            "headers": [{"Authorization": "Bearer s3cr3t"}],
            "author": "Kept too",
        },
    )
    [line] = log_lines(logger="prap.test")
    raw = log_lines.raw()
    for secret in ("hunter2-password", "abcd1234sessionkey", "tok3n-value", "s3cr3t"):
        assert secret not in raw
    assert line["password"] == "[redacted]"
    assert line["form"] == {"csrfmiddlewaretoken": "[redacted]", "title": "Kept"}
    assert line["author"] == "Kept too"


def test_tokens_in_urls_are_redacted(anyone, log_lines):
    anyone.get("/accounts/reset/MQ/cz5r8b-0123456789abcdef0123456789abcdef/")
    anyone.get("/accounts/confirm/?token=s3cret-t0ken&next=/staff/")
    raw = log_lines.raw()
    assert "0123456789abcdef0123456789abcdef" not in raw
    assert "s3cret-t0ken" not in raw
    paths = [line["path"] for line in log_lines(logger="prap.request")]
    assert paths[0] == "/accounts/reset/[redacted]"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("GET /national/ 200", "GET /national/ 200"),
        ("nothing to hide", "nothing to hide"),
        ("GET /accounts/reset/MQ/set-password/ 302", "GET /accounts/reset/[redacted] 302"),
        ("/alerts/confirm/t0k/?next=/", "/alerts/confirm/[redacted]?next=/"),
        ("/data/?api_key=s3cret&q=stop", "/data/?api_key=[redacted]&q=stop"),
        ("q=1&session=abc", "q=1&session=[redacted]"),
        ("/forces/keyworth/confirmation/", "/forces/keyworth/confirmation/"),
    ],
)
def test_scrub_redacts_only_secrets_in_paths_and_queries(text, scrubbed):
    from prap.logs import scrub

    assert scrub(text) == scrubbed


def test_tokens_in_alert_links_are_redacted(anyone, log_lines):
    anyone.get("/alerts/confirm/al3rt-confirm-t0ken/")
    anyone.post("/alerts/unsubscribe/al3rt-unsub-t0ken/")
    raw = log_lines.raw()
    assert "al3rt-confirm-t0ken" not in raw and "al3rt-unsub-t0ken" not in raw
    paths = [line["path"] for line in log_lines(logger="prap.request")]
    assert paths == ["/alerts/confirm/[redacted]", "/alerts/unsubscribe/[redacted]"]


def test_the_configured_logging_writes_json_lines_to_stdout():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('prap.security').warning('sign in failed', "
        "extra={'event': 'sign_in_failed', 'password': 'never-shown'})"
    )
    result = run_django(["-c", script])
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["logger"] == "prap.security"
    assert line["event"] == "sign_in_failed"
    assert line["password"] == "[redacted]"
    assert line["timestamp"].endswith("Z")
    assert "never-shown" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "created",
    [
        0.0,
        1.9994999,
        1.9999995,  # rounds up to the next second, as datetime does
        1796638380.409,
        1796638380.0005,
        1796638399.9999996,
        1796716799.9996,  # the last millisecond of a day
    ],
)
def test_timestamps_are_written_as_datetime_writes_them(created):
    from prap.logs import _Timestamps

    expected = dt.datetime.fromtimestamp(created, tz=dt.UTC).isoformat(timespec="milliseconds")
    stamp = _Timestamps()
    assert stamp(created) == expected.replace("+00:00", "Z")
    assert stamp(created + 1) != stamp(created)  # the next second is worked out afresh


def test_a_line_orjson_cannot_write_is_written_all_the_same():
    from prap.logs import JsonFormatter

    record = logging.LogRecord("prap.test", logging.INFO, "", 0, "odd \ud800 text", None, None)
    record.big = 2**70
    record.thing = object()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "odd \ud800 text"
    assert line["big"] == 2**70
    assert line["thing"] == "<object>"


@pytest.fixture
def server_writes_lines():
    from prap import logs

    logs.set_server_writes_request_lines(True)
    yield
    logs.set_server_writes_request_lines(False)


def test_under_a_server_that_writes_the_line_the_application_leaves_its_fields_to_it(
    client, alice, log_lines, server_writes_lines
):
    """One line per request (prap.gunicorn_logging): the application writes none of its own
    and hands the server the request id, the signed-in user, the force and the path."""
    client.force_login(alice)
    response = client.get("/forces/dorset/")
    assert log_lines(logger="prap.request") == []
    fields = response.wsgi_request.META["prap.request_line"]
    assert fields == {
        "request_id": response["X-Request-ID"],
        "user_id": alice.pk,
        "force": "dorset",
        "path": "/forces/dorset/",
    }


def test_the_fields_left_for_the_server_carry_the_path_without_its_secret(
    anyone, server_writes_lines
):
    response = anyone.get("/accounts/reset/MQ/set-token-123/")
    fields = response.wsgi_request.META["prap.request_line"]
    assert fields["path"] == "/accounts/reset/[redacted]"


def test_django_s_line_for_an_error_response_carries_the_request_s_context(anyone, log_lines):
    """A 4xx or 5xx response returned rather than raised (the database-outage page, say) is
    logged by Django once every middleware has returned it: still with the request's id."""
    response = anyone.get("/test/unavailable/")
    assert response.status_code == 503
    [error] = log_lines(logger="django.request")
    assert error["message"] == "Service Unavailable: /test/unavailable/"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["path"] == "/test/unavailable/"
    logging.getLogger("prap.test").warning("after the response was closed")
    [after] = log_lines(logger="prap.test")
    assert after["request_id"] is None


def test_a_request_that_raised_leaves_no_context_behind(anyone, log_lines):
    anyone.raise_request_exception = True
    with pytest.raises(RuntimeError):
        anyone.get("/test/breaks/")
    logging.getLogger("prap.test").warning("after the failed request")
    [after] = log_lines(logger="prap.test")
    assert after["request_id"] is None
