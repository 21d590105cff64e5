"""The export_plan, export_return, import_plan and import_return commands."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from actions.models import Deliverable, QuarterlyUpdate, Status
from plans.quarters import Quarter
from tests.actions.conftest import csv_bytes, csv_rows, database_state

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_plan_writes_a_workbook_or_two_csv_files(plan_a, tmp_path):
    output = run("export_plan", "--force", "force-a", "-o", str(tmp_path / "a.xlsx"))
    assert output == f"Wrote {tmp_path / 'a.xlsx'}.\n"
    assert (tmp_path / "a.xlsx").read_bytes().startswith(b"PK")

    output = run("export_plan", "--force", "force-a", "--format", "csv", "-o", str(tmp_path / "a"))
    assert output.splitlines() == [
        f"Wrote {tmp_path / 'a'}.",
        f"Wrote {tmp_path / 'a-milestones.csv'}.",
    ]
    assert csv_rows((tmp_path / "a").read_bytes())[1][0] == "R-01"


def test_import_plan_dry_run_prints_the_preview_and_writes_nothing(plan_a, alice, tmp_path):
    run("export_plan", "--force", "force-a", "-o", str(tmp_path / "plan.csv"))
    rows = csv_rows((tmp_path / "plan.csv").read_bytes())
    rows[1][2] = "A better title"
    rows[1][10] = "Clearer for the public."
    rows.append(["", "Involved", "Listening events", "", "", "2025-Q1", "2025-Q2", "I1", "no", ""])
    (tmp_path / "plan.csv").write_bytes(csv_bytes(rows))
    state = database_state()

    output = run(
        "import_plan",
        "--force",
        "force-a",
        str(tmp_path / "plan.csv"),
        "--milestones",
        str(tmp_path / "plan-milestones.csv"),
        "--dry-run",
    )

    assert output.splitlines() == [
        "Plan of Force A Police: Force A plan (Q1 2024/25 to Q4 2025/26)",
        'Plan, row 2 [R-01] "A better title": changed (Reason for change: Clearer for the public.)',
        "    Title: Recruit and retain Black officers -> A better title",
        'Plan, row 5 [new] "Listening events": created (New deliverable)',
        "    Workstream: Involved",
        "    Start quarter: Q1 2025/26 (Apr-Jun 2025)",
        "    Due quarter: Q2 2025/26 (Jul-Sep 2025)",
        "    Lead: (blank)",
        "    Description: (blank)",
        "    National actions: I1",
        "Summary: 1 created, 1 changed, 5 unchanged.",
        "Dry run: nothing was written.",
    ]
    assert database_state() == state


def test_import_plan_writes_as_the_given_user(plan_a, alice, tmp_path):
    run("export_plan", "--force", "force-a", "-o", str(tmp_path / "plan.xlsx"))
    workbook = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    workbook["Plan"]["E2"] = "Chief Inspector, People"
    workbook.save(tmp_path / "plan.xlsx")

    output = run(
        "import_plan", "--force", "force-a", str(tmp_path / "plan.xlsx"), "--user", alice.email
    )

    assert output.splitlines()[-1] == "Imported: 0 created, 1 changed, 5 unchanged."
    coded = Deliverable.objects.get(plan=plan_a, reference="R-01")
    assert coded.lead == "Chief Inspector, People"
    assert coded.history.first().history_user == alice
    again = run("import_plan", "--force", "force-a", str(tmp_path / "plan.xlsx"))
    assert again.splitlines()[-1] == "No changes: nothing was written."


def test_import_plan_exits_with_the_errors_and_writes_nothing(plan_a, tmp_path):
    run("export_plan", "--force", "force-a", "-o", str(tmp_path / "plan.csv"))
    rows = csv_rows((tmp_path / "plan.csv").read_bytes())
    rows[1][6] = "Q5 2024/25"
    rows[2][2] = "Also changed"
    rows[2][10] = "Clearer for the public."
    (tmp_path / "plan.csv").write_bytes(csv_bytes(rows))
    state = database_state()

    with pytest.raises(CommandError) as raised:
        run("import_plan", "--force", "force-a", str(tmp_path / "plan.csv"))

    assert str(raised.value).splitlines() == [
        "Nothing was written: the file has 1 error.",
        'Plan, row 2, column "Due quarter" (G): "Q5 2024/25" is not a quarter: quarters are '
        "numbered Q1 to Q4.",
    ]
    assert database_state() == state


def test_import_plan_refuses_a_file_that_is_not_a_spreadsheet(plan_a, tmp_path):
    (tmp_path / "plan.csv").write_bytes(b"%PDF-1.5 pretending")
    state = database_state()

    with pytest.raises(CommandError, match=r"plan\.csv: This file is a PDF document"):
        run("import_plan", "--force", "force-a", str(tmp_path / "plan.csv"))

    assert database_state() == state


def test_import_plan_refuses_an_unknown_force_with_a_suggestion(plan_a, tmp_path):
    with pytest.raises(CommandError, match=r'no force with the slug "force-c"\. Did you mean'):
        run("import_plan", "--force", "force-c", str(tmp_path / "plan.csv"))


def test_import_plan_refuses_a_coordinator_of_another_force(plan_a, bob, tmp_path):
    run("export_plan", "--force", "force-a", "-o", str(tmp_path / "plan.csv"))

    with pytest.raises(CommandError, match="is a coordinator of Force B Constabulary, not of"):
        run("import_plan", "--force", "force-a", str(tmp_path / "plan.csv"), "--user", bob.email)


def test_import_plan_needs_a_plan_to_import_into(force_b, tmp_path):
    with pytest.raises(CommandError, match="Force B Constabulary has no plan yet"):
        run("import_plan", "--force", "force-b", str(tmp_path / "plan.csv"))


def test_import_return_saves_drafts_or_publishes(plan_a, alice, tmp_path):
    path = tmp_path / "return.csv"
    run("export_return", "--force", "force-a", "--quarter", "Q4 2024/25", "-o", str(path))
    rows = csv_rows(path.read_bytes())
    rows[1][3:5] = ["Complete", "Mentoring scheme launched."]
    path.write_bytes(csv_bytes(rows))

    dry = run("import_return", "--force", "force-a", "--quarter", "2024-Q4", str(path), "--dry-run")
    assert not QuarterlyUpdate.objects.filter(quarter=Quarter(2024, 4)).exists()
    assert dry.splitlines()[0] == (
        "Quarterly return of Force A Police for Q4 2024/25 (Jan-Mar 2025), saved as drafts"
    )

    run("import_return", "--force", "force-a", "--quarter", "2024-Q4", str(path))
    update = QuarterlyUpdate.objects.get(quarter=Quarter(2024, 4))
    assert (update.status, update.is_published) == (Status.COMPLETE, False)

    output = run(
        "import_return",
        "--force",
        "force-a",
        "--quarter",
        "2024-Q4",
        str(path),
        "--publish",
        "--user",
        alice.email,
    )
    assert "    Published: no -> yes" in output.splitlines()
    update.refresh_from_db()
    assert update.is_published
    assert update.history.first().history_user == alice


def test_import_return_refuses_an_invalid_quarter(plan_a, tmp_path):
    with pytest.raises(CommandError, match=r"--quarter: .*quarters are numbered Q1 to Q4"):
        run("import_return", "--force", "force-a", "--quarter", "2024-Q5", "x.csv")
