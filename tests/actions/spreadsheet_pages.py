"""Helpers for the tests of the spreadsheet download and upload pages."""

from __future__ import annotations

import html
import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.spreadsheets.exports import export_plan, export_return
from plans.models import Plan
from plans.quarters import Quarter


def plan_import_url(plan: Plan) -> str:
    return f"/staff/plans/{plan.pk}/import/plan/"


def return_import_url(plan: Plan) -> str:
    return f"/staff/plans/{plan.pk}/import/return/"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def upload_plan(client, plan: Plan, data: bytes, name="plan.xlsx", milestones: bytes | None = None):
    """POST the plan upload form; the response (a redirect to the preview when accepted)."""
    files = {"plan_file": upload(name, data)}
    if milestones is not None:
        files["milestones_file"] = upload("milestones.csv", milestones)
    return client.post(plan_import_url(plan), files)


def upload_return(client, plan: Plan, quarter: Quarter, data: bytes, name="return.csv"):
    return client.post(
        return_import_url(plan), {"quarter": quarter.compact, "return_file": upload(name, data)}
    )


def preview_url(response) -> str:
    """Where an accepted upload was sent: its preview."""
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def confirm(client, preview_page, *, publish: bool = False, **changes):
    """POST the preview's confirmation form as the page shows it (hidden fingerprints kept)."""
    form = preview_page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "publish"}
    if publish:
        data["publish"] = "on"
    data.update(changes)
    return client.post(preview_page.wsgi_request.path, data)


def plan_workbook(plan: Plan) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_plan(plan, "xlsx")[0].data))


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cell(sheet, reference: str, heading: str, value) -> None:
    """Write ``value`` in the row whose first cell is ``reference``, under ``heading``."""
    headings = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[0].value) == reference:
            row[headings.index(heading)].value = value
            return
    raise AssertionError(f"no row {reference}")


def return_csv(plan: Plan, quarter: Quarter) -> bytes:
    return export_return(plan, quarter, "csv").data


def page_text(response) -> str:
    """The main content of a page as a person reads it: no tags, single spaces."""
    content = response.content.decode()
    main = content[content.find("<main") : content.find("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
