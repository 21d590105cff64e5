"""The national team's scrutiny panel pages: /staff/panels/ (every force's panel and what it
challenged each quarter) and /staff/panels/not-replied/ (the views waiting for the force's
reply, the longest waiting first)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from panels.models import Panel, Verdict
from plans.quarters import Quarter
from tests.clock import on
from tests.factories import ForceFactory
from tests.panels.panel_data import PUBLISHED, Q1, Q2, Q3, Q4, deliverable_of, panel_view

pytestmark = pytest.mark.django_db

OVERVIEW = "/staff/panels/"
NOT_REPLIED = "/staff/panels/not-replied/"


@pytest.fixture
def nadia_client(client, nadia):
    client.force_login(nadia)
    return client


def cells(page: str, force_name: str) -> list[str]:
    """The text of each cell in the force's row."""
    row = re.search(
        rf"<tr[^>]*>\s*<th[^>]*>(?:(?!</tr>).)*{re.escape(force_name)}.*?</tr>", page, re.S
    )
    assert row, force_name
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(0), re.S)
    ]


def test_the_staff_home_of_the_national_team_links_to_both_pages(nadia_client):
    page = nadia_client.get("/staff/").content.decode()
    assert f'href="{OVERVIEW}"' in page and f'href="{NOT_REPLIED}"' in page


@pytest.mark.parametrize("person", ["alice", "pat"])
def test_coordinators_and_panel_members_are_refused(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(NOT_REPLIED).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(OVERVIEW)["Location"].startswith(reverse("accounts:login"))


def test_each_force_shows_its_panel_and_what_it_challenged_each_quarter(
    nadia_client, force_a, force_b, panel_a
):
    first, second = deliverable_of(force_a), deliverable_of(force_a)
    panel_view(panel_a, first, Q1, Verdict.DISAGREE)
    panel_view(panel_a, first, Q2, Verdict.SOME_CONCERNS)
    panel_view(panel_a, second, Q2, Verdict.DISAGREE, replied=True)
    panel_view(panel_a, deliverable_of(force_a), Q2, Verdict.AGREE)
    page = nadia_client.get(OVERVIEW).content.decode()
    assert "Deliverables challenged in </span>Q1 2025/26" in page
    assert cells(page, "Force A Police") == [
        "Force A Police dashboard",
        "Force A Independent Community Panel",
        "1",
        "2",
        "3 panel views not replied to by Force A Police",
    ]
    assert 'href="/forces/force-a/panel/"' in page
    assert f'href="{NOT_REPLIED}?force=force-a"' in page
    assert cells(page, "Force B Constabulary") == [
        "Force B Constabulary dashboard",
        "No active panel",
        "0",
        "0",
        "0",
    ]
    assert "1 of 2 forces has an active panel of its own" in page


def test_a_national_panel_has_a_row_of_its_own(nadia_client, force_a, panel_a):
    board = Panel.objects.create(name="National Scrutiny Board", description="Every force.")
    panel_view(board, deliverable_of(force_a), Q2, Verdict.DISAGREE)
    page = nadia_client.get(OVERVIEW).content.decode()
    assert cells(page, "National Scrutiny Board") == ["National Scrutiny Board", "1"]
    assert cells(page, "Force A Police")[2:] == [
        "0",
        "1 panel view not replied to by Force A Police",
    ]


def test_the_latest_four_quarters_show_unless_all_are_asked_for(nadia_client, force_a, panel_a):
    quarters = [Quarter(2024, 4), Q1, Q2, Q3, Q4]
    for quarter in quarters:
        panel_view(panel_a, deliverable_of(force_a), quarter)
    recent = nadia_client.get(OVERVIEW).content.decode()
    assert "Q4 2024/25" not in recent and "Q4 2025/26" in recent
    assert recent.index("Q1 2025/26") < recent.index("Q4 2025/26")  # newest last
    assert 'href="?quarters=all"' in recent and "Show all 5 quarters" in recent
    every = nadia_client.get(f"{OVERVIEW}?quarters=all").content.decode()
    assert all(str(quarter) in every for quarter in quarters)
    assert cells(every, "Force A Police")[2:7] == ["1"] * 5


def test_with_no_views_the_page_says_so_in_words(nadia_client, force_a):
    page = nadia_client.get(OVERVIEW).content.decode()
    assert "No panel has published a view yet" in page
    assert "No panel view is waiting for the force's reply." in page
    assert cells(page, "Force A Police") == ["Force A Police dashboard", "No active panel", "0"]


def test_the_overview_takes_the_same_queries_whatever_the_number_of_forces_and_views(
    client, nadia, force_a, force_b, panel_a, panel_b, django_assert_num_queries
):
    def load():
        client.force_login(nadia)
        with django_assert_num_queries(QUERIES):
            assert client.get(OVERVIEW).status_code == 200

    panel_view(panel_a, deliverable_of(force_a), Q1)
    load()
    for n in range(6):
        force = ForceFactory(slug=f"more-{n}", region=f"Region {n}")
        panel = Panel.objects.create(force=force, name=f"Panel {n}", description="A panel.")
        for quarter in (Q1, Q2, Q3, Q4):
            panel_view(panel, deliverable_of(force), quarter, replied=n % 2 == 0)
    load()


#: Sign-in (session, user, second step), every page's two (the content version, whether demo
#: data is loaded) and the page's own five: quarters, panels, challenges, views not replied
#: to, forces.
QUERIES = 10


def test_the_views_not_replied_to_come_longest_waiting_first(
    client, nadia, force_a, force_b, panel_a, panel_b
):
    recent = panel_view(panel_a, deliverable_of(force_a, title="Recruitment review"))
    panel_view(panel_a, deliverable_of(force_a, title="Answered"), replied=True)
    panel_view(
        panel_b,
        None,
        Q1,
        Verdict.SOME_CONCERNS,
        force=force_b,
        published_at=PUBLISHED - dt.timedelta(days=40),
    )
    with on(dt.datetime(2025, 10, 30, 9, 0, tzinfo=dt.UTC)):
        client.force_login(nadia)
        page = client.get(NOT_REPLIED).content.decode()
    assert "2 views waiting for a reply" in page
    assert page.index("Statement on the whole return") < page.index("Recruitment review")
    assert "Answered" not in page
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)[1:]
    waiting = [
        re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]) for row in rows
    ]
    assert waiting == ["50", "10"]
    assert f"/staff/panel-views/{recent.pk}/history/" in page
    assert "/staff/forces/force-a/panel-views/" in page


