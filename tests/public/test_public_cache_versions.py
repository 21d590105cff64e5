"""With the content versions in the shared cache (``PUBLIC_VERSIONS_IN_CACHE``, the default
with Redis), a page from the cache costs no database query, a write is on every page at the
very next request, and a cache that lost the versions falls back to the database.

Each test runs against local memory (one process: it shares what it holds) and against the
Redis on 127.0.0.1, database ``TEST_REDIS_URL`` (the only one flushed).
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.db import OperationalError, connections, transaction
from django.test import Client

from plans.cache import VERSION_KEY_PREFIX, all_content_changed, content_changed
from plans.models import ContentVersion
from prap import cache_backends
from tests.public.test_public_cache import DONE, publish, roadmap, text
from tests.redis_db import REDIS_URL
from tests.staff_data import force_data

pytestmark = pytest.mark.django_db

NATIONAL_KEY = f"{VERSION_KEY_PREFIX}:national"


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis", "redis-kept"])
def shared_versions(request, settings, django_capture_on_commit_callbacks):
    """The page cache on with the versions in the cache, in local memory or in Redis (and
    with Redis, kept in the process while Redis announces their changes, the default:
    ``KeptKeys``); the test's writes commit (their on-commit callbacks run), as in a real
    request."""
    if request.param.startswith("redis"):
        if not _redis_reachable():
            pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
        backend = {"BACKEND": "prap.cache_backends.ResilientRedisCache", "LOCATION": REDIS_URL}
        if request.param == "redis-kept":
            backend["OPTIONS"] = {"kept_in_process": [VERSION_KEY_PREFIX]}
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-cache-version-tests",
        }
    settings.CACHES = {"default": backend}
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_VERSIONS_IN_CACHE = True
    cache_backends.reset()
    cache.clear()
    yield request.param
    cache.clear()
    cache_backends.reset()


@pytest.fixture
def site(shared_versions, reference, force_a, django_capture_on_commit_callbacks):
    data = force_data(force_a)
    with django_capture_on_commit_callbacks(execute=True):
        all_content_changed()
    return data


@pytest.fixture
def alice_client(alice):
    from tests.mfa import VerifiedClient

    client = VerifiedClient()
    client.force_login(alice)
    return client


def test_a_cached_page_costs_no_query(site, django_assert_num_queries):
    visitor = Client()
    first = text(visitor.get(roadmap(site)))
    with django_assert_num_queries(0):
        again = visitor.get(roadmap(site))
    assert text(again) == first
    national = text(visitor.get("/national/"))
    with django_assert_num_queries(0):
        assert text(visitor.get("/national/?x=random")) == national


def test_a_publish_is_on_the_page_at_the_next_request(
    site, alice_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    visitor = Client()
    assert DONE not in text(visitor.get(roadmap(site)))
    with django_assert_num_queries(0):
        assert DONE not in text(visitor.get(roadmap(site)))

    with django_capture_on_commit_callbacks(execute=True):
        publish(alice_client, site.draft_update)

    assert DONE in text(visitor.get(roadmap(site)))
    with django_assert_num_queries(0):
        assert DONE in text(visitor.get(roadmap(site)))


def test_a_rolled_back_write_leaves_the_shared_versions_alone(
    site, django_capture_on_commit_callbacks
):
    before = cache.get(NATIONAL_KEY)
    assert before == ContentVersion.objects.get(force=None).version
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        content_changed(site.force)
        raise RuntimeError("refused")
    assert callbacks == []
    assert cache.get(NATIONAL_KEY) == before


def test_a_cache_that_lost_the_versions_reads_them_from_the_database(
    site, django_assert_num_queries
):
    visitor = Client()
    page = text(visitor.get(roadmap(site)))
    cache.delete_many([NATIONAL_KEY, f"{VERSION_KEY_PREFIX}:force:{site.force.slug}"])

    with django_assert_num_queries(1):  # the versions; the page itself is still stored
        assert text(visitor.get(roadmap(site))) == page
    with django_assert_num_queries(0):  # and the versions are back in the cache
        assert text(visitor.get(roadmap(site))) == page


def test_a_write_the_cache_never_heard_of_shows_once_the_versions_are_read_again(
    site, alice_client, django_assert_num_queries
):
    """A cache flushed or restarted after a write, or a write whose update of the cache was
    lost: the versions come from the database, which always has the write."""
    visitor = Client()
    assert DONE not in text(visitor.get(roadmap(site)))

    publish(alice_client, site.draft_update)  # its on-commit callback never runs
    cache.delete_many([NATIONAL_KEY, f"{VERSION_KEY_PREFIX}:force:{site.force.slug}"])

    assert DONE in text(visitor.get(roadmap(site)))


def test_the_versions_in_the_cache_expire(site, settings, shared_versions):
    """So a version the cache missed (its update failed with Redis unreachable) stands for
    PUBLIC_VERSION_CACHE_SECONDS at most."""
    settings.PUBLIC_VERSION_CACHE_SECONDS = 100  # far from the default, so it is this one
    cache.delete(NATIONAL_KEY)
    started = time.monotonic()
    Client().get("/national/")
    key = cache.make_and_validate_key(NATIONAL_KEY)
    if shared_versions.startswith("redis"):
        ttl = cache._cache.get_client().ttl(key)  # whole seconds, rounded down
    else:
        ttl = cache._expire_info[key] - time.time()
    # The versions were stored at some moment during the request, however long it took.
    taken = time.monotonic() - started
    assert 100 - taken - 1 <= ttl <= 100


def test_during_a_database_outage_a_cached_page_is_served_as_it_is(site):
    visitor = Client(raise_request_exception=False)
    page = text(visitor.get(roadmap(site)))
    refused = OperationalError('connection to server at "10.0.0.9", port 5432 failed')
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        during = visitor.get(roadmap(site))
    # Nothing can be written while the database is down: the stored page is current.
    assert text(during) == page


def test_during_a_database_outage_a_page_not_stored_under_the_versions_is_its_last_copy(
    site, alice_client, django_capture_on_commit_callbacks
):
    visitor = Client(raise_request_exception=False)
    text(visitor.get(roadmap(site)))
    with django_capture_on_commit_callbacks(execute=True):
        publish(alice_client, site.draft_update)  # new versions: the stored page is old
    refused = OperationalError('connection to server at "10.0.0.9", port 5432 failed')
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        during = visitor.get(roadmap(site))
        never_stored = visitor.get("/national/coverage/")
    assert during.status_code == 200
    assert "This page may be out of date." in text(during)
    assert "no-cache" in during["Cache-Control"]
    assert never_stored.status_code == 503


def test_a_redis_outage_serves_pages_rendered_afresh(settings, reference):
    settings.CACHES = {
        "default": {
            "BACKEND": "prap.cache_backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_VERSIONS_IN_CACHE = True
    cache_backends.reset()
    try:
        all_content_changed()
        visitor = Client()
        first = visitor.get("/forces/")
        second = visitor.get("/forces/")
        assert first.status_code == second.status_code == 200
        assert "Dorset Police" in text(second)
        assert cache_backends.error_count() > 0
    finally:
        cache_backends.reset()
