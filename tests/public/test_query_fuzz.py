"""Bad input in a public address is a 400 or a page that says what is wrong, never a 500.

Every public page (from the URL resolver, ``tests/urls_walk.py``) is requested with each of
its parameters, and the parameters public pages commonly read, set to hostile values.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.utils import timezone

from alerts.models import Subscription
from plans.quarters import Quarter
from tests.factories import (
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)
from tests.urls_walk import public_urls

pytestmark = pytest.mark.django_db

COMMON = ("page", "sort", "format", "q", "region", "country", "status", "workstream", "forces")
HOSTILE = (
    "\x00",
    "dorset\x00",
    "'; DROP TABLE plans_force; --",
    "<script>alert(1)</script>",
    "%00",
    "\ufb00\u202e\ufeff\U0001d518\U0001d52b\U0001d526",  # ligature, RTL override, BOM, Fraktur
    "9" * 400,
    "-1",
    "",
)


def _alert_links(force) -> dict[str, str]:
    """The e-mail alert pages' tokens: a sign-up to ``force`` waiting for confirmation."""
    sign_up, _ = Subscription.objects.get_or_create(
        email="reader@example.org", force=force, defaults={"created_at": timezone.now()}
    )
    return {"confirm": sign_up.token, "unsubscribe": sign_up.token}


@pytest.fixture
def samples():
    workstream = WorkstreamFactory(slug="involved", order=3, name="Involved")
    force = ForceFactory(slug="fuzzshire", name="Fuzzshire Police", region="Eastern")
    plan = PlanFactory(force=force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4))
    deliverable = DeliverableFactory(plan=plan, workstream=workstream, title="Open meetings")
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 1), status="on_track")
    return [
        {
            "forces": "fuzzshire",
            "deliverables": deliverable.pk,
            "workstreams": "involved",
            "region": "Eastern",
            "compared": "fuzzshire",
        },
        _alert_links(force),
    ]


def _with(url: str, name: str, value: str) -> str:
    path, _, query = url.partition("?")
    params = [(n, v) for n, v in parse_qsl(query, keep_blank_values=True) if n != name]
    return f"{path}?{urlencode([*params, (name, value)], quote_via=quote)}"


def test_no_public_parameter_turns_bad_input_into_a_500(client, samples):
    client.raise_request_exception = False
    urls = public_urls(samples)
    failures = []
    nul_not_refused = []
    for _, url in urls:
        names = {n for n, _ in parse_qsl(url.partition("?")[2])} | set(COMMON)
        for name in sorted(names):
            for value in HOSTILE:
                target = _with(url, name, value)
                status = client.get(target).status_code
                if status >= 500:
                    failures.append(f"{status} {target}")
                if "\x00" in value and status != 400:
                    nul_not_refused.append(f"{status} {target}")
    assert len(urls) > 20
    assert failures == []
    assert nul_not_refused == []


def test_a_nul_in_a_parameter_name_or_the_path_is_refused(client):
    client.raise_request_exception = False
    assert client.get("/national/compare/?forces%00=dorset").status_code == 400
    assert client.get("/national/compare/?forces=dorset%00").status_code == 400
    assert client.get("/forces/dorset%00/").status_code in (400, 404)
