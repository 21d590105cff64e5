import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.lanes import pack


def spans(lanes):
    return [[(s.column, s.span, s.item) for s in lane] for lane in lanes]


def test_items_that_do_not_overlap_share_one_lane():
    items = [("a", 0, 0), ("b", 1, 1), ("c", 2, 3)]
    lanes = pack(items, 4, lambda i: (i[1], i[2]))
    assert spans(lanes) == [[(0, 1, items[0]), (1, 1, items[1]), (2, 2, items[2])]]


def test_an_overlapping_item_goes_on_the_next_lane_with_gaps_around_it():
    items = [("long", 0, 3), ("short", 1, 1)]
    lanes = pack(items, 4, lambda i: (i[1], i[2]))
    assert spans(lanes) == [
        [(0, 4, items[0])],
        [(0, 1, None), (1, 1, items[1]), (2, 1, None), (3, 1, None)],
    ]


def test_an_item_outside_the_columns_is_clipped_not_lost():
    items = [("before", -3, -1), ("after", 5, 9)]
    lanes = pack(items, 4, lambda i: (i[1], i[2]))
    placed = [(s.column, s.span, s.item[0]) for lane in lanes for s in lane if s.item]
    assert sorted(placed) == [(0, 1, "before"), (3, 1, "after")]


def test_no_items_give_no_lanes_and_an_empty_grid_is_refused():
    assert pack([], 3, lambda i: (0, 0)) == []
    with pytest.raises(ValueError):
        pack([("a", 0, 0)], 0, lambda i: (0, 0))
    with pytest.raises(ValueError):
        pack([("a", 2, 1)], 3, lambda i: (i[1], i[2]))


items_strategy = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 4)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=40,
)


@given(items_strategy)
def test_every_item_is_placed_once_and_every_lane_covers_every_column_once(items):
    columns = 12
    tagged = list(enumerate(items))
    lanes = pack(tagged, columns, lambda i: i[1])

    placed = [s.item for lane in lanes for s in lane if s.item is not None]
    assert sorted(placed) == sorted(tagged)
    for lane in lanes:
        covered = [c for s in lane for c in s.columns]
        assert covered == list(range(columns))
        assert all(s.span == 1 for s in lane if s.item is None)
    for lane in lanes:
        for slot in lane:
            if slot.item is not None:
                first, last = slot.item[1]
                assert (slot.column, slot.span) == (first, min(last, columns - 1) - first + 1)
    # Sorted by start, first fit uses as many lanes as items overlap at the busiest column.
    assert len(lanes) == max(
        (sum(1 for a, b in items if a <= c <= b) for c in range(columns)), default=0
    )
