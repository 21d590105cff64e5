"""The public page of a force's independent scrutiny panel, and the panel's views as the
force's other public pages show them. Published views only; a withdrawn view shows as
withdrawn, with the administrator's reason, in its place."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from indicators.figures import stop_searches_by_quarter
from panels.models import Panel, PanelView
from plans.cache import public_page
from plans.models import Force


def views_by_quarter(force: Force) -> list[tuple]:
    """``[(quarter, statements, views on deliverables)]``, newest quarter first."""
    views = (
        PanelView.objects.for_force(force)
        .for_public()
        .order_by("-quarter", "deliverable__workstream__order", "deliverable__order", "pk")
    )
    grouped = []
    for quarter, rows in groupby(views, key=lambda view: view.quarter):
        rows = list(rows)
        grouped.append(
            (
                quarter,
                [view for view in rows if view.is_statement],
                [view for view in rows if not view.is_statement],
            )
        )
    return grouped


@login_not_required
@require_safe
@public_page(force_kwarg="slug")
def force_panel(request, slug):
    force = get_object_or_404(Force, slug=slug)
    quarters = views_by_quarter(force)
    figures = stop_searches_by_quarter(force, [quarter for quarter, _, _ in quarters])
    context = {
        "force": force,
        "panel": Panel.objects.filter(force=force).first(),
        "quarters": [(*row, figures[row[0]]) for row in quarters],
    }
    return render(request, "panels/force_panel.html", context)
