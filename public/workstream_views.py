from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from actions.models import Deliverable
from plans.cache import public_page
from public.workstream_filters import PracticeFilter, WorkstreamDeliverableFilter
from workstreams.models import PracticeExample, Workstream

DELIVERABLES_PER_PAGE = 25
PRACTICE_PER_PAGE = 20
PRACTICE_ON_WORKSTREAM_PAGE = 6


@login_not_required
@require_safe
@public_page
def workstream_list(request):
    counts = {
        row["workstream"]: row["counts"]
        for row in Deliverable.objects.on_public_roadmaps().status_counts_by("workstream")
    }
    workstreams = list(
        Workstream.objects.annotate(
            practice_count=Count("practice_examples", distinct=True),
            action_count=Count("national_actions", distinct=True),
        )
    )
    for workstream in workstreams:
        workstream.counts = counts.get(workstream.pk)
    return render(request, "workstreams/workstream_list.html", {"workstreams": workstreams})


@login_not_required
@require_safe
@public_page(query=("region", "status", "page"))
def workstream_detail(request, slug):
    workstream = Workstream.objects.filter(slug=slug).first()
    if workstream is None:
        # Another name people use ("respected", "protected"): a permanent redirect to the
        # workstream's own address, with the filters kept; anything else is a 404.
        named = Workstream.objects.called_in_address(slug)
        if named is None:
            raise Http404("No such workstream.")
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(
            named.get_absolute_url() + (f"?{query}" if query else "")
        )
    deliverables = (
        Deliverable.objects.on_public_roadmaps()
        .filter(workstream=workstream)
        .with_current_status()
        .select_related("plan__force")
        .order_by("plan__force__name", "start_quarter", "order", "pk")
    )
    filterset = WorkstreamDeliverableFilter(request.GET or None, queryset=deliverables)
    page = Paginator(filterset.qs, DELIVERABLES_PER_PAGE).get_page(request.GET.get("page"))
    for deliverable in page:
        deliverable.workstream = workstream
    # One more than shown, to know whether to link to the rest in the practice bank.
    practice = list(
        workstream.practice_examples.select_related("force")[: PRACTICE_ON_WORKSTREAM_PAGE + 1]
    )
    context = {
        "workstream": workstream,
        "national_actions": workstream.national_actions.all(),
        "counts": Deliverable.objects.on_public_roadmaps()
        .filter(workstream=workstream)
        .status_counts(),
        "filter": filterset,
        "page": page,
        "is_filtered": any(filterset.form.data.get(name) for name in filterset.filters),
        "practice_examples": practice[:PRACTICE_ON_WORKSTREAM_PAGE],
        "more_practice": len(practice) > PRACTICE_ON_WORKSTREAM_PAGE,
    }
    return render(request, "workstreams/workstream_detail.html", context)


@login_not_required
@require_safe
@public_page(query=("q", "workstream", "force", "page"))
def practice_list(request):
    examples = PracticeExample.objects.select_related("force", "workstream")
    filterset = PracticeFilter(request.GET or None, queryset=examples)
    page = Paginator(filterset.qs, PRACTICE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "is_filtered": any(filterset.form.data.get(name) for name in filterset.filters),
    }
    return render(request, "workstreams/practiceexample_list.html", context)
