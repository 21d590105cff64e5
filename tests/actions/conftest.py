"""Plans to import into and helpers for the spreadsheet import tests.

``plan_a`` is force A's plan (Alice's): a coded deliverable with milestones, an uncoded one
(its spreadsheet reference is its number) and a withdrawn one. ``plan_b`` is force B's
(Bob's), with a deliverable whose code is also used in plan A.
"""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from actions.models import Deliverable, Milestone, QuarterlyUpdate
from actions.spreadsheets.files import SpreadsheetFile
from actions.spreadsheets.plan_import import PlanImport
from actions.spreadsheets.return_import import ReturnImport
from plans.models import Plan
from plans.quarters import Quarter
from tests.factories import (
    DeliverableFactory,
    MilestoneFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
)
from workstreams.models import NationalAction, Workstream


def workstream(slug: str) -> Workstream:
    return Workstream.objects.get(slug=slug)


def actions(*codes: str) -> list[NationalAction]:
    return list(NationalAction.objects.filter(code__in=codes))


@pytest.fixture
def plan_a(reference, force_a):
    plan = PlanFactory(force=force_a, title="Force A plan", is_published=True)
    coded = DeliverableFactory(
        plan=plan,
        reference="R-01",
        workstream=workstream("represented"),
        title="Recruit and retain Black officers",
        description="We will widen recruitment.\nWe will mentor new recruits.",
        lead="Head of People",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 4),
    )
    coded.national_actions.set(actions("R1", "R2"))
    uncoded = DeliverableFactory(
        plan=plan,
        reference="",
        workstream=workstream("not-over-policed"),
        title="Reform use of stop and search",
        description="We will review every search.",
        lead="Head of Operations",
        start_quarter=Quarter(2024, 2),
        due_quarter=Quarter(2025, 1),
    )
    uncoded.national_actions.set(actions("P1"))
    DeliverableFactory(
        plan=plan,
        reference="I-09",
        workstream=workstream("involved"),
        title="Community panel",
        description="",
        lead="",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 1),
        withdrawn_at=dt.date(2024, 6, 1),
        withdrawn_reason="Merged into the scrutiny panel.",
    )
    MilestoneFactory(
        deliverable=coded,
        title="Mentors trained",
        due_quarter=Quarter(2024, 2),
        done_on=dt.date(2024, 9, 30),
    )
    MilestoneFactory(deliverable=coded, title="First cohort", due_quarter=Quarter(2024, 4))
    MilestoneFactory(deliverable=uncoded, title="Searches reviewed", due_quarter=Quarter(2024, 3))
    return plan


@pytest.fixture
def plan_b(reference, force_b):
    plan = PlanFactory(force=force_b, title="Force B plan")
    DeliverableFactory(
        plan=plan,
        reference="R-01",
        workstream=workstream("represented"),
        title="Force B's secret deliverable",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 2),
    )
    DeliverableFactory(
        plan=plan,
        reference="",
        workstream=workstream("involved"),
        title="Force B's uncoded deliverable",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 2),
    )
    return plan


@pytest.fixture
def return_a(plan_a):
    """Updates for Q3 2024/25: a published one for R-01 and a draft for the uncoded one."""
    coded = plan_a.deliverables.get(reference="R-01")
    uncoded = plan_a.deliverables.get(reference="")
    QuarterlyUpdateFactory(
        deliverable=coded,
        quarter=Quarter(2024, 3),
        status="on_track",
        done="Ran two open days.",
        next="Start mentoring.",
        evidence="https://force-a.example/open-days\nhttps://force-a.example/report;v=2",
    )
    QuarterlyUpdateFactory(
        deliverable=uncoded,
        quarter=Quarter(2024, 3),
        status="at_risk",
        done="Reviewed 40 searches.",
        next="",
        evidence="",
        published_at=None,
    )
    return Quarter(2024, 3)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[str]], *, bom: bool = True) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def read(data: bytes, name: str = "plan.csv") -> SpreadsheetFile:
    return SpreadsheetFile.from_bytes(data, name)


def plan_preview(plan: Plan, data: bytes, name: str = "plan.csv", milestones: bytes | None = None):
    milestones_file = read(milestones, "milestones.csv") if milestones is not None else None
    return PlanImport(plan, read(data, name), milestones_file).preview()


def return_preview(plan: Plan, quarter: Quarter, data: bytes, *, publish: bool = False):
    return ReturnImport(plan, quarter, read(data, "return.csv"), publish=publish).preview()


def messages(preview) -> list[str]:
    return [str(problem) for problem in preview.errors]


def database_state() -> dict:
    """Every row an import could touch, with every value, history included."""
    through = Deliverable.national_actions.through
    return {
        "deliverables": list(Deliverable.objects.order_by("pk").values()),
        "links": list(through.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "updates": list(QuarterlyUpdate.objects.order_by("pk").values()),
        "deliverable history": Deliverable.history.count(),
        "milestone history": Milestone.history.count(),
        "update history": QuarterlyUpdate.history.count(),
    }


def now() -> dt.datetime:
    return timezone.now()
