"""``/search/`` and ``/search.json``: one search across every force's published deliverables,
quarterly updates, engagement activities, panel views and practice examples
(``search.SearchDocument``), narrowed by kind, force, region, workstream, status and quarter.

Both are cached as public pages under the national content version, which every write that
changes the index also changes (README, "Caching"). A query the page cannot run (too long,
symbols only) gets the form's message with status 400, which is never cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans.cache import public_page
from public.search_filters import SearchFilter
from search.models import CloseWords, Kind, SearchDocument, words_like
from search.terms import START, STOP, Terms, excerpt, mark, parse

RESULTS_PER_PAGE = 20
SEARCH_PARAMETERS = (*SearchFilter.base_filters, "page")


class CountedPaginator(Paginator):
    """A paginator told how many objects there are, rather than counting them itself."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@dataclass
class Search:
    filter: SearchFilter
    terms: Terms
    page: Page | None = None
    kinds: list[tuple[str, str, int]] = field(default_factory=list)
    close_matches: bool = False  # nothing matched the words exactly: these are like them
    close_words: tuple[str, ...] = ()  # then, the word most like each word searched for

    @property
    def status(self) -> int:
        return 400 if self.filter.is_bound and self.filter.errors else 200


def _search(request) -> Search:
    filterset = SearchFilter(request.GET or None, queryset=SearchDocument.objects.none())
    terms = parse(request.GET.get("q"))
    search = Search(filterset, terms)
    if terms.is_empty or not filterset.is_valid():
        return search
    documents = SearchDocument.objects.select_related("force", "workstream")
    matched = documents.matching(terms)
    close: CloseWords | None = None
    if not matched.exists():
        # Nothing anywhere has these words: offer texts with words like them (typing
        # mistakes), under the same filters.
        close = words_like(terms)
        matched = documents.similar_to(close)
    found = filterset.filter_queryset(matched)
    counts = dict(
        filterset.filter_all_but(matched, "kind")
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    search.kinds = [(kind.value, kind.label, counts.get(kind.value, 0)) for kind in Kind]
    # The results are those counted under their kind (or under every kind): counting them
    # again would read every match once more.
    kind = filterset.form.cleaned_data.get("kind")
    paginator = CountedPaginator(
        found.with_headlines(terms, close),
        RESULTS_PER_PAGE,
        count=counts.get(kind, 0) if kind else sum(counts.values()),
    )
    search.page = paginator.get_page(request.GET.get("page"))
    search.close_matches = close is not None and paginator.count > 0
    if search.close_matches:
        search.close_words = close.closest
    for document in search.page:
        _describe(document, terms)
    return search


def _describe(document: SearchDocument, terms: Terms) -> None:
    """Set ``marked_heading``, ``excerpt`` (matches between START and STOP) and
    ``excerpt_label`` (the field the excerpt comes from) on a result."""
    searched_heading = document.kind != Kind.UPDATE  # an update's heading is its deliverable's
    fields = [(document.text_label, document.text), (document.extra_label, document.extra)]
    if hasattr(document, "headline_text"):  # PostgreSQL's ts_headline
        heading = document.headline_heading if searched_heading else document.heading
        excerpts = [document.headline_text, document.headline_extra]
    else:
        heading = mark(document.heading, terms.stems) if searched_heading else document.heading
        excerpts = [excerpt(text, terms.stems) for _, text in fields]
    document.marked_heading = heading or document.heading
    candidates = [
        (label, cut) for (label, text), cut in zip(fields, excerpts, strict=True) if text.strip()
    ]
    matched = [candidate for candidate in candidates if START in (candidate[1] or "")]
    document.excerpt_label, document.excerpt = (matched or candidates or [("", "")])[0]


@login_not_required
@require_safe
@public_page(query=SEARCH_PARAMETERS)
def search_page(request):
    search = _search(request)
    context = {
        "search": search,
        "filter": search.filter,
        "terms": search.terms,
        "page": search.page,
    }
    return render(request, "search/search.html", context, status=search.status)


def _plain(text: str) -> str:
    return (text or "").replace(START, "").replace(STOP, "")


@login_not_required
@require_safe
@public_page(query=SEARCH_PARAMETERS)
def search_json(request):
    search = _search(request)
    if search.status != 200:
        errors = {name: list(messages) for name, messages in search.filter.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    page = search.page
    body = {
        "query": search.terms.text,
        "close_matches": search.close_matches,
        "close_words": list(search.close_words),
        "count": page.paginator.count if page else 0,
        "page": page.number if page else 1,
        "pages": page.paginator.num_pages if page else 0,
        "kinds": {kind: count for kind, _, count in search.kinds},
        "results": [_result(request, document) for document in (page or [])],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _result(request, document: SearchDocument) -> dict:
    return {
        "kind": document.kind,
        "title": document.heading,
        "url": request.build_absolute_uri(document.url),
        "force": {"slug": document.force.slug, "name": document.force.name},
        "region": document.force.region,
        "workstream": document.workstream.slug if document.workstream else None,
        "status": document.status,
        "first_quarter": document.first_quarter.compact if document.first_quarter else None,
        "last_quarter": document.last_quarter.compact if document.last_quarter else None,
        "earlier_plan": document.earlier_plan,
        "matched_in": document.excerpt_label,
        "excerpt": _plain(document.excerpt),
    }
