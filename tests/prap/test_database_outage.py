"""While the database is unreachable, public pages cached before the outage still answer
(marked "may be out of date"); everything else is a 503 that says to try again, not a 500."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

from plans.cache import all_content_changed

pytestmark = pytest.mark.django_db

NOTICE = "This page may be out of date."


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "database-outage-tests",
        }
    }
    settings.PUBLIC_PAGE_CACHE = True
    all_content_changed()


@contextmanager
def database_down(error: Exception | None = None):
    refused = error or OperationalError('connection to server at "10.0.0.9", port 5432 failed')
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        yield


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ],
    ids=["operational", "interface"],
)
def test_a_public_page_cached_before_the_outage_answers_during_it(page_cache, error):
    visitor = Client(raise_request_exception=False)
    before = visitor.get("/forces/")
    assert before.status_code == 200
    assert NOTICE not in before.content.decode()

    with database_down(error):
        during = visitor.get("/forces/")
    assert during.status_code == 200
    page = during.content.decode()
    assert NOTICE in page
    assert "<!--prap:outage-notice-->" not in page
    # The rest of the page is the copy.
    assert before.content.decode().split("<main", 1)[1] == page.split("<main", 1)[1]
    assert "no-cache" in during["Cache-Control"]
    assert during["Content-Length"] == str(len(during.content))

    after = visitor.get("/forces/")
    assert after.status_code == 200
    assert NOTICE not in after.content.decode()


def test_a_page_never_cached_is_a_503_that_says_to_try_again(page_cache):
    visitor = Client(raise_request_exception=False)
    with database_down():
        response = visitor.get("/national/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_a_visitor_with_a_session_gets_a_503_not_the_shared_copy(page_cache, settings):
    Client().get("/forces/")
    visitor = Client(raise_request_exception=False)
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    with database_down():
        response = visitor.get("/forces/")
    assert response.status_code == 503


def test_other_server_errors_are_still_500s(page_cache, settings):
    visitor = Client(raise_request_exception=False)
    with mock.patch("public.views.render", side_effect=RuntimeError("a fault")):
        response = visitor.get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
