"""Only the query parameters a public page reads make another cache entry: anything else in
the address (``/national/?x=random``) is the same page from the same entry, and the stored
page never repeats it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from plans.cache import QueryParameters, all_content_changed, normalise_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, reference):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-cache-query-tests",
        }
    }
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    all_content_changed()
    yield
    cache.clear()


def page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, response
    return response.content.decode()


def cached(path: str, django_assert_max_num_queries) -> str:
    """The page, asserting it came from the cache: nothing rendered."""
    with django_assert_max_num_queries(1):  # at most the content version
        return page(path)


def test_an_unknown_parameter_gets_the_page_from_the_cache(
    page_cache, django_assert_max_num_queries
):
    plain = page("/national/")
    assert cached("/national/?x=random", django_assert_max_num_queries) == plain
    assert cached("/national/?x=other&y=1&region=", django_assert_max_num_queries) == plain


def test_a_stored_page_never_repeats_what_a_visitor_put_in_the_address(page_cache):
    html = page("/national/?zq-visitor-marker=1&region=")
    assert "zq-visitor-marker" not in html
    assert 'href="?format=csv"' in html


def test_a_pages_own_filters_give_distinct_cached_pages(page_cache, django_assert_max_num_queries):
    everyone = page("/forces/")
    eastern = page("/forces/?region=Eastern")
    wales = page("/forces/?country=wales")
    assert len({everyone, eastern, wales}) == 3
    assert "Norfolk" in eastern and "Kent" not in eastern
    # The same filters in another order, with empty and unknown ones, are the same entry.
    assert cached("/forces/?x=1&country=&region=Eastern", django_assert_max_num_queries) == eastern
    assert cached("/forces/?country=wales&region=", django_assert_max_num_queries) == wales
    assert cached("/forces/", django_assert_max_num_queries) == everyone


def test_the_order_of_compared_forces_is_kept(page_cache):
    first = page("/national/compare/?forces=dorset&forces=kent")
    second = page("/national/compare/?forces=kent&forces=dorset")
    assert first.index("Dorset Police") < first.index("Kent Police")
    assert second.index("Kent Police") < second.index("Dorset Police")


def test_a_form_sent_with_no_choice_still_says_what_to_do(page_cache):
    assert "There is a problem" not in page("/")
    assert "There is a problem" in page("/?force=&x=1")


def test_the_query_left_is_read_as_the_request_would_have_read_it(rf):
    """A query sent as raw UTF-8 bytes (the server hands them on as Latin-1 text) keeps its
    text; what is left for the view is parsed from the query string left."""
    request = rf.get("/search/")
    request.META["QUERY_STRING"] = "q=caf\xc3\xa9+bar&utm_source=x&workstream="
    assert request.GET["utm_source"] == "x"  # read before, as any middleware might
    normalise_query(request, QueryParameters(frozenset({"q", "workstream"}), frozenset()))
    assert request.META["QUERY_STRING"] == "q=caf%C3%A9+bar"
    assert request.GET.dict() == {"q": "café bar"}
    assert request.get_full_path() == "/search/?q=caf%C3%A9+bar"


def test_the_same_query_is_left_as_each_page_reads_it(rf):
    """The query left is remembered by the parameters of the page too, not the address only."""
    first, second = rf.get("/a/?region=1&force=2"), rf.get("/b/?region=1&force=2")
    normalise_query(first, QueryParameters(frozenset({"region"}), frozenset()))
    normalise_query(second, QueryParameters(frozenset({"force"}), frozenset()))
    assert first.GET.dict() == {"region": "1"}
    assert second.GET.dict() == {"force": "2"}
