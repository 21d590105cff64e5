"""Keys kept in the process while Redis tells it of their changes (``KeptKeys``, the cache's
``kept_in_process`` option): the public pages' content versions, read on every request.

Against the Redis on 127.0.0.1, database ``TEST_REDIS_URL`` (the only one written or
flushed); skipped when it is not reachable.
"""

from __future__ import annotations

import json
import logging
import os
import time
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient

from prap import cache_backends
from tests.prap.test_settings import run_django
from tests.redis_db import REDIS_URL

KEY = "prap:version:national"
OTHER = "prap:version:force:dorset"


@pytest.fixture
def other_client():
    """Another process's connection to the same Redis."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
    yield client
    client.close()


def use_kept_cache(settings, location=REDIS_URL, **options):
    settings.CACHES = {
        "default": {
            "BACKEND": "prap.cache_backends.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"kept_in_process": ["prap:version"], "retry_seconds": 60, **options},
        }
    }
    cache_backends.reset()


@pytest.fixture
def kept(settings, other_client):
    use_kept_cache(settings)
    cache.clear()
    yield cache._kept
    cache._kept.close()
    cache.clear()
    cache_backends.reset()


def counting_reads():
    original = RedisCacheClient.get_many
    calls = []

    def get_many(self, keys):
        calls.append(list(keys))
        return original(self, keys)

    return calls, mock.patch.object(RedisCacheClient, "get_many", get_many)


def until(condition, seconds=2.0):
    """Wait for what another client did to reach this process (Redis sends it before it
    answers that client, so in practice it is there at once)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def full(key):
    return cache.make_key(key)


def test_a_value_read_once_is_kept_and_read_again_without_asking_redis(kept):
    cache.set_many({KEY: 1, OTHER: 2}, 30)
    calls, patch = counting_reads()
    with patch:
        first = cache.get_many([KEY, OTHER])
        second = cache.get_many([KEY, OTHER])
        third = cache.get_many([KEY])
    assert first == second == {KEY: 1, OTHER: 2}
    assert third == {KEY: 1}
    assert len(calls) == 1
    assert kept.is_watching()


def test_a_change_made_by_another_process_is_seen_at_the_next_read(kept, other_client):
    cache.set(KEY, 1, 30)
    assert cache.get_many([KEY]) == {KEY: 1}
    other_client.set(full(KEY), 2, ex=30)
    assert until(lambda: cache.get_many([KEY]) == {KEY: 2})
    calls, patch = counting_reads()
    with patch:
        assert cache.get_many([KEY]) == {KEY: 2}
    assert calls == []  # kept again once read


def test_a_key_deleted_by_another_process_is_missing_at_the_next_read(kept, other_client):
    cache.set(KEY, 1, 30)
    assert cache.get_many([KEY]) == {KEY: 1}
    other_client.delete(full(KEY))
    assert until(lambda: cache.get_many([KEY]) == {})


def test_a_write_through_this_process_is_seen_at_once(kept):
    cache.set(KEY, 1, 30)
    assert cache.get_many([KEY]) == {KEY: 1}
    cache.set_many({KEY: 2}, 30)
    assert cache.get_many([KEY]) == {KEY: 2}
    cache.delete_many([KEY])
    assert cache.get_many([KEY]) == {}
    cache.add(KEY, 3, 30)
    assert cache.get_many([KEY]) == {KEY: 3}
    cache.delete(KEY)
    assert cache.get_many([KEY]) == {}


def test_a_flushed_database_forgets_everything_kept(kept, other_client):
    cache.set_many({KEY: 1, OTHER: 2}, 30)
    assert cache.get_many([KEY, OTHER]) == {KEY: 1, OTHER: 2}
    other_client.flushdb()
    assert until(lambda: cache.get_many([KEY, OTHER]) == {})


def test_an_expired_key_is_not_kept(kept, other_client):
    cache.set(KEY, 1, 30)
    assert cache.get_many([KEY]) == {KEY: 1}
    other_client.pexpire(full(KEY), 20)
    assert until(lambda: cache.get_many([KEY]) == {})


def test_a_value_is_kept_for_kept_seconds_at_most(kept):
    """So a change Redis could not announce (a server that hangs without closing the
    connection) goes unseen for that long at most."""
    cache.set(KEY, 1, 30)
    cache.get_many([KEY])
    calls, patch = counting_reads()
    later = time.monotonic() + kept.seconds + 0.1
    with patch, mock.patch.object(cache_backends.time, "monotonic", return_value=later):
        assert cache.get_many([KEY]) == {KEY: 1}
    assert len(calls) == 1


def test_other_keys_are_never_kept(kept):
    cache.set_many({"prap:page:x": "page", KEY: 1}, 30)
    calls, patch = counting_reads()
    with patch:
        cache.get_many(["prap:page:x"])
        cache.get_many(["prap:page:x"])
        cache.get_many(["prap:page:x", KEY])
        cache.get_many(["prap:page:x", KEY])
    assert len(calls) == 4


def tracking_clients(other_client):
    db = other_client.connection_pool.connection_kwargs.get("db", 0)
    return [
        client
        for client in other_client.client_list()
        if client["name"] == cache_backends.CLIENT_NAME and int(client["db"]) == db
    ]


