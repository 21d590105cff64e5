"""A quarter's returns for four forces, shared by the tracker and reminder tests."""

import datetime as dt

from actions.models import Status
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory, QuarterlyUpdateFactory


def deliverable(plan, title, start_quarter, **fields):
    return DeliverableFactory(
        plan=plan, title=title, start_quarter=start_quarter, due_quarter=start_quarter + 2, **fields
    )


def build_returns(force_a, force_b, quarter):
    """Force A: in progress (2 published, 1 draft). Force B: not started (2 missing).
    Force C: complete. Force D: nothing due.
    """
    plan_a = PlanFactory(force=force_a, is_published=False)
    for title in ("A published one", "A published two"):
        QuarterlyUpdateFactory(
            deliverable=deliverable(plan=plan_a, title=title, start_quarter=quarter - 1),
            quarter=quarter,
            status=Status.ON_TRACK,
        )
    QuarterlyUpdateFactory(
        deliverable=deliverable(plan_a, "A drafted", quarter),
        quarter=quarter,
        status=Status.AT_RISK,
        published_at=None,
    )
    plan_b = PlanFactory(force=force_b)
    deliverable(plan_b, "B silent one", quarter - 2)
    deliverable(plan_b, "B silent two", quarter)
    deliverable(
        plan_b,
        "B withdrawn",
        quarter - 2,
        withdrawn_at=dt.date(2024, 1, 5),
        withdrawn_reason="Dropped.",
    )
    force_c = ForceFactory(slug="force-c", name="Force C Police", region="Wales")
    QuarterlyUpdateFactory(
        deliverable=deliverable(PlanFactory(force=force_c), "C done", quarter - 1),
        quarter=quarter,
        status=Status.COMPLETE,
    )
    force_d = ForceFactory(slug="force-d", name="Force D Police")
    plan_d = PlanFactory(force=force_d)
    QuarterlyUpdateFactory(
        deliverable=deliverable(plan_d, "D finished", quarter - 3),
        quarter=quarter - 1,
        status=Status.COMPLETE,
    )
    deliverable(plan_d, "D later", quarter + 1)
    return force_c, force_d
