"""Staff pages for forces and plans: staff home, force dashboard, plan editing, ordering."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from simple_history.utils import bulk_update_with_history

from actions.models import Deliverable, Milestone
from actions.progress import ReturnProgress
from actions.roadmap import build_roadmap
from plans.forms import PlanForm, QuarterChoiceForm
from plans.models import Force, Plan
from plans.quarters import Quarter, quarter_just_ended
from plans.returns import is_past_deadline, return_deadline
from plans.versioning import (
    EditConflict,
    claim_versions,
    conflict_message,
    save_content,
    save_versioned,
    with_version,
    writing_content,
)
from prap.forms import VersionOnlyForm
from staff.access import get_force_for_user, get_plan_for_user, require_national_reader
from workstreams.models import Workstream


def return_quarter_form(request, plans: list[Plan]) -> QuarterChoiceForm:
    """The quarter chosen with ``?quarter=``; by default the quarter just ended."""
    today = timezone.localdate()
    return QuarterChoiceForm.for_plans(
        request.GET, plans, quarter_just_ended(today), Quarter.containing(today)
    )


@require_safe
def home(request):
    user = request.user
    if user.is_coordinator and user.force_id:
        return redirect("staff:dashboard", slug=user.force.slug)
    if user.is_panel_member:
        return redirect("staff:panel_home")
    require_national_reader(user)
    forces = Force.objects.order_by("region", "name").annotate(
        plan_count=Count("plans"),
        published_plan_count=Count("plans", filter=Q(plans__is_published=True)),
    )
    context = {
        "regions": [(region, list(rows)) for region, rows in groupby(forces, lambda f: f.region)],
    }
    return render(request, "plans/force_staff_list.html", context)


@require_safe
def roadmap_preview(request, slug: str):
    """The force's newest plan as its public roadmap will look, drafts included. Staff only,
    never cached: staff pages are sent with no-store."""
    force = get_force_for_user(request.user, slug)
    plan = Plan.objects.for_force(force).current().first()
    context = {
        "force": force,
        "plan": plan,
        "roadmap": (
            build_roadmap(
                plan,
                timezone.localdate(),
                include_drafts=True,
                every_quarter=request.GET.get("quarters") == "all",
            )
            if plan
            else None
        ),
        "preview": True,
    }
    return render(request, "plans/force_roadmap.html", context)


@require_safe
def force_dashboard(request, slug: str):
    force = get_force_for_user(request.user, slug)
    today = timezone.localdate()
    plans = list(Plan.objects.for_force(force).current())
    quarter_form = return_quarter_form(request, plans)
    quarter = quarter_form.chosen
    deliverables = list(
        Deliverable.objects.for_force(force)
        .select_related("plan", "workstream")
        .with_current_status()
        .with_return(quarter)
    )
    for deliverable in deliverables:
        deliverable.state = deliverable.return_state(quarter)
        deliverable.overdue = not deliverable.is_withdrawn and deliverable.is_overdue(
            today, deliverable.current_status
        )
    active = [d for d in deliverables if not d.is_withdrawn]
    context = {
        "force": force,
        "plans": plans,
        "can_edit": request.user.can_edit_force(force.pk),
        "quarter": quarter,
        "quarter_form": quarter_form,
        "deadline": return_deadline(quarter, settings.RETURN_DEADLINE_DAYS),
        "past_deadline": is_past_deadline(quarter, settings.RETURN_DEADLINE_DAYS, today),
        "progress": ReturnProgress.from_states(d.state for d in active),
        "workstream_groups": by_workstream(active),
        "withdrawn": [d for d in deliverables if d.is_withdrawn],
        "overdue_milestones": Milestone.objects.for_force(force)
        .overdue(today)
        .select_related("deliverable")
        .order_by("due_quarter", "deliverable__title"),
        "show_plan_names": len(plans) > 1,
    }
    return render(request, "plans/force_dashboard.html", context)


def by_workstream(deliverables: list[Deliverable]) -> list[tuple[Workstream, list]]:
    """Every workstream in order, each with its deliverables (possibly none)."""
    groups = {w.pk: (w, []) for w in Workstream.objects.all()}
    for deliverable in deliverables:
        groups[deliverable.workstream_id][1].append(deliverable)
    return list(groups.values())


@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request, slug: str):
    force = get_force_for_user(request.user, slug, write=True)
    form = PlanForm(request.POST or None, instance=Plan(force=force), today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        form.instance.force = force
        save_content(form.instance)
        messages.success(request, "Plan created. Add its deliverables, then publish it.")
        return redirect("staff:dashboard", slug=force.slug)
    context = {"force": force, "form": form}
    return render(request, "plans/plan_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request, plan_id: int):
    plan = get_plan_for_user(request.user, plan_id, write=True)
    form = PlanForm(request.POST or None, instance=plan, today=timezone.localdate())
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_versioned(form.instance, form.cleaned_data["version"])
        except EditConflict as error:
            conflict = error
            form = PlanForm(
                with_version(request.POST, "version", error.current.version),
                instance=error.current,
                today=timezone.localdate(),
            )
            form.is_valid()
            form.add_error(None, conflict_message(error))
        else:
            messages.success(request, "Plan saved.")
            return redirect("staff:dashboard", slug=plan.force.slug)
    context = {"force": plan.force, "plan": plan, "form": form, "conflict": conflict}
    return render(request, "plans/plan_form.html", context)


@require_POST
def plan_publish(request, plan_id: int):
    """Publish or unpublish a plan (``publish=1`` or ``publish=0``)."""
    plan = get_plan_for_user(request.user, plan_id, write=True)
    form = VersionOnlyForm(request.POST)
    publish = request.POST.get("publish") == "1"
    if not form.is_valid():
        messages.error(request, "This page was out of date: nothing was changed. Try again.")
        return redirect("staff:plan_edit", plan_id=plan.pk)
    plan.is_published = publish
    plan._change_reason = "Published" if publish else "Unpublished"

    def keep_original_commitments():
        if publish:
            Deliverable.objects.filter(plan=plan).record_first_publication(timezone.now())

    try:
        save_versioned(plan, form.cleaned_data["version"], after_save=keep_original_commitments)
    except EditConflict:
        messages.error(
            request,
            "Someone changed this plan while you had it open: nothing was changed. "
            "Check it and try again.",
        )
        return redirect("staff:plan_edit", plan_id=plan.pk)
    if publish:
        messages.success(request, "Plan published: the public can now read it.")
    else:
        messages.success(request, "Plan unpublished: it no longer appears on public pages.")
    return redirect("staff:dashboard", slug=plan.force.slug)


@require_http_methods(["GET", "HEAD", "POST"])
def plan_order(request, plan_id: int):
    """Move a deliverable up or down within its workstream."""
    plan = get_plan_for_user(request.user, plan_id, write=True)
    error = None
    if request.method == "POST":
        error = _move(request, plan)
        if error is None:
            return redirect(f"{request.path}#deliverable-{request.POST['deliverable']}")
    deliverables = (
        plan.deliverables.active()
        .select_related("workstream")
        .order_by("workstream__order", "order", "start_quarter", "pk")
    )
    context = {
        "force": plan.force,
        "plan": plan,
        "workstream_groups": by_workstream(list(deliverables)),
        "error": error,
    }
    return render(request, "plans/plan_order.html", context)


def _move(request, plan: Plan) -> str | None:
    """Apply a move; the message to show when it cannot be done, or None."""
    direction = request.POST.get("direction")
    deliverable_id = request.POST.get("deliverable", "")
    if direction not in {"up", "down"} or not deliverable_id.isdigit():
        return "Choose a deliverable to move up or down."
    with writing_content(plan.force_id):
        # Only this plan's deliverables: an id from elsewhere is simply not found.
        moving = plan.deliverables.active().filter(pk=int(deliverable_id)).first()
        if moving is None:
            return "That deliverable is not in this plan."
        siblings = list(
            plan.deliverables.active()
            .filter(workstream_id=moving.workstream_id)
            .order_by("order", "start_quarter", "pk")
        )
        index = next(i for i, d in enumerate(siblings) if d.pk == moving.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return None
        siblings[index], siblings[other] = siblings[other], siblings[index]
        changed = [d for position, d in enumerate(siblings, start=1) if d.order != position]
        if claim_versions(Deliverable, {d.pk: d.version for d in changed}):
            transaction.set_rollback(True)
            return "Someone changed these deliverables at the same time. Try again."
        now = timezone.now()
        for position, deliverable in enumerate(siblings, start=1):
            if deliverable in changed:
                deliverable.order, deliverable.version = position, deliverable.version + 1
                deliverable.updated_at = now
                deliverable._change_reason = "Moved"
        bulk_update_with_history(
            changed,
            Deliverable,
            ["order", "version", "updated_at"],
            default_user=request.user,
        )
    return None
