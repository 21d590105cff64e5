from itertools import groupby

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Deliverable, latest_quarter_by_force
from actions.roadmap import build_roadmap
from panels.models import Panel, PanelView, latest_challenges
from plans.cache import public_page
from plans.forms import FindForceForm
from plans.models import Force, Plan
from public.filters import ForceFilter


def panel_context(force: Force) -> dict:
    """What the roadmap shows of the force's scrutiny panel (two queries): whether there is a
    panel page to link to, the panel's latest statement on a return, and the deliverables
    whose latest panel view challenges them (Some concerns or Disagree)."""
    views = list(
        PanelView.objects.for_force(force).for_public().order_by("quarter", "published_at")
    )
    statements = [view for view in views if view.is_statement]
    return {
        "has_panel": bool(views) or Panel.objects.filter(force=force).exists(),
        "panel_statement": statements[-1] if statements else None,
        "panel_challenges": latest_challenges(views),
    }


def _get_public_force(slug: str) -> Force:
    """Every force has a public page: an unknown slug is a 404."""
    return get_object_or_404(Force, slug=slug)


def _by_region(forces) -> list[tuple[str, list[Force]]]:
    forces = sorted(forces, key=lambda force: (force.region, force.name))
    return [(region, list(rows)) for region, rows in groupby(forces, lambda f: f.region)]


@login_not_required
@require_safe
@public_page(query=("force",), kept_empty=("force",))
def home(request):
    form = FindForceForm(request.GET if "force" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect(form.cleaned_data["force"])
    # Each force with a published plan and its latest quarter reported, in one query: the
    # newest of them is the latest quarter, and the forces whose latest it is are those
    # reporting it.
    latest_by_force = latest_quarter_by_force(
        Plan.objects.published().newest_per_force(), with_none=True
    )
    reported = [quarter for quarter in latest_by_force.values() if quarter is not None]
    latest_quarter = max(reported, default=None)
    forces = list(Force.objects.order_by("region", "name"))
    context = {
        "form": form,
        "regions": _by_region(forces),
        "force_count": len(forces),
        "forces_with_plan": len(latest_by_force),
        "counts": Deliverable.objects.on_public_roadmaps().status_counts(),
        "latest_quarter": latest_quarter,
        "forces_reporting_latest": reported.count(latest_quarter) if latest_quarter else 0,
    }
    return render(request, "plans/home.html", context)


@login_not_required
@require_safe
@public_page(query=("region", "country"))
def force_list(request):
    filterset = ForceFilter(request.GET or None, queryset=Force.objects.all())
    forces = list(filterset.qs)
    # Counts by status and re-planning counts, in one grouped query.
    progress = {
        row["plan__force"]: row
        for row in Deliverable.objects.on_public_roadmaps().status_counts_by(
            "plan__force", today=timezone.localdate()
        )
    }
    # Each force with a published plan (a key) and its latest quarter reported, in one query.
    latest = latest_quarter_by_force(Plan.objects.published().newest_per_force(), with_none=True)
    for force in forces:
        row = progress.get(force.pk, {})
        force.has_public_plan = force.pk in latest
        force.counts = row.get("counts")
        force.replanned_count = row.get("replanned", 0)
        force.overdue_count = row.get("overdue", 0)
        force.past_original_due_count = row.get("past_original_due", 0)
        force.latest_quarter = latest.get(force.pk)
    context = {
        "filter": filterset,
        "regions": _by_region(forces),
        "force_count": len(forces),
        "is_filtered": any(filterset.form.data.get(name) for name in filterset.filters),
    }
    return render(request, "plans/force_list.html", context)


@login_not_required
@require_safe
@public_page(force_kwarg="slug", query=("quarters",))
def force_roadmap(request, slug):
    force = _get_public_force(slug)
    plan = Plan.objects.published().for_force(force).current().first()
    context = {
        "force": force,
        "plan": plan,
        "roadmap": (
            build_roadmap(
                plan, timezone.localdate(), every_quarter=request.GET.get("quarters") == "all"
            )
            if plan
            else None
        ),
        **panel_context(force),
    }
    return render(request, "plans/force_roadmap.html", context)


@login_not_required
@require_safe
@public_page
def accessibility(request):
    context = {
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
    }
    return render(request, "plans/accessibility.html", context)


@login_not_required
@require_safe
@public_page
def privacy(request):
    context = {
        "confirm_days": settings.ALERTS_CONFIRM_SECONDS // 86400,
        "unconfirmed_days": settings.ALERTS_UNCONFIRMED_DAYS,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "plans/privacy.html", context)
