"""Panel views written straight to the database, in any state, for the tests that count and
list them (the rules on writing them are tested in test_panel_view_rules.py)."""

from __future__ import annotations

import datetime as dt

from panels.models import PanelReply, PanelView, Verdict
from plans.quarters import Quarter
from tests.factories import DeliverableFactory, PlanFactory

PUBLISHED = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)
Q1, Q2, Q3, Q4 = (Quarter(2025, n) for n in (1, 2, 3, 4))


def deliverable_of(force, *, plan_published: bool = True, **fields):
    plan = PlanFactory(force=force, is_published=plan_published)
    return DeliverableFactory(plan=plan, **fields)


def panel_view(
    panel,
    deliverable=None,
    quarter: Quarter = Q2,
    verdict: str = Verdict.DISAGREE,
    *,
    force=None,
    published_at: dt.datetime | None = PUBLISHED,
    withdrawn: bool = False,
    replied: bool = False,
) -> PanelView:
    """A view of ``panel`` on ``deliverable`` (None: a statement on ``force``'s return)."""
    view = PanelView.objects.create(
        panel=panel,
        force=force or deliverable.plan.force,
        quarter=quarter,
        deliverable=deliverable,
        verdict=verdict,
        reasons="The panel's reasons.",
        published_at=published_at,
        withdrawn_at=published_at if withdrawn else None,
        withdrawn_reason="Withdrawn for a reason." if withdrawn else "",
    )
    if replied:
        PanelReply.objects.create(view=view, text="The force's reply.", published_at=PUBLISHED)
    return view
