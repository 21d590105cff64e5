"""What the official figures say: a force's disparity figures beside what it committed to
do about them, and every force's ratio side by side. Public, read-only, cached like every
public page; the figures change only when ``load_reference`` runs (which renews every page).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from actions.models import Deliverable
from indicators.charts import dot_whisker_chart, trend_chart
from indicators.figures import (
    BASELINE_YEAR,
    CENSUS_YEARS,
    DEFAULT_CENSUS,
    NATIONAL_SLUG,
    NOT_MEANINGFUL,
    StopSearchFigures,
    quarterly_series,
    use_of_force_beside_national,
)
from indicators.models import MonthlyGroup, RecordedSearch, Source
from indicators.rates import SMALL_COUNT
from plans.cache import public_page
from plans.models import Force
from public.national_forms import DisparityForm
from public.tables import DisparityTable

OVER_POLICED = "not-over-policed"


@login_not_required
@require_safe
@public_page(force_kwarg="slug")
def force_disparities(request, slug):
    force = get_object_or_404(Force, slug=slug)
    figures = StopSearchFigures.load(force)
    years = figures.for_area(force.slug, DEFAULT_CENSUS)
    national = figures.for_area(NATIONAL_SLUG, DEFAULT_CENSUS)
    national_by_year = {item.year: item for item in national}
    deliverables = (
        Deliverable.objects.on_public_roadmaps()
        .for_force(force)
        .active()
        .filter(workstream__slug=OVER_POLICED)
        .with_current_status()
        .select_related("plan__force")  # each links to its page: no query per deliverable
        .order_by("order", "start_quarter", "pk")
    )
    latest = years[-1] if years else None
    populations = {g.ethnicity: g.population for g in latest.in_order()} if latest else {}
    quarterly = quarterly_series(force, populations)
    force_use_of_force, national_use_of_force = use_of_force_beside_national(force)
    context = {
        "force": force,
        "years": years,
        "trend": [(item, national_by_year.get(item.year)) for item in years],
        "latest": latest,
        "latest_national": national_by_year.get(latest.year) if latest else None,
        "compared": latest.compared_with(national_by_year.get(latest.year)) if latest else "",
        "census": DEFAULT_CENSUS,
        "baseline_year": BASELINE_YEAR,
        "baseline_2011": figures.get(force.slug, BASELINE_YEAR, 2011),
        "national_2011": figures.get(NATIONAL_SLUG, BASELINE_YEAR, 2011),
        "not_meaningful": NOT_MEANINGFUL.get(force.slug, ""),
        "chart": None if force.slug in NOT_MEANINGFUL else trend_chart(years, national, "Black"),
        "use_of_force": force_use_of_force,
        "national_use_of_force": national_use_of_force,
        "recorded": list(
            RecordedSearch.objects.filter(force=force)
            .values("month", "officer_defined_ethnicity")
            .annotate(searches=Count("id"))
            .order_by("month", "-searches", "officer_defined_ethnicity")
        ),
        "quarterly": quarterly if any(quarterly.values()) else None,
        "monthly_groups": MonthlyGroup.values,
        "deliverables": list(deliverables),
        "sources": list(Source.objects.all()),
        "small_count": SMALL_COUNT,
    }
    return render(request, "indicators/force_disparities.html", context)


@login_not_required
@require_safe
@public_page(query=("year", "census", "group", "sort"))
def national_disparities(request):
    figures = StopSearchFigures.load()
    form = DisparityForm(request.GET, years=figures.years, census_years=CENSUS_YEARS)
    if form.is_valid():
        year, census, group = (form.cleaned_data[k] for k in ("year", "census", "group"))
    else:
        year, census, group = figures.years[-1] if figures.years else "", DEFAULT_CENSUS, "Black"
    forces = figures.forces(year, census)
    ranked = [item for item in forces if not item.not_meaningful]
    national = figures.national(year, census)
    table = DisparityTable(ranked, group=group)
    table.caption = f"{group} people compared with White people, {year}, over Census {census}"
    RequestConfig(request, paginate=False).configure(table)
    by_ratio = sorted(
        ranked,
        key=lambda item: -(item.groups[group].ratio.ratio if item.groups[group].ratio else 0),
    )
    context = {
        "form": form,
        "year": year,
        "census": census,
        "group": group,
        "national": national,
        "national_group": national.groups[group] if national else None,
        "table": table,
        "chart": dot_whisker_chart(by_ratio, group, national),
        "unranked": [item for item in forces if item.not_meaningful],
        "baseline_year": BASELINE_YEAR,
        "sources": list(Source.objects.all()),
        "small_count": SMALL_COUNT,
    }
    return render(request, "indicators/national_disparities.html", context)
