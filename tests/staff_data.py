"""A small, realistic plan for one force, for the staff-side tests.

Needs the ``reference`` fixture (the real workstreams and national actions). The quarter the
tests report on is ``RETURN_QUARTER``; every page is asked for it explicitly
(``?quarter=2025-Q2``), so nothing depends on today's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from plans.models import Force, Plan
from plans.quarters import Quarter
from workstreams.models import NationalAction, Workstream

RETURN_QUARTER = Quarter(2025, 2)
PREVIOUS_QUARTER = Quarter(2025, 1)


@dataclass
class ForceData:
    force: Force
    plan: Plan
    reported: Deliverable  # published update last quarter (At risk), none this quarter
    drafted: Deliverable  # a draft this quarter
    published: Deliverable  # published this quarter
    silent: Deliverable  # never reported
    withdrawn: Deliverable
    milestone: Milestone  # of ``reported``, overdue
    previous_update: QuarterlyUpdate  # ``reported``'s, last quarter, published
    draft_update: QuarterlyUpdate
    published_update: QuarterlyUpdate

    @property
    def active(self) -> list[Deliverable]:
        return [self.reported, self.drafted, self.published, self.silent]


def force_data(force: Force, *, label: str = "") -> ForceData:
    workstreams = list(Workstream.objects.order_by("order"))
    represented, over_policed = workstreams[0], workstreams[1]
    label = label or force.name
    plan = Plan.objects.create(
        force=force,
        title=f"{label} race action plan",
        summary="Our plan.",
        first_quarter=Quarter(2024, 1),
        last_quarter=Quarter(2026, 4),
        is_published=True,
    )

    def deliverable(title: str, workstream: Workstream, order: int, **fields) -> Deliverable:
        return Deliverable.objects.create(
            plan=plan,
            workstream=workstream,
            title=f"{label}: {title}",
            description="We will do it.",
            lead="Head of Inclusion",
            start_quarter=Quarter(2024, 2),
            due_quarter=Quarter(2025, 4),
            order=order,
            **fields,
        )

    reported = deliverable("Reform stop and search", over_policed, 1)
    reported.national_actions.set(NationalAction.objects.filter(code="P2"))
    drafted = deliverable("Mentoring scheme", represented, 1)
    published = deliverable("Recruitment review", represented, 2)
    silent = deliverable("Pay gap report", represented, 3)
    withdrawn = deliverable(
        "Old idea", represented, 4, withdrawn_at=dt.date(2025, 1, 10), withdrawn_reason="Merged."
    )
    yesterday = timezone.now() - dt.timedelta(days=1)
    previous_update = QuarterlyUpdate.objects.create(
        deliverable=reported,
        quarter=PREVIOUS_QUARTER,
        status=Status.AT_RISK,
        done="Training paused.",
        next="Restart the training in the autumn.",
        published_at=yesterday,
    )
    draft_update = QuarterlyUpdate.objects.create(
        deliverable=drafted, quarter=RETURN_QUARTER, status=Status.ON_TRACK, done="Draft text."
    )
    published_update = QuarterlyUpdate.objects.create(
        deliverable=published,
        quarter=RETURN_QUARTER,
        status=Status.ON_TRACK,
        done="Review under way.",
        published_at=yesterday,
    )
    milestone = Milestone.objects.create(
        deliverable=reported, title="Pilot in one area", due_quarter=Quarter(2024, 3), order=1
    )
    return ForceData(
        force=force,
        plan=plan,
        reported=reported,
        drafted=drafted,
        published=published,
        silent=silent,
        withdrawn=withdrawn,
        milestone=milestone,
        previous_update=previous_update,
        draft_update=draft_update,
        published_update=published_update,
    )


def return_url(force: Force, quarter: Quarter = RETURN_QUARTER) -> str:
    return f"/staff/forces/{force.slug}/return/?quarter={quarter.compact}"


def return_post(rows: dict[Deliverable, dict], action: str = "save", versions=None) -> dict:
    """POST data for the quarterly return: ``{deliverable: {"status": ..., ...}}``.

    Each row's hidden version defaults to its current update's version (0 if none).
    """
    data = {"action": action, "return_quarter": RETURN_QUARTER.compact}
    for deliverable, values in rows.items():
        prefix = f"d{deliverable.pk}"
        update = QuarterlyUpdate.objects.filter(
            deliverable=deliverable, quarter=values.get("quarter", RETURN_QUARTER)
        ).first()
        version = (versions or {}).get(deliverable.pk, update.version if update else 0)
        data[f"{prefix}-version"] = str(version)
        for name in ("status", "done", "next", "evidence"):
            data[f"{prefix}-{name}"] = values.get(name, "")
        if values.get("publish"):
            data[f"{prefix}-publish"] = "on"
    return data
