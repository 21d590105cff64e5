from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Deliverable, QuarterlyUpdate
from engagement.models import EngagementAction
from panels.models import PanelView
from plans.cache import public_page
from plans.models import Plan


def _get_public_deliverable(slug: str, pk: int) -> Deliverable:
    """A deliverable of a published plan of the force named in the URL; anything else is a
    404 (another force's deliverable under this slug, or one whose plan is not public).
    """
    return get_object_or_404(
        Deliverable.objects.public()
        .with_current_status()
        .select_related("plan__force", "workstream"),
        plan__force__slug=slug,
        pk=pk,
    )


def _with_panel_views(deliverable, updates) -> list:
    """The updates, each with ``panel_views``: the published panel views of its quarter."""
    views = list(PanelView.objects.for_public().filter(deliverable=deliverable))
    updates = list(updates)
    for update in updates:
        update.panel_views = [view for view in views if view.quarter == update.quarter]
    return updates


@login_not_required
@require_safe
@public_page(force_kwarg="slug")
def deliverable_detail(request, slug, pk):
    deliverable = _get_public_deliverable(slug, pk)
    today = timezone.localdate()
    milestones = list(deliverable.milestones.all())
    for milestone in milestones:
        milestone.overdue = milestone.is_overdue(today)
    current_plan = Plan.objects.published().for_force(deliverable.plan.force).current().first()
    context = {
        "deliverable": deliverable,
        "force": deliverable.plan.force,
        "today": today,
        "overdue": not deliverable.is_withdrawn
        and deliverable.is_overdue(today, deliverable.current_status),
        "past_original_due": not deliverable.is_withdrawn
        and deliverable.is_past_original_due(today, deliverable.current_status),
        "commitment_changes": deliverable.commitment_changes.all(),
        "milestones": milestones,
        "national_actions": deliverable.national_actions.select_related("workstream"),
        "updates": _with_panel_views(
            deliverable,
            QuarterlyUpdate.objects.published()
            .filter(deliverable=deliverable)
            .order_by("-quarter"),
        ),
        "is_current_plan": current_plan == deliverable.plan,
        "engagement": EngagementAction.objects.public()
        .filter(deliverable=deliverable)
        .select_related("activity")
        .order_by("-activity__held_on", "pk"),
    }
    return render(request, "actions/deliverable_detail.html", context)
