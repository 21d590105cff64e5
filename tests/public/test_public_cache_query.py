"""Only the query parameters a public page reads make another cache entry: anything else in
the address (``/national/?x=random``) is the same page from the same entry, and the stored
page never repeats it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from plans.cache import all_content_changed

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
