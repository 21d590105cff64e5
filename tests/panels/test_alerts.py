"""A published panel view is announced to the force's followers by e-mail, in the next
digest, with a link that opens the public page; a draft is never announced."""

import datetime as dt
import re

import pytest

from alerts.models import Event, EventKind, Subscription
from panels.models import PanelView, Verdict
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)
SITE = "https://prap.example.org"


@pytest.fixture
def follower(force_a):
    return Subscription.objects.create(
        email="dana@example.org",
        force=force_a,
        created_at=NOW - dt.timedelta(days=2),
        confirmed_at=NOW - dt.timedelta(days=1),
    )


def test_a_published_view_reaches_the_forces_followers(
    settings,
    client,
    reference,
    force_a,
    panel_a,
    pat,
    follower,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = SITE
    data = force_data(force_a)
    view = PanelView(
        panel=panel_a,
        force=force_a,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict=Verdict.DISAGREE,
        reasons="Draft reasons that stay private until published.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        view.save_by(pat, NOW, 0)
    assert not Event.objects.exists()  # a draft is never announced
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        view.save_by(pat, NOW, view.version, publish=True)

    event = Event.objects.get()
    assert (event.kind, event.force, event.occurred_at) == (
        EventKind.PANEL_VIEW_PUBLISHED,
        force_a,
        NOW,
    )
    assert event.summary == (
        f"Force A Independent Community Panel on “{data.published.title}” "
        f"({RETURN_QUARTER}): Disagree."
    )
    assert event.path == data.published.get_absolute_url()
    [message] = mailoutbox
    assert message.to == ["dana@example.org"]
    assert "Force A Independent Community Panel" in message.body
    assert "Draft reasons" not in message.body
    [link] = [u for u in re.findall(r"https?://\S+", message.body) if "/deliverables/" in u]
    assert client.get(link.removeprefix(SITE)).status_code == 200


def test_a_statement_links_to_the_panel_page(
    reference, force_a, panel_a, pat, django_capture_on_commit_callbacks
):
    force_data(force_a)
    statement = PanelView(
        panel=panel_a, force=force_a, quarter=RETURN_QUARTER, verdict=Verdict.AGREE
    )
    with django_capture_on_commit_callbacks(execute=True):
        statement.save_by(pat, NOW, 0, publish=True)

    event = Event.objects.get()
    assert event.path == f"/forces/{force_a.slug}/panel/"
    assert event.summary == (
        f"Force A Independent Community Panel published its statement on the "
        f"{RETURN_QUARTER} return: Agree."
    )
