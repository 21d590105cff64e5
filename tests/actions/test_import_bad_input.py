"""Every kind of bad input gets a specific message naming where it is, and writes nothing."""

import codecs
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from actions.spreadsheets.exports import export_plan, export_return
from actions.spreadsheets.files import MAX_BYTES, MAX_ROWS, SpreadsheetError, SpreadsheetFile
from actions.spreadsheets.preview import ImportRefused, Outcome, apply_import
from tests.actions.conftest import (
    csv_bytes,
    csv_rows,
    database_state,
    messages,
    now,
    plan_preview,
    read,
    return_preview,
)

pytestmark = pytest.mark.django_db


def plan_rows(plan):
    return csv_rows(export_plan(plan, "csv")[0].data)


def return_rows(plan, quarter):
    return csv_rows(export_return(plan, quarter, "csv").data)


def assert_refused(preview, expected, user):
    """The preview shows exactly the expected messages, and applying it writes nothing."""
    state = database_state()
    assert messages(preview) == expected
    assert not preview.is_valid
    with pytest.raises(ImportRefused):
        apply_import(preview, user=user, now=now())
    assert database_state() == state


def edited_plan(plan, reference, heading, value, *, reason=""):
    rows = plan_rows(plan)
    row = next(r for r in rows[1:] if r[0] == reference)
    row[rows[0].index(heading)] = value
    row[rows[0].index("Reason for change")] = reason
    return csv_bytes(rows)


# Headings -------------------------------------------------------------------------------------


def test_a_missing_column_is_named_with_the_headings_expected(plan_a, alice):
    rows = [row[:4] + row[5:] for row in plan_rows(plan_a)]

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            'Plan: The column "Lead" is missing. The headings must be: Reference, Workstream, '
            "Title, Description, Lead, Start quarter, Due quarter, National actions, Withdrawn, "
            "Withdrawal reason, Reason for change."
        ],
        alice,
    )


def test_a_misspelt_heading_suggests_the_right_one(plan_a, alice):
    rows = plan_rows(plan_a)
    rows[0][6] = "Due quater"

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            'Plan: The column "Due quarter" is missing. Column G is headed "Due quater": did '
            'you mean "Due quarter"?'
        ],
        alice,
    )


def test_headings_ignore_case_and_spacing_and_accept_common_names(plan_a, alice):
    rows = plan_rows(plan_a)
    rows[0][4] = "  ACCOUNTABLE   lead "
    rows[0][1] = "workstream"

    preview = plan_preview(plan_a, csv_bytes(rows))

    assert preview.is_valid
    assert not preview.has_changes


def test_a_repeated_heading_is_refused(plan_a, alice):
    rows = [[*row, row[2]] for row in plan_rows(plan_a)]

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        ['Plan: The heading "Title" appears twice, in columns C and L. Keep only one.'],
        alice,
    )


def test_an_extra_column_is_ignored_with_a_note(plan_a):
    rows = [[*row, "Notes" if i == 0 else "a note"] for i, row in enumerate(plan_rows(plan_a))]

    preview = plan_preview(plan_a, csv_bytes(rows))

    assert preview.is_valid
    assert [str(warning) for warning in preview.warnings] == [
        'Plan, column "Notes" (L): This column is not part of the format and was ignored.'
    ]


# Unreadable files -----------------------------------------------------------------------------


@pytest.fixture
def refused_file(plan_a, tmp_path):
    """Read a file that must be refused, directly and through import_plan: returns the
    message, having checked that the command gives it too and that nothing was written."""

    def refuse(data: bytes, name: str = "plan.csv") -> str:
        state = database_state()
        with pytest.raises(SpreadsheetError) as raised:
            read(data, name)
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CommandError) as command:
            call_command("import_plan", "--force", "force-a", str(path), stdout=io.StringIO())
        assert str(command.value) == f"{path}: {raised.value}"
        assert database_state() == state
        return str(raised.value)

    return refuse


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"  \r\n\r\n"])
def test_an_empty_file_is_refused(refused_file, data):
    assert refused_file(data) == '"plan.csv" is empty.'


