"""gunicorn.conf.py: settings from the environment, sane defaults, JSON access lines."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from prap.logs import JsonFormatter
from tests.prap.test_settings import production_env, run_django

PROJECT = Path(__file__).resolve().parents[2]


def gunicorn_config(**env: str) -> dict[str, str]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--print-config",
            "--config",
            "gunicorn.conf.py",
            "prap.wsgi",
        ],
        cwd=PROJECT,
        env={**os.environ, "SECRET_KEY": "gunicorn-test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_defaults_are_production_ready():
    config = gunicorn_config()
    assert int(config["workers"]) >= 2
    assert config["timeout"] == "30"
    assert config["graceful_timeout"] == "20"
    assert config["control_socket_disable"] == "True"
    assert config["bind"] == "['0.0.0.0:8000']"
    assert "{x-request-id}o" in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]  # the query string may carry a token
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_gunicorn_takes_workers_bind_timeouts_and_proxy_addresses_from_the_environment():
    config = gunicorn_config(
        WEB_CONCURRENCY="5",
        GUNICORN_BIND="127.0.0.1:9000",
        GUNICORN_TIMEOUT="45",
        GUNICORN_GRACEFUL_TIMEOUT="25",
        FORWARDED_ALLOW_IPS="10.1.2.3,10.1.2.4",
    )
    assert config["workers"] == "5"
    assert config["bind"] == "['127.0.0.1:9000']"
    assert config["timeout"] == "45"
    assert config["graceful_timeout"] == "25"
    assert config["forwarded_allow_ips"] == "['10.1.2.3', '10.1.2.4']"


def test_a_gunicorn_access_line_is_json_with_the_request_id_status_and_duration():
    atoms = {
        "h": "10.0.0.7",
        "m": "GET",
        "U": "/accounts/reset/MQ/set-token-123/",
        "H": "HTTP/1.1",
        "s": "200",
        "B": 512,
        "M": 12,
        "{x-request-id}o": "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b",
        "a": "curl/8",
    }
    fmt = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, fmt, (atoms,), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b"
    assert line["status"] == 200
    assert line["duration_ms"] == 12
    assert line["path"] == "/accounts/reset/[redacted]"
    assert "set-token-123" not in json.dumps(line)


def test_workers_are_not_recycled_unless_asked():
    """Workers that start together and share the load evenly would reach any fixed count of
    requests together, and all restart at once."""
    config = gunicorn_config()
    assert config["max_requests"] == "0"


def test_recycling_when_asked_is_spread_over_half_as_many_requests_again():
    config = gunicorn_config(GUNICORN_MAX_REQUESTS="20000")
    assert config["max_requests"] == "20000"
    assert config["max_requests_jitter"] == "10000"
    config = gunicorn_config(GUNICORN_MAX_REQUESTS="20000", GUNICORN_MAX_REQUESTS_JITTER="500")
    assert config["max_requests_jitter"] == "500"


def test_a_server_process_hides_what_it_loaded_at_start_from_the_garbage_collector():
    """prap.wsgi (what gunicorn loads in each worker) freezes the objects loaded at start,
    the URL configuration included, so no full collection walks them during a request."""
    script = (
        "import gc, sys; assert gc.get_freeze_count() == 0; import prap.wsgi; "
        "print(gc.get_freeze_count(), 'prap.urls' in sys.modules, "
        "'public.national_urls' in sys.modules)"
    )
    result = run_django(["-c", script])
    assert result.returncode == 0, result.stderr
    frozen, urls_loaded, page_urls_loaded = result.stdout.split()[-3:]
    assert int(frozen) > 10_000
    assert urls_loaded == page_urls_loaded == "True"


def _access(logger, status: int, environ: dict, sent: int = 120):
    """What a gunicorn worker calls once a response is sent."""
    import datetime as dt
    from types import SimpleNamespace

    response = SimpleNamespace(status=f"{status} X", status_code=status, sent=sent)
    logger.access(response, None, environ, dt.timedelta(microseconds=12_345))


def _request_line_logger(stream):
    from gunicorn.config import Config

    from prap.gunicorn_logging import RequestLineLogger

    config = Config()
    config.set("accesslog", "-")
    logger = RequestLineLogger(config)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.access_log.handlers = [handler]
    return logger


def test_gunicorn_writes_the_request_line_with_the_fields_the_application_left():
    import io

    from prap import logs

    stream = io.StringIO()
    try:
        logger = _request_line_logger(stream)
        assert logs.server_writes_request_lines()
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/forces/dorset/",
            "REMOTE_ADDR": "10.0.0.7",
            "prap.request_line": {
                "request_id": "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b",
                "user_id": 7,
                "force": "dorset",
                "path": "/forces/dorset/",
            },
        }
        _access(logger, 200, environ, sent=48213)
        _access(logger, 502, {**environ, "prap.request_line": None})
        _access(logger, 200, {"REQUEST_METHOD": "GET", "PATH_INFO": "/accounts/reset/MQ/tok-9/"})
    finally:
        logs.set_server_writes_request_lines(False)
    page, failed, unlogged = (json.loads(line) for line in stream.getvalue().splitlines())
    assert page == {
        "timestamp": page["timestamp"],
        "level": "INFO",
        "logger": "prap.request",
        "message": "GET /forces/dorset/ 200",
        "request_id": "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b",
        "user_id": 7,
        "force": "dorset",
        "method": "GET",
        "path": "/forces/dorset/",
        "bytes": 48213,
        "duration_ms": 12.3,
        "remote_addr": "10.0.0.7",
        "status": 200,
    }
    # A request the application did not log (a probe), and a server error: WARNING.
    assert failed["level"] == "WARNING"
    assert failed["request_id"] is None
    assert failed["path"] == "/forces/dorset/"
    assert unlogged["path"] == "/accounts/reset/[redacted]"
    assert "tok-9" not in stream.getvalue()


def test_one_line_per_request_from_a_gunicorn_worker(tmp_path):
    """gunicorn.conf.py as deployed: a page through the application (an error page here:
    the database has no tables) and a probe answered above the request log each get one
    prap.request line, and no gunicorn.access line."""
    import http.client
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    overrides = {
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # The error page names hashed static files: they need collecting, as for a deploy.
    collected = run_django(
        ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], **overrides
    )
    assert collected.returncode == 0, collected.stderr

    def get(path: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "prap.wsgi"],
            cwd=PROJECT,
            env=production_env(**overrides),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(100):
                try:
                    assert get("/healthz").status == 200
                    break
                except OSError:
                    time.sleep(0.1)
            page = get("/no-such-page/")
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert page.status >= 400
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]
    requests = [line for line in lines if line["logger"] == "prap.request"]
    assert [line["path"] for line in requests] == ["/healthz", "/no-such-page/"]
    probe_line, page_line = requests
    assert probe_line["request_id"] is None and probe_line["status"] == 200
    assert page_line["status"] == page.status
    assert page_line["level"] == ("WARNING" if page.status >= 500 else "INFO")
    assert page_line["message"] == f"GET /no-such-page/ {page.status}"
    assert page_line["request_id"] == page.getheader("X-Request-ID")
    assert len(page_line["request_id"]) == 32
    assert page_line["bytes"] == len(page.body)
    assert page_line["remote_addr"] == "127.0.0.1"
