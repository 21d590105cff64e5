"""The national comparison (public, published data only) and the return tracker (national
team only).

Every page runs a fixed number of queries: the database groups and counts, and
``actions.comparison`` / ``actions.trend`` add up the grouped rows.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from actions import comparison, trend
from actions.models import Deliverable
from actions.progress import STATUS_LABELS
from actions.reporting import (
    latest_quarter_reported_by_force,
    with_latest_quarter_reported,
    with_replanning_counts,
)
from actions.span_models import RoadmapSize, StatusSpan
from engagement.models import engagement_counts_by_force
from panels.models import panel_counts_by_force
from plans.cache import public_page
from plans.models import Force
from plans.quarters import quarter_just_ended
from public.downloads import download_links, requested_format, table_response
from public.filters import NationalFilter
from public.national_forms import MAX_COMPARED, CompareForm, TrendForm
from public.tables import CoverageTable, NationalTable
from workstreams.models import NationalAction, Workstream

HEAT_BANDS = [
    ("0", "0-19% complete"),
    ("1", "20-39%"),
    ("2", "40-59%"),
    ("3", "60-79%"),
    ("4", "80-100%"),
    ("none", "no deliverables (dash)"),
]
STATUS_KEY = [(status, STATUS_LABELS[status]) for status in comparison.DISPLAY_ORDER]


@login_not_required
@require_safe
@public_page(query=("region", "country", "workstream", "reported", "sort", "format"))
def comparison_table(request):
    today = timezone.localdate()
    latest = quarter_just_ended(today)
    workstreams = list(Workstream.objects.all())
    # One grouped query per figure, merged by force: correlated subqueries per force cost
    # seconds on PostgreSQL.
    reported = latest_quarter_reported_by_force()
    figures = comparison.merge_figures(
        {pk: {"latest_quarter": quarter} for pk, quarter in reported.items()},
        engagement_counts_by_force(),
        panel_counts_by_force(),
    )
    filterset = NationalFilter(
        request.GET or None,
        Force.objects.with_published_plan().order_by("name"),
        latest_quarter=latest,
        latest_reported=reported,
    )
    counted = filterset.counted_workstream
    rows = comparison.compare_forces(
        filterset.qs,
        workstreams,
        # With the re-planning counts, in the same query.
        Deliverable.objects.on_public_roadmaps().status_counts_by(
            "plan__force", "workstream", today=today
        ),
        only_workstream=counted,
        figures=figures,
    )
    table = NationalTable(rows, workstreams=[w for w in workstreams if counted in (None, w)])
    table.caption = f"{len(rows)} forces" + (f": {counted} workstream only" if counted else "")
    RequestConfig(request, paginate=False).configure(table)
    fmt = requested_format(request)
    if fmt:
        meta = {"generated_at": timezone.now(), "filters": request.GET.dict()}
        meta["filters"].pop("format", None)
        return table_response(table, fmt, "national-comparison", meta)
    context = {
        "table": table,
        "filterset": filterset,
        "counted_workstream": counted,
        "latest_quarter": latest,
        "totals": comparison.national_totals(rows),
        "force_count": len(rows),
        "download": download_links(request),
        "heat_bands": HEAT_BANDS,
        "status_key": STATUS_KEY,
    }
    return render(request, "plans/national_comparison.html", context)


@login_not_required
@require_safe
@public_page(query=("forces",), kept_empty=("forces",))
def compare(request):
    annotated = with_replanning_counts(
        with_latest_quarter_reported(Force.objects.with_published_plan()), timezone.localdate()
    )
    form = CompareForm(request.GET if "forces" in request.GET else None, forces=annotated)
    context = {
        "form": form,
        "choices": Force.objects.order_by("name").only("slug", "name"),
        "selects": _compare_selects(form),
        "max_compared": MAX_COMPARED,
        "status_key": STATUS_KEY,
    }
    if form.is_bound and form.is_valid():
        forces = form.cleaned_data["forces"]
        workstreams = list(Workstream.objects.all())
        public = Deliverable.objects.on_public_roadmaps().filter(plan__force__in=forces)
        compared = comparison.compare_forces(
            forces, workstreams, public.status_counts_by("plan__force", "workstream")
        )
        deliverables = (
            public.active()
            .with_current_status()
            .select_related("plan", "workstream")
            .order_by("workstream__order", "order", "start_quarter", "pk")
        )
        actions = list(NationalAction.objects.select_related("workstream"))
        context |= {
            "forces": forces,
            "compared": compared,
            "sections": comparison.side_by_side(compared, workstreams, deliverables),
            "coverage": comparison.coverage(
                actions, forces, public.active().national_action_pairs()
            ),
            "action_count": len(actions),
        }
    return render(request, "plans/national_compare.html", context)


def _compare_selects(form: CompareForm) -> list[tuple[int, str, str]]:
    """(number, label, chosen slug) for each of the four force lists."""
    chosen = form.chosen_slugs() if form.is_bound else []
    labels = ["First force", "Second force", "Third force (optional)", "Fourth force (optional)"]
    return [
        (number, label, chosen[number - 1] if number <= len(chosen) else "")
        for number, label in enumerate(labels, start=1)
    ]


@login_not_required
@require_safe
@public_page(query=("sort",))
def coverage(request):
    forces = list(Force.objects.order_by("name"))
    actions = list(NationalAction.objects.select_related("workstream"))
    pairs = Deliverable.objects.on_public_roadmaps().active().national_action_pairs()
    result = comparison.coverage(actions, forces, pairs)
    table = CoverageTable(result.forces)
    RequestConfig(request, paginate=False).configure(table)
    context = {
        "coverage": result,
        "least_covered": result.least_covered(),
        "table": table,
        "force_count": len(forces),
        "action_count": len(actions),
    }
    return render(request, "plans/national_coverage.html", context)


@login_not_required
@require_safe
@public_page(query=("force",))
def trend_view(request):
    today = timezone.localdate()
    form = TrendForm(request.GET if request.GET.get("force") else None)
    force = form.cleaned_data["force"] if form.is_bound and form.is_valid() else None
    # Stored per force (actions.span_models): two small reads, whatever the data's size.
    spans = StatusSpan.objects.all()
    sizes = RoadmapSize.objects.all()
    if force is not None:
        spans = spans.for_force(force)
        sizes = sizes.for_force(force)
    spans = spans.spans()
    total = sizes.total()
    mixes = trend.status_mix(spans, total, trend.trend_quarters(spans, quarter_just_ended(today)))
    context = {
        "form": form,
        "force": force,
        "total": total,
        "mixes": mixes,
        "chart": trend.stacked_chart(mixes) if mixes else None,
        "status_key": STATUS_KEY,
        "max_quarters": trend.MAX_QUARTERS,
    }
    return render(request, "plans/national_trend.html", context)