def test_a_file_with_headings_only_is_an_empty_import_not_an_error(plan_a):
    preview = plan_preview(plan_a, csv_bytes([plan_rows(plan_a)[0]]))

    assert preview.is_valid
    assert preview.rows == []


def test_a_pdf_renamed_to_csv_is_refused_by_its_content(refused_file):
    data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

    assert refused_file(data, "plan.csv") == (
        "This file is a PDF document, not a spreadsheet. Save it from Excel as "
        '"Excel Workbook (.xlsx)" or "CSV UTF-8 (Comma delimited) (.csv)".'
    )


def test_a_pdf_renamed_to_xlsx_is_refused_by_its_content(refused_file):
    assert refused_file(b"%PDF-1.4 fake", "plan.xlsx").startswith(
        "This file is a PDF document, not a spreadsheet."
    )


def test_an_old_excel_workbook_is_refused(refused_file):
    assert refused_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "plan.xlsx") == (
        "This file is an old-style Excel 97-2003 (.xls) or password-protected workbook, not a "
        'spreadsheet. Save it from Excel as "Excel Workbook (.xlsx)" or "CSV UTF-8 (Comma '
        'delimited) (.csv)".'
    )


def test_a_word_document_renamed_to_xlsx_is_refused(refused_file):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")

    assert refused_file(buffer.getvalue(), "plan.xlsx") == (
        'This file is a Word document, not a spreadsheet. Save it from Excel as "Excel '
        'Workbook (.xlsx)".'
    )


def test_a_plain_zip_archive_is_refused(refused_file):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plan.csv", "Reference\n")

    assert refused_file(buffer.getvalue(), "plan.xlsx") == (
        "This file is a zip archive, not an Excel workbook. Upload an .xlsx or .csv file."
    )


def test_a_damaged_workbook_is_refused(plan_a, refused_file):
    data = export_plan(plan_a, "xlsx")[0].data

    assert refused_file(data[: len(data) // 2], "plan.xlsx") == (
        "This file looks like a zip archive or workbook but it is damaged. Save it again "
        "from Excel as an .xlsx workbook."
    )


def test_binary_data_is_not_csv(refused_file):
    assert refused_file(b"Reference,Title\n\x00\x01\x02\x03") == (
        "This file holds binary data (NUL bytes), so it is not CSV text. Upload a .csv file "
        "saved as CSV UTF-8, or an .xlsx workbook."
    )


def test_a_file_that_is_not_named_csv_or_xlsx_is_refused(plan_a, refused_file):
    assert refused_file(export_plan(plan_a, "csv")[0].data, "plan.pdf") == (
        '"plan.pdf" is not a spreadsheet this site reads: upload a .csv or .xlsx file.'
    )


def test_a_windows_1252_csv_is_refused_with_the_encoding_and_the_fix(plan_a, refused_file):
    text = export_plan(plan_a, "csv")[0].data.decode("utf-8-sig")
    text = text.replace("Recruit and retain", "Recruit and retain £ café")

    assert refused_file(text.encode("cp1252")) == (
        "This CSV file is not UTF-8 text: line 2 has a character that is not UTF-8. It seems "
        'to be Windows-1252 (Western European), which Excel writes for "CSV (Comma '
        'delimited)". In Excel, choose Save As, "CSV UTF-8 (Comma delimited) (*.csv)", and '
        "upload that file."
    )


def test_a_utf_16_file_is_refused_with_the_fix(plan_a, refused_file):
    text = export_plan(plan_a, "csv")[0].data.decode("utf-8-sig")

    assert refused_file(text.encode("utf-16")) == (
        'This file is UTF-16 text (Excel\'s "Unicode Text"), not CSV UTF-8. In Excel, choose '
        'Save As, "CSV UTF-8 (Comma delimited) (*.csv)", and upload that file.'
    )


def test_a_file_over_5_mb_is_refused(plan_a, refused_file):
    header = export_plan(plan_a, "csv")[0].data
    data = header + b"x" * (MAX_BYTES + 1 - len(header))

    assert refused_file(data) == (
        '"plan.csv" is just over 5 MB; the largest file accepted is 5 MB. Split it into '
        "smaller files."
    )
    upload = SimpleUploadedFile("plan.csv", data, content_type="text/csv")
    with pytest.raises(SpreadsheetError, match="the largest file accepted is 5 MB"):
        SpreadsheetFile.from_upload(upload)


def test_more_rows_than_the_limit_are_refused(plan_a, alice):
    rows = plan_rows(plan_a)
    template = rows[1]
    rows += [["", *template[1:]] for _ in range(MAX_ROWS)]

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            f"Plan: There are more than {MAX_ROWS} rows. Import at most {MAX_ROWS} rows at a "
            "time: split the file into smaller ones."
        ],
        alice,
    )


