"""Demonstration scrutiny panels: a few forces' independent panels, each with views on the
force's latest published demo return (some disagreeing), a statement, and the force's
replies. Every view goes through the model's rules (``PanelView.rule_errors``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from panels.models import (
    Panel,
    PanelReply,
    PanelView,
    Verdict,
    published_updates,
    returned_quarters,
)
from plans.models import Force

PANELS = {
    "hertfordshire": (
        "Independent Community Panel (demonstration)",
        "Residents from Hertfordshire's communities who meet every quarter to scrutinise the "
        "constabulary's race action plan, review its published return and say in public "
        "whether they agree.",
    ),
    "suffolk": (
        "Independent Community Panel (demonstration)",
        "Community members who examine Suffolk Constabulary's progress on the plan after each "
        "quarterly return and publish their view beside it.",
    ),
    "thames-valley": (
        "Independent Community Panel (demonstration)",
        "An independent panel of Thames Valley residents who hold the force to account on its "
        "race action plan, quarter by quarter.",
    ),
    "dorset": (
        "Youth Scrutiny Panel (demonstration)",
        "Young people from across Dorset who scrutinise the force's race action plan, with a "
        "focus on stop and search and schools.",
    ),
}

MEMBERS = "Chair, independent member\nVice-chair, community representative\nYouth representative"

#: Verdict and reasons for the first deliverables of each return, in order.
VIEWS = [
    (
        Verdict.DISAGREE,
        "The update says the work is on track, but the panel has seen no figures. We ask the "
        "force to publish the numbers behind this claim.",
    ),
    (Verdict.AGREE, ""),
    (
        Verdict.SOME_CONCERNS,
        "Progress is real but slower than promised. The panel would like a date for the next step.",
    ),
    (Verdict.AGREE, "The evidence matches what panel members have seen in their communities."),
]

REPLY = (
    "Thank you to the panel. We will publish the figures with our next return and have asked "
    "the lead to meet the panel before then."
)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)), dt.UTC)


def clear() -> None:
    """Remove the demo panels, their views, replies and history."""
    views = PanelView.objects.filter(panel__is_demo=True)
    PanelReply.history.filter(view_id__in=views.values("pk")).delete()
    PanelReply.objects.filter(view__in=views).delete()
    PanelView.history.filter(panel_id__in=Panel.objects.filter(is_demo=True).values("pk")).delete()
    views.delete()
    Panel.history.filter(id__in=Panel.objects.filter(is_demo=True).values("pk")).delete()
    Panel.objects.filter(is_demo=True).delete()


def seed(forces: dict[str, Force], today: dt.date) -> tuple[int, int]:
    """Load the demo panels for the forces that have no panel of their own. Returns the
    numbers of views and replies published."""
    view_count = reply_count = 0
    for slug, (name, description) in PANELS.items():
        force = forces.get(slug)
        if force is None or Panel.objects.filter(force=force).exists():
            continue
        quarters = returned_quarters(force)
        panel = Panel.objects.create(
            force=force, name=name, description=description, members=MEMBERS, is_demo=True
        )
        if not quarters:
            continue
        quarter = quarters[0]
        published_at = _moment(min(today, quarter.last_day + dt.timedelta(days=35)))
        updates = list(published_updates(force, quarter)[: len(VIEWS)])
        candidates = [(None, Verdict.SOME_CONCERNS, "Several deliverables report no evidence.")]
        candidates += [(u.deliverable, v, r) for u, (v, r) in zip(updates, VIEWS, strict=False)]
        for deliverable, verdict, reasons in candidates:
            view = PanelView(
                panel=panel,
                force=force,
                quarter=quarter,
                deliverable=deliverable,
                verdict=verdict,
                reasons=reasons,
                published_at=published_at,
                is_demo=True,
            )
            view.published_at = None  # the rules apply to the view as it is published
            if errors := view.rule_errors():
                raise ValueError(f"Demo panel view for {force.name}: {errors}")
            view.published_at = published_at
            view._change_reason = "Published"
            view.save()
            view_count += 1
            if verdict == Verdict.DISAGREE or deliverable is None:
                reply = PanelReply(
                    view=view,
                    text=REPLY,
                    published_at=published_at + dt.timedelta(days=7),
                    is_demo=True,
                )
                reply._change_reason = "Reply published"
                reply.save()
                reply_count += 1
    return view_count, reply_count
