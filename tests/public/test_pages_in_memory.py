"""A page from the cache is answered above the header middleware with the headers it was
first sent with, and each process keeps the pages it last answered in memory
(``PUBLIC_PAGE_MEMORY_BYTES``), under the same keys as the shared cache, so that a page's
bytes are not fetched from Redis on every request. Its freshness is still checked every
time: a write is on the page at the very next request.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client

from plans import cache as page_cache
from plans.cache import PagesInMemory, StoredPage, forget_pages_in_memory
from tests.public.test_public_cache import DONE, publish, roadmap, text
from tests.public.test_public_cache_versions import alice_client, shared_versions, site  # noqa: F401

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


def page(size: int) -> StoredPage:
    return StoredPage(b"x" * size, {"Content-Type": "text/html"})


class TestPagesInMemory:
    def test_keeps_pages_up_to_its_size_least_recently_used_dropped_first(self, settings):
        settings.PUBLIC_PAGE_MEMORY_BYTES = 250
        pages = PagesInMemory()
        pages.put("a", page(100))
        pages.put("b", page(100))
        assert pages.get("a") == page(100)  # now "b" is the least recently used
        pages.put("c", page(100))
        assert pages.get("b") is None
        assert pages.get("a") == page(100)
        assert pages.get("c") == page(100)

    def test_a_page_larger_than_the_room_is_not_kept(self, settings):
        settings.PUBLIC_PAGE_MEMORY_BYTES = 250
        pages = PagesInMemory()
        pages.put("a", page(100))
        pages.put("huge", page(251))
        assert pages.get("huge") is None
        assert pages.get("a") == page(100)

    def test_nothing_is_kept_when_off(self, settings):
        settings.PUBLIC_PAGE_MEMORY_BYTES = 0
        pages = PagesInMemory()
        pages.put("a", page(0))
        pages.put("b", page(10))
        assert pages.get("a") is None
        assert pages.get("b") is None

    def test_a_page_expires_with_the_shared_cache(self, settings):
        settings.PUBLIC_PAGE_MEMORY_BYTES = 1000
        settings.PUBLIC_PAGE_CACHE_SECONDS = 60
        pages = PagesInMemory()
        with mock.patch.object(page_cache.time, "monotonic", return_value=1000.0):
            pages.put("a", page(10))
        with mock.patch.object(page_cache.time, "monotonic", return_value=1059.0):
            assert pages.get("a") == page(10)
        with mock.patch.object(page_cache.time, "monotonic", return_value=1061.0):
            assert pages.get("a") is None

    def test_replacing_a_page_counts_its_size_once(self, settings):
        settings.PUBLIC_PAGE_MEMORY_BYTES = 150
        pages = PagesInMemory()
        pages.put("a", page(100))
        pages.put("a", page(100))
        pages.put("b", page(50))
        assert pages.get("a") == page(100)
        assert pages.get("b") == page(50)


@pytest.fixture
def in_memory(settings, shared_versions):  # noqa: F811
    settings.PUBLIC_PAGE_MEMORY_BYTES = 1024 * 1024
    forget_pages_in_memory()
    yield
    forget_pages_in_memory()


def test_a_page_the_shared_cache_lost_comes_from_memory_unrendered(
    in_memory,
    site,  # noqa: F811
    django_assert_num_queries,
):
    visitor = Client()
    first = text(visitor.get(roadmap(site)))
    cache.clear()  # the pages and the versions: Redis restarted, or evicted them
    with django_assert_num_queries(1):  # the versions, from the database; nothing rendered
        again = visitor.get(roadmap(site))
    assert text(again) == first


def test_a_write_is_on_the_page_at_the_next_request_all_the_same(
    in_memory,
    site,  # noqa: F811
    alice_client,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    visitor = Client()
    assert DONE not in text(visitor.get(roadmap(site)))
    assert DONE not in text(visitor.get(roadmap(site)))  # from memory
    with django_capture_on_commit_callbacks(execute=True):
        publish(alice_client, site.draft_update)
    assert DONE in text(visitor.get(roadmap(site)))


def test_a_page_from_the_cache_has_the_headers_it_was_rendered_with(
    in_memory,
    site,  # noqa: F811
    django_assert_num_queries,
):
    visitor = Client()
    rendered = visitor.get(roadmap(site))
    with django_assert_num_queries(0):
        cached = visitor.get(roadmap(site))
    for name in (*SECURITY_HEADERS, "Content-Type", "Cache-Control", "ETag", "Vary"):
        assert cached.headers.get(name), name
        assert cached.headers[name] == rendered.headers[name], name
    assert cached.headers["X-Request-ID"] != rendered.headers["X-Request-ID"]


def test_a_conditional_get_from_the_cache_carries_the_security_headers(
    in_memory,
    site,  # noqa: F811
    django_assert_num_queries,
):
    visitor = Client()
    etag = visitor.get(roadmap(site)).headers["ETag"]
    with django_assert_num_queries(0):
        not_modified = visitor.get(roadmap(site), headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    for name in (*SECURITY_HEADERS, "Cache-Control", "ETag"):
        assert not_modified.headers.get(name), name


def test_a_conditional_get_for_a_page_no_longer_stored_is_answered_all_the_same(
    in_memory,
    site,  # noqa: F811
):
    visitor = Client()
    etag = visitor.get(roadmap(site)).headers["ETag"]
    forget_pages_in_memory()
    cache.clear()
    not_modified = visitor.get(roadmap(site), headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    for name in SECURITY_HEADERS:
        assert not_modified.headers.get(name), name


def test_a_nul_character_is_refused_even_for_a_page_in_the_cache(
    in_memory,
    site,  # noqa: F811
):
    visitor = Client()
    assert visitor.get("/national/").status_code == 200
    assert visitor.get("/national/?x=1").status_code == 200  # from the cache
    assert visitor.get("/national/?x=%00").status_code == 400
    assert visitor.get("/national/?%00=1").status_code == 400
