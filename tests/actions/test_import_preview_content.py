"""The check page of an upload shows what each new row will save (a new deliverable's
workstream, quarters, lead and description; a new milestone's quarter; a new update's status
and text), long texts shortened with the whole text one click away, so a coordinator can check
them before confirming.
"""

import re

import pytest

from actions.spreadsheets.exports import export_plan
from actions.spreadsheets.preview import SHOWN_LENGTH, Outcome, Shown
from plans.quarters import Quarter
from tests.actions.conftest import csv_bytes, csv_rows, plan_preview, return_preview
from tests.actions.spreadsheet_pages import (
    page_text,
    preview_url,
    return_csv,
    upload_plan,
    upload_return,
)

pytestmark = pytest.mark.django_db

LONG = " ".join(f"word{n}" for n in range(80))  # about 560 characters


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def plan_with_new_rows(plan_a) -> tuple[bytes, bytes]:
    plan_file, milestones_file = export_plan(plan_a, "csv")
    rows = csv_rows(plan_file.data)
    rows.append(
        ["Y-01", "Involved", "Youth panel", LONG, "Head of Engagement", "2025-Q1", "2025-Q2",
         "I1", "no", ""]
    )  # fmt: skip
    milestones = csv_rows(milestones_file.data)
    milestones.append(["Y-01", "", "Panel recruited", "2025-Q2", ""])
    return csv_bytes(rows), csv_bytes(milestones)


def test_the_check_page_shows_what_a_new_deliverable_and_milestone_will_save(alice_client, plan_a):
    plan_file, milestones_file = plan_with_new_rows(plan_a)

    page = alice_client.get(
        preview_url(
            upload_plan(
                alice_client, plan_a, plan_file, name="plan.csv", milestones=milestones_file
            )
        )
    )

    text = page_text(page)
    assert "Youth panel Reference Y-01 New New deliverable Workstream Involved" in text
    assert "Start quarter Q1 2025/26 (Apr-Jun 2025)" in text
    assert "Due quarter Q2 2025/26 (Jul-Sep 2025)" in text
    assert "Lead Head of Engagement" in text
    assert "National actions I1" in text
    assert "New milestone of Y-01 Due quarter Q2 2025/26 (Jul-Sep 2025) Done on Not done yet" in (
        text
    )


def test_a_long_description_is_shortened_with_the_whole_text_one_click_away(alice_client, plan_a):
    plan_file, milestones_file = plan_with_new_rows(plan_a)

    page = alice_client.get(
        preview_url(
            upload_plan(
                alice_client, plan_a, plan_file, name="plan.csv", milestones=milestones_file
            )
        )
    )

    html = page.content.decode()
    shown = re.search(r"Description</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S).group(1)
    start = re.search(r'<span class="prap-pre-line">(.*?)</span>', shown, re.S).group(1)
    assert start.endswith("…") and len(start) <= SHOWN_LENGTH
    assert LONG.startswith(start[:-1])
    details = re.search(r"<details.*?</details>", shown, re.S).group(0)
    assert "Show all of &ldquo;Description&rdquo;" in details
    assert LONG in details


def test_the_check_page_shows_the_status_and_text_of_a_new_update(alice_client, plan_a):
    quarter = Quarter(2024, 4)
    rows = csv_rows(return_csv(plan_a, quarter))
    rows[1][3:7] = ["At risk", LONG, "Recruit mentors.", "https://force-a.example/mentors"]

    page = alice_client.get(
        preview_url(upload_return(alice_client, plan_a, quarter, csv_bytes(rows)))
    )

    text = page_text(page)
    assert "New Saved as a draft Status At risk What was done word0 word1" in text
    assert f"Show all of “What was done” in row 2 {LONG}" in text
    assert "What is next Recruit mentors." in text
    assert "Evidence links https://force-a.example/mentors" in text
    assert text.count("Status At risk") == 1  # the blank row adds nothing: no update


def test_changed_and_unchanged_rows_show_their_changes_not_their_content(plan_a, return_a):
    rows = csv_rows(return_csv(plan_a, return_a))
    rows[1][4] = "Ran three open days."

    preview = return_preview(plan_a, return_a, csv_bytes(rows))

    assert [(row.outcome, row.content) for row in preview.rows] == [
        (Outcome.CHANGED, []),
        (Outcome.UNCHANGED, []),
    ]


def test_a_new_withdrawn_deliverable_shows_its_reason(plan_a):
    plan_file, _ = export_plan(plan_a, "csv")
    rows = csv_rows(plan_file.data)
    rows.append(
        ["Y-02", "Involved", "Old idea", "", "", "2025-Q1", "2025-Q1", "", "yes", "Merged."]
    )

    preview = plan_preview(plan_a, csv_bytes(rows))

    new = next(row for row in preview.rows if row.outcome == Outcome.CREATED)
    assert Shown("Withdrawn", "Yes: Merged.") in new.content
    assert Shown("Lead", "") in new.content  # shown as "(blank)" on the page


def test_the_commands_print_the_content_of_new_rows(plan_a):
    plan_file, milestones_file = plan_with_new_rows(plan_a)

    lines = plan_preview(plan_a, plan_file, milestones=milestones_file).report_lines()

    assert "    Workstream: Involved" in lines
    assert "    Start quarter: Q1 2025/26 (Apr-Jun 2025)" in lines
    assert "    Done on: Not done yet" in lines


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Short text.", ""),
        ("x" * SHOWN_LENGTH, ""),
        ("x" * (SHOWN_LENGTH + 1), "x" * (SHOWN_LENGTH - 1) + "…"),
        ("aaaa " * 50, ("aaaa " * 39).strip() + "…"),
        ("line one\n" + "b " * 200, "line one\n" + ("b " * 95).strip() + "…"),
        ("Poole, " * 40, ("Poole, " * 28).strip().rstrip(",") + "…"),  # no comma before "…"
    ],
)
def test_a_long_text_is_cut_at_a_word(text, short):
    assert Shown("Description", text).short == short
