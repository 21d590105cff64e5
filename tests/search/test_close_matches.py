"""Close matches ("did you mean") and the lexicon they look in (``search.SearchWord``).

The lexicon gains the words of every document written, in the same write, so a close match
finds a new word at the very next search; a rebuild drops the words no document holds any
more. On PostgreSQL a misspelling finds the documents with words like it, leaving out what
the search leaves out; on SQLite there are no close matches (the misspelling finds nothing),
as before the lexicon. The close-match search runs the same number of queries at any size.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.cache import all_content_changed
from plans.quarters import Quarter
from plans.versioning import save_content, save_versioned
from search.index import rebuild
from search.models import SearchDocument, SearchWord, lexicon_words, words_like
from search.terms import parse
from tests.factories import (
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    PracticeExampleFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="close matches use PostgreSQL's pg_trgm"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own behaviour")


@pytest.fixture
def plan():
    workstream = WorkstreamFactory(slug="involved", order=3, name="Involved")
    force = ForceFactory(slug="kent", name="Kent Police", region="South East")
    plan = PlanFactory(force=force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4))
    DeliverableFactory(
        plan=plan,
        workstream=workstream,
        title="Reform use of stop and search",
        description="We will ask the community scrutiny panel to review body-worn video.",
        start_quarter=Quarter(2025, 1),
        due_quarter=Quarter(2025, 3),
    )
    PracticeExampleFactory(
        force=force,
        workstream=workstream,
        title="Youth panel on stop and search",
        summary="Young people review stop and search footage with officers.",
    )
    DeliverableFactory(
        plan=plan,
        workstream=workstream,
        title="Missing Black children",
        description="We will work with schools when a child goes missing.",
        start_quarter=Quarter(2024, 3),
        due_quarter=Quarter(2024, 4),
    )
    all_content_changed()  # as after any write: the index and the lexicon are written with it
    plan.workstream = workstream
    return plan


def lexicon() -> set[str]:
    return set(SearchWord.objects.values_list("word", flat=True))


def found(client, q: str) -> dict:
    response = client.get("/search.json", {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def titles(body: dict) -> list[str]:
    return [result["title"] for result in body["results"]]


def test_the_lexicon_keeps_words_of_letters_and_digits_not_common_ones():
    assert lexicon_words("strip-searches of a child, in 2024: the panel's view_x") == {
        "strip",
        "searches",
        "child",
        "2024",
        "panel",
        "view",
    }
    assert lexicon_words("x" * 61 + " y " + "z" * 60) == {"z" * 60}


def test_a_written_document_adds_its_new_words_in_the_same_write(plan):
    assert {"stop", "search", "schools", "youth", "footage"} <= lexicon()
    assert not {"and", "the", "of"} & lexicon()
    deliverable = DeliverableFactory.build(
        plan=plan,
        workstream=plan.workstream,
        title="Safeguarding referrals for exploited teenagers",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 4),
    )

    save_content(deliverable)

    assert {"safeguarding", "referrals", "exploited", "teenagers"} <= lexicon()
    assert SearchWord.objects.filter(word="safeguarding").count() == 1


def test_words_no_document_holds_stay_until_a_rebuild_prunes_them(plan):
    deliverable = DeliverableFactory.build(
        plan=plan,
        workstream=plan.workstream,
        title="Quarterly kaleidoscope review",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 4),
    )
    save_content(deliverable)
    deliverable.title = "Quarterly review"
    save_versioned(deliverable, deliverable.version)
    assert "kaleidoscope" in lexicon()  # stale: it can only widen a close match

    rebuild()

    assert "kaleidoscope" not in lexicon()
    documents = SearchDocument.objects.values_list("plain", flat=True)
    assert lexicon() == set().union(*(lexicon_words(plain) for plain in documents))


@on_postgresql
def test_a_misspelling_finds_the_documents_with_words_like_it(client, plan):
    body = found(client, "stopp serch")

    assert body["close_matches"] is True
    assert sorted(titles(body)) == [
        "Reform use of stop and search",
        "Youth panel on stop and search",
    ]
    assert body["close_words"] == ["stop", "search"]


@on_postgresql
def test_the_page_says_which_words_it_searched_for_instead(client, plan):
    html = client.get("/search/", {"q": "stopp serch"}).content.decode()

    assert (
        "Nothing matched \u2018stopp serch\u2019 exactly. These are close, with words like "
        "<strong>stop</strong> and <strong>search</strong>: check the spelling" in html
    )
    # The words found in place of the ones typed are marked.
    assert "Reform use of <mark>stop</mark> and <mark>search</mark>" in html


@on_postgresql
def test_a_close_match_finds_a_new_word_at_the_very_next_search(client, plan):
    assert found(client, "safegaurding")["count"] == 0
    deliverable = DeliverableFactory.build(
        plan=plan,
        workstream=plan.workstream,
        title="Safeguarding referrals",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 4),
    )
    save_content(deliverable)

    body = found(client, "safegaurding")

    assert body["close_matches"] is True
    assert titles(body) == ["Safeguarding referrals"]


@on_postgresql
def test_words_left_out_stay_out_and_phrases_and_or_still_find(client, plan):
    assert titles(found(client, "stopp serch -youth")) == ["Reform use of stop and search"]
    assert titles(found(client, 'stopp serch -"youth panel"')) == ["Reform use of stop and search"]
    assert found(client, "stopp serch -footage -video")["count"] == 0
    # A phrase's words are each found by words like them.
    assert sorted(titles(found(client, '"stopp serch"'))) == [
        "Reform use of stop and search",
        "Youth panel on stop and search",
    ]
    # Either alternative, each by words like its own.
    assert sorted(titles(found(client, "schoools or footaje"))) == [
        "Missing Black children",
        "Youth panel on stop and search",
    ]


@on_postgresql
def test_the_closest_words_come_first(client, plan):
    DeliverableFactory(
        plan=plan,
        workstream=plan.workstream,
        title="Sergeant stopped by the community",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 4),
    )
    all_content_changed()

    ranked = titles(found(client, "stop serch"))

    assert ranked[-1] == "Sergeant stopped by the community"
    assert set(ranked[:-1]) == {"Reform use of stop and search", "Youth panel on stop and search"}


@on_sqlite
def test_sqlite_has_no_close_matches(client, plan):
    assert words_like(parse("stopp serch")).like == {}
    assert SearchDocument.objects.similar_to(words_like(parse("stopp serch"))).count() == 0

    body = found(client, "stopp serch")

    assert (body["count"], body["close_matches"], body["close_words"]) == (0, False, [])
    html = client.get("/search/", {"q": "stopp serch"}).content.decode()
    assert "No results for \u2018stopp serch\u2019" in html
    assert "Nothing matched" not in html


def add_documents(plan, count: int) -> None:
    for number in range(count):
        DeliverableFactory(
            plan=plan,
            workstream=plan.workstream,
            title=f"Stop and search review {number}",
            description=f"Panel number{number} reads the searches of quarter {number}.",
            start_quarter=Quarter(2024, 1),
            due_quarter=Quarter(2024, 4),
        )
    all_content_changed()


def close_match_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "stopp serch -youth"})
    assert response.status_code == 200
    return len(queries)


def test_the_close_match_search_runs_the_same_queries_at_any_size(client, plan):
    add_documents(plan, 3)
    small = close_match_queries(client)
    add_documents(plan, 30)
    large = close_match_queries(client)

    assert small == large <= 11
