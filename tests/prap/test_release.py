"""The release is part of every public page's cache key: two releases sharing one cache
during a deploy never serve each other's pages."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from plans.cache import all_content_changed
from prap import release

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, reference):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "release-tests",
        }
    }
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    all_content_changed()
    yield
    cache.clear()


def queries_for(path: str, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(50) as captured:
        assert Client().get(path).status_code == 200
    return len(captured.captured_queries)


def test_a_second_release_renders_its_own_pages(
    page_cache, settings, django_assert_max_num_queries
):
    settings.RELEASE = "2026-12-01-a1b2c3"
    queries_for("/forces/", django_assert_max_num_queries)
    assert queries_for("/forces/", django_assert_max_num_queries) <= 1  # from the cache

    settings.RELEASE = "2026-12-06-d4e5f6"
    assert queries_for("/forces/", django_assert_max_num_queries) > 1  # rendered
    assert queries_for("/forces/", django_assert_max_num_queries) <= 1

    settings.RELEASE = "2026-12-01-a1b2c3"  # the old release, still running, has its own
    assert queries_for("/forces/", django_assert_max_num_queries) <= 1


def test_without_release_set_the_code_itself_names_the_release(settings):
    settings.RELEASE = ""
    # Computed once per process, from the code as it was then (files edited while the
    # process runs are not what it runs).
    assert re.fullmatch(r"code-[0-9a-f]{16}", release.current())
    assert release.current() == release.current()
    settings.RELEASE = "v42"
    assert release.current() == "v42"


def test_the_code_digest_changes_with_the_code_and_only_with_it(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text("def page(): ...\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_views.py").write_text("def test_it(): ...\n")
    before = release.code_digest(tmp_path)

    (tmp_path / "tests" / "test_views.py").write_text("def test_other(): ...\n")
    (tmp_path / "app" / "notes.md").write_text("not code\n")
    assert release.code_digest(tmp_path) == before

    (tmp_path / "app" / "views.py").write_text("def page(): return 1\n")
    assert release.code_digest(tmp_path) != before
