"""Streaming CSV and JSON downloads shared by the open data files, the national comparison
and the return tracker.

Rows are written as they are produced, so memory does not grow with the number of rows.
CSV cells that a spreadsheet would read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

from plans.quarters import Quarter

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets
# (OWASP "CSV injection"): prefixing an apostrophe makes the spreadsheet show it as text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"


def plain_value(value: Any) -> Any:
    """A value JSON and CSV can carry: quarters compact (``2024-Q2``), dates ISO 8601."""
    if isinstance(value, Quarter):
        return value.compact
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def csv_cell(value: Any) -> str:
    """The text of one CSV cell: empty for None, ``true``/``false`` for booleans, and text
    that starts like a formula prefixed with an apostrophe.
    """
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` hands the line back, for ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Quarter):
            return o.compact
        return super().default(o)


def json_lines(
    names: Sequence[str], rows: Iterable[Sequence[Any]], meta: dict[str, Any]
) -> Iterator[str]:
    """``{...meta, "rows": [{name: value, ...}, ...]}``, one row per line."""
    head = json.dumps(meta, cls=_Encoder, ensure_ascii=False)
    yield head[:-1] + (', "rows": [' if meta else '"rows": [')
    separator = "\n"
    for row in rows:
        record = {name: plain_value(value) for name, value in zip(names, row, strict=True)}
        yield separator + json.dumps(record, cls=_Encoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def _attachment(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    return _attachment(response, filename)


def json_response(
    filename: str,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    meta: dict[str, Any] | None = None,
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        json_lines(names, rows, meta or {}), content_type=JSON_CONTENT_TYPE
    )
    return _attachment(response, filename)


def table_response(table, fmt: str, filename: str, meta: dict[str, Any] | None = None):
    """Download a django-tables2 table as it is shown: same rows, same order.

    Columns come from ``table.export_columns()``: ``(name, header)`` pairs; CSV uses the
    headers a person reads, JSON the names. Values come from each column's ``value()``.
    """
    columns = table.export_columns()
    names = [name for name, _ in columns]
    rows = ([row.get_cell_value(name) for name in names] for row in table.rows)
    if fmt == "json":
        return json_response(f"{filename}.json", names, rows, meta)
    return csv_response(f"{filename}.csv", [header for _, header in columns], rows)


DOWNLOAD_FORMATS = ("csv", "json")


def download_links(request) -> dict[str, str]:
    """The page's own address with ``format=csv`` or ``format=json`` added: a download of
    exactly what the page shows, filters and sorting included."""
    links = {}
    for fmt in DOWNLOAD_FORMATS:
        query = request.GET.copy()
        query["format"] = fmt
        links[fmt] = f"?{query.urlencode()}"
    return links


def requested_format(request) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in DOWNLOAD_FORMATS else None
