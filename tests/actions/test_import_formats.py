"""CSV (with or without a byte-order mark) and Excel read back exactly what was written."""

import codecs
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.spreadsheets.exports import export_plan, export_return
from actions.spreadsheets.files import (
    FORMULA_TRIGGERS,
    PLAN,
    SheetData,
    SpreadsheetFile,
    neutralise,
    read_spreadsheet,
    restore,
    split_links,
    write_csv,
    write_xlsx,
)
from actions.spreadsheets.preview import Outcome, apply_import
from actions.spreadsheets.return_import import ReturnImport
from tests.actions.conftest import csv_bytes, csv_rows, now, plan_preview

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]))


@given(texts)
def test_neutralising_a_cell_is_undone_exactly_on_reading(text):
    cell = neutralise(text)

    assert restore(cell) == text
    assert not cell.startswith(FORMULA_TRIGGERS)


@given(st.lists(st.lists(texts.map(lambda t: t.replace("\x00", "")), min_size=10, max_size=10)))
def test_any_text_survives_a_csv_round_trip(rows):
    data = write_csv(SheetData(PLAN, rows))

    sheet = read_spreadsheet(data, "plan.csv").sheets[0]

    assert data.startswith(codecs.BOM_UTF8)
    assert sheet.headings == PLAN.headings
    read_back = {number: [cell.text for cell in cells] for number, cells in sheet.rows}
    expected = {
        number: row for number, row in enumerate(rows, start=2) if any(c.strip() for c in row)
    }
    assert read_back == expected


