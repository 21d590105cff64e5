import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.progress import STATUS_ORDER, StatusCounts, percent


def test_counts_statuses_and_share_complete():
    counts = StatusCounts.from_statuses(["complete", "complete", "on_track", "at_risk"])
    assert counts.complete == 2
    assert counts.total == 4
    assert counts.percent_complete == 50


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="Unknown status"):
        StatusCounts.from_statuses(["finished"])


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, 0), (1, 3, 33), (2, 3, 67), (1, 8, 13), (1, 200, 1), (1, 201, 0), (5, 5, 100)],
)
def test_percent_rounds_half_up(part, whole, expected):
    assert percent(part, whole) == expected


@given(st.lists(st.sampled_from(STATUS_ORDER)))
def test_totals_add_up(statuses):
    counts = StatusCounts.from_statuses(statuses)
    assert counts.total == len(statuses)
    assert sum(n for _, _, n in counts.items()) == len(statuses)
    assert 0 <= counts.percent_complete <= 100
    doubled = counts + counts
    assert doubled.total == 2 * counts.total
