"""Spreadsheet files for plans and quarterly returns: one format, read and written, CSV or Excel.

Reading turns an uploaded file into sheets of text cells and refuses anything that is not a
UTF-8 CSV file or an ``.xlsx`` workbook, with a message a person can act on. The format is
decided by the content, never by the name alone. Writing turns rows of text into a file that
reads back to exactly the same text:

* CSV is written as UTF-8 with a byte-order mark (so Excel shows accents and symbols
  correctly) and read with or without one. A cell that a spreadsheet would evaluate (it starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
  apostrophe, which reading removes again (:func:`neutralise` and :func:`restore`).
* ``.xlsx`` cells are always written as text (never as a formula) and such cells carry
  Excel's "quote prefix" so editing them keeps them as text. A formula typed into an uploaded
  workbook is read as its text (``=HYPERLINK(...)``) and never evaluated.

The layouts (which columns, under which headings) live here as well, with the functions that
turn stored values into cell text, so that export and import cannot drift apart. Nothing here
touches the database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

MAX_BYTES = 5 * 1024 * 1024
"""Largest file accepted, in bytes."""

MAX_ROWS = 500
"""Most rows of data (not counting the headings or blank rows) accepted in one sheet."""

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""Largest total size of the parts inside an ``.xlsx`` archive (a guard against zip bombs)."""

MAX_SCANNED_ROWS = 20_000
"""Most rows, blank ones included, read from one sheet before giving up."""

MAX_COLUMNS = 100

MAX_CELL_CHARACTERS = 131_072
"""Longest cell read from a CSV file (Python's csv default; set here, not read from the csv
module, whose limit is global and other libraries change)."""

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = (".csv", ".xlsx")

# A spreadsheet evaluates a cell starting with one of these (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_TRIGGERS, "'")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SpreadsheetError(Exception):
    """The file cannot be read at all. ``str(error)`` says why and what to do."""


# Cell text ------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Text for a CSV cell that no spreadsheet evaluates; :func:`restore` undoes it exactly.

    A leading apostrophe is added to text that starts with a formula trigger, and to text that
    already starts with an apostrophe followed by a trigger or another apostrophe, so that
    ``restore(neutralise(text)) == text`` for every text.
    """
    if text.startswith(FORMULA_TRIGGERS) or (
        text.startswith("'") and text[1:2] != "" and text[1:2] in _ESCAPED_STARTS
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop the apostrophe it added, and only that."""
    if text.startswith("'") and text[1:2] != "" and text[1:2] in _ESCAPED_STARTS:
        return text[1:]
    return text


def single_line(text: str | None) -> str:
    """A one-line value as stored and compared: runs of white space become one space."""
    return " ".join((text or "").split())


