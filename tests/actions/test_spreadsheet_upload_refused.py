"""Files the upload pages refuse: each gets the specific message in a GOV.UK error summary
and the field, nothing is written, and nothing waits in the session."""

import pytest

from actions.spreadsheets.files import MAX_BYTES
from actions.upload_models import StoredUpload
from tests.actions.conftest import csv_bytes, csv_rows, database_state
from tests.actions.spreadsheet_pages import (
    page_text,
    plan_import_url,
    plan_workbook,
    return_csv,
    return_import_url,
    upload,
    upload_plan,
    upload_return,
    workbook_bytes,
)
from tests.mfa import VerifiedClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def refused(response) -> str:
    """The page of a refused upload: its text, after checking it is the upload form again
    with an error summary, and that nothing waits to be imported."""
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.content.decode().count("govuk-error-summary__list") == 1
    assert not StoredUpload.objects.exists()
    text = page_text(response)
    assert text.startswith("There is a problem")
    return text


def test_the_upload_page_offers_the_gov_uk_file_upload(alice_client, plan_a):
    content = alice_client.get(plan_import_url(plan_a)).content.decode()

    assert 'class="govuk-drop-zone" data-module="govuk-file-upload"' in content
    assert 'enctype="multipart/form-data"' in content
    assert 'accept=".xlsx,.csv,text/csv,' in content
    assert "at most 5 MB" in page_text(alice_client.get(plan_import_url(plan_a)))


def test_uploading_without_a_file_asks_for_one(alice_client, plan_a):
    text = refused(alice_client.post(plan_import_url(plan_a), {}))

    assert "Select the plan file to upload" in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "plan.csv",
            b"%PDF-1.5 pretending to be a spreadsheet",
            "This file is a PDF document, not a spreadsheet.",
        ),
        (
            "plan.xlsx",
            b"%PDF-1.5 pretending to be a workbook",
            "This file is a PDF document, not a spreadsheet.",
        ),
        ("plan.pdf", b"Reference,Title\r\n", '"plan.pdf" is not a spreadsheet this site reads'),
        ("plan.csv", b"   \r\n", '"plan.csv" is empty.'),
        ("plan.csv", b"", "The selected file is empty"),
        (
            "plan.csv",
            "Reference,Title\r\nR-01,Caf\u00e9\r\n".encode("cp1252"),
            "This CSV file is not UTF-8 text: line 2 has a character that is not UTF-8.",
        ),
    ],
)
def test_a_file_that_is_not_a_usable_spreadsheet_is_refused(
    alice_client, plan_a, name, data, message
):
    before = database_state()

    text = refused(upload_plan(alice_client, plan_a, data, name=name))

    assert message in text
    assert database_state() == before


def test_a_misspelt_heading_is_refused_at_upload_with_the_suggestion(alice_client, plan_a):
    workbook = plan_workbook(plan_a)
    workbook["Plan"]["G1"] = "Due quater"
    before = database_state()

    text = refused(upload_plan(alice_client, plan_a, workbook_bytes(workbook)))

    assert (
        'Plan: The column "Due quarter" is missing. Column G is headed "Due quater": '
        'did you mean "Due quarter"?'
    ) in text
    assert database_state() == before


def test_a_problem_with_the_milestones_file_is_shown_on_that_field(alice_client, plan_a):
    from actions.spreadsheets.exports import export_plan

    plan_file, milestones_file = export_plan(plan_a, "csv")
    rows = csv_rows(milestones_file.data)
    rows[0][2] = "Milestoen"

    response = upload_plan(
        alice_client, plan_a, plan_file.data, name="plan.csv", milestones=csv_bytes(rows)
    )

    refused(response)
    assert response.context["form"].errors["milestones_file"] == [
        'Milestones: The column "Milestone" is missing. Column C is headed "Milestoen": '
        'did you mean "Milestone"?'
    ]


def test_a_file_over_5_mb_is_refused_as_it_arrives(alice_client, plan_a):
    before = database_state()
    too_big = b"Reference,Title\r\n" + b"x" * MAX_BYTES

    response = upload_plan(alice_client, plan_a, too_big, name="huge.csv")

    text = refused(response)
    assert '"huge.csv" is larger than 5 MB, the largest file accepted.' in text
    assert database_state() == before


def test_a_file_of_exactly_5_mb_is_read(alice_client, plan_a):
    header = b"Reference,Title\r\n"
    padding = b"\r\n" * ((MAX_BYTES - len(header)) // 2)

    response = upload_plan(alice_client, plan_a, header + padding, name="big.csv")

    text = refused(response)  # read, and refused for its headings, not its size
    assert "larger than 5 MB" not in text
    assert 'Plan: The column "Workstream" is missing.' in text


def test_a_return_for_another_quarter_than_chosen_is_refused_by_row(alice_client, plan_a, return_a):
    data = return_csv(plan_a, return_a)

    response = upload_return(alice_client, plan_a, return_a.previous, data)
    preview = alice_client.get(response["Location"])

    assert "This row is for Q3 2024/25, but this is the return for Q2 2024/25." in page_text(
        preview
    )
    assert "Confirm and import" not in page_text(preview)


def test_a_quarter_outside_the_list_is_refused(alice_client, plan_a, return_a):
    response = alice_client.post(
        return_import_url(plan_a),
        {"quarter": "2031-Q1", "return_file": upload("r.csv", return_csv(plan_a, return_a))},
    )

    assert "Choose a quarter from the list" in refused(response)


def test_the_upload_pages_still_check_the_csrf_token(alice, plan_a, return_a):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(
        return_import_url(plan_a),
        {"quarter": return_a.compact, "return_file": upload("r.csv", return_csv(plan_a, return_a))},
    )

    assert response.status_code == 403