def test_exactly_the_row_limit_is_accepted(plan_a):
    rows = plan_rows(plan_a)[:1]
    template = plan_rows(plan_a)[1]
    rows += [["", *template[1:]] for _ in range(MAX_ROWS)]

    preview = plan_preview(plan_a, csv_bytes(rows))

    assert preview.is_valid
    assert preview.counts.created == MAX_ROWS


def test_a_row_with_more_cells_than_headings_is_refused(plan_a, alice):
    rows = plan_rows(plan_a)
    rows[2] = [*rows[2], "stray"]

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            "Plan, row 3: This row has 12 cells but there are only 11 column headings. Is "
            "there a comma inside a cell that is not in quotation marks?"
        ],
        alice,
    )


# Cells ----------------------------------------------------------------------------------------


def test_an_unknown_workstream_is_refused(plan_a, alice):
    assert_refused(
        plan_preview(plan_a, edited_plan(plan_a, "R-01", "Workstream", "Representation")),
        [
            'Plan, row 2, column "Workstream" (B): "Representation" is not a workstream. Use '
            "one of: Represented, Not over-policed, Involved, Not under-protected."
        ],
        alice,
    )


def test_workstreams_are_matched_by_any_of_their_names(plan_a):
    data = edited_plan(plan_a, "R-01", "Workstream", "  REPRESENTED ")
    assert not plan_preview(plan_a, data).has_changes
    data = edited_plan(plan_a, "R-01", "Workstream", "respected")
    preview = plan_preview(plan_a, data)
    assert preview.rows[0].outcome == Outcome.ERROR  # R1, R2 are not Not over-policed actions
    assert messages(preview)[0].endswith(
        "National action R1 belongs to the Represented workstream, not Not over-policed."
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Q5 2024/25", '"Q5 2024/25" is not a quarter: quarters are numbered Q1 to Q4.'),
        ("2024/26", '"2024/26" is not a quarter. Write it as "Q2 2024/25" or "2024-Q2".'),
        ("Q2 2024/26", '"Q2 2024/26" is not a financial year: after 2024 comes 2024/25.'),
        ("", 'Enter a quarter, for example "Q2 2024/25" or "2024-Q2".'),
    ],
)
def test_an_invalid_quarter_is_refused_with_the_quarter_message(plan_a, alice, value, message):
    assert_refused(
        plan_preview(plan_a, edited_plan(plan_a, "R-01", "Start quarter", value)),
        [f'Plan, row 2, column "Start quarter" (F): {message}'],
        alice,
    )


def test_quarters_are_read_in_both_written_forms(plan_a):
    data = edited_plan(plan_a, "R-01", "Start quarter", "q1 2024/25")
    assert not plan_preview(plan_a, data).has_changes


def test_a_due_quarter_before_the_start_quarter_is_refused(plan_a, alice):
    assert_refused(
        plan_preview(plan_a, edited_plan(plan_a, "R-01", "Due quarter", "2023-Q4")),
        [
            'Plan, row 2, column "Due quarter" (G): The due quarter, Q4 2023/24, is before the '
            "start quarter, Q1 2024/25."
        ],
        alice,
    )


def test_an_unknown_national_action_is_refused_with_the_workstreams_codes(plan_a, alice):
    assert_refused(
        plan_preview(plan_a, edited_plan(plan_a, "R-01", "National actions", "R1, R9")),
        [
            'Plan, row 2, column "National actions" (H): There is no national action "R9". '
            "The codes for Represented are: R1, R2, R3, R4, R5."
        ],
        alice,
    )


