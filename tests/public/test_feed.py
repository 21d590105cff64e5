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


def test_a_feed_reader_sees_the_narrative_as_html_escaped_once_with_links_that_resolve(
    client, plan
):
    """Parsed by a real feed client (feedparser): well formed, text escaped once, Markdown
    rendered as on the deliverable page, absolute links that the site answers."""
    import feedparser

    deliverable = DeliverableFactory(plan=plan, title="Stop & search <review>")
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        status="complete",
        done="Trained **forty** mentors & staff.\n\n- one\n- two",
        next="Share <b>results</b> with the panel.",
        evidence="https://example.org/report",
    )
    response = client.get(f"/forces/{plan.force.slug}/feed/")
    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == "Stop & search <review>: Complete (Q1 2024/25)"
    summary = entry.summary
    assert "<strong>forty</strong> mentors &amp; staff." in summary
    assert "<li>one</li>" in summary
    assert "&lt;b&gt;results&lt;/b&gt;" in summary  # typed HTML stays text, escaped once
    assert "&amp;amp;" not in summary and "&lt;p" not in summary
    for link in [feed.feed.link, entry.link, *(link.href for link in feed.feed.links)]:
        assert link.startswith("http://testserver/"), link
        path = link.removeprefix("http://testserver").split("#")[0]
        assert client.get(path).status_code == 200, link
