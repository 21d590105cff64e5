"""/readyz: ready only when the database and the cache answer; says why not, and no more."""

from unittest import mock

import pytest
from django.db import OperationalError, connections


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ready"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_over_plain_http_for_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["prap.example.org"]
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable(client):
    refused = OperationalError('connection to server at "10.0.0.9", port 5432 failed')
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_stays_ready_but_says_the_cache_is_degraded_when_redis_is_unreachable(
    client, settings
):
    # Nothing listens on port 9 (discard) here: the real Redis client is refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ready, cache degraded"


@pytest.mark.django_db
def test_readyz_says_the_cache_is_degraded_when_it_keeps_nothing(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ready, cache degraded"


@pytest.mark.django_db
def test_readyz_checks_the_database_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/readyz")