def test_a_lost_connection_reads_redis_every_time_logs_it_and_connects_again(
    settings, other_client, caplog
):
    use_kept_cache(settings, retry_seconds=0.2)
    cache.clear()
    kept = cache._kept
    try:
        cache.set(KEY, 1, 30)
        assert cache.get_many([KEY]) == {KEY: 1}
        (tracking,) = tracking_clients(other_client)
        other_client.client_kill_filter(_id=tracking["id"])
        other_client.set(full(KEY), 2, ex=30)  # nobody tells this process
        with caplog.at_level(logging.WARNING, logger="prap.cache"):
            assert cache.get_many([KEY]) == {KEY: 2}
        assert not kept.is_watching()
        (record,) = [r for r in caplog.records if r.event == "cache_tracking_lost"]
        assert record.operation == "read"
        calls, patch = counting_reads()
        with patch:
            cache.get_many([KEY])  # read from Redis: nothing is kept until reconnected
        assert len(calls) == 1
        assert until(lambda: cache.get_many([KEY]) == {KEY: 2} and kept.is_watching())
        assert len(tracking_clients(other_client)) == 1
    finally:
        kept.close()
        cache.clear()
        cache_backends.reset()


def test_an_unreachable_redis_is_a_miss_and_keeps_nothing(settings, caplog):
    use_kept_cache(settings, location="redis://127.0.0.1:9/0")  # nothing listens there
    try:
        with caplog.at_level(logging.WARNING, logger="prap.cache"):
            assert cache.get_many([KEY]) == {}
        assert not cache._kept.is_watching()
        assert any(r.event == "cache_tracking_lost" for r in caplog.records)
    finally:
        cache._kept.close()
        cache_backends.reset()


def test_a_forked_process_makes_its_own_connection(kept, other_client):
    cache.set(KEY, 1, 30)
    cache.get_many([KEY])
    assert len(tracking_clients(other_client)) == 1
    with mock.patch.object(cache_backends.os, "getpid", return_value=os.getpid() + 1):
        assert not kept.is_watching()
        calls, patch = counting_reads()
        with patch:
            assert cache.get_many([KEY]) == {KEY: 1}  # the parent's values are not used
        assert len(calls) == 1
        assert kept.is_watching()


def test_every_thread_and_cache_object_of_a_process_shares_one_connection(kept, other_client):
    import threading

    from django.core.cache import caches

    cache.get_many([KEY])
    seen = []

    def read():
        seen.append(caches["default"]._kept)
        caches["default"].get_many([KEY])

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert seen == [kept]
    assert len(tracking_clients(other_client)) == 1


def settings_with(**environment) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'kept': settings.PUBLIC_VERSIONS_IN_PROCESS, "
        "'options': settings.CACHES['default'].get('OPTIONS', {})}))"
    )
    result = run_django(["-c", script], **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_redis_each_process_keeps_the_content_versions_by_default():
    from plans.cache import VERSION_KEY_PREFIX

    found = settings_with(CACHE_URL="redis://127.0.0.1:6379/0", PUBLIC_VERSION_CACHE_SECONDS="7")
    assert found["kept"] is True
    # The prefix in settings (which cannot import plans) is the versions' own.
    assert found["options"]["kept_in_process"] == [VERSION_KEY_PREFIX]
    assert found["options"]["kept_seconds"] == 7


def test_keeping_the_versions_can_be_turned_off_and_needs_redis():
    off = settings_with(CACHE_URL="redis://127.0.0.1:6379/0", PUBLIC_VERSIONS_IN_PROCESS="false")
    assert off["kept"] is False
    assert "kept_in_process" not in off["options"]
    local = settings_with(CACHE_URL="locmemcache://prap")
    assert local["kept"] is False
    assert "kept_in_process" not in local["options"]


def test_two_sites_sharing_one_redis_under_their_own_key_prefixes_track_their_own_keys(
    settings, other_client
):
    """A ``key_prefix`` of its own (two sites on one Redis): each tracks the keys Redis holds
    under its prefix, and a write of one is never taken for a write of the other."""
    from prap.cache_backends import ResilientRedisCache

    options = {"kept_in_process": ["prap:version"], "retry_seconds": 60}
    site_a = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "site-a", "OPTIONS": options})
    site_b = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "site-b", "OPTIONS": options})
    try:
        assert site_a._kept is not site_b._kept
        assert site_a._kept.prefixes == ("site-a:1:prap:version",)
        site_a.set(KEY, 1, 30)
        site_b.set(KEY, 2, 30)
        assert site_a.get_many([KEY]) == {KEY: 1}
        assert site_b.get_many([KEY]) == {KEY: 2}
        other_client.set(site_b.make_key(KEY), 3, ex=30)  # another process of site B
        assert until(lambda: site_b.get_many([KEY]) == {KEY: 3})
        assert site_a.get_many([KEY]) == {KEY: 1}
    finally:
        site_a.delete_many([KEY])
        site_b.delete_many([KEY])
        cache_backends.close_kept_keys()
