"""Losing Redis costs speed, not the site: cache failures are misses, logged and counted.

Redis is made unreachable (nothing listens on port 9 here) or unresponsive (a socket that
accepts connections and never answers), with the production cache backend
(``prap.cache_backends.ResilientRedisCache``), which is what ``CACHE_URL=redis://...`` selects.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading

import pytest
from django.core.cache import cache

from plans.cache import all_content_changed
from prap import cache_backends
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.redis_db import REDIS_URL

pytestmark = pytest.mark.django_db

REFUSED = "redis://127.0.0.1:9/0"


@pytest.fixture(autouse=True)
def _fresh_breaker():
    cache_backends.reset()
    yield
    cache_backends.reset()


def use_redis(settings, location: str, **options) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "prap.cache_backends.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, **options},
        }
    }
    settings.PUBLIC_PAGE_CACHE = True
    # Public pages have a content version, so they are looked up in (and stored to) the cache.
    all_content_changed()


@pytest.fixture
def silent_redis():
    """A server that accepts connections and never answers; yields its address and a list
    of the connections it accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0", accepted
    listener.close()
    for connection in accepted:
        connection.close()


def test_a_redis_cache_url_selects_the_resilient_backend_with_short_time_outs():
    code = "from django.conf import settings; import json; print(json.dumps(settings.CACHES))"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prap.settings",
        "DEBUG": "true",
        "CACHE_URL": "redis://127.0.0.1:6379/1?key_prefix=site-a",
        "CACHE_TIMEOUT": "0.3",
    }
    printed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    default = json.loads(printed)["default"]
    assert default["BACKEND"] == "prap.cache_backends.ResilientRedisCache"
    assert default["KEY_PREFIX"] == "site-a"
    assert default["OPTIONS"] == {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.3,
        "retry_seconds": 5.0,
        # The content versions kept in each process (tests/prap/test_kept_keys.py).
        "kept_in_process": ["prap:version"],
        "kept_seconds": 5,
    }


def test_with_redis_down_public_pages_the_404_page_and_sign_in_still_answer(
    client, settings, caplog
):
    use_redis(settings, REFUSED)
    caplog.set_level(logging.WARNING, logger="prap.cache")
    assert client.get("/").status_code == 200
    assert client.get("/forces/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/accounts/sign-in/").status_code == 200
    assert cache_backends.error_count() >= 1
    errors = [r for r in caplog.records if getattr(r, "event", None) == "cache_error"]
    assert errors and errors[0].cache_errors_total == 1
    assert errors[0].operation and errors[0].error


def test_with_redis_down_a_person_can_still_sign_in(client, settings):
    use_redis(settings, REFUSED)
    user = UserFactory(email="coordinator@dorset.example")
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-step/")


def test_a_wrong_password_with_redis_down_is_an_error_message_not_a_500(client, settings):
    use_redis(settings, REFUSED)
    user = UserFactory(email="coordinator@dorset.example")
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode().lower()


def test_after_a_failure_the_cache_is_skipped_for_a_while(settings):
    use_redis(settings, REFUSED, retry_seconds=60)
    assert cache.get("anything") is None
    assert cache_backends.error_count() == 1
    assert cache_backends.is_degraded()
    # Skipped: no more attempts, so no more failures, for the retry interval.
    cache.set("anything", 1)
    assert cache.get("anything") is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache_backends.error_count() == 1


def test_incr_on_an_unavailable_cache_behaves_as_for_a_missing_key(settings):
    use_redis(settings, REFUSED)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")


def test_a_redis_that_never_answers_holds_a_request_for_one_time_out_then_is_skipped(
    client, settings, silent_redis
):
    location, accepted = silent_redis
    use_redis(settings, location, retry_seconds=60)
    for _ in range(3):
        assert client.get("/").status_code == 200
    # One call timed out; every later call in the interval skipped the cache without
    # waiting on the silent server again.
    assert cache_backends.error_count() == 1
    assert len(accepted) == 1


def test_a_working_redis_is_used_normally(settings):
    import redis

    location = REDIS_URL
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis is not reachable at {location} (set TEST_REDIS_URL)")
    use_redis(settings, location)
    cache.set("prap:test:resilient", "kept", 30)
    assert cache.get("prap:test:resilient") == "kept"
    cache.delete("prap:test:resilient")
    assert cache_backends.error_count() == 0
