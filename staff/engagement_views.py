"""Staff pages of the engagement log: a force's activities, each with what the force will do,
and the dashboard. Every view reaches its object through a getter of ``staff.access`` on its
first line: another force's activity is a 404 to a coordinator, and the national team reads
but does not change (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from engagement.forms import ActivityForm, DashboardFilterForm, EngagementActionForm
from engagement.history import activity_history
from engagement.models import Activity, EngagementAction
from engagement.reporting import summarise
from engagement.spreadsheets import log_workbook
from plans.quarters import Quarter
from plans.versioning import EditConflict, conflict_message, with_version
from prap.forms import VersionOnlyForm
from public.downloads import csv_response
from staff.access import (
    get_activity_for_user,
    get_engagement_action_for_user,
    get_force_for_user,
    require_national_reader,
)

_SAVED = {
    "draft": "Activity saved as a draft: only staff can see it.",
    "published": "Activity published: it is on the public \u201cYou said, we did\u201d page.",
    "corrected": "Activity saved: the public page shows the change.",
}


def _rebound(form_class, request, conflict: EditConflict, **kwargs):
    """The person's form again, their text kept, now based on the newer saved version."""
    form = form_class(
        with_version(request.POST, "version", conflict.current.version),
        instance=conflict.current,
        **kwargs,
    )
    form.is_valid()
    form.add_error(None, conflict_message(conflict))
    return form


