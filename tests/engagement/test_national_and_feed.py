"""Published engagement in the national comparison and the force's feed; drafts nowhere."""

import csv
import io

import pytest

from tests.factories import ActivityFactory, EngagementActionFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_the_national_comparison_counts_published_engagement_only(client, force_a, force_b):
    for force in (force_a, force_b):
        PlanFactory(force=force)
    for _ in range(2):
        EngagementActionFactory(activity__force=force_a)
    ActivityFactory(force=force_a, published_at=None)  # a draft: not counted
    EngagementActionFactory(activity__force=force_a, activity__published_at=None)
    EngagementActionFactory(
        activity__force=force_b, deliverable=None, due_quarter=None, no_action_reason="No."
    )
    response = client.get("/national/?format=csv")
    rows = {
        row["Force"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert rows[force_a.name]["Engagement activities"] == "2"
    assert rows[force_a.name]["Actions from engagement"] == "2"
    assert rows[force_b.name]["Engagement activities"] == "1"
    assert rows[force_b.name]["Actions from engagement"] == "0"  # no action, with a reason
    assert "Engagement activities" in client.get("/national/").content.decode()


def test_the_feed_has_published_activities_but_not_drafts(client, force_a):
    PlanFactory(force=force_a)
    ActivityFactory(force=force_a, title="Listening event", heard="Concerns about custody.")
    ActivityFactory(force=force_a, title="Draft session", published_at=None)
    feed = client.get(f"/forces/{force_a.slug}/feed/").content.decode()
    assert "You said, we did: Listening event" in feed
    assert "Concerns about custody." in feed
    assert f"/forces/{force_a.slug}/engagement/#activity-" in feed
    assert "Draft session" not in feed
