"""A coordinator downloads the plan and a return, edits them offline, uploads them, checks
the preview and confirms; the upload and preview pages pass axe at desktop and 320 px."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from actions.models import Deliverable, QuarterlyUpdate, Status
from tests.browser.conftest import ERROR_TITLE, axe_violations, screenshot, sign_in
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db(transaction=True)


def downloaded(page, link_name: str) -> tuple[str, bytes]:
    """Click a download link: the file's suggested name and its content."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def saved(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def edited_plan(data: bytes, deliverable: Deliverable, title: str) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Plan"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == str(deliverable.pk):
            row[2].value = title
            row[10].value = "The report is now published every year."  # Reason for change
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assert_accessible_and_fits(page, name: str, width: int | None = None) -> None:
    assert axe_violations(page) == [], page.url
    if width is not None:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, page.url
    screenshot(page, name)


def test_a_coordinator_exports_edits_and_imports_the_plan(
    page, reference, force_a, alice, tmp_path
):
    data = force_data(force_a)
    sign_in(page, alice)
    page.wait_for_url(f"**/staff/forces/{force_a.slug}/")

    name, content = downloaded(page, "Excel workbook (.xlsx)")
    assert name.startswith(f"{force_a.slug}-plan-") and name.endswith(".xlsx")
    changed = edited_plan(content, data.silent, "Publish the pay gap report every year")

    page.get_by_role("link", name="Upload a changed plan").click()
    assert page.locator("h1").inner_text() == "Upload the plan from a spreadsheet"
    assert_accessible_and_fits(page, "spreadsheet-upload")

    # A PDF is refused with the core's message in an error summary.
    page.locator("input[type=file][name=plan_file]").set_input_files(
        saved(tmp_path, "plan.xlsx", b"%PDF-1.7 not a workbook")
    )
    page.get_by_role("button", name="Upload and check").click()
    summary = page.locator(".govuk-error-summary")
    assert "This file is a PDF document, not a spreadsheet." in summary.inner_text()
    expect(page).to_have_title(ERROR_TITLE)
    assert_accessible_and_fits(page, "spreadsheet-upload-error")

    page.locator("input[type=file][name=plan_file]").set_input_files(
        saved(tmp_path, "plan.xlsx", changed)
    )
    page.get_by_role("button", name="Upload and check").click()
    assert "will change" in page.locator("h1").inner_text()
    row = page.locator("tr", has_text="Publish the pay gap report every year")
    assert "Changes" in row.inner_text()
    assert "Reason for change: The report is now published every year." in row.inner_text()
    assert f"{force_a.name}: Pay gap report" in row.inner_text()
    assert Deliverable.objects.get(pk=data.silent.pk).title == f"{force_a.name}: Pay gap report"
    assert_accessible_and_fits(page, "spreadsheet-preview")

    page.get_by_role("button", name="Confirm and import").click()
    assert page.locator("h1").inner_text() == "Plan imported"
    assert "1 changed" in page.locator(".govuk-panel").inner_text()
    silent = Deliverable.objects.get(pk=data.silent.pk)
    assert silent.title == "Publish the pay gap report every year"
    assert silent.history.first().history_user == alice
    assert_accessible_and_fits(page, "spreadsheet-imported")

    page.get_by_role("link", name="Publish the pay gap report every year").click()
    assert "History" in page.locator("h1").inner_text()


