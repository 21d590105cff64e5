"""Property: any valid plan, exported and imported again, is the same plan.

Two ways: imported back into itself it is "no changes"; imported into the empty plan of
another force (with the site's own numbers cleared, as the README says to do when copying a
plan) it creates the same deliverables and milestones, in the same order.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Deliverable, Milestone
from actions.spreadsheets.exports import export_plan
from actions.spreadsheets.files import SpreadsheetFile, multi_line, single_line
from actions.spreadsheets.plan_import import PlanImport
from actions.spreadsheets.preview import apply_import
from plans.quarters import Quarter
from tests.actions.conftest import csv_bytes, csv_rows, now
from tests.factories import PlanFactory
from workstreams.models import NationalAction, Workstream

pytestmark = pytest.mark.django_db

# Letters, digits, punctuation (quotes, commas, "=", "+", "-", "@", apostrophes), symbols and
# spaces: everything a person types, including what a spreadsheet would treat as a formula.
characters = st.characters(categories=["L", "N", "P", "S", "Zs"])
one_line = st.text(characters, max_size=40).map(single_line)
some_lines = st.lists(one_line, max_size=3).map("\n".join).map(multi_line)
quarters = st.builds(Quarter, year=st.integers(2020, 2030), number=st.integers(1, 4))
# The plans' period covers every quarter generated (a start in 2030 plus a span of 8): a
# quarter outside its plan's period is refused on every write path.
PERIOD = {"first_quarter": Quarter(2020, 1), "last_quarter": Quarter(2032, 4)}
codes = st.one_of(st.just(""), st.from_regex(r"[A-Z]{1,3}-[0-9]{1,3}", fullmatch=True))

milestone = st.fixed_dictionaries(
    {
        "title": one_line.filter(bool),
        "due_quarter": quarters,
        "done_on": st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2031, 12, 31))),
    }
)
deliverable = st.fixed_dictionaries(
    {
        "reference": codes,
        "workstream": st.integers(0, 3),
        "title": one_line.filter(bool),
        "description": some_lines,
        "lead": one_line,
        "start_quarter": quarters,
        "span": st.integers(0, 8),
        "actions": st.lists(st.integers(0, 4), max_size=3, unique=True),
        "withdrawn_reason": st.one_of(st.just(""), some_lines.filter(bool)),
        "milestones": st.lists(milestone, max_size=3),
    }
)


def build(plan, specs):
    workstreams = list(Workstream.objects.order_by("order"))
    actions = {
        w.pk: list(NationalAction.objects.filter(workstream=w).order_by("code"))
        for w in workstreams
    }
    used = set()
    for spec in specs:
        workstream = workstreams[spec["workstream"]]
        code = spec["reference"] if spec["reference"] not in used else ""
        used.add(code)
        made = Deliverable.objects.create(
            plan=plan,
            reference=code,
            workstream=workstream,
            title=spec["title"],
            description=spec["description"],
            lead=spec["lead"],
            start_quarter=spec["start_quarter"],
            due_quarter=spec["start_quarter"] + spec["span"],
            withdrawn_at=dt.date(2025, 1, 1) if spec["withdrawn_reason"] else None,
            withdrawn_reason=spec["withdrawn_reason"],
        )
        choices = actions[workstream.pk]
        made.national_actions.set([choices[i] for i in spec["actions"] if i < len(choices)])
        if code:  # a new deliverable's milestones can only name it by its code
            for m in spec["milestones"]:
                Milestone.objects.create(deliverable=made, **m)


def describe(plan):
    return [
        (
            d.reference,
            d.workstream.slug,
            d.title,
            d.description,
            d.lead,
            d.start_quarter,
            d.due_quarter,
            tuple(a.code for a in d.national_actions.all()),
            d.is_withdrawn,
            d.withdrawn_reason,
            tuple((m.title, m.due_quarter, m.done_on) for m in d.milestones.all()),
        )
        for d in Deliverable.objects.filter(plan=plan)
        .select_related("workstream")
        .prefetch_related("national_actions", "milestones")
    ]


def files(plan, file_format):
    exported = export_plan(plan, file_format)
    read = [SpreadsheetFile.from_bytes(f.data, f.name) for f in exported]
    return read[0], (read[1] if len(read) > 1 else None)


def without_site_numbers(plan, file_format):
    """The plan's files with the site's own numbers cleared: deliverables without a code and
    every milestone become new rows when imported into another plan."""
    exported = export_plan(plan, file_format)
    if file_format == "csv":
        cleared = []
        for exported_file, key in zip(exported, [0, 1], strict=True):
            rows = csv_rows(exported_file.data)
            for row in rows[1:]:
                if key == 0 and row[0].isdigit():
                    row[0] = ""
                if key == 1:
                    row[1] = ""
            cleared.append(SpreadsheetFile.from_bytes(csv_bytes(rows), exported_file.name))
        return cleared[0], cleared[1]
    workbook = openpyxl.load_workbook(io.BytesIO(exported[0].data))
    for row in workbook["Plan"].iter_rows(min_row=2):
        if str(row[0].value or "").isdigit():
            row[0].value = None
    for row in workbook["Milestones"].iter_rows(min_row=2):
        row[1].value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SpreadsheetFile.from_bytes(buffer.getvalue(), "copy.xlsx"), None


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(deliverable, max_size=6), file_format=st.sampled_from(["csv", "xlsx"]))
def test_any_plan_exported_and_imported_again_is_the_same_plan(
    reference, force_a, force_b, alice, specs, file_format
):
    with transaction.atomic():
        source = PlanFactory(force=force_a, **PERIOD)
        build(source, specs)

        again = PlanImport(source, *files(source, file_format)).preview()
        assert again.is_valid, [str(p) for p in again.errors]
        assert not again.has_changes

        copy = PlanFactory(force=force_b, **PERIOD)
        preview = PlanImport(copy, *without_site_numbers(source, file_format)).preview()
        assert preview.is_valid, [str(p) for p in preview.errors]
        apply_import(preview, user=alice, now=now())
        assert describe(copy) == describe(source)

        transaction.set_rollback(True)
