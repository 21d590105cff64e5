import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from plans.quarters import Quarter
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def plan(db):
    return PlanFactory()


def entries(client, force):
    response = client.get(f"/forces/{force.slug}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 - our own output


def test_the_feed_has_the_forces_published_updates_newest_first(client, plan):
    deliverable = DeliverableFactory(plan=plan, title="Mentoring scheme")
    now = timezone.now()
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter=Quarter(2024, 1),
        status="on_track",
        published_at=now - dt.timedelta(days=90),
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter=Quarter(2024, 2),
        status="complete",
        done="Forty mentors trained.",
        evidence="https://example.org/report\njavascript:alert(1)",
        published_at=now - dt.timedelta(days=1),
    )

    items = entries(client, plan.force)

    titles = [e.findtext(f"{ATOM}title") for e in items]
    assert titles == [
        "Mentoring scheme: Complete (Q2 2024/25)",
        "Mentoring scheme: On track (Q1 2024/25)",
    ]
    link = items[0].find(f"{ATOM}link").get("href")
    assert link.endswith(f"{deliverable.get_absolute_url()}#update-2024-Q2")
    summary = items[0].findtext(f"{ATOM}summary")
    assert "Forty mentors trained." in summary
    assert '<a href="https://example.org/report">' in summary
    assert "javascript:" not in summary


def test_the_feed_leaves_out_drafts_and_other_forces(client, plan):
    deliverable = DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(deliverable=deliverable, done="Draft text", published_at=None)
    QuarterlyUpdateFactory(deliverable=DeliverableFactory(), done="Elsewhere")

    assert entries(client, plan.force) == []


def test_the_feed_of_an_unknown_force_is_a_404(client, db):
    assert client.get("/forces/nowhere/feed/").status_code == 404
