import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.quarters import Quarter, quarter_just_ended, quarter_window

quarters = st.builds(Quarter, year=st.integers(1960, 2800), number=st.integers(1, 4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q2 2024/25", Quarter(2024, 2)),
        ("q4 2024/25", Quarter(2024, 4)),
        ("  Q1   2025/26 ", Quarter(2025, 1)),
        ("Q4 1999/00", Quarter(1999, 4)),
        ("2024-Q2", Quarter(2024, 2)),
        ("2024-q3", Quarter(2024, 3)),
    ],
)
def test_it_parses_display_and_compact_forms(text, expected):
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q5 2024/25", "quarters are numbered Q1 to Q4"),
        ("Q0 2024/25", "quarters are numbered Q1 to Q4"),
        ("2024-Q5", "quarters are numbered Q1 to Q4"),
        ("2024/26", "is not a quarter"),
        ("Q2 2024/26", "after 2024 comes 2024/25"),
        ("", "Enter a quarter"),
        ("   ", "Enter a quarter"),
        ("Quarter two", "is not a quarter"),
        ("Q2 24/25", "is not a quarter"),
    ],
)
def test_it_refuses_invalid_text_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        Quarter.parse(text)


def test_it_prints_display_compact_and_months_forms():
    quarter = Quarter(2024, 2)
    assert str(quarter) == "Q2 2024/25"
    assert quarter.compact == "2024-Q2"
    assert quarter.months_label == "Jul-Sep 2024"
    assert Quarter(2024, 4).months_label == "Jan-Mar 2025"
    assert Quarter(2024, 3).months_label == "Oct-Dec 2024"
    assert Quarter(2024, 1).months_label == "Apr-Jun 2024"
    assert Quarter(2099, 4).financial_year == "2099/00"


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter(2024, 1), dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        (Quarter(2024, 2), dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (Quarter(2024, 3), dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        (Quarter(2024, 4), dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        (Quarter(2023, 4), dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ],
)
def test_it_knows_its_first_and_last_day(quarter, first, last):
    assert quarter.first_day == first
    assert quarter.last_day == last


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 3, 31), Quarter(2024, 4)),
        (dt.date(2025, 4, 1), Quarter(2025, 1)),
        (dt.date(2024, 12, 31), Quarter(2024, 3)),
        (dt.date(2025, 1, 1), Quarter(2024, 4)),
        (dt.date(2024, 7, 1), Quarter(2024, 2)),
    ],
)
def test_it_finds_the_quarter_containing_a_date(day, expected):
    assert Quarter.containing(day) == expected


def test_arithmetic_crosses_financial_year_boundaries():
    assert Quarter(2024, 4) + 1 == Quarter(2025, 1)
    assert Quarter(2025, 1) - 1 == Quarter(2024, 4)
    assert Quarter(2024, 2) + 7 == Quarter(2026, 1)
    assert Quarter(2026, 1) - Quarter(2024, 2) == 7
    assert Quarter(2024, 1).previous == Quarter(2023, 4)


def test_range_is_inclusive_and_empty_when_reversed():
    assert Quarter.range(Quarter(2024, 3), Quarter(2025, 1)) == [
        Quarter(2024, 3),
        Quarter(2024, 4),
        Quarter(2025, 1),
    ]
    assert Quarter.range(Quarter(2025, 1), Quarter(2024, 3)) == []


def test_from_first_day_refuses_a_date_that_starts_no_quarter():
    assert Quarter.from_first_day(dt.date(2025, 1, 1)) == Quarter(2024, 4)
    with pytest.raises(ValueError, match="not the first day of a quarter"):
        Quarter.from_first_day(dt.date(2025, 1, 2))


def test_the_quarter_just_ended_is_the_one_before_today():
    assert quarter_just_ended(dt.date(2026, 11, 21)) == Quarter(2026, 2)
    assert quarter_just_ended(dt.date(2025, 4, 1)) == Quarter(2024, 4)


@given(quarters)
def test_parse_reverses_both_printed_forms(quarter):
    assert Quarter.parse(str(quarter)) == quarter
    assert Quarter.parse(quarter.compact) == quarter


@given(quarters, st.integers(-200, 200))
def test_adding_then_subtracting_returns_the_same_quarter(quarter, n):
    assert quarter + n - n == quarter
    assert (quarter + n) - quarter == n


@given(quarters, quarters)
def test_ordering_matches_the_order_of_first_days(a, b):
    assert (a < b) == (a.first_day < b.first_day)
    assert (a == b) == (a.first_day == b.first_day)


@given(st.dates(dt.date(1951, 1, 1), dt.date(2899, 12, 31)))
def test_every_date_lies_in_the_quarter_containing_it(day):
    quarter = Quarter.containing(day)
    assert quarter.first_day <= day <= quarter.last_day
    assert Quarter.from_first_day(quarter.first_day) == quarter


@pytest.mark.parametrize(
    ("first", "last", "around", "window"),
    [
        # Short plans are shown whole.
        ("2024-Q1", "2025-Q2", "2030-Q1", ("2024-Q1", "2025-Q2")),
        # Two quarters before the current one, three after.
        ("2024-Q1", "2027-Q4", "2026-Q3", ("2026-Q1", "2027-Q2")),
        # Slid to stay inside the plan: near its start, near its end, before, after.
        ("2024-Q1", "2027-Q4", "2024-Q2", ("2024-Q1", "2025-Q2")),
        ("2024-Q1", "2027-Q4", "2027-Q4", ("2026-Q3", "2027-Q4")),
        ("2024-Q1", "2027-Q4", "2020-Q1", ("2024-Q1", "2025-Q2")),
        ("2024-Q1", "2027-Q4", "2031-Q1", ("2026-Q3", "2027-Q4")),
    ],
)
def test_the_window_of_quarters_around_now(first, last, around, window):
    assert quarter_window(
        Quarter.parse(first), Quarter.parse(last), Quarter.parse(around), 6, 2
    ) == (
        Quarter.parse(window[0]),
        Quarter.parse(window[1]),
    )


@given(
    first=st.builds(Quarter, st.integers(2000, 2040), st.integers(1, 4)),
    length=st.integers(1, 40),
    offset=st.integers(-20, 60),
    size=st.integers(1, 12),
)
def test_the_window_is_inside_the_span_the_right_size_and_holds_now_when_it_can(
    first, length, offset, size
):
    last = first + (length - 1)
    around = first + offset
    start, end = quarter_window(first, last, around, size, min(2, size - 1))
    assert first <= start <= end <= last
    assert end - start + 1 == min(size, length)
    if first <= around <= last:
        assert start <= around <= end
