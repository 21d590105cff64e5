"""gunicorn.conf.py: settings from the environment, sane defaults, JSON access lines."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from prap.logs import JsonFormatter
from tests.prap.test_settings import run_django

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
