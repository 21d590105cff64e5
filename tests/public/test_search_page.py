"""/search/ and /search.json: one search across every force's published deliverables,
quarterly updates and practice examples. Passes on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from plans.cache import all_content_changed
from plans.quarters import Quarter
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    PracticeExampleFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="typo tolerance uses PostgreSQL's pg_trgm"
)


@pytest.fixture
def forces():
    involved = WorkstreamFactory(slug="involved", order=3, name="Involved")
    respected = WorkstreamFactory(slug="respected", order=2, name="Not over-policed")
    dorset = ForceFactory(slug="dorset", name="Dorset Police", region="South West")
    kent = ForceFactory(slug="kent", name="Kent Police", region="South East")
    dorset_plan = PlanFactory(
        force=dorset, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4)
    )
    kent_plan = PlanFactory(
        force=kent, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4)
    )
    strip = DeliverableFactory(
        plan=dorset_plan,
        workstream=respected,
        title="Review strip-searches of children",
        description="We will review every strip-search of a child in custody.",
        lead="Head of Custody",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 2),
    )
    QuarterlyUpdateFactory(
        deliverable=strip,
        quarter=Quarter(2024, 1),
        status="at_risk",
        done="The panel read 40 records of strip searches.",
        next="Publish what the panel found.",
    )
    stop = DeliverableFactory(
        plan=kent_plan,
        workstream=respected,
        title="Reform use of stop and search",
        description="We will ask the community scrutiny panel to review body-worn video.",
        start_quarter=Quarter(2025, 1),
        due_quarter=Quarter(2025, 3),
    )
    DeliverableFactory(
        plan=kent_plan,
        workstream=involved,
        title="Missing Black children",
        description="We will work with schools when a child goes missing.",
        start_quarter=Quarter(2024, 3),
        due_quarter=Quarter(2024, 4),
    )
    PracticeExampleFactory(
        force=kent,
        workstream=involved,
        title="Youth panel on stop and search",
        summary="Young people review stop and search footage with officers.",
    )
    listening = ActivityFactory(
        force=kent,
        title="Listening evening in Maidstone",
        held_on=dt.date(2024, 5, 14),
        place="Maidstone",
        partners="Maidstone Mosque",
        partner_contacts="secretary-mailbox@example.org",
        themes=["hate_crime"],
        heard="Parents asked how school exclusions are shared with officers.",
    )
    ActivityFactory(force=kent, title="Draft evening", heard="Exclusions again.", published_at=None)
    all_content_changed()  # as after any write: the index is written with it
    return {"strip": strip, "stop": stop, "listening": listening}


def found(client, **query) -> dict:
    response = client.get("/search.json", query)
    assert response.status_code == 200, response.content
    return response.json()


def titles(client, **query) -> list[str]:
    return [result["title"] for result in found(client, **query)["results"]]


def main(response) -> str:
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_a_search_finds_other_forms_of_the_words(client, forces):
    assert titles(client, q="strip search") == [
        "Review strip-searches of children",
        "Review strip-searches of children: Q1 2024/25 update",
    ]
    assert "Reform use of stop and search" in titles(client, q="stop and searches")
    assert titles(client, q="missing black children") == ["Missing Black children"]


def test_each_result_shows_its_force_where_it_matched_and_links_to_its_page(client, forces):
    response = client.get("/search/", {"q": "panel"})
    html = main(response)

    assert response.status_code == 200
    assert "3 results for \u2018panel\u2019" in html
    update = re.search(
        r'<li class="prap-search-result">(?:(?!</li>).)*#update-2024-Q1.*?</li>', html, re.S
    )
    assert update is not None
    block = update.group(0)
    assert "Quarterly update" in block and "Dorset Police" in block
    assert f'href="/forces/dorset/deliverables/{forces["strip"].pk}/#update-2024-Q1"' in block
    # (PostgreSQL's ts_headline leaves out the common words at the ends.)
    assert re.search(r"What was done:</span> (The )?<mark>panel</mark> read 40 records", block)
    assert '<strong class="prap-status prap-status--at_risk">At risk</strong>' in block
    assert 'href="/practice/?q=Youth+panel+on+stop+and+search&amp;force=kent"' in html


def test_a_match_only_in_what_is_next_is_shown_from_there(client, forces):
    [result] = found(client, q="publish")["results"]
    assert result["matched_in"] == "What is next"
    assert result["excerpt"].startswith("Publish what the panel found")


def test_results_are_counted_by_kind_and_filtered_by_kind(client, forces):
    everything = found(client, q="panel")
    assert everything["kinds"] == {
        "deliverable": 1,
        "update": 1,
        "practice": 1,
        "engagement": 0,
        "panel": 0,
    }
    assert titles(client, q="panel", kind="practice") == ["Youth panel on stop and search"]
    html = main(client.get("/search/", {"q": "panel"}))
    assert (
        '<a class="govuk-link" href="?q=panel&amp;kind=practice">Practice examples (1)</a>' in html
    )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"kind": "update"},
        {"kind": "engagement"},
        {"force": "kent"},
        {"force": "kent", "kind": "practice"},
    ],
)
def test_the_count_is_of_the_results_listed_under_any_filters(client, forces, filters):
    """The total comes from the counts by kind (the results of the kind chosen, or of every
    kind), not from counting the matches again: it is the number of results listed."""
    body = found(client, q="panel", **filters)
    assert body["count"] == len(body["results"])
    html = main(client.get("/search/", {"q": "panel", **filters}))
    if body["count"]:
        result = "result" if body["count"] == 1 else "results"
        assert f"{body['count']} {result} for \u2018panel\u2019" in html
    else:
        assert "No results for \u2018panel\u2019" in html
    if "kind" not in filters:
        assert body["count"] == sum(body["kinds"].values())


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"force": "kent"}, ["Reform use of stop and search", "Youth panel on stop and search"]),
        ({"region": "South West"}, []),
        ({"workstream": "involved"}, ["Youth panel on stop and search"]),
        ({"status": "not_started"}, ["Reform use of stop and search"]),
        ({"quarter": "2025-Q2"}, ["Reform use of stop and search"]),
        ({"quarter": "2024-Q1"}, []),
    ],
)
def test_filters_narrow_the_results(client, forces, filters, expected):
    assert sorted(titles(client, q="stop search", **filters)) == expected


def test_quotes_find_words_together_and_minus_leaves_words_out(client, forces):
    assert titles(client, q='"stop and search" -youth') == ["Reform use of stop and search"]
    reversed_phrase = found(client, q='"search stop"')
    assert reversed_phrase["count"] == 0 or reversed_phrase["close_matches"]
    assert sorted(titles(client, q="schools or custody", kind="deliverable")) == [
        "Missing Black children",
        "Review strip-searches of children",
    ]


@pytest.mark.parametrize(
    "q", ["custody -strip or children", "children or custody -strip", "-strip children or custody"]
)
def test_what_is_left_out_is_left_out_of_every_alternative(client, forces, q):
    """Wherever ``-word`` stands, as on SQLite and in close matches (PostgreSQL's own
    reading of the whole text would leave it out of its own alternative only)."""
    assert titles(client, q=q, kind="deliverable") == ["Missing Black children"]


def test_a_script_in_a_title_is_shown_as_text(client, forces):
    DeliverableFactory(
        plan=forces["strip"].plan,
        workstream=forces["strip"].workstream,
        title='<script>alert("x")</script> custody visits',
        description="Custody <img src=x onerror=alert(1)> visits by <b>volunteers</b>.",
    )
    all_content_changed()

    html = main(client.get("/search/", {"q": "custody visits"}))

    assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>custody</mark>" in html
    assert re.findall(r"</?(\w+)", html.split('id="results-heading"')[1]).count("mark") >= 4


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * 201, "Search for 200 characters or fewer (you entered 201)"),
        ("!!! %%% ???", "Enter words to search for, for example strip search"),
        ("-panel", "Enter at least one word to find, as well as words to leave out"),
    ],
)
def test_a_query_that_cannot_be_run_gets_a_message_not_an_error(client, forces, q, message):
    response = client.get("/search/", {"q": q})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#id_q">{message}</a>' in html
    assert "<title>Error: Search" in html
    assert client.get("/search.json", {"q": q}).json() == {"errors": {"q": [message]}}


def test_a_nul_byte_or_stray_syntax_is_no_error(client, forces):
    for q in ("strip\x00search", '"', "-", "or", "( ) & | ! <->", "'", "about"):
        response = client.get("/search/", {"q": q})
        assert response.status_code in (200, 400), q
    # A NUL anywhere in a query string is refused before any view (prap.middleware).
    assert client.get("/search.json", {"q": "strip\x00search"}).status_code == 400


def test_an_unknown_filter_value_gets_a_message(client, forces):
    response = client.get("/search/", {"q": "panel", "kind": "secret", "quarter": "1999-Q1"})

    assert response.status_code == 400
    assert "Select a valid choice. secret is not one of the available choices." in (
        response.content.decode()
    )


def test_nothing_typed_explains_what_can_be_searched(client, forces):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "What you can search" in response.content.decode()
    assert found(client, q="") == {
        "query": "",
        "close_matches": False,
        "close_words": [],
        "count": 0,
        "page": 1,
        "pages": 0,
        "kinds": {},
        "results": [],
    }


def test_results_are_paginated_keeping_the_query(client, forces):
    for number in range(25):
        DeliverableFactory(
            plan=forces["stop"].plan,
            workstream=forces["stop"].workstream,
            title=f"Mentoring scheme {number}",
        )
    all_content_changed()

    first = found(client, q="mentoring")
    second = found(client, q="mentoring", page=2)
    html = main(client.get("/search/", {"q": "mentoring"}))

    assert (first["count"], first["pages"], len(first["results"])) == (25, 2, 20)
    assert len(second["results"]) == 5
    assert not {r["title"] for r in first["results"]} & {r["title"] for r in second["results"]}
    assert 'href="?q=mentoring&amp;page=2"' in html
    assert '<a class="govuk-link" href="#results-heading">Go to the 25 results</a>' in html
    assert found(client, q="mentoring", page="99")["page"] == 2  # the last page


def test_the_json_gives_the_same_results_with_absolute_links(client, forces):
    body = found(client, q="strip search", force="dorset")

    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "kind": "deliverable",
        "title": "Review strip-searches of children",
        "url": f"http://testserver/forces/dorset/deliverables/{forces['strip'].pk}/",
        "force": {"slug": "dorset", "name": "Dorset Police"},
        "region": "South West",
        "workstream": "respected",
        "status": "at_risk",
        "first_quarter": "2024-Q1",
        "last_quarter": "2024-Q2",
        "earlier_plan": False,
        "matched_in": "What we will do",
        "excerpt": first["excerpt"],
    }
    assert "strip-search of a child in custody" in first["excerpt"]


def test_every_page_has_the_search_box(client, forces):
    html = client.get("/forces/").content.decode()

    assert '<form class="prap-header__search" action="/search/" method="get" role="search"' in html
    assert '<input class="govuk-input prap-header__search-input" id="site-search" name="q"' in html


@on_postgresql
def test_a_misspelt_search_offers_close_matches(client, forces):
    body = found(client, q="stopp serch")

    assert body["close_matches"] is True
    assert "Reform use of stop and search" in [r["title"] for r in body["results"]]
    html = main(client.get("/search/", {"q": "stopp serch"}))
    assert "Nothing matched \u2018stopp serch\u2019 exactly. These are close" in html


@on_postgresql
def test_results_are_ranked_by_relevance_title_first(client, forces):
    # "panel" is in the practice example's title, and in the text of the others.
    assert titles(client, q="panel")[0] == "Youth panel on stop and search"


def test_published_engagement_activities_are_found_and_link_to_the_activity(client, forces):
    listening = forces["listening"]
    [result] = found(client, q="school exclusions")["results"]
    assert result["kind"] == "engagement"
    assert result["title"] == "Listening evening in Maidstone"
    assert result["url"] == f"http://testserver/forces/kent/engagement/#activity-{listening.pk}"
    assert result["force"]["slug"] == "kent"
    assert result["workstream"] == "involved"
    assert result["matched_in"] == "What we heard"
    assert (result["first_quarter"], result["last_quarter"]) == ("2024-Q1", "2024-Q1")
    # The themes, place and partners are searched too; the partners' contact points are not.
    assert titles(client, q="hate crime", kind="engagement") == ["Listening evening in Maidstone"]
    assert titles(client, q="mosque") == ["Listening evening in Maidstone"]
    assert found(client, q="secretary mailbox")["count"] == 0
    assert titles(client, q="panel", kind="engagement") == []
    html = main(client.get("/search/", {"q": "exclusions"}))
    assert "Engagement activity" in html
    assert f'href="/forces/kent/engagement/#activity-{listening.pk}"' in html
    assert "Draft evening" not in html