def test_links_keep_semicolons_inside_them():
    assert split_links("https://a.example/x;y=1;https://b.example; http://c.example;") == [
        "https://a.example/x;y=1",
        "https://b.example",
        "http://c.example",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("bom", [True, False])
def test_csv_is_read_with_or_without_a_byte_order_mark(plan_a, bom):
    rows = csv_rows(export_plan(plan_a, "csv")[0].data)
    data = csv_bytes(rows, bom=bom)

    assert data.startswith(codecs.BOM_UTF8) == bom
    preview = plan_preview(plan_a, data)
    assert preview.is_valid
    assert not preview.has_changes


@pytest.mark.django_db
@pytest.mark.parametrize("separator", [";", "\t"])
def test_csv_separated_by_semicolons_or_tabs_is_read(plan_a, separator):
    rows = csv_rows(export_plan(plan_a, "csv")[0].data)
    text = "\r\n".join(separator.join(f'"{c}"' for c in row) for row in rows)

    preview = plan_preview(plan_a, text.encode("utf-8"))

    assert preview.is_valid
    assert not preview.has_changes


@pytest.mark.django_db
def test_non_ascii_text_survives_both_formats(plan_a, alice):
    rows = csv_rows(export_plan(plan_a, "csv")[0].data)
    rows[1][2] = "Ymgysylltu â chymunedau — “Black Lives” £5 ✓"
    rows[1][10] = "In Welsh too."
    apply_import(plan_preview(plan_a, csv_bytes(rows)), user=alice, now=now())

    for file_format in ("csv", "xlsx"):
        data = export_plan(plan_a, file_format)[0].data
        preview = plan_preview(plan_a, data, name=f"plan.{file_format}")
        assert not preview.has_changes
    assert plan_a.deliverables.get(reference="R-01").title == rows[1][2]


@pytest.mark.django_db
def test_an_exported_workbook_imported_unchanged_has_no_changes(plan_a):
    data = export_plan(plan_a, "xlsx")[0].data

    preview = plan_preview(plan_a, data, name="plan.xlsx")

    assert preview.is_valid
    assert not preview.has_changes
    assert [row.sheet for row in preview.rows] == ["Plan"] * 3 + ["Milestones"] * 3


@pytest.mark.django_db
def test_the_workbook_has_plan_and_milestone_sheets_with_typed_dates(plan_a):
    workbook = openpyxl.load_workbook(io.BytesIO(export_plan(plan_a, "xlsx")[0].data))

    assert workbook.sheetnames == ["Plan", "Milestones"]
    assert [cell.value for cell in workbook["Plan"][1]] == PLAN.headings
    assert workbook["Plan"].freeze_panes == "A2"
    done = workbook["Milestones"]["E2"]
    assert done.is_date
    assert done.number_format == "yyyy-mm-dd"


@pytest.mark.django_db
def test_a_workbook_edited_in_excel_changes_exactly_the_edited_cells(plan_a, alice):
    workbook = openpyxl.load_workbook(io.BytesIO(export_plan(plan_a, "xlsx")[0].data))
    plan_sheet, milestones = workbook["Plan"], workbook["Milestones"]
    plan_sheet["C2"] = "Recruit, retain and promote"
    plan_sheet["G3"] = "Q2 2025/26"
    plan_sheet["K2"] = "Promotion added."
    plan_sheet["K3"] = "Reviews take longer."
    milestones["E3"] = None
    milestones["E4"] = workbook["Milestones"]["E2"].value  # a date cell typed in Excel
    plan_sheet["A5"] = "R-02"
    for column, value in zip(
        "BCFGI", ["Involved", "New row", "2025-Q1", "2025-Q1", "no"], strict=True
    ):
        plan_sheet[f"{column}5"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = plan_preview(plan_a, buffer.getvalue(), name="edited.xlsx")

    assert {
        (row.sheet, row.number, row.outcome, tuple(c.field for c in row.changes))
        for row in preview.rows
        if row.outcome != Outcome.UNCHANGED
    } == {
        ("Plan", 2, Outcome.CHANGED, ("Title",)),
        ("Plan", 3, Outcome.CHANGED, ("Due quarter",)),
        ("Plan", 5, Outcome.CREATED, ()),
        ("Milestones", 4, Outcome.CHANGED, ("Done on",)),
    }
    apply_import(preview, user=alice, now=now())
    assert plan_a.deliverables.get(reference="R-02").title == "New row"


@pytest.mark.django_db
def test_a_workbook_without_a_plan_sheet_is_refused_by_name(plan_a):
    workbook = openpyxl.load_workbook(io.BytesIO(export_plan(plan_a, "xlsx")[0].data))
    workbook["Plan"].title = "Deliverables"
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = plan_preview(plan_a, buffer.getvalue(), name="plan.xlsx")

    assert [str(problem) for problem in preview.errors] == [
        'The workbook "plan.xlsx" has no sheet called "Plan" (its sheets: "Deliverables", '
        '"Milestones"). Name the sheet to import "Plan".'
    ]


@pytest.mark.django_db
def test_the_return_round_trips_through_excel(plan_a, return_a):
    data = export_return(plan_a, return_a, "xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Return"]
    assert sheet["G2"].value == (
        "https://force-a.example/open-days\nhttps://force-a.example/report;v=2"
    )

    preview = ReturnImport(plan_a, return_a, SpreadsheetFile.from_bytes(data, "r.xlsx")).preview()
    assert preview.is_valid
    assert not preview.has_changes
    assert preview.counts.unchanged == 2


@pytest.mark.django_db
def test_the_plan_period_label_and_force_are_in_the_preview_description(plan_a):
    preview = plan_preview(plan_a, export_plan(plan_a, "csv")[0].data)

    assert preview.description == (
        "Plan of Force A Police: Force A plan (Q1 2024/25 to Q4 2025/26)"
    )


def test_writing_a_workbook_never_creates_formulas():
    data = write_xlsx([SheetData(PLAN, [["=1+1", "+2", "-3", "@x", "ok", "", "", "", "", "", ""]])])

    sheet = openpyxl.load_workbook(io.BytesIO(data))["Plan"]

    assert [sheet.cell(2, c).data_type for c in range(1, 6)] == ["s"] * 5
    assert [sheet.cell(2, c).quotePrefix for c in range(1, 6)] == [True] * 4 + [False]
