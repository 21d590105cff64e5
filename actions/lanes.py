"""Lay out items that span consecutive columns in as few rows ("lanes") as possible.

The roadmap grid has one column per quarter. Each deliverable spans the quarters from its
start to its due quarter; deliverables of one workstream that do not overlap share a table
row, and overlapping ones go on further rows of the same workstream. An item is always one
cell, however many columns it spans (an HTML ``colspan``), as Dorset's merged "Q3/4" column.

This module has no Django imports: it is pure arithmetic, tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slot(Generic[T]):
    """One cell of a lane: an item spanning ``span`` columns from ``column``, or a gap
    (``item is None``, always one column wide, so every empty quarter is its own cell).
    """

    column: int
    span: int
    item: T | None = None

    @property
    def columns(self) -> range:
        return range(self.column, self.column + self.span)


def pack(
    items: Sequence[T], columns: int, position: Callable[[T], tuple[int, int]]
) -> list[list[Slot[T]]]:
    """Place ``items`` in lanes of ``columns`` columns and return each lane's slots.

    ``position(item)`` gives the item's first and last column (0-based, inclusive); values
    outside ``0..columns-1`` are clipped, and an item wholly outside the columns is clipped
    to the nearest edge so that nothing is ever lost. Items keep their given order within a
    lane; each goes in the first lane where it fits (first fit by start column), so items
    that do not overlap share a lane. Every lane's slots cover every column exactly once.
    An empty ``items`` gives no lanes.
    """
    if columns < 1:
        raise ValueError("A grid needs at least one column.")
    placed: list[tuple[int, int, T]] = []
    for item in items:
        first, last = position(item)
        if last < first:
            raise ValueError(f"{item!r} ends before it starts.")
        first = min(max(first, 0), columns - 1)
        last = min(max(last, first), columns - 1)
        placed.append((first, last, item))
    # Stable: items starting in the same column keep their given order.
    placed.sort(key=lambda entry: entry[0])

    lanes: list[list[tuple[int, int, T]]] = []
    for first, last, item in placed:
        for lane in lanes:
            if lane[-1][1] < first:
                lane.append((first, last, item))
                break
        else:
            lanes.append([(first, last, item)])
    return [_with_gaps(lane, columns) for lane in lanes]


def _with_gaps(lane: list[tuple[int, int, T]], columns: int) -> list[Slot[T]]:
    slots: list[Slot[T]] = []
    column = 0
    for first, last, item in lane:
        slots.extend(Slot(gap, 1) for gap in range(column, first))
        slots.append(Slot(first, last - first + 1, item))
        column = last + 1
    slots.extend(Slot(gap, 1) for gap in range(column, columns))
    return slots
