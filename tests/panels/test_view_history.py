"""A panel view's history page (/staff/panel-views/<id>/history/): the panel reads all of it,
drafts and members' names included; the force and the national team read it from the day it
was published, with the panel's changes credited to the panel."""

import pytest

from panels.history import panel_view_history
from panels.models import PanelView
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

RETURN = RETURN_QUARTER.compact


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


def history_url(view) -> str:
    return f"/staff/panel-views/{view.pk}/history/"


def write_draft(client, pat, data) -> PanelView:
    client.force_login(pat)
    client.post(
        f"/staff/panel/forces/force-a/{RETURN}/new/?deliverable={data.published.pk}",
        {"verdict": "some_concerns", "reasons": "First words.", "version": "0", "action": "save"},
    )
    view = PanelView.objects.get()
    client.post(
        f"/staff/panel/views/{view.pk}/",
        {
            "verdict": "some_concerns",
            "reasons": "Second words.",
            "version": str(view.version),
            "action": "save",
        },
    )
    view.refresh_from_db()
    return view


@pytest.fixture
def published_view(client, data, pat, alice):
    """Pat drafts, edits and publishes a view; Alice replies to it."""
    view = write_draft(client, pat, data)
    client.post(
        f"/staff/panel/views/{view.pk}/",
        {
            "verdict": "some_concerns",
            "reasons": "Final words.",
            "version": str(view.version),
            "action": "publish",
        },
    )
    client.force_login(alice)
    client.post(f"/staff/panel-views/{view.pk}/reply/", {"text": "We hear you."})
    view.refresh_from_db()
    assert view.is_published and view.reply.text == "We hear you."
    return view


def page_for(client, person, view) -> str:
    client.cookies.clear()  # no message left from an earlier person's save
    client.force_login(person)
    response = client.get(history_url(view))
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_reads_every_draft_and_who_wrote_it(client, published_view, pat, alice):
    page = page_for(client, pat, published_view)
    for words in (
        "Saved the view as a draft: Some concerns",
        "Edited the draft: reasons",
        "First words.",
        "Second words.",
        "Published the view: Some concerns",
        "Final words.",
        "Published the force&#x27;s reply",
        "We hear you.",
        pat.get_full_name(),
    ):
        assert words in page, words
    # The force's own people are shown as the force.
    assert alice.get_full_name() not in page and "Force A Police, " in page


@pytest.mark.parametrize("reader", ["alice", "nadia", "sam"])
def test_the_force_and_the_national_team_read_it_from_its_publication(
    client, request, published_view, pat, alice, reader
):
    page = page_for(client, request.getfixturevalue(reader), published_view)
    assert "Published the view: Some concerns" in page
    assert "We hear you." in page and alice.get_full_name() in page
    # The panel's drafts are its own, and its members are credited to the panel.
    for words in ("as a draft", "Edited the draft", "First words.", "Second words."):
        assert words not in page, words
    assert pat.get_full_name() not in page
    assert "Force A Independent Community Panel, " in page  # who published it


def test_a_drafts_history_is_for_its_panel_only(client, data, pat, alice, nadia, pia):
    draft = write_draft(client, pat, data)
    assert page_for(client, pat, draft).count("Saved the view as a draft") == 1
    for person in (alice, nadia, pia):
        client.force_login(person)
        assert client.get(history_url(draft)).status_code == 404, person


def test_a_withdrawal_shows_with_its_reason(client, published_view, pat, sam):
    client.force_login(sam)
    client.post(
        f"/admin/panels/panelview/{published_view.pk}/change/",
        {"withdrawn_reason": "It named a member of the public."},
    )
    for reader, who in ((sam, sam.get_full_name()), (pat, "An administrator")):
        page = page_for(client, reader, published_view)
        assert "Withdrew the view" in page and "It named a member of the public." in page
        assert who in page


def test_the_pages_of_a_view_link_to_its_history(client, published_view, pat, alice):
    client.force_login(pat)
    own = client.get(f"/staff/panel/views/{published_view.pk}/").content.decode()
    assert history_url(published_view) in own
    client.force_login(alice)
    listing = client.get("/staff/forces/force-a/panel-views/").content.decode()
    assert history_url(published_view) in listing


def test_the_history_takes_two_queries(published_view, django_assert_num_queries):
    view = PanelView.objects.select_related("panel", "force").get()
    with django_assert_num_queries(2):
        entries = panel_view_history(view, for_panel=False)
    assert [entry.summary for entry in entries] == [
        "Published the force's reply",
        "Published the view: Some concerns",
    ]
