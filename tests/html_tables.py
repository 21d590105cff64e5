"""Read an HTML table the way a screen reader does: every cell with its column position
(after colspans and rowspans), its row and column headers, its text and its links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    tag: str
    row: int
    column: int
    colspan: int = 1
    rowspan: int = 1
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    in_head: bool = False

    @property
    def columns(self) -> range:
        return range(self.column, self.column + self.colspan)

    @property
    def rows(self) -> range:
        return range(self.row, self.row + self.rowspan)


@dataclass
class Table:
    caption: str
    cells: list[Cell]

    @property
    def column_headers(self) -> list[Cell]:
        return [c for c in self.cells if c.in_head and c.tag == "th"]

    def column_header(self, column: int) -> Cell:
        return next(c for c in self.column_headers if column in c.columns)

    def row_header(self, cell: Cell) -> Cell:
        return next(
            c
            for c in self.cells
            if c.tag == "th" and not c.in_head and cell.row in c.rows and c.column == 0
        )

    @property
    def body_cells(self) -> list[Cell]:
        return [c for c in self.cells if not c.in_head and c.tag == "td"]


class _TableParser(HTMLParser):
    def __init__(self, table_class: str):
        super().__init__(convert_charrefs=True)
        self.table_class = table_class
        self.depth = 0  # nesting depth of the wanted table (0 = outside)
        self.caption: list[str] = []
        self.in_caption = False
        self.in_head = False
        self.row = -1
        self.occupied: set[tuple[int, int]] = set()
        self.cells: list[Cell] = []
        self.cell: Cell | None = None
        self.link: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "table":
            if self.depth:
                self.depth += 1
            elif self.table_class in attrs.get("class", "").split():
                self.depth = 1
            return
        if not self.depth:
            return
        if tag == "caption":
            self.in_caption = True
        elif tag == "thead":
            self.in_head = True
        elif tag == "tbody":
            self.in_head = False
        elif tag == "tr":
            self.row += 1
        elif tag in ("td", "th"):
            column = 0
            while (self.row, column) in self.occupied:
                column += 1
            cell = Cell(
                tag=tag,
                row=self.row,
                column=column,
                colspan=int(attrs.get("colspan", 1)),
                rowspan=int(attrs.get("rowspan", 1)),
                attrs=attrs,
                in_head=self.in_head,
            )
            for r in cell.rows:
                for c in cell.columns:
                    self.occupied.add((r, c))
            self.cells.append(cell)
            self.cell = cell
        elif tag == "a" and self.cell is not None:
            self.link = [attrs.get("href", ""), ""]

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th"):
            if self.cell is not None:
                self.cell.text = " ".join(self.cell.text.split())
            self.cell = None
        elif tag == "a" and self.link is not None and self.cell is not None:
            self.cell.links.append((self.link[0], " ".join(self.link[1].split())))
            self.link = None

    def handle_data(self, data):
        if not self.depth:
            return
        if self.in_caption:
            self.caption.append(data)
        if self.cell is not None:
            self.cell.text += data
        if self.link is not None:
            self.link[1] += data


def parse_table(html: str, table_class: str) -> Table:
    """The first table with ``table_class`` in ``html``."""
    parser = _TableParser(table_class)
    parser.feed(html)
    if not parser.cells:
        raise AssertionError(f"No table with class {table_class!r} in the page.")
    return Table(caption=" ".join("".join(parser.caption).split()), cells=parser.cells)
