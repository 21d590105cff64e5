"""The panel's published word on the public pages: beside the force's update, on the
roadmap (its latest statement, a mark on each deliverable it challenged) and on the panel's
own page. Drafts never; a withdrawn view shows only the administrator's reason."""

import csv
import datetime as dt
import io

import pytest

from panels.models import PanelReply, PanelView, Verdict
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


def publish(panel, data, pat, *, deliverable=None, verdict=Verdict.DISAGREE, reasons="Why."):
    view = PanelView(
        panel=panel,
        force=data.force,
        quarter=RETURN_QUARTER,
        deliverable=deliverable,
        verdict=verdict,
        reasons=reasons,
    )
    view.save_by(pat, NOW, 0, publish=True)
    return view


def test_a_published_view_and_its_reply_sit_beside_the_forces_update(
    client, data, panel_a, pat, alice
):
    url = data.published.get_absolute_url()
    assert "The independent panel" not in client.get(url).content.decode()  # now cached
    view = publish(panel_a, data, pat, deliverable=data.published, reasons="Nothing has changed.")
    PanelReply.publish(view, "The review starts in January.", alice, NOW)
    page = client.get(url).content.decode()  # the cache was renewed by both writes
    update = page[page.index('id="update-2025-Q2"') :]
    assert "The independent panel's view" in update
    assert "Disagree" in update and "Nothing has changed." in update
    assert "The force's reply" in update and "The review starts in January." in update


def test_a_draft_view_is_nowhere_public(client, data, panel_a, pat):
    view = PanelView(
        panel=panel_a,
        force=data.force,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict=Verdict.DISAGREE,
        reasons="zq-panel-draft",
    )
    view.save_by(pat, NOW, 0)
    for url in (data.published.get_absolute_url(), "/forces/force-a/", "/forces/force-a/panel/"):
        assert "zq-panel-draft" not in client.get(url).content.decode()


def test_the_roadmap_marks_challenged_deliverables_and_shows_the_latest_statement(
    client, data, panel_a, pat
):
    publish(panel_a, data, pat, deliverable=data.published, verdict=Verdict.SOME_CONCERNS)
    publish(panel_a, data, pat, reasons="A thin return.")
    page = client.get("/forces/force-a/").content.decode()
    assert page.count("Panel: Some concerns (Q2 2025/26)") == 2  # the grid and the list
    assert "What the independent panel says about the Q2 2025/26 return" in page
    assert "A thin return." in page
    assert 'href="/forces/force-a/panel/"' in page


def test_the_panel_page_lists_the_panel_its_members_and_views_by_quarter(
    client, data, panel_a, pat
):
    publish(panel_a, data, pat, reasons="A thin return.")
    publish(panel_a, data, pat, deliverable=data.published, verdict=Verdict.AGREE, reasons="")
    page = client.get("/forces/force-a/panel/").content.decode()
    assert "Force A Independent Community Panel" in page
    assert "Grace Obi, chair" in page and "A youth representative" in page
    quarter = page[page.index('id="quarter-2025-Q2"') :]
    assert quarter.index("Statement on the whole return") < quarter.index(data.published.title)
    assert "A thin return." in quarter and "Agree" in quarter


def test_a_withdrawn_view_shows_the_reason_in_its_place_and_loses_its_mark(
    client, data, panel_a, pat, sam
):
    view = publish(panel_a, data, pat, deliverable=data.published, reasons="Words now withdrawn.")
    view.withdraw(sam, NOW, "It named a member of staff.")
    for url in ("/forces/force-a/panel/", data.published.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Words now withdrawn." not in page
        assert "It named a member of staff." in page
    assert "Panel: Disagree" not in client.get("/forces/force-a/").content.decode()


def test_a_force_without_a_panel_has_a_panel_page_that_says_so(client, force_b):
    page = client.get("/forces/force-b/panel/").content.decode()
    assert "has no independent scrutiny panel publishing here" in page
    assert client.get("/forces/nowhere/panel/").status_code == 404


def test_the_feed_and_open_data_carry_published_views_and_replies_only(
    client, data, panel_a, pat, alice, sam
):
    view = publish(panel_a, data, pat, deliverable=data.published, reasons="Too slow.")
    PanelReply.publish(view, "We have added staff.", alice, NOW)
    withdrawn = publish(panel_a, data, pat, reasons="Words now withdrawn.")
    withdrawn.withdraw(sam, NOW, "Named a person.")
    draft = PanelView(
        panel=panel_a,
        force=data.force,
        quarter=RETURN_QUARTER - 1,
        deliverable=data.reported,
        verdict=Verdict.AGREE,
        reasons="zq-panel-draft",
    )
    draft.save_by(pat, NOW, 0)

    feed = client.get("/forces/force-a/feed/").content.decode()
    assert "Force A Independent Community Panel: Disagree on" in feed
    assert "Too slow." in feed and "We have added staff." in feed
    assert "Words now withdrawn." not in feed and "zq-panel-draft" not in feed

    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get("/data/panel-views.csv").streaming_content).decode())
        )
    )
    assert [(row["verdict"], row["reasons"], row["reply"]) for row in rows] == [
        ("", "", ""),
        ("disagree", "Too slow.", "We have added staff."),
    ] or [(row["verdict"], row["reasons"], row["reply"]) for row in rows] == [
        ("disagree", "Too slow.", "We have added staff."),
        ("", "", ""),
    ]
    assert {row["withdrawn_reason"] for row in rows} == {"", "Named a person."}
    assert {row["quarter"] for row in rows} == {"2025-Q2"}
