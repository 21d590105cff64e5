"""Open data: the ``/data/`` page and the CSV and JSON files it describes.

Files are generated from the database on each download and streamed row by row.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Deliverable, QuarterlyUpdate
from engagement.models import Activity, EngagementAction
from indicators.figures import StopSearchFigures
from indicators.models import MonthlyStopSearchCount
from panels.models import PanelView
from plans.cache import public_page
from plans.models import Force
from public.downloads import csv_response, json_response
from public.open_data import DATASETS, LICENCE, data_package


@login_not_required
@require_safe
@public_page
def index(request):
    # The updates counted and their latest publication read in one pass.
    updates = QuarterlyUpdate.objects.public().aggregate(
        count=Count("pk"), latest=Max("published_at")
    )
    row_counts = {
        "forces": Force.objects.count(),
        "deliverables": Deliverable.objects.public().count(),
        "updates": updates["count"],
        "stop-search-rates": sum(1 for _ in StopSearchFigures.load().every_row()),
        "stop-searches-by-quarter": sum(1 for _ in MonthlyStopSearchCount.objects.by_quarter()),
        "engagement": Activity.objects.published().count(),
        "engagement-actions": EngagementAction.objects.public().count(),
        "panel-views": PanelView.objects.published().count(),
    }
    context = {
        "datasets": [(dataset, row_counts[slug]) for slug, dataset in DATASETS.items()],
        "licence": LICENCE,
        "generated_at": timezone.now(),
        "latest_publication": updates["latest"],
    }
    return render(request, "plans/data_index.html", context)


@login_not_required
@require_safe
@public_page
def download(request, dataset: str, fmt: str):
    if dataset not in DATASETS or fmt not in ("csv", "json"):
        raise Http404("No such file.")
    data = DATASETS[dataset]
    rows = data.rows(settings.SITE_URL, timezone.localdate())
    if fmt == "csv":
        return csv_response(data.filename("csv"), data.names, rows)
    meta = {
        "dataset": data.slug,
        "title": data.title,
        "licence": LICENCE,
        "generated_at": timezone.now(),
        "columns": [{"name": c.name, "meaning": c.meaning} for c in data.columns],
    }
    if data.credit:
        meta["credit"] = data.credit
        meta["sources"] = list(data.sources)
    return json_response(data.filename("json"), data.names, rows, meta)


@login_not_required
@require_safe
@public_page
def package(request):
    """``/data/datapackage.json``: the description of every CSV file, for open data tools."""
    return JsonResponse(data_package(settings.SITE_URL), json_dumps_params={"indent": 2})