def multi_line(text: str | None) -> str:
    """A multi-line value as stored and compared: ``\\n`` line endings, no outer white space."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def codes_text(codes: Iterable[str]) -> str:
    """National action codes as one cell: ``"R1, R2"``."""
    return ", ".join(codes)


def split_codes(text: str) -> list[str]:
    """Codes separated by commas, semicolons or spaces, in order, without repeats."""
    codes: list[str] = []
    for code in re.split(r"[,;\s]+", text):
        if code and code.casefold() not in {known.casefold() for known in codes}:
            codes.append(code)
    return codes


def evidence_text(links: Iterable[str]) -> str:
    """Evidence links as one cell: one link per line."""
    return "\n".join(links)


def split_links(text: str) -> list[str]:
    """Links separated by line breaks, spaces or semicolons.

    A semicolon separates only where the next link starts (``...;https://``) or at the end of
    a link (``...; ``), so a semicolon inside a web address is kept.
    """
    links: list[str] = []
    for token in text.split():
        for part in re.split(r";(?=https?://)", token, flags=re.IGNORECASE):
            part = part.strip(";")
            if part:
                links.append(part)
    return links


def has_control_characters(text: str) -> bool:
    """Invisible control characters (other than tab and line breaks) that a workbook cannot hold."""
    return bool(_CONTROL_CHARACTERS.search(text))


# Layouts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a layout. An ``informational`` column is written on export for the
    reader and never read on import: whatever it holds (or its absence) changes nothing.
    """

    key: str
    heading: str
    required: bool = True
    width: int = 18
    wrap: bool = False
    aliases: tuple[str, ...] = ()
    informational: bool = False

    @property
    def names(self) -> set[str]:
        return {_folded(self.heading), *(_folded(alias) for alias in self.aliases)}


@dataclass(frozen=True)
class Layout:
    """The columns of one sheet, in the order they are written."""

    title: str
    columns: tuple[Column, ...]

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


#: The note on an informational column's heading in an exported workbook.
INFORMATIONAL_NOTE = "For information only: the import never reads this column."

PLAN = Layout(
    "Plan",
    (
        Column("reference", "Reference", width=12, aliases=("Ref",)),
        Column("workstream", "Workstream", width=22),
        Column("title", "Title", width=45, wrap=True),
        Column("description", "Description", width=60, wrap=True),
        Column("lead", "Lead", width=30, wrap=True, aliases=("Accountable lead",)),
        Column("start_quarter", "Start quarter", width=14),
        Column("due_quarter", "Due quarter", width=14),
        Column(
            "national_actions",
            "National actions",
            width=18,
            aliases=("National action codes", "National action"),
        ),
        Column("withdrawn", "Withdrawn", width=12),
        Column(
            "withdrawn_reason",
            "Withdrawal reason",
            width=40,
            wrap=True,
            aliases=("Reason for withdrawal", "Withdrawn reason"),
        ),
        # Optional: the public reason for re-planning a published deliverable in this upload
        # (``Deliverable.replanning_problem`` says when one is needed). Exported blank.
        Column(
            "change_reason",
            "Reason for change",
            required=False,
            width=40,
            wrap=True,
            aliases=("Reason for the change", "Change reason", "Re-planning reason"),
        ),
    ),
)

MILESTONES = Layout(
    "Milestones",
    (
        Column("deliverable", "Deliverable reference", width=14),
        Column("reference", "Milestone reference", width=14),
        Column("title", "Milestone", width=60, wrap=True, aliases=("Milestone title", "Title")),
        Column("due_quarter", "Due quarter", width=14),
        Column("done_on", "Done on", width=14),
    ),
)

RETURN = Layout(
    "Return",
    (
        Column("reference", "Reference", width=12, aliases=("Ref",)),
        Column("title", "Title", required=False, width=45, wrap=True),
        Column("quarter", "Quarter", width=12),
        Column("status", "Status", width=14),
        Column("done", "What was done", width=60, wrap=True),
        Column("next", "What is next", width=60, wrap=True),
        Column("evidence", "Evidence links", width=50, wrap=True, aliases=("Evidence",)),
        Column(
            "published",
            "Published",
            required=False,
            width=30,
            wrap=True,
            aliases=("Published on",),
            informational=True,
        ),
    ),
)


# Problems -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file, and where: the sheet, row and column when they apply."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    letter: str = ""

    @property
    def location(self) -> str:
        parts = [self.sheet] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"' + (f" ({self.letter})" if self.letter else ""))
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


# Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell as text. ``formula`` is true when the file held a live formula there: its text
    is kept as written and never evaluated."""

    text: str = ""
    formula: bool = False


@dataclass
class Sheet:
    title: str
    headings: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    too_long: bool = False
    #: A workbook whose used range reaches far below its data (a stray value or format):
    #: the last row Excel says it uses, when that is beyond MAX_SCANNED_ROWS.
    reaches_row: int | None = None


@dataclass
class SpreadsheetFile:
    """An uploaded spreadsheet, read: its name, its format (``"csv"`` or ``"xlsx"``) and sheets.

    A CSV file has exactly one sheet.
    """

    name: str
    format: str
    sheets: list[Sheet]

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> SpreadsheetFile:
        return read_spreadsheet(data, name)

    @classmethod
    def from_upload(cls, upload) -> SpreadsheetFile:
        """Read a Django ``UploadedFile``, refusing it before reading when it is too large."""
        name = Path(upload.name or "").name
        if upload.size is not None and upload.size > MAX_BYTES:
            raise SpreadsheetError(_too_large_message(name, upload.size))
        upload.seek(0)
        return read_spreadsheet(upload.read(MAX_BYTES + 1), name)

    @classmethod
    def from_path(cls, path: str | Path) -> SpreadsheetFile:
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise SpreadsheetError(_too_large_message(path.name, size))
            data = path.read_bytes()
        except OSError as error:
            raise SpreadsheetError(f"{path} cannot be read: {error.strerror}.") from error
        return read_spreadsheet(data, path.name)

    def sheet_titled(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if _folded(s.title) == _folded(title)), None)


def read_spreadsheet(data: bytes, name: str) -> SpreadsheetFile:
    """Read a CSV or ``.xlsx`` file, deciding the format from its content.

    Raises :class:`SpreadsheetError` for an empty, over-large, damaged or foreign file, or a
    CSV file that is not UTF-8 text.
    """
    if name and not name.lower().endswith(EXTENSIONS):
        raise SpreadsheetError(
            f'"{name}" is not a spreadsheet this site reads: upload a .csv or .xlsx file.'
        )
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(_too_large_message(name, len(data)))
    if not data.strip() or data.strip() == codecs.BOM_UTF8:
        raise SpreadsheetError(f'"{name}" is empty.' if name else "The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        return SpreadsheetFile(name, "xlsx", _read_xlsx(data))
    foreign = _foreign_format(data)
    if foreign:
        raise SpreadsheetError(foreign)
    return SpreadsheetFile(name, "csv", [_read_csv(data, title=Path(name).stem or "CSV")])


def _too_large_message(name: str, size: int) -> str:
    limit = MAX_BYTES // 1024 // 1024
    megabytes = f"{size / 1024 / 1024:.1f} MB"
    if megabytes == f"{limit:.1f} MB":
        megabytes = f"just over {limit} MB"
    return (
        f'"{name}" is {megabytes}; the largest file accepted is {limit} MB. Split it into '
        "smaller files."
    )


_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel 97-2003 (.xls) or password-protected workbook"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a Rich Text document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


def _foreign_format(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return (
                f"This file is {kind}, not a spreadsheet. Save it from Excel as "
                '"Excel Workbook (.xlsx)" or "CSV UTF-8 (Comma delimited) (.csv)".'
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (
            'This file is UTF-16 text (Excel\'s "Unicode Text"), not CSV UTF-8. In Excel, '
            'choose Save As, "CSV UTF-8 (Comma delimited) (*.csv)", and upload that file.'
        )
    if b"\x00" in data:
        return (
            "This file holds binary data (NUL bytes), so it is not CSV text. Upload a .csv "
            "file saved as CSV UTF-8, or an .xlsx workbook."
        )
    return None


def _read_csv(data: bytes, title: str) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpreadsheetError(
            f"This CSV file is not UTF-8 text: line {line} has a character that is not "
            f"UTF-8. {_guess_encoding(data)} In Excel, choose Save As, "
            '"CSV UTF-8 (Comma delimited) (*.csv)", and upload that file.'
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    sheet = Sheet(title=title, headings=[])
    number = 0
    try:
        for number, raw_cells in enumerate(reader, start=1):
            if number == 1:
                sheet.headings = [restore(cell).strip() for cell in raw_cells]
                while sheet.headings and not sheet.headings[-1]:
                    sheet.headings.pop()
                continue
            if any(len(raw) > MAX_CELL_CHARACTERS for raw in raw_cells):
                raise SpreadsheetError(_csv_problem(number, "field larger than field limit"))
            _refuse_joined_rows(number, raw_cells, delimiter, len(sheet.headings))
            if not _add_row(sheet, number, [_csv_cell(raw) for raw in raw_cells]):
                break
    except csv.Error as error:
        raise SpreadsheetError(_csv_problem(number + 1, str(error))) from error
    if not sheet.too_long:
        _refuse_unclosed_quote(text, delimiter, number)
    return sheet


def _csv_problem(row: int, error: str) -> str:
    """The csv module's complaint in the product's words."""
    if "field larger than field limit" in error:
        return (
            f"Row {row} has a cell longer than {MAX_CELL_CHARACTERS:,} characters, far more "
            "than any text here may be. This usually means a quotation mark that is never "
            f"closed: check the quotation marks in row {row}."
        )
    return (
        f"Row {row} cannot be read as CSV. Check its quotation marks, or save the file again "
        "from Excel as CSV UTF-8."
    )


def _unclosed_quote(row: int) -> str:
    return (
        f'Row {row} has a quotation mark (") that is never closed, so the rows after it were '
        f"read as part of one cell. Check the quotation marks in row {row}: a quotation mark "
        'inside a cell is written twice ("").'
    )


def _refuse_unclosed_quote(text: str, delimiter: str, last_row: int) -> None:
    """A quoted cell still open at the end of the file swallows every row after it, without
    an error from the lenient reader: the strict reader says "unexpected end of data"."""
    if '"' not in text:
        return
    strict = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise SpreadsheetError(_unclosed_quote(last_row)) from error


def _refuse_joined_rows(number: int, cells: list[str], delimiter: str, columns: int) -> None:
    """A cell holding whole rows: a quotation mark opened in this row and closed only by a
    quotation mark rows further down. A line of text in a cell is not a row; a line with a
    delimiter for every column is (in a sheet of five columns or more, where prose with that
    many commas on one line is rare)."""
    if columns < 5:
        return
    for cell in cells:
        if "\n" not in cell:
            continue
        for line in cell.splitlines()[1:]:
            if line.count(delimiter) >= columns - 1:
                raise SpreadsheetError(_unclosed_quote(number))


def _csv_cell(raw: str) -> Cell:
    # A CSV cell that starts with "=" is what a spreadsheet would run as a formula: it is kept
    # as text, and flagged. Neutralised cells ("'=...") are plain text again after restore().
    return Cell(text=restore(raw), formula=raw.startswith("="))


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "Its encoding is not one this site recognises."
    return (
        "It seems to be Windows-1252 (Western European), which Excel writes for "
        '"CSV (Comma delimited)".'
    )


def _read_xlsx(data: bytes) -> list[Sheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise SpreadsheetError(
            "This file looks like a zip archive or workbook but it is damaged. Save it again "
            "from Excel as an .xlsx workbook."
        ) from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        raise SpreadsheetError(
            "This file is a zip archive, not an Excel workbook. Upload an .xlsx or .csv file."
        )
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            "This workbook is too large once unpacked. Remove unused sheets or save it as CSV."
        )
    content_types = archive.read("[Content_Types].xml")
    if b"spreadsheetml.sheet.main+xml" not in content_types:
        kind = "not an Excel workbook"
        if b"macroEnabled" in content_types:
            kind = "a macro-enabled workbook (.xlsm), which is not accepted"
        elif b"wordprocessingml" in content_types:
            kind = "a Word document, not a spreadsheet"
        elif b"presentationml" in content_types:
            kind = "a PowerPoint presentation, not a spreadsheet"
        raise SpreadsheetError(
            f'This file is {kind}. Save it from Excel as "Excel Workbook (.xlsx)".'
        )
    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation extensions, styles); the
        # cell values are all this site reads.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as error:  # openpyxl raises many kinds of error on a damaged file
            raise SpreadsheetError(
                "This workbook cannot be opened: it may be damaged or password-protected. "
                "Save it again from Excel as an .xlsx workbook without a password."
            ) from error
        try:
            return [_read_worksheet(worksheet) for worksheet in workbook.worksheets]
        except SpreadsheetError:
            raise
        except Exception as error:
            raise SpreadsheetError(
                "This workbook cannot be read: it may be damaged. Save it again from Excel."
            ) from error
        finally:
            workbook.close()


def _read_worksheet(worksheet) -> Sheet:
    header_row = next(worksheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS), ())
    headings = [_xlsx_cell(cell).text.strip() for cell in header_row]
    while headings and not headings[-1]:
        headings.pop()
    sheet = Sheet(title=worksheet.title, headings=headings)
    if not headings:
        return sheet
    for number, cells in enumerate(worksheet.iter_rows(min_row=2, max_col=len(headings)), start=2):
        if number > MAX_SCANNED_ROWS:
            if len(sheet.rows) < MAX_ROWS:
                sheet.reaches_row = worksheet.max_row or number
            else:
                sheet.too_long = True
            break
        if not _add_row(sheet, number, [_xlsx_cell(cell) for cell in cells]):
            break
    return sheet


def _add_row(sheet: Sheet, number: int, cells: list[Cell]) -> bool:
    """Keep a row that has any content; False once the sheet has more rows than allowed."""
    if not any(cell.text.strip() for cell in cells):
        return True
    if len(sheet.rows) >= MAX_ROWS:
        sheet.too_long = True
        return False
    sheet.rows.append((number, cells))
    return True


def _xlsx_cell(cell) -> Cell:
    value = cell.value
    if value is None:
        return Cell()
    if getattr(cell, "data_type", None) == "f":
        return Cell(text=str(getattr(value, "text", value) or ""), formula=True)
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return Cell(value.date().isoformat())
        return Cell(value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return Cell(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return Cell(str(int(value)))
    return Cell(str(value))


# Binding a sheet to a layout -------------------------------------------------------------------


@dataclass
class Record:
    """One row of data, its cells by column key."""

    number: int
    cells: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.text if cell else ""


@dataclass
class Table:
    """A sheet read against a layout: its records, where each column is, and what is wrong
    with the headings (nothing can be imported while ``problems`` is not empty)."""

    layout: Layout
    records: list[Record] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def problem(self, record: Record, key: str, message: str) -> Problem:
        return Problem(
            message,
            sheet=self.layout.title,
            row=record.number,
            column=self.layout.column(key).heading,
            letter=self.letters.get(key, ""),
        )


def bind(sheet: Sheet, layout: Layout) -> Table:
    """Match the sheet's headings to the layout's columns (case and spacing ignored).

    A missing or misspelt heading is a problem naming the heading expected and, when one is
    close, the heading found that was probably meant.
    """
    table = Table(layout)
    if not sheet.headings:
        message = (
            "The sheet is empty."
            if not sheet.rows
            else "The first row must hold the column headings."
        )
        table.problems.append(
            Problem(
                f"{message} Expected the headings: {', '.join(layout.headings)}.",
                sheet=layout.title,
            )
        )
        return table
    if sheet.reaches_row is not None:
        table.problems.append(
            Problem(
                f"This sheet reaches down to row {sheet.reaches_row:,}, far below your data: "
                "something there (a value, a formula or formatting) makes Excel count those "
                f"rows, and only the first {MAX_SCANNED_ROWS:,} are read. Select the rows below "
                "your data, delete them (right-click, Delete), save and upload again.",
                sheet=layout.title,
            )
        )
        return table
    if sheet.too_long:
        table.problems.append(
            Problem(
                f"There are more than {MAX_ROWS} rows. Import at most {MAX_ROWS} rows at a "
                "time: split the file into smaller ones.",
                sheet=layout.title,
            )
        )
        return table

    positions: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for index, heading in enumerate(sheet.headings):
        if not heading:
            continue
        column = next((c for c in layout.columns if _folded(heading) in c.names), None)
        if column is None:
            unknown[heading] = index
        elif column.informational:
            continue  # for the reader only: never read
        elif column.key in positions:
            first = get_column_letter(positions[column.key] + 1)
            table.problems.append(
                Problem(
                    f'The heading "{column.heading}" appears twice, in columns {first} and '
                    f"{get_column_letter(index + 1)}. Keep only one.",
                    sheet=layout.title,
                )
            )
        else:
            positions[column.key] = index

    for column in layout.columns:
        if column.key in positions or not column.required:
            continue
        candidates = {_folded(heading): heading for heading in unknown}
        close = difflib.get_close_matches(_folded(column.heading), candidates, n=1, cutoff=0.6)
        if close:
            found = candidates[close[0]]
            letter = get_column_letter(unknown.pop(found) + 1)
            message = (
                f'The column "{column.heading}" is missing. Column {letter} is headed '
                f'"{found}": did you mean "{column.heading}"?'
            )
        else:
            message = (
                f'The column "{column.heading}" is missing. The headings must be: '
                f"{', '.join(layout.headings)}."
            )
        table.problems.append(Problem(message, sheet=layout.title))
    for heading, index in unknown.items():
        table.warnings.append(
            Problem(
                "This column is not part of the format and was ignored.",
                sheet=layout.title,
                column=heading,
                letter=get_column_letter(index + 1),
            )
        )
    if table.problems:
        return table

    table.letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    width = len(sheet.headings)
    for number, cells in sheet.rows:
        record = Record(number, {key: _at(cells, index) for key, index in positions.items()})
        extra = [cell for cell in cells[width:] if cell.text.strip()]
        if extra:
            table.problems.append(
                Problem(
                    f"This row has {len(cells)} cells but there are only {width} column "
                    "headings. Is there a comma inside a cell that is not in quotation marks?",
                    sheet=layout.title,
                    row=number,
                )
            )
        table.records.append(record)
    return table


def _at(cells: Sequence[Cell], index: int) -> Cell:
    return cells[index] if index < len(cells) else Cell()


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


# Writing --------------------------------------------------------------------------------------

CellValue = str | dt.date


@dataclass
class SheetData:
    """Rows to write under a layout. ``choices`` offers a drop-down list in a column of the
    Excel workbook (an aid only: any text can still be typed, and is checked on import)."""

    layout: Layout
    rows: list[list[CellValue]]
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


def write_csv(data: SheetData) -> bytes:
    """UTF-8 with a byte-order mark, CRLF line endings, formula triggers neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(data.layout.headings)
    for row in data.rows:
        writer.writerow([neutralise(_as_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(sheets: Sequence[SheetData]) -> bytes:
    """One worksheet per layout, headings in bold and frozen, every text cell stored as text."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "PRAP Tracker"
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for data in sheets:
        worksheet = workbook.create_sheet(data.layout.title)
        for index, column in enumerate(data.layout.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.heading)
            cell.font = bold
            if column.informational:
                cell.comment = Comment(INFORMATIONAL_NOTE, "PRAP Tracker")
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        for row_number, row in enumerate(data.rows, start=2):
            for index, (column, value) in enumerate(
                zip(data.layout.columns, row, strict=True), start=1
            ):
                cell = worksheet.cell(row=row_number, column=index)
                cell.alignment = wrapped if column.wrap else top
                if isinstance(value, dt.date):
                    cell.value = value
                    cell.number_format = "yyyy-mm-dd"
                    continue
                text = ILLEGAL_CHARACTERS_RE.sub("", value)
                if not text:
                    continue
                cell.value = text
                # Never a formula, whatever the text: a cell starting with "=" would otherwise
                # be stored as one. The quote prefix keeps it text when someone edits it.
                cell.data_type = "s"
                if text.startswith(FORMULA_TRIGGERS):
                    cell.quotePrefix = True
        worksheet.freeze_panes = "A2"
        _add_choices(worksheet, data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_choices(worksheet, data: SheetData) -> None:
    last_row = max(len(data.rows) + 1, MAX_ROWS + 1)
    for key, options in data.choices.items():
        listed = ",".join(options)
        if not options or any("," in option for option in options) or len(listed) > 250:
            continue
        validation = DataValidation(
            type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False
        )
        letter = get_column_letter([column.key for column in data.layout.columns].index(key) + 1)
        validation.add(f"{letter}2:{letter}{last_row}")
        worksheet.add_data_validation(validation)


def _as_text(value: CellValue) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value
