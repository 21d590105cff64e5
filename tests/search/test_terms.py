"""Reading the search box (search.terms): pure functions, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.terms import MAX_LENGTH, START, STOP, excerpt, mark, parse, stem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("searches", "search"),
        ("searched", "search"),
        ("searching", "search"),
        ("Search", "search"),
        ("panels", "panel"),
        ("activities", "activity"),
        ("custody", "custody"),
        ("class", "class"),
        ("bus", "bus"),
    ],
)
def test_stem_is_a_prefix_of_the_words_other_forms(word, expected):
    assert stem(word) == expected


def test_words_are_all_required_and_common_words_are_dropped():
    terms = parse("  stop   and searches ")

    assert terms.text == "stop and searches"
    assert terms.alternatives == ((("stop",), ("search",)),)
    assert terms.problem == ""


def test_quotes_make_a_phrase_minus_leaves_out_and_or_gives_alternatives():
    terms = parse('"stop and search" -custody or "scrutiny panels"')

    assert terms.alternatives == ((("stop", "search"),), (("scrutiny", "panel"),))
    assert terms.excluded == (("custody",),)
    assert terms.excluded_text == "-custody"


def test_what_to_leave_out_is_kept_as_typed_for_postgresql():
    terms = parse('stopp -Youths -"body-worn  video" serch -"unclosed')

    assert terms.excluded == (("youth",), ("body", "worn", "video"), ("unclos",))
    assert terms.excluded_text == '-Youths -"body-worn video" -"unclosed'
    assert parse("stop search").excluded_text == ""


def test_what_is_wanted_is_kept_as_typed_apart_from_what_is_left_out():
    terms = parse('custody -Youths or "stop and search" -"body-worn video" OR panel')

    assert terms.wanted_text == 'custody or "stop and search" OR panel'
    assert terms.excluded_text == '-Youths -"body-worn video"'
    assert parse("stop search").wanted_text == "stop search"


def test_a_hyphenated_word_needs_each_of_its_words():
    assert parse("strip-search").alternatives == ((("strip",), ("search",)),)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("!!! ???", "Enter words to search for, for example strip search"),
        ("-custody", "Enter at least one word to find, as well as words to leave out"),
        ("the and of", "Enter more specific words: the, and, of and the like are in everything"),
        ("x" * (MAX_LENGTH + 1), f"Search for {MAX_LENGTH} characters or fewer (you entered 201)"),
        (" ".join(["word"] * 21), "Search for 20 words or fewer"),
    ],
)
def test_what_cannot_be_searched_says_why(typed, problem):
    assert parse(typed).problem == problem


def test_control_characters_are_read_as_spaces():
    assert parse("strip\x00search\x02").text == "strip search"


def test_nothing_typed_is_empty_not_a_problem():
    assert parse("   ").is_empty
    assert parse(None).problem == ""


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(typed):
    terms = parse(typed)
    assert terms.problem or terms.is_empty or terms.alternatives


def test_mark_wraps_every_word_containing_a_stem():
    assert mark("Strip-searches and a strip search", ("search",)) == (
        f"Strip-{START}searches{STOP} and a strip {START}search{STOP}"
    )


def test_excerpt_cuts_around_the_first_match():
    text = " ".join(f"w{i}" for i in range(100)) + " custody " + " ".join("x" * 50)

    cut = excerpt(text, ("custody",), words=12)

    assert cut.startswith("… ")
    assert cut.endswith(" …")
    assert f"{START}custody{STOP}" in cut
    assert len(cut.replace("… ", "").replace(" …", "").split()) == 12


def test_excerpt_without_a_match_is_the_start_of_the_text():
    assert excerpt("We will review every search.", ("panel",)) == "We will review every search."
