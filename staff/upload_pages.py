"""What the spreadsheet upload pages share (the plan and return uploads, the engagement log
upload): the posted form's data, the limits they state, the message when an upload has gone,
and the preview's rows by sheet with their anchors."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.text import slugify

from actions.spreadsheets.files import MAX_BYTES, MAX_ROWS
from actions.spreadsheets.preview import ImportPreview
from actions.spreadsheets.uploads import UPLOAD_LIFETIME


def posted(request) -> tuple:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def upload_limits() -> dict:
    return {
        "max_megabytes": MAX_BYTES // 1024 // 1024,
        "max_rows": MAX_ROWS,
        "upload_hours": int(UPLOAD_LIFETIME.total_seconds() // 3600),
    }


def upload_gone(request, upload_url: str):
    messages.error(
        request,
        "That upload is no longer waiting to be imported (an upload is kept for "
        f"{upload_limits()['upload_hours']} hours, until it is imported or cancelled). Nothing was "
        "written: upload the file again.",
    )
    return redirect(upload_url)


def row_anchor(sheet: str, number: int) -> str:
    return f"row-{slugify(sheet)}-{number}"


def preview_tables(preview: ImportPreview) -> list[tuple[str, list]]:
    """The preview's rows by sheet, in order, each with its anchor."""
    tables: dict[str, list] = {}
    for row in preview.rows:
        row.anchor = row_anchor(row.sheet, row.number)
        tables.setdefault(row.sheet, []).append(row)
    return list(tables.items())
