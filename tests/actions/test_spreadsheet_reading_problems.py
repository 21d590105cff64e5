"""Files that Python's readers accept or refuse in their own words are explained in ours:
an unbalanced quotation mark, an over-long cell, a workbook with a stray far-away row."""

from __future__ import annotations

import io

import openpyxl
import pytest

from actions.spreadsheets.files import (
    MAX_SCANNED_ROWS,
    RETURN,
    SpreadsheetError,
    bind,
    read_spreadsheet,
)

HEADINGS = "Reference,Title,Quarter,Status,What was done,What is next,Evidence links\n"


def read_csv(text: str):
    return read_spreadsheet(text.encode(), "return.csv").sheets[0]


def test_a_quote_never_closed_is_reported_with_its_row_not_silently_swallowing_rows():
    text = (
        HEADINGS
        + 'D1,,Q2 2025/26,On track,"Started the work,,\n'
        + "D2,,Q2 2025/26,Complete,Finished,,\n"
        + "D3,,Q2 2025/26,On track,Going well,,\n"
    )
    with pytest.raises(SpreadsheetError) as refused:
        read_csv(text)
    message = str(refused.value)
    assert message.startswith('Row 2 has a quotation mark (") that is never closed')
    assert 'written twice ("")' in message


def test_a_quote_closed_rows_later_is_reported_too():
    text = (
        HEADINGS
        + 'D1,,Q2 2025/26,On track,"Started the work,,\n'
        + "D2,,Q2 2025/26,Complete,Finished,,\n"
        + 'D3,,Q2 2025/26,On track,Going" well,,\n'
    )
    with pytest.raises(SpreadsheetError, match=r"^Row 2 has a quotation mark"):
        read_csv(text)


def test_quotes_used_properly_and_multi_line_cells_are_fine():
    text = (
        HEADINGS
        + 'D1,,Q2 2025/26,On track,"Met the panel, twice.\nPublished ""the"" minutes.",,\n'
        + 'D2,,Q2 2025/26,Complete,Trained 5" of staff,,\n'
    )
    sheet = read_csv(text)
    assert [number for number, _ in sheet.rows] == [2, 3]
    assert sheet.rows[0][1][4].text == 'Met the panel, twice.\nPublished "the" minutes.'


def test_an_over_long_cell_is_explained_without_pythons_words():
    text = HEADINGS + "D1,,Q2 2025/26,On track," + "x" * 200_000 + ",,\n"
    with pytest.raises(SpreadsheetError) as refused:
        read_csv(text)
    message = str(refused.value)
    assert message.startswith("Row 2 has a cell longer than 131,072 characters")
    assert "field limit" not in message


def test_a_workbook_with_a_stray_cell_far_below_its_data_says_so():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    sheet.append(HEADINGS.strip().split(","))
    sheet.append(["D1", "", "Q2 2025/26", "On track", "Started", "", ""])
    sheet.cell(row=1_000_000, column=1, value=" ")
    data = io.BytesIO()
    workbook.save(data)
    read = read_spreadsheet(data.getvalue(), "return.xlsx").sheets[0]
    table = bind(read, RETURN)
    [problem] = table.problems
    assert problem.message.startswith("This sheet reaches down to row 1,000,000")
    assert f"only the first {MAX_SCANNED_ROWS:,} are read" in problem.message
    assert "more than 500 rows" not in problem.message


def test_the_cell_limit_holds_whatever_another_library_set_the_csv_modules_limit_to():
    import csv

    before = csv.field_size_limit()
    csv.field_size_limit(10_000_000)
    try:
        test_an_over_long_cell_is_explained_without_pythons_words()
    finally:
        csv.field_size_limit(before)