@require_safe
def activity_list(request, slug: str):
    force = get_force_for_user(request.user, slug)
    activities = Activity.objects.for_force(force).prefetch_related("actions")
    context = {
        "force": force,
        "activities": activities,
        "can_edit": request.user.can_edit_force(force.pk),
    }
    return render(request, "engagement/activity_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request, slug: str):
    force = get_force_for_user(request.user, slug, write=True)
    form = ActivityForm(request.POST or None, instance=Activity(force=force))
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.force = force
        outcome = activity.save_by(
            request.user, timezone.now(), 0, publish=request.POST.get("action") == "publish"
        )
        messages.success(request, _SAVED[outcome])
        return redirect("staff:activity", activity_id=activity.pk)
    context = {"force": force, "form": form}
    return render(request, "engagement/activity_form.html", context)


@require_safe
def activity_detail(request, activity_id: int):
    activity = get_activity_for_user(request.user, activity_id)
    context = {
        "force": activity.force,
        "activity": activity,
        "actions": activity.actions.select_related("deliverable__plan"),
        "can_edit": request.user.can_edit_force(activity.force_id),
    }
    return render(request, "engagement/activity_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request, activity_id: int):
    activity = get_activity_for_user(request.user, activity_id, write=True)
    was_published = activity.is_published
    form = ActivityForm(request.POST or None, instance=activity)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = form.instance.save_by(
                request.user,
                timezone.now(),
                form.cleaned_data["version"],
                publish=request.POST.get("action") == "publish",
            )
        except EditConflict as error:
            conflict = error
            form = _rebound(ActivityForm, request, error)
        else:
            messages.success(request, _SAVED[outcome])
            return redirect("staff:activity", activity_id=activity.pk)
    context = {
        "force": activity.force,
        "activity": activity,
        "was_published": was_published,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "engagement/activity_form.html", context)


@require_POST
def activity_publish(request, activity_id: int):
    """Publish a draft (``action=publish``) or return a published activity to draft."""
    activity = get_activity_for_user(request.user, activity_id, write=True)
    form = VersionOnlyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "This page was out of date: nothing was changed. Try again.")
        return redirect("staff:activity", activity_id=activity.pk)
    try:
        if request.POST.get("action") == "unpublish" and activity.is_published:
            activity.unpublish(request.user, form.cleaned_data["version"])
            messages.success(
                request, "The activity is a draft again: the public no longer sees it."
            )
        elif not activity.is_published:
            outcome = activity.save_by(
                request.user, timezone.now(), form.cleaned_data["version"], publish=True
            )
            messages.success(request, _SAVED[outcome])
    except EditConflict:
        messages.error(request, "Someone changed this activity meanwhile: nothing was changed.")
    return redirect("staff:activity", activity_id=activity.pk)


@require_safe
def activity_history_page(request, activity_id: int):
    activity = get_activity_for_user(request.user, activity_id)
    context = {"force": activity.force, "activity": activity, "entries": activity_history(activity)}
    return render(request, "engagement/activity_history.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def engagement_action_create(request, activity_id: int):
    activity = get_activity_for_user(request.user, activity_id, write=True)
    today = timezone.localdate()
    form = EngagementActionForm(
        request.POST or None,
        instance=EngagementAction(activity=activity),
        force=activity.force,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.activity = activity
        action.order = (activity.actions.aggregate(Max("order"))["order__max"] or 0) + 1
        action.save_by(0)
        messages.success(request, "Action added.")
        return redirect("staff:activity", activity_id=activity.pk)
    context = {"force": activity.force, "activity": activity, "form": form}
    return render(request, "engagement/engagementaction_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def engagement_action_edit(request, engagement_action_id: int):
    action = get_engagement_action_for_user(request.user, engagement_action_id, write=True)
    activity = action.activity
    today = timezone.localdate()
    form = EngagementActionForm(
        request.POST or None, instance=action, force=activity.force, today=today
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            form.instance.save_by(form.cleaned_data["version"])
        except EditConflict as error:
            conflict = error
            form = _rebound(EngagementActionForm, request, error, force=activity.force, today=today)
        else:
            messages.success(request, "Action saved.")
            return redirect("staff:activity", activity_id=activity.pk)
    context = {
        "force": activity.force,
        "activity": activity,
        "action": action,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "engagement/engagementaction_form.html", context)


def dashboard_csv(summary, filename: str):
    """The dashboard's tables in one CSV file: one row per figure."""
    rows = [("All", "All", "Activities", summary.activities)]
    rows += [
        ("All", "All", name, value)
        for name, value in (
            ("People who took part", summary.attendance),
            ("Of whom from Black communities", summary.attendance_black),
            ("Actions promised", summary.promised),
            ("Actions done", summary.done),
            ("No action, with a reason", summary.no_action),
        )
    ]
    for table, rows_of in (("Quarter", summary.by_quarter), ("Kind", summary.by_kind)):
        for row in rows_of:
            rows.append((table, row.label, "Activities", row.activities))
            rows.append((table, row.label, "People who took part", row.attendance))
            rows.append((table, row.label, "Of whom from Black communities", row.attendance_black))
    for row in summary.by_theme:
        rows.append(("Theme", row.label, "Activities raising it", row.activities))
        rows.append(("Theme", row.label, "Actions promised", row.promised))
        rows.append(("Theme", row.label, "Actions done", row.done))
    return csv_response(filename, ["table", "row", "figure", "value"], rows)


def _dashboard(request, activities, context: dict, filename: str):
    today = timezone.localdate()
    quarters = Quarter.range(Quarter.containing(today) - 11, Quarter.containing(today))
    form = DashboardFilterForm(request.GET or None, quarters=quarters)
    summary = summarise(form.filter(activities))
    if request.GET.get("format") == "csv":
        return dashboard_csv(summary, filename)
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "csv"
    context = {**context, "form": form, "summary": summary, "csv_query": query.urlencode()}
    return render(request, "engagement/dashboard.html", context)


@require_safe
def engagement_dashboard(request, slug: str):
    force = get_force_for_user(request.user, slug)
    activities = Activity.objects.for_force(force)
    context = {"force": force, "scope": force.name}
    return _dashboard(request, activities, context, f"engagement-{force.slug}.csv")


@require_safe
def engagement_national(request):
    require_national_reader(request.user)
    context = {"force": None, "scope": "Every force"}
    return _dashboard(request, Activity.objects.all(), context, "engagement-every-force.csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
def activity_download(request, slug: str):
    """The force's whole log, drafts included, as an Excel workbook."""
    force = get_force_for_user(request.user, slug)
    response = HttpResponse(log_workbook(Activity.objects.for_force(force)), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"engagement-log-{force.slug}.xlsx"
    )
    return response