def test_a_national_action_of_another_workstream_is_refused(plan_a, alice):
    assert_refused(
        plan_preview(plan_a, edited_plan(plan_a, "R-01", "National actions", "R1,P2")),
        [
            'Plan, row 2, column "National actions" (H): National action P2 belongs to the '
            "Not over-policed workstream, not Represented."
        ],
        alice,
    )


def test_duplicate_references_in_the_file_are_refused(plan_a, alice):
    rows = plan_rows(plan_a)
    rows.append(list(rows[1]))
    rows.append(["R-50", "Involved", "New one", "", "", "2025-Q1", "2025-Q1", "", "no", ""])
    rows.append(["R-50", "Involved", "New two", "", "", "2025-Q1", "2025-Q1", "", "no", ""])

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            'Plan, row 5, column "Reference" (A): The reference R-01 is also on row 2: each '
            "deliverable can be in the file only once.",
            'Plan, row 7, column "Reference" (A): The reference R-50 is also on row 6: each '
            "deliverable can be in the file only once.",
        ],
        alice,
    )


def test_a_deliverable_named_by_code_and_by_number_in_one_file_is_a_duplicate(plan_a, alice):
    rows = plan_rows(plan_a)
    coded = plan_a.deliverables.get(reference="R-01")
    rows.append([str(coded.pk), *rows[1][1:]])

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            f'Plan, row 5, column "Reference" (A): The reference {coded.pk} is also on row 2: '
            "each deliverable can be in the file only once."
        ],
        alice,
    )


@pytest.mark.parametrize(
    ("heading", "length", "limit", "letter"),
    [
        ("Title", 151, 150, "C"),
        ("Description", 5001, 5000, "D"),
        ("Lead", 200, 150, "E"),
        ("Reference", 31, 30, "A"),
    ],
)
def test_over_long_text_is_refused_with_the_limit(plan_a, alice, heading, length, limit, letter):
    data = edited_plan(plan_a, "I-09", heading, "x" * length)

    assert_refused(
        plan_preview(plan_a, data),
        [
            f'Plan, row 4, column "{heading}" ({letter}): {heading} is {length} characters '
            f"long; the most allowed is {limit}. Shorten it by {length - limit}."
        ],
        alice,
    )


def test_a_withdrawal_needs_a_reason_and_a_reason_needs_a_withdrawal(plan_a, alice):
    rows = plan_rows(plan_a)
    rows[1][8:] = ["yes", ""]
    rows[3][8:] = ["no", "Merged into the scrutiny panel."]
    rows[2][8] = "perhaps"

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            'Plan, row 2, column "Withdrawal reason" (J): Give the reason this deliverable is '
            "withdrawn: the public can read it.",
            'Plan, row 3, column "Withdrawn" (I): Write "yes" or "no", not "perhaps".',
            'Plan, row 4, column "Withdrawal reason" (J): "Withdrawn" is "no", so there can be '
            'no withdrawal reason. Clear the reason, or set "Withdrawn" to "yes".',
        ],
        alice,
    )


def test_a_blank_title_and_workstream_are_refused(plan_a, alice):
    rows = plan_rows(plan_a)
    rows.append(["", "", " ", "", "", "2025-Q1", "2025-Q1", "", "", ""])

    assert_refused(
        plan_preview(plan_a, csv_bytes(rows)),
        [
            'Plan, row 5, column "Workstream" (B): Enter the workstream.',
            'Plan, row 5, column "Title" (C): Enter the title of the deliverable.',
        ],
        alice,
    )


def test_a_control_character_is_refused(plan_a, alice):
    assert_refused(
        plan_preview(plan_a, edited_plan(plan_a, "R-01", "Title", "Bell \x07 title")),
        [
            'Plan, row 2, column "Title" (C): Title contains an invisible control character. '
            "Delete it and type the text again."
        ],
        alice,
    )


