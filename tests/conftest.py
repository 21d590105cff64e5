"""Shared fixtures: reference data and the personas every access test uses.

Personas: anonymous (the test client as is), Alice (coordinator of force A, Dorset),
Bob (coordinator of force B, Cheshire), Nadia (national team), Sam (administrator), Pat
(member of force A's scrutiny panel) and Pia (member of force B's scrutiny panel).
"""

import io
import json
import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import User
from panels.models import Panel
from plans.cache import forget_pages_in_memory
from prap.cache_backends import close_kept_keys
from prap.logs import JsonFormatter, RequestContextFilter
from tests.clock import DEMO_TODAY, on
from tests.factories import ForceFactory, UserFactory
from tests.mfa import VerifiedClient

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Hashed static storage needs collectstatic; tests use plain storage instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Production hashing takes about a second per password; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    forget_pages_in_memory()
    yield
    cache.clear()
    forget_pages_in_memory()
    close_kept_keys()


@pytest.fixture(autouse=True)
def _stored_statuses_kept_right(request):
    """After every test that used the database, each deliverable's stored published status
    is what its updates say (``Deliverable.published_status``), and so are the trend's
    stored figures (``actions.span_models``): whatever the test wrote, through whichever
    write path, kept them right."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_database:
        yield
        return
    # The database is set up before this fixture, so it is still there when this checks.
    request.getfixturevalue("_django_db_helper")
    yield
    from actions.models import Deliverable, stale_trend_figures

    assert Deliverable.objects.stale_published_status() == [], (
        "a write left deliverables' stored published status out of date"
    )
    assert stale_trend_figures() == [], "a write left forces' stored trend figures out of date"


@pytest.fixture
def client():
    """The test client; ``force_login`` completes the second step too (tests/mfa.py)."""
    return VerifiedClient()


@pytest.fixture
def demo_day():
    """The whole test runs on the demo's day (tests/clock.py): load the demo data with
    ``today=demo_day`` and every request after it sees the same date."""
    with on(DEMO_TODAY):
        yield DEMO_TODAY


@pytest.fixture
def reference(db):
    """The real reference data: 44 forces, 4 workstreams, 19 national actions."""
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def force_a(db):
    return ForceFactory(slug="force-a", name="Force A Police")


@pytest.fixture
def force_b(db):
    return ForceFactory(slug="force-b", name="Force B Constabulary")


@pytest.fixture
def alice(force_a):
    return UserFactory(email="alice@force-a.example", role=User.Role.COORDINATOR, force=force_a)


@pytest.fixture
def bob(force_b):
    return UserFactory(email="bob@force-b.example", role=User.Role.COORDINATOR, force=force_b)


@pytest.fixture
def nadia(db):
    return UserFactory(email="nadia@national.example", role=User.Role.NATIONAL)


@pytest.fixture
def sam(db):
    return UserFactory(
        email="sam@admin.example",
        role=User.Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def panel_a(force_a):
    return Panel.objects.create(
        force=force_a,
        name="Force A Independent Community Panel",
        description="Residents who scrutinise Force A's race action plan.",
        members="Grace Obi, chair\nA youth representative",
    )


@pytest.fixture
def panel_b(force_b):
    return Panel.objects.create(
        force=force_b, name="Force B Scrutiny Panel", description="Force B's panel."
    )


@pytest.fixture
def pat(panel_a):
    return UserFactory(email="pat@panel-a.example", role=User.Role.PANEL, force=panel_a.force)


@pytest.fixture
def pia(panel_b):
    return UserFactory(email="pia@panel-b.example", role=User.Role.PANEL, force=panel_b.force)


@pytest.fixture
def log_lines():
    """Every log line written during the test, formatted as in production, parsed back."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def read(**match) -> list[dict]:
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [line for line in lines if all(line.get(k) == v for k, v in match.items())]

    read.raw = stream.getvalue
    yield read
    root.removeHandler(handler)