def test_a_coordinator_uploads_a_return_and_publishes_it(page, reference, force_a, alice, tmp_path):
    data = force_data(force_a)
    sign_in(page, alice)
    page.goto(f"/staff/forces/{force_a.slug}/return/?quarter={RETURN_QUARTER.compact}")

    name, content = downloaded(page, "CSV file (.csv)")
    assert name == f"{force_a.slug}-return-{RETURN_QUARTER.compact}.csv"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    for row in rows[1:]:
        if row[0] == str(data.silent.pk):
            row[3:5] = ["On track", "Data collected in every district."]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    page.get_by_role("link", name="upload it").click()
    assert page.get_by_label("Quarter").input_value() == RETURN_QUARTER.compact
    page.locator("input[type=file][name=return_file]").set_input_files(
        saved(tmp_path, "return.csv", buffer.getvalue().encode("utf-8-sig"))
    )
    page.get_by_role("button", name="Upload and check").click()
    assert "Saved as a draft" in page.locator("tr", has_text="Pay gap report").inner_text()
    assert_accessible_and_fits(page, "spreadsheet-return-preview")

    page.get_by_label("Publish these updates now").check()
    page.get_by_role("button", name="Confirm and import").click()

    assert page.locator("h1").inner_text() == f"{RETURN_QUARTER} return imported"
    update = QuarterlyUpdate.objects.get(deliverable=data.silent, quarter=RETURN_QUARTER)
    assert (update.status, update.is_published) == (Status.ON_TRACK, True)


def test_the_upload_and_preview_pages_fit_a_320_pixel_screen(
    narrow_page, reference, force_a, alice, tmp_path
):
    data = force_data(force_a)
    page = narrow_page
    sign_in(page, alice)
    page.wait_for_url(f"**/staff/forces/{force_a.slug}/")
    _, content = downloaded(page, "Excel workbook (.xlsx)")
    long_title = "Publish the pay gap report every year, with the data behind it, by district"
    changed = edited_plan(content, data.silent, long_title)

    page.goto(f"/staff/plans/{data.plan.pk}/import/plan/")
    assert_accessible_and_fits(page, "spreadsheet-upload-320", width=320)
    page.locator("input[type=file][name=plan_file]").set_input_files(
        saved(tmp_path, "plan.xlsx", changed)
    )
    page.get_by_role("button", name="Upload and check").click()
    assert "will change" in page.locator("h1").inner_text()
    assert_accessible_and_fits(page, "spreadsheet-preview-320", width=320)

    page.goto(f"/staff/plans/{data.plan.pk}/import/return/?quarter={RETURN_QUARTER.compact}")
    assert_accessible_and_fits(page, "spreadsheet-return-upload-320", width=320)
    _, return_file = downloaded(page, "CSV file (.csv)")
    page.locator("input[type=file][name=return_file]").set_input_files(
        saved(tmp_path, "return.csv", return_file)
    )
    page.get_by_role("button", name="Upload and check").click()
    assert "return upload will change" in page.locator("h1").inner_text()
    assert_accessible_and_fits(page, "spreadsheet-return-preview-320", width=320)


def test_a_coordinator_uploads_the_engagement_log_and_confirms_it(
    page, reference, force_a, alice, tmp_path
):
    from engagement.models import Activity
    from tests.factories import ActivityFactory

    activity = ActivityFactory(force=force_a, title="Community meeting in Hanley")
    sign_in(page, alice)
    page.goto(f"/staff/forces/{force_a.slug}/engagement/")

    name, content = downloaded(page, "Download the log (Excel workbook, .xlsx)")
    assert name == f"engagement-log-{force_a.slug}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Activities"]
    headings = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headings.index("Place or area") + 1, value="Hanley town hall")
    buffer = io.BytesIO()
    workbook.save(buffer)

    page.get_by_role("link", name="Upload the log from a spreadsheet").click()
    assert page.locator("h1").inner_text() == "Upload the engagement log from a spreadsheet"
    assert_accessible_and_fits(page, "engagement-upload")
    page.locator("input[type=file][name=log_file]").set_input_files(
        saved(tmp_path, name, buffer.getvalue())
    )
    page.get_by_role("button", name="Upload and check").click()
    assert page.locator("h1").inner_text() == "Check what the engagement log upload will change"
    assert_accessible_and_fits(page, "engagement-upload-preview")
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible_and_fits(page, "engagement-upload-preview-320", width=320)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Confirm and import").click()
    assert (
        "0 created, 1 changed, 0 unchanged"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert Activity.objects.get(pk=activity.pk).place == "Hanley town hall"
