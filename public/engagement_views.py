"""The public "You said, we did" page of each force: its published engagement activities,
what it heard, what it will do and what it did. Drafts never appear; neither does anything
the log keeps for staff only (the partners' contact points)."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from engagement.models import Activity, EngagementAction
from plans.cache import public_page
from plans.models import Force


def public_activities(force: Force):
    """The force's published activities, newest first, each with its actions (two queries)."""
    actions = EngagementAction.objects.select_related("deliverable__plan")
    return (
        Activity.objects.published()
        .for_force(force)
        .defer("partner_contacts")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )


@login_not_required
@require_safe
@public_page(force_kwarg="slug")
def force_engagement(request, slug):
    force = get_object_or_404(Force, slug=slug)
    activities = list(public_activities(force))
    context = {
        "force": force,
        "activities": activities,
        "attendance": sum(a.attendance or 0 for a in activities),
        "action_count": sum(len(a.actions.all()) for a in activities),
    }
    return render(request, "engagement/force_engagement.html", context)