def test_one_forces_views_not_replied_to(nadia_client, force_a, force_b, panel_a, panel_b):
    panel_view(panel_a, deliverable_of(force_a, title="Force A's deliverable"))
    panel_view(panel_b, deliverable_of(force_b, title="Force B's deliverable"))
    page = nadia_client.get(f"{NOT_REPLIED}?force=force-a").content.decode()
    assert "Force A&#x27;s deliverable" in page and "Force B&#x27;s deliverable" not in page
    assert nadia_client.get(f"{NOT_REPLIED}?force=no-such-force").status_code == 404
    empty = nadia_client.get(f"{NOT_REPLIED}?force={ForceFactory().slug}").content.decode()
    assert "is waiting for its reply" in empty


def test_with_every_view_answered_the_list_says_so(nadia_client, force_a, panel_a):
    panel_view(panel_a, deliverable_of(force_a), replied=True)
    page = nadia_client.get(NOT_REPLIED).content.decode()
    assert "No published panel view is waiting for the force's reply." in page


def test_the_list_takes_the_same_queries_whatever_the_number_of_views(
    client, nadia, force_a, panel_a, django_assert_num_queries
):
    def load():
        client.force_login(nadia)
        with django_assert_num_queries(6):  # sign-in three, every page's two, the views
            assert client.get(NOT_REPLIED).status_code == 200

    panel_view(panel_a, deliverable_of(force_a))
    load()
    for quarter in (Q1, Q3, Q4):
        panel_view(panel_a, deliverable_of(force_a), quarter)
        panel_view(panel_a, None, quarter, force=force_a)
    load()