def test_a_milestone_for_an_unknown_deliverable_or_with_a_bad_date_is_refused(plan_a, alice):
    plan_data, milestones_data = (f.data for f in export_plan(plan_a, "csv"))
    milestones = csv_rows(milestones_data)
    milestones.append(["R-404", "", "Lost", "2025-Q1", ""])
    milestones.append(["R-01", "", "Bad date", "2025-Q1", "31/13/2025"])
    milestones[1][0] = "I-09"

    assert_refused(
        plan_preview(plan_a, plan_data, milestones=csv_bytes(milestones)),
        [
            'Milestones, row 2, column "Deliverable reference" (A): Milestone '
            f"{milestones[1][1]} belongs to deliverable R-01, not I-09.",
            'Milestones, row 5, column "Deliverable reference" (A): No deliverable in this plan '
            "has the reference R-404, and the Plan sheet adds none with it.",
            'Milestones, row 6, column "Done on" (E): "31/13/2025" is not a date. Write it as '
            "2024-09-30 (or 30/09/2024), or leave it blank.",
        ],
        alice,
    )


# Formulas -------------------------------------------------------------------------------------


def test_a_formula_in_a_csv_cell_is_stored_as_text_and_never_evaluated(plan_a, alice):
    formula = '=HYPERLINK("https://evil.example","click")'
    state = database_state()
    preview = plan_preview(
        plan_a, edited_plan(plan_a, "R-01", "Title", formula, reason="Linked to the report.")
    )

    assert [str(warning) for warning in preview.rows[0].warnings] == [
        'Plan, row 2, column "Title" (C): This cell holds a formula. It is kept as the text '
        '"=HYPERLINK("https://evil.example","click")" and never calculated.'
    ]
    assert database_state() == state
    apply_import(preview, user=alice, now=now())
    assert plan_a.deliverables.get(reference="R-01").title == formula


def test_a_formula_in_an_xlsx_cell_is_stored_as_its_text(plan_a, alice):
    workbook = openpyxl.load_workbook(io.BytesIO(export_plan(plan_a, "xlsx")[0].data))
    workbook["Plan"]["E2"] = "=1+1"  # openpyxl stores this as a live formula
    workbook["Plan"]["D2"] = '=HYPERLINK("https://evil.example")'
    workbook["Plan"]["K2"] = "Linked to the report."
    assert workbook["Plan"]["E2"].data_type == "f"
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = plan_preview(plan_a, buffer.getvalue(), name="plan.xlsx")
    apply_import(preview, user=alice, now=now())

    coded = plan_a.deliverables.get(reference="R-01")
    assert (coded.lead, coded.description) == ("=1+1", '=HYPERLINK("https://evil.example")')
    assert len(preview.rows[0].warnings) == 2


def test_formula_like_text_is_neutralised_on_export_and_reads_back_unchanged(plan_a):
    plan_a.deliverables.filter(reference="R-01").update(
        title='=HYPERLINK("https://evil.example")', lead="+44 team", description="@mention"
    )
    plan_file, milestones_file = export_plan(plan_a, "csv")
    row = csv_rows(plan_file.data)[1]
    assert row[2:5] == ['\'=HYPERLINK("https://evil.example")', "'@mention", "'+44 team"]
    assert not plan_preview(plan_a, plan_file.data, milestones=milestones_file.data).has_changes

    workbook_data = export_plan(plan_a, "xlsx")[0].data
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_data))["Plan"]
    assert (sheet["C2"].data_type, sheet["C2"].value) == ("s", '=HYPERLINK("https://evil.example")')
    assert sheet["C2"].quotePrefix
    assert not plan_preview(plan_a, workbook_data, name="plan.xlsx").has_changes


# Returns --------------------------------------------------------------------------------------


def edited_return(plan, quarter, reference, heading, value):
    rows = return_rows(plan, quarter)
    row = next(r for r in rows[1:] if r[0] == reference)
    row[rows[0].index(heading)] = value
    return csv_bytes(rows)


def test_a_status_not_in_the_list_is_refused(plan_a, return_a, alice):
    data = edited_return(plan_a, return_a, "R-01", "Status", "Finished")

    assert_refused(
        return_preview(plan_a, return_a, data),
        [
            'Return, row 2, column "Status" (D): "Finished" is not a status. Use one of: Not '
            "started, On track, At risk, Off track, Complete."
        ],
        alice,
    )


