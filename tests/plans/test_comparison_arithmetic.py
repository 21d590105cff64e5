import datetime as dt
import itertools
from types import SimpleNamespace as Row

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import comparison
from actions.progress import StatusCounts
from plans.quarters import Quarter
from plans.returns import is_overdue, is_past_deadline, return_deadline

counts = st.builds(
    StatusCounts,
    *[st.integers(0, 50) for _ in range(5)],
)


@given(counts)
def test_a_status_bar_fills_the_whole_width_in_display_order(tally):
    segments = comparison.status_bar(tally)
    if tally.total == 0:
        assert segments == []
        return
    assert sum(segment.count for segment in segments) == tally.total
    assert sum(segment.width for segment in segments) == pytest.approx(100, abs=0.01)
    order = [segment.status for segment in segments]
    assert order == [s for s in comparison.DISPLAY_ORDER if s in order]
    for before, after in itertools.pairwise(segments):
        assert after.x == pytest.approx(before.x + before.width, abs=0.01)


def test_grouped_rows_add_up_per_force_and_per_workstream():
    forces = [Row(pk=1, latest_quarter=Quarter(2024, 2)), Row(pk=2), Row(pk=3)]
    workstreams = [Row(pk=10, slug="represented"), Row(pk=20, slug="involved")]
    rows = [
        {"plan__force": 1, "workstream": 10, "counts": StatusCounts(complete=1, on_track=1)},
        {"plan__force": 1, "workstream": 20, "counts": StatusCounts(not_started=2)},
        {"plan__force": 2, "workstream": 20, "counts": StatusCounts(complete=3)},
    ]
    first, second, third = comparison.compare_forces(forces, workstreams, rows)
    assert first.counts == StatusCounts(complete=1, on_track=1, not_started=2)
    assert first.percent_complete == 25
    assert first.share_by_workstream == {"represented": 50, "involved": 0}
    assert first.latest_quarter == Quarter(2024, 2)
    assert second.share_by_workstream == {"represented": None, "involved": 100}
    assert third.counts.total == 0
    assert third.percent_complete is None
    only = comparison.compare_forces(forces, workstreams, rows, only_workstream=workstreams[0])
    assert only[0].counts == StatusCounts(complete=1, on_track=1)
    assert only[1].counts.total == 0


@pytest.mark.parametrize(
    ("share", "band"), [(0, 0), (19, 0), (20, 1), (59, 2), (60, 3), (79, 3), (80, 4), (100, 4)]
)
def test_heat_map_bands(share, band):
    tally = StatusCounts(complete=share, not_started=100 - share)
    assert comparison.WorkstreamShare(Row(slug="x"), tally).band == band
    assert comparison.WorkstreamShare(Row(slug="x"), StatusCounts()).band is None


def test_coverage_crosses_actions_with_forces():
    actions = [Row(pk=1, workstream="R"), Row(pk=2, workstream="R"), Row(pk=3, workstream="P")]
    forces = [Row(pk=7), Row(pk=8)]
    result = comparison.coverage(actions, forces, {(1, 7), (1, 8), (3, 7)})
    assert [row.count for row in result.actions] == [2, 0, 1]
    assert [row.percent for row in result.actions] == [100, 0, 50]
    assert [row.count for row in result.forces] == [2, 1]
    assert result.forces[0].percent == 67
    assert [row.action.pk for row in result.least_covered(2)] == [2, 3]
    assert [(ws, len(rows)) for ws, rows in result.by_workstream()] == [("R", 2), ("P", 1)]


def test_a_return_is_due_thirty_days_after_its_quarter_ends():
    quarter = Quarter(2025, 2)  # July-September 2025
    assert return_deadline(quarter, 30) == dt.date(2025, 10, 30)
    assert not is_past_deadline(quarter, 30, dt.date(2025, 10, 30))
    assert is_past_deadline(quarter, 30, dt.date(2025, 10, 31))
    assert is_overdue("in_progress", quarter, 30, dt.date(2025, 10, 31))
    assert not is_overdue("complete", quarter, 30, dt.date(2026, 1, 1))
    assert not is_overdue(None, quarter, 30, dt.date(2026, 1, 1))
    assert not is_overdue("not_started", quarter, 30, dt.date(2025, 10, 1))
