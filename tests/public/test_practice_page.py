import pytest

from tests.factories import ForceFactory, PracticeExampleFactory
from workstreams.models import Workstream


@pytest.fixture
def examples(reference):
    involved = Workstream.objects.get(slug="involved")
    represented = Workstream.objects.get(slug="represented")
    beds = ForceFactory(slug="bedfordshire")
    cumbria = ForceFactory(slug="cumbria")
    PracticeExampleFactory(
        force=beds, workstream=involved, title="Community leaders forum", summary="Talks."
    )
    PracticeExampleFactory(
        force=cumbria, workstream=involved, title="Operation Respect", summary="Pride and cohesion."
    )
    PracticeExampleFactory(
        force=beds,
        workstream=represented,
        title="Mentoring",
        summary="Reverse mentoring for leaders.",
        link="https://example.org/mentoring",
    )


def titles(client, **params):
    html = client.get("/practice/", params).content.decode()
    return [t for t in ["Community leaders forum", "Operation Respect", "Mentoring"] if t in html]


def test_the_practice_bank_lists_every_example(client, examples):
    html = client.get("/practice/").content.decode()

    assert titles(client) == ["Community leaders forum", "Operation Respect", "Mentoring"]
    assert '<a class="govuk-link" href="https://example.org/mentoring" rel="external">' in html


def test_the_practice_bank_filters_by_workstream_and_force(client, examples):
    assert titles(client, workstream="involved") == ["Community leaders forum", "Operation Respect"]
    assert titles(client, force="bedfordshire") == ["Community leaders forum", "Mentoring"]
    assert titles(client, workstream="involved", force="cumbria") == ["Operation Respect"]


def test_the_practice_bank_searches_titles_and_summaries_for_every_word(client, examples):
    assert titles(client, q="cohesion") == ["Operation Respect"]
    assert titles(client, q="  MENTORING   leaders ") == ["Mentoring"]
    assert titles(client, q="mentoring nothing-like-this") == []


def test_a_search_with_no_results_says_so_and_keeps_the_words(client, examples):
    html = client.get("/practice/", {"q": "zebra"}).content.decode()

    assert "No examples found" in html
    assert 'value="zebra"' in html


def test_an_unknown_workstream_filter_is_explained(client, examples):
    html = client.get("/practice/", {"workstream": "atlantis"}).content.decode()

    assert "There is a problem" in html
    assert "Select a valid choice" in html