def test_an_evidence_link_that_is_not_http_is_refused(plan_a, return_a, alice):
    data = edited_return(
        plan_a, return_a, "R-01", "Evidence links", "https://ok.example\nftp://files.example/x"
    )

    assert_refused(
        return_preview(plan_a, return_a, data),
        [
            'Return, row 2, column "Evidence links" (G): "ftp://files.example/x" is not a web '
            "address: each evidence link must start with https:// or http://."
        ],
        alice,
    )


def test_an_invalid_web_address_is_refused(plan_a, return_a, alice):
    data = edited_return(plan_a, return_a, "R-01", "Evidence links", "https://exa_mple..org")

    assert_refused(
        return_preview(plan_a, return_a, data),
        [
            'Return, row 2, column "Evidence links" (G): "https://exa_mple..org" is not a '
            "valid web address."
        ],
        alice,
    )


def test_a_row_for_another_quarter_is_refused(plan_a, return_a, alice):
    data = edited_return(plan_a, return_a, "R-01", "Quarter", "Q4 2024/25")

    assert_refused(
        return_preview(plan_a, return_a, data),
        [
            'Return, row 2, column "Quarter" (C): This row is for Q4 2024/25, but this is the '
            "return for Q3 2024/25. Correct the quarter, or import the file as the return for "
            "Q4 2024/25."
        ],
        alice,
    )


def test_a_narrative_without_a_status_is_refused(plan_a, return_a, alice):
    rows = return_rows(plan_a, return_a)
    rows.append(["I-09", "", "2024-Q3", "", "Something happened", "", ""])
    rows[1][3] = ""

    assert_refused(
        return_preview(plan_a, return_a, csv_bytes(rows)),
        [
            'Return, row 2, column "Status" (D): This deliverable already has an update for '
            "Q3 2024/25, and an import cannot remove one. Choose its status: Not started, On "
            "track, At risk, Off track, Complete.",
            'Return, row 4, column "Status" (D): Choose a status: Not started, On track, At '
            "risk, Off track, Complete.",
        ],
        alice,
    )


def test_a_return_cannot_touch_another_forces_deliverable(plan_a, plan_b, return_a, alice):
    theirs = plan_b.deliverables.get(reference="")
    rows = return_rows(plan_a, return_a)
    rows.append([str(theirs.pk), "", "2024-Q3", "Complete", "Done by A", "", ""])

    assert_refused(
        return_preview(plan_a, return_a, csv_bytes(rows)),
        [
            f'Return, row 4, column "Reference" (A): No deliverable in this plan has the '
            f"reference {theirs.pk}. A return cannot add deliverables: add it to the plan first."
        ],
        alice,
    )
    assert not theirs.updates.exists()


def test_a_withdrawn_deliverable_takes_no_new_update(plan_a, return_a, alice):
    rows = return_rows(plan_a, return_a)
    rows.append(["I-09", "", "2024-Q3", "On track", "", "", ""])

    assert_refused(
        return_preview(plan_a, return_a, csv_bytes(rows)),
        [
            'Return, row 4, column "Reference" (A): Deliverable I-09 is withdrawn, so it takes '
            "no more updates. Remove this row."
        ],
        alice,
    )


def test_an_update_published_as_complete_needs_what_was_done(plan_a, return_a, alice):
    rows = return_rows(plan_a, return_a)
    rows[2][3:5] = ["Complete", ""]

    assert_refused(
        return_preview(plan_a, return_a, csv_bytes(rows), publish=True),
        [
            'Return, row 3, column "What was done" (E): Say what was done: an update that is '
            "\u201cComplete\u201d needs it before it is published"
        ],
        alice,
    )


def test_over_long_return_text_is_refused(plan_a, return_a, alice):
    data = edited_return(plan_a, return_a, "R-01", "What is next", "y" * 5001)

    assert_refused(
        return_preview(plan_a, return_a, data),
        [
            'Return, row 2, column "What is next" (F): What is next is 5001 characters long; '
            "the most allowed is 5000. Shorten it by 1."
        ],
        alice,
    )
