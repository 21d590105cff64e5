"""Deliverables reported complete without evidence, force by force (national team only)."""

from __future__ import annotations

from itertools import groupby

from django.shortcuts import render
from django.views.decorators.http import require_safe

from actions.reporting import complete_without_evidence
from staff.access import require_national_reader


@require_safe
def complete_without_evidence_list(request):
    require_national_reader(request.user)
    updates = list(complete_without_evidence())
    by_force = [
        (force, list(rows))
        for force, rows in groupby(updates, key=lambda update: update.deliverable.plan.force)
    ]
    context = {"by_force": by_force, "total": len(updates)}
    return render(request, "plans/complete_without_evidence.html", context)
