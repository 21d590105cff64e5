"""Public pages are sent gzip-compressed to a client that accepts it (every browser does):
compressed once per stored page and kept beside it, with ``Vary: Accept-Encoding``; never a
signed-in person's page (it carries a CSRF token: compressing it would expose it to BREACH).
"""

from __future__ import annotations

import gzip
from unittest import mock

import pytest
from django.test import Client

from plans import cache as page_cache_module
from plans.cache import PagesInMemory, StoredPage, accepts_gzip, forget_pages_in_memory
from tests.public.test_public_cache import alice_client, page_cache, roadmap, site, text  # noqa: F401

pytestmark = pytest.mark.django_db

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def unzipped(response) -> str:
    assert response.status_code == 200, response
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Length"] == str(len(response.content))
    return gzip.decompress(response.content).decode()


@pytest.fixture
def counted_compression():
    with mock.patch.object(
        page_cache_module, "_compress", wraps=page_cache_module._compress
    ) as compress:
        yield compress


def test_a_browser_gets_the_same_page_compressed_from_the_cache(
    page_cache,  # noqa: F811
    site,  # noqa: F811
    django_assert_num_queries,
):
    plain = Client().get(roadmap(site))
    browser = Client(headers=BROWSER)
    first = browser.get(roadmap(site))
    with django_assert_num_queries(1):  # the content version: nothing rendered
        again = browser.get(roadmap(site))
    assert unzipped(first) == unzipped(again) == text(plain)
    assert len(first.content) * 3 < len(plain.content)
    for response in (plain, first, again):
        assert "Accept-Encoding" in response["Vary"]
        assert "Cookie" in response["Vary"]
        assert response["ETag"] == plain["ETag"]
        assert response["Content-Security-Policy"] == plain["Content-Security-Policy"]
    assert not plain.has_header("Content-Encoding")


def test_a_page_is_compressed_once_and_kept_compressed(
    page_cache,  # noqa: F811
    site,  # noqa: F811
    counted_compression,
):
    assert not Client().get(roadmap(site)).has_header("Content-Encoding")  # stored plain
    assert counted_compression.call_count == 0
    browser = Client(headers=BROWSER)
    first = browser.get(roadmap(site))  # compressed now, and kept
    forget_pages_in_memory()  # another process: the shared cache has the compressed copy
    again = browser.get(roadmap(site))
    assert counted_compression.call_count == 1
    assert again.content == first.content
    assert not Client().get(roadmap(site)).has_header("Content-Encoding")


def test_a_page_rendered_for_a_browser_is_sent_and_stored_compressed(
    page_cache,  # noqa: F811
    site,  # noqa: F811
    counted_compression,
):
    browser = Client(headers=BROWSER)
    rendered = browser.get(roadmap(site))
    assert counted_compression.call_count == 1
    assert unzipped(rendered) == unzipped(browser.get(roadmap(site)))
    assert counted_compression.call_count == 1


def test_a_conditional_get_from_a_browser_is_answered_not_modified(
    page_cache,  # noqa: F811
    site,  # noqa: F811
):
    browser = Client(headers=BROWSER)
    etag = browser.get(roadmap(site))["ETag"]
    not_modified = browser.get(roadmap(site), headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_a_signed_in_persons_page_is_never_compressed(
    page_cache,  # noqa: F811
    site,  # noqa: F811
    alice_client,  # noqa: F811
):
    alice_client.defaults["HTTP_ACCEPT_ENCODING"] = BROWSER["Accept-Encoding"]
    page = alice_client.get(roadmap(site))
    assert 'href="/staff/"' in text(page)
    assert not page.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip; q=1.0, identity", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("*;q=0, gzip", True),
        ("", False),
        ("identity", False),
        ("br, zstd", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("gzip;q=0, *", False),
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
        ("gzipped", False),
    ],
)
def test_which_clients_accept_gzip(rf, header, accepted):
    request = rf.get("/", headers={"Accept-Encoding": header} if header else {})
    assert accepts_gzip(request) is accepted


def test_memory_counts_the_compressed_copy_too(settings):
    settings.PUBLIC_PAGE_MEMORY_BYTES = 250
    pages = PagesInMemory()
    for key in ("a", "b", "c"):  # 120 bytes each: the third is over the room
        pages.put(key, StoredPage(b"x" * 100, {}, b"z" * 20))
    assert pages.get("a") is None
    assert pages.get("b") is not None
    assert pages.get("c") is not None
    pages.put("d", StoredPage(b"x" * 200, {}, b"z" * 51))  # 251 bytes: larger than the room
    assert pages.get("d") is None


def test_a_page_from_the_cache_is_a_response_like_any_other():
    """StoredPageResponse is made without HttpResponse.__init__ (which checks every header
    again): it must have every attribute that sets, so Django and the server treat it alike
    (a new attribute in a later Django fails here)."""
    from django.http import HttpResponse

    from plans.cache import StoredPageResponse

    headers = {"Content-Type": "text/html; charset=utf-8", "Vary": "Cookie", "ETag": 'W/"1"'}
    made = StoredPageResponse(b"<p>page</p>", {k.lower(): (k, v) for k, v in headers.items()})
    usual = HttpResponse(b"<p>page</p>", headers=headers)
    assert set(vars(made)) == set(vars(usual))
    assert made.content == usual.content
    assert made.status_code == usual.status_code == 200
    assert made.charset == usual.charset == "utf-8"
    assert made.reason_phrase == "OK"
    assert list(made.items()) == list(usual.items())
    assert made["vary"] == "Cookie"
    made["X-Request-ID"] = "abc"  # the request log adds its header, checked as usual
    assert ("X-Request-ID", "abc") in made.items()
    with pytest.raises(Exception, match="newline"):
        made["X-Bad"] = "a\nb"
    assert list(made) == [b"<p>page</p>"]


def test_each_response_from_the_cache_has_headers_of_its_own(
    page_cache,  # noqa: F811
    site,  # noqa: F811
):
    browser = Client(headers=BROWSER)
    browser.get(roadmap(site))
    first = browser.get(roadmap(site))
    second = browser.get(roadmap(site))
    assert first["X-Request-ID"] != second["X-Request-ID"]
    first["X-Extra"] = "only on the first"
    assert not second.has_header("X-Extra")
    assert not browser.get(roadmap(site)).has_header("X-Extra")
