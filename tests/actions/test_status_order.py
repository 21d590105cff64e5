"""The statuses and their order are declared once (``actions.progress.STATUSES``); every
list of statuses follows it."""

from __future__ import annotations

from dataclasses import fields

from actions.comparison import status_bar
from actions.models import QuarterlyUpdate, Status
from actions.progress import DISPLAY_ORDER, STATUS_LABELS, STATUS_ORDER, STATUSES, StatusCounts
from public.open_data import FORCES
from public.tables import NationalTable


def test_the_stored_choices_are_the_declared_statuses_in_order():
    assert Status.choices == list(STATUSES)
    assert QuarterlyUpdate._meta.get_field("status").choices == list(STATUSES)


def test_the_counts_have_one_field_per_status():
    assert {field.name for field in fields(StatusCounts)} == set(STATUS_ORDER)


def test_the_display_order_puts_complete_first_and_not_started_last():
    assert sorted(DISPLAY_ORDER) == sorted(STATUS_ORDER)
    assert DISPLAY_ORDER[0] == Status.COMPLETE
    assert DISPLAY_ORDER[-1] == Status.NOT_STARTED
    assert DISPLAY_ORDER[1:-1] == STATUS_ORDER[1:-1]


def test_bars_tables_and_the_open_data_list_statuses_in_display_order():
    counts = StatusCounts(**dict.fromkeys(STATUS_ORDER, 1))
    assert [segment.status for segment in status_bar(counts)] == list(DISPLAY_ORDER)
    assert [label for _, label, _ in counts.in_display_order()] == [
        STATUS_LABELS[status] for status in DISPLAY_ORDER
    ]
    table_columns = [name for name in NationalTable.Meta.sequence if name in STATUS_ORDER]
    assert table_columns == list(DISPLAY_ORDER)
    file_columns = [column.name for column in FORCES.columns if column.name in STATUS_ORDER]
    assert file_columns == list(DISPLAY_ORDER)
