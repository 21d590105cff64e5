"""Staff pages of the scrutiny panels: a panel member drafts and publishes the panel's views
on the force's published returns; the force's coordinators read them and reply once; the
national team sees every force's panel, what it challenged and what waits for a reply; a
view's history is read by its panel, the force and the national team.

Every view reaches its objects through a getter of ``staff.access`` on its first line: a
panel member sees only their own panel's views and the force it scrutinises (another force
is a 404), anyone else is refused the panel's pages (403); a reply follows the force rule
(another force's view is a 404 to a coordinator, the national team may not reply).
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from indicators.figures import stop_searches_in_quarter
from panels.forms import PanelReplyForm, PanelViewForm
from panels.history import panel_view_history
from panels.models import PanelReply, PanelView, published_updates, returned_quarters
from panels.reporting import overview, quarters_with_views, waiting_for_reply
from plans.models import Force
from plans.quarters import Quarter
from plans.versioning import EditConflict, conflict_message, with_version
from staff.access import (
    get_force_for_user,
    get_panel_for_user,
    get_panel_force_for_user,
    get_panel_view_for_history,
    get_panel_view_for_reply,
    get_panel_view_for_user,
    require_national_reader,
)

#: The overview shows this many of the latest quarters with views, unless asked for all.
RECENT_QUARTERS = 4

_SAVED = {
    "draft": "View saved as a draft: only your panel can see it.",
    "published": "View published: it is on the force's public pages.",
}


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise Http404("No such quarter.") from error


@require_safe
def panel_home(request):
    """The member's panel: a force's panel goes straight to its force's returns."""
    panel = get_panel_for_user(request.user)
    if panel.force_id is not None:
        return redirect("staff:panel_force", slug=panel.force.slug)
    context = {"panel": panel, "forces": Force.objects.order_by("region", "name")}
    return render(request, "panels/panel_home.html", context)


@require_safe
def panel_force(request, slug: str):
    """The force's published returns, newest first, with what the panel has written."""
    panel, force = get_panel_force_for_user(request.user, slug)
    views = list(PanelView.objects.filter(panel=panel, force=force))
    quarters = [
        (
            quarter,
            sum(1 for view in views if view.quarter == quarter and view.is_published),
            sum(1 for view in views if view.quarter == quarter and not view.is_published),
        )
        for quarter in returned_quarters(force)
    ]
    context = {"panel": panel, "force": force, "quarters": quarters}
    return render(request, "panels/panel_force.html", context)


