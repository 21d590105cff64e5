"""The panel's staff pages (Pat, a member of force A's panel) and the force's reply (Alice)."""

import pytest
from django.utils import timezone

from panels.models import PanelReply, PanelView, Verdict
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

RETURN = RETURN_QUARTER.compact


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


def test_staff_home_takes_a_panel_member_to_their_forces_returns(client, data, pat):
    client.force_login(pat)
    response = client.get("/staff/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/panel/forces/force-a/"
    page = response.content.decode()
    assert "Q2 2025/26" in page and "Q1 2025/26" in page


def test_the_return_page_lists_only_published_updates(client, data, pat):
    client.force_login(pat)
    page = client.get(f"/staff/panel/forces/force-a/{RETURN}/").content.decode()
    assert data.published.title in page
    assert data.drafted.title not in page  # the force's draft is not the panel's to see
    assert client.get("/staff/panel/forces/force-a/2026-Q1/").status_code == 404


def test_a_panel_member_drafts_then_publishes_a_view_on_a_deliverable(client, data, pat):
    client.force_login(pat)
    url = f"/staff/panel/forces/force-a/{RETURN}/new/?deliverable={data.published.pk}"
    refused = client.post(url, {"verdict": "disagree", "reasons": "", "version": "0"})
    assert "Give the panel&#x27;s reasons: a view of “Disagree” needs them" in (
        refused.content.decode()
    )
    assert not PanelView.objects.exists()
    client.post(
        url,
        {
            "verdict": "disagree",
            "reasons": "The review has not started.",
            "evidence": "https://example.org/minutes",
            "version": "0",
            "action": "save",
        },
    )
    view = PanelView.objects.get()
    assert (view.deliverable, view.verdict, view.published_at) == (
        data.published,
        Verdict.DISAGREE,
        None,
    )
    # Asking for a new view of the same deliverable opens the draft.
    assert client.get(url)["Location"] == f"/staff/panel/views/{view.pk}/"
    client.post(
        f"/staff/panel/views/{view.pk}/",
        {
            "verdict": "disagree",
            "reasons": "The review has not started.",
            "version": str(view.version),
            "action": "publish",
        },
    )
    view.refresh_from_db()
    assert view.is_published and view.updated_by == pat
    # Published, it is no longer editable.
    client.post(
        f"/staff/panel/views/{view.pk}/",
        {"verdict": "agree", "version": str(view.version), "action": "save"},
    )
    view.refresh_from_db()
    assert view.verdict == Verdict.DISAGREE


def test_a_statement_on_the_whole_return_has_no_deliverable(client, data, pat):
    client.force_login(pat)
    client.post(
        f"/staff/panel/forces/force-a/{RETURN}/new/",
        {
            "verdict": "some_concerns",
            "reasons": "Half the plan is silent.",
            "version": "0",
            "action": "publish",
        },
    )
    statement = PanelView.objects.get()
    assert statement.is_statement and statement.is_published


def test_a_panel_member_cannot_reach_another_force_or_the_forces_own_pages(
    client, data, pat, force_b
):
    client.force_login(pat)
    force_data(force_b)
    assert client.get("/staff/panel/forces/force-b/").status_code == 404
    assert client.get(f"/staff/panel/forces/force-b/{RETURN}/new/").status_code == 404
    assert client.get("/staff/forces/force-a/").status_code == 404
    assert client.get(f"/staff/deliverables/{data.drafted.pk}/").status_code == 404


def test_a_coordinator_cannot_open_the_panels_pages(client, data, alice, pat, panel_a):
    view = PanelView(
        panel=panel_a,
        force=data.force,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict="agree",
    )
    view.save_by(pat, timezone.now(), 0)
    client.force_login(alice)
    assert client.get(f"/staff/panel/views/{view.pk}/").status_code == 403
    assert client.get("/staff/panel/").status_code == 403


def test_the_coordinator_replies_once_beneath_a_published_view(client, data, alice, pat, panel_a):
    view = PanelView(
        panel=panel_a,
        force=data.force,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict="some_concerns",
        reasons="Too slow.",
    )

    view.save_by(pat, timezone.now(), 0, publish=True)
    client.force_login(alice)
    listing = client.get("/staff/forces/force-a/panel-views/").content.decode()
    assert "Too slow." in listing and f"/staff/panel-views/{view.pk}/reply/" in listing
    empty = client.post(f"/staff/panel-views/{view.pk}/reply/", {"text": ""})
    assert "Write the force&#x27;s reply" in empty.content.decode()
    client.post(f"/staff/panel-views/{view.pk}/reply/", {"text": "We have hired two analysts."})
    reply = PanelReply.objects.get()
    assert (reply.view, reply.author, reply.text) == (view, alice, "We have hired two analysts.")
    again = client.post(f"/staff/panel-views/{view.pk}/reply/", {"text": "Another."})
    assert again.status_code == 302 and PanelReply.objects.count() == 1


def test_the_force_dashboard_links_to_the_panels_views(client, data, alice):
    client.force_login(alice)
    page = client.get("/staff/forces/force-a/?quarter=2025-Q2").content.decode()
    assert 'href="/staff/forces/force-a/panel-views/"' in page
