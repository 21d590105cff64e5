"""The public "You said, we did" page and the deliverable page's engagement."""

import datetime as dt

import pytest

from tests.factories import ActivityFactory, DeliverableFactory, EngagementActionFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def deliverable(force_a):
    return DeliverableFactory(plan__force=force_a, title="Reform stop and search")


def page(client, force) -> str:
    return client.get(f"/forces/{force.slug}/engagement/").content.decode()


def test_it_shows_what_was_heard_what_the_force_will_do_and_what_it_did(client, deliverable):
    force = deliverable.plan.force
    activity = ActivityFactory(
        force=force,
        title="Youth panel",
        heard="Young people feel targeted.",
        themes=["stop_and_search", "trust"],
        partners="Youth Voice\nMosque trust",
        attendance=18,
        attendance_black=11,
    )
    EngagementActionFactory(
        activity=activity,
        deliverable=deliverable,
        description="Explain every stop.",
        outcome="Leaflets given at every stop.",
        done_on=dt.date(2025, 3, 1),
    )
    EngagementActionFactory(
        activity=activity,
        deliverable=None,
        due_quarter=None,
        description="Move the station.",
        no_action_reason="The building is not the force's.",
    )
    html = page(client, force)
    for text in (
        "Youth panel",
        "Young people feel targeted.",
        "Stop and search, Trust and confidence",
        "Youth Voice, Mosque trust",
        "18 (counted), of whom 11 from Black communities",
        "Explain every stop.",
        "Reform stop and search",
        "Leaflets given at every stop.",
        "No action:</strong> Move the station.",
        "Because: The building is not the force&#x27;s.",
    ):
        assert text in html, text


def test_a_draft_activity_is_not_on_the_page_and_another_forces_is_not_either(
    client, force_a, force_b
):
    ActivityFactory(force=force_a, title="Draft meeting", published_at=None)
    ActivityFactory(force=force_b, title="Other force meeting")
    html = page(client, force_a)
    assert "Draft meeting" not in html and "Other force meeting" not in html
    assert "Nothing published yet" in html


def test_publishing_renews_the_cached_page(client, settings, force_a):
    settings.PUBLIC_PAGE_CACHE = True
    activity = ActivityFactory(force=force_a, title="Listening event", published_at=None)
    assert "Listening event" not in page(client, force_a)  # now cached without it
    activity.save_by(None, NOW, activity.version, publish=True)
    assert "Listening event" in page(client, force_a)


def test_the_deliverable_page_shows_the_engagement_that_led_to_it(client, deliverable):
    published = ActivityFactory(force=deliverable.plan.force, title="Community meeting in Poole")
    EngagementActionFactory(activity=published, deliverable=deliverable, description="Open data.")
    draft = ActivityFactory(force=deliverable.plan.force, title="Draft panel", published_at=None)
    EngagementActionFactory(activity=draft, deliverable=deliverable, description="Secret.")
    html = client.get(deliverable.get_absolute_url()).content.decode()
    assert "Engagement that led to it" in html
    assert "Community meeting in Poole" in html and "Open data." in html
    assert "Draft panel" not in html and "Secret." not in html


def test_a_deliverable_without_engagement_has_no_such_section(client, deliverable):
    assert (
        "Engagement that led to it"
        not in client.get(deliverable.get_absolute_url()).content.decode()
    )