@require_safe
def panel_return(request, slug: str, quarter: str):
    """One published return: each published update beside the panel's view of it."""
    panel, force = get_panel_force_for_user(request.user, slug)
    chosen = _quarter(quarter)
    updates = list(published_updates(force, chosen))
    if not updates:
        raise Http404("The force has not published a return for this quarter.")
    views = PanelView.objects.filter(panel=panel, force=force, quarter=chosen)
    by_deliverable = {view.deliverable_id: view for view in views}
    context = {
        "panel": panel,
        "force": force,
        "quarter": chosen,
        "statement": by_deliverable.get(None),
        "rows": [(update, by_deliverable.get(update.deliverable_id)) for update in updates],
        "stop_searches": stop_searches_in_quarter(force, chosen),
    }
    return render(request, "panels/panel_return.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def panel_view_create(request, slug: str, quarter: str):
    """A new view on the return (no ``deliverable``: the statement) or on one deliverable's
    published update (``?deliverable=<id>``)."""
    panel, force = get_panel_force_for_user(request.user, slug)
    chosen = _quarter(quarter)
    updates = published_updates(force, chosen)
    update = None
    if deliverable_id := request.GET.get("deliverable"):
        update = (
            updates.filter(deliverable_id=deliverable_id).first()
            if deliverable_id.isdigit()
            else None
        )
        if update is None:
            raise Http404("The force has published no update of this deliverable this quarter.")
    elif not updates.exists():
        raise Http404("The force has not published a return for this quarter.")
    deliverable = update.deliverable if update else None
    existing = PanelView.objects.filter(
        panel=panel, force=force, quarter=chosen, deliverable=deliverable
    ).first()
    if existing is not None:
        return redirect("staff:panel_view_edit", view_id=existing.pk)
    view = PanelView(panel=panel, force=force, quarter=chosen, deliverable=deliverable)
    form = PanelViewForm(request.POST or None, instance=view)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        outcome = form.instance.save_by(request.user, timezone.now(), 0, publish=publish)
        messages.success(request, _SAVED[outcome])
        return redirect("staff:panel_return", slug=force.slug, quarter=chosen.compact)
    context = {"panel": panel, "force": force, "quarter": chosen, "update": update, "form": form}
    return render(request, "panels/panelview_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def panel_view_edit(request, view_id: int):
    """Edit and publish a draft; a published view is shown as it stands (it is the panel's
    public word: only an administrator may withdraw it)."""
    view = get_panel_view_for_user(request.user, view_id)
    update = (
        published_updates(view.force, view.quarter)
        .filter(deliverable_id=view.deliverable_id)
        .first()
        if view.deliverable_id
        else None
    )
    form = conflict = None
    if not view.is_published:
        form = PanelViewForm(request.POST or None, instance=view)
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
                form = PanelViewForm(
                    with_version(request.POST, "version", error.current.version),
                    instance=error.current,
                )
                form.is_valid()
                form.add_error(None, conflict_message(error))
            except ValidationError as error:  # published by someone else meanwhile
                form.add_error(None, error.messages[0])
            else:
                messages.success(request, _SAVED[outcome])
                return redirect(
                    "staff:panel_return", slug=view.force.slug, quarter=view.quarter.compact
                )
    elif request.method == "POST":
        messages.error(request, "This view is published: it can no longer be changed.")
        return redirect("staff:panel_view_edit", view_id=view.pk)
    context = {
        "panel": view.panel,
        "force": view.force,
        "quarter": view.quarter,
        "view": view,
        "update": update,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "panels/panelview_form.html", context)


@require_safe
def force_panel_views(request, slug: str):
    """The panel's published views of the force, for its coordinators to read and answer."""
    force = get_force_for_user(request.user, slug)
    views = (
        PanelView.objects.for_force(force)
        .published()
        .select_related("panel", "deliverable", "reply")
        .order_by("-quarter", "deliverable__order", "pk")
    )
    context = {
        "force": force,
        "views": views,
        "can_reply": request.user.can_edit_force(force.pk),
    }
    return render(request, "panels/force_panel_views.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def panel_reply(request, view_id: int):
    """The force's one public reply to a published panel view."""
    view = get_panel_view_for_reply(request.user, view_id)
    if hasattr(view, "reply"):
        messages.info(request, "The force has already replied to this view.")
        return redirect("staff:force_panel_views", slug=view.force.slug)
    form = PanelReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            PanelReply.publish(view, form.cleaned_data["text"], request.user, timezone.now())
        except ValidationError as error:
            for message in error.messages:
                form.add_error("text" if "reply" in message.lower() else None, message)
        else:
            messages.success(request, "Reply published beneath the panel's view.")
            return redirect("staff:force_panel_views", slug=view.force.slug)
    context = {"force": view.force, "view": view, "form": form}
    return render(request, "panels/panelreply_form.html", context)


@require_safe
def panel_view_history_page(request, view_id: int):
    """What happened to a view and the force's reply: for its panel (drafts too), and for the
    force's coordinators and the national team once it is published."""
    view = get_panel_view_for_history(request.user, view_id)
    for_panel = request.user.is_panel_member
    context = {
        "view": view,
        "for_panel": for_panel,
        "entries": panel_view_history(view, for_panel=for_panel),
    }
    return render(request, "panels/panelview_history.html", context)


@require_safe
def panels_overview(request):
    """Every force's panel, how many deliverables it challenged in each recent quarter, and
    how many views wait for the force's reply (national team)."""
    require_national_reader(request.user)
    every_quarter = quarters_with_views()
    show_all = request.GET.get("quarters") == "all"
    quarters = every_quarter if show_all else every_quarter[-RECENT_QUARTERS:]
    report = overview(quarters)
    context = {
        "report": report,
        "regions": [
            (region, list(rows))
            for region, rows in groupby(report.forces, key=lambda row: row.force.region)
        ],
        "with_panel": sum(1 for row in report.forces if row.has_active_panel),
        "not_replied": sum(row.not_replied for row in report.forces),
        "show_all": show_all,
        "recent": RECENT_QUARTERS,
        "more_quarters": len(every_quarter) > RECENT_QUARTERS,
        "quarter_count": len(every_quarter),
    }
    return render(request, "panels/panel_overview.html", context)


@require_safe
def panels_not_replied(request):
    """Standing views the force has not replied to, the longest waiting first, for the
    national team to chase (``?force=<slug>`` for one force)."""
    require_national_reader(request.user)
    force = None
    if slug := request.GET.get("force"):
        force = Force.objects.filter(slug=slug).first()
        if force is None:
            raise Http404("No such force.")
    today = timezone.localdate()
    views = list(waiting_for_reply(force))
    for view in views:
        view.waiting = view.days_waiting(today)
    context = {"chosen": force, "views": views, "today": today}
    return render(request, "panels/panel_not_replied.html", context)
