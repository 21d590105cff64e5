"""The table of every force's disparity figures: its rows in the order django-tables2 would
put them, and its cells as django-tables2 renders them, for every year, census, group and
sort, unknown figures included."""

import re

import pytest
from django.template import Context
from django_tables2.data import TableListData

from indicators.figures import StopSearchFigures
from public.tables import DisparityTable
from tests.public.test_table_rendering import CELL_BY_CELL, tight

SORTS = [
    "-ratio",
    "ratio",
    "force",
    "-force",
    "searches",
    "-searches",
    "population",
    "rate",
    "-rate",
    "white_rate",
    "change",
    "-change",
]
CHOICES = [
    ("2024/25", 2021, "Black"),
    ("2020/21", 2011, "Black"),  # no change since 2020/21: every one unknown
    ("2020/21", 2021, "Other"),  # Dyfed-Powys gives no count of Other: unknown
    ("2022/23", 2021, "Mixed"),
]


@pytest.fixture
def figures(reference):
    return StopSearchFigures.load()


@pytest.mark.parametrize("year, census, group", CHOICES)
@pytest.mark.parametrize("sort", SORTS)
def test_rows_are_in_the_order_django_tables2_gives_them(figures, year, census, group, sort):
    records = [item for item in figures.forces(year, census) if not item.not_meaningful]
    table = DisparityTable(records, group=group, order_by=sort)

    # django-tables2's own list data, ordered by its own comparisons.
    expected = TableListData(list(records))
    expected.set_table(table)
    TableListData.order_by(expected, table.order_by)

    assert len(table.data.data) == 42
    assert [r.area.slug for r in table.data.data] == [r.area.slug for r in expected.data]


@pytest.mark.parametrize("year, census, group", CHOICES)
def test_each_cell_is_what_django_tables2_renders(figures, year, census, group):
    records = [item for item in figures.forces(year, census) if not item.not_meaningful]
    table = DisparityTable(records, group=group)

    fast = "".join(tight(str(cells)) + "|" for _, cells in table.body)
    slow = tight(CELL_BY_CELL.render(Context({"table": table})))

    assert fast.count("|") == 42
    assert fast == re.sub(r">\s+<", "><", slow)


def test_an_unknown_count_and_an_unknown_change_show_as_unknown_and_a_dash(figures):
    records = [item for item in figures.forces("2020/21", 2021) if not item.not_meaningful]
    table = DisparityTable(records, group="Other", order_by="force")
    cells = {row.record.area.slug: str(html) for row, html in table.body}

    dyfed = cells["dyfed-powys"]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">unknown</td>' in dyfed
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">none</td>' in dyfed
    assert "The source gives no count: unknown, not zero." in dyfed
    # No change in the baseline year itself: the dash that says none.
    assert dyfed.count('<span aria-hidden="true">&ndash;</span>') == 1
    assert '<a class="govuk-link" href="/forces/dyfed-powys/disparities/">' in dyfed


def test_a_forces_figures_are_written_as_counts_rates_and_ratios(figures):
    # Dorset 2022/23 (tests/indicators/test_figures.py): 138 searches of 5,315 Black
    # residents, 25.96 per 1,000 against 1.88; 13.79 times, 11.58 to 16.43, +1.69.
    records = [item for item in figures.forces("2022/23", 2021) if not item.not_meaningful]
    table = DisparityTable(records, group="Black")
    dorset = {row.record.area.slug: str(html) for row, html in table.body}["dorset"]
    numbers = [
        "138",
        "5,315",
        "25.96",
        "1.88",
        "13.79",
        "11.58 to 16.43",
        "+1.69",
    ]
    for number in numbers:
        assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{number}</td>' in dorset
