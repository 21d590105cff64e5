"""In-process page measurements for the benchmark (run by ``python -m bench``).

Prints JSON: for each page, status, SQL queries per request with the cache cleared first
and with the page in the cache, median and p95 server time with the cache cleared before
every request ("uncached": the first request after a change) and with the cache warm
("cached": every other request), and for the CSV export the peak Python memory while
streaming it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prap.settings")

import django

django.setup()

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actions.models import Deliverable, Milestone, QuarterlyUpdate
from plans.cache import forget_pages_in_memory
from plans.models import Plan
from prap.runtime import settle
from search.models import SearchDocument

RESULT_MARKER = "BENCH-RESULT"


def scaled_force() -> str:
    """The slug of the force with the most deliverables: a generated one, whose volume
    ``seed_demo --scale`` multiplies (Dorset's real roadmap stays the same at every scale)."""
    busiest = (
        Deliverable.objects.exclude(plan__force__slug="dorset")
        .values("plan__force__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "plan__force__slug")
        .first()
    )
    return busiest["plan__force__slug"]


def pages() -> list[tuple[str, str]]:
    force = scaled_force()
    deliverable = Deliverable.objects.filter(plan__force__slug=force).order_by("pk").first()
    return [
        ("home", "/"),
        ("forces", "/forces/"),
        ("roadmap", f"/forces/{force}/"),
        ("roadmap (Dorset)", "/forces/dorset/"),
        ("deliverable", f"/forces/{force}/deliverables/{deliverable.pk}/"),
        ("force disparities", f"/forces/{force}/disparities/"),
        ("national disparities", "/national/disparities/"),
        ("workstreams", "/workstreams/"),
        ("workstream", "/workstreams/not-over-policed/"),
        ("national", "/national/"),
        ("coverage", "/national/coverage/"),
        ("trend", "/national/trend/"),
        ("open data", "/data/"),
        ("deliverables.csv", "/data/deliverables.csv"),
        ("search", "/search/?q=stop+and+search"),
        ("search filtered", "/search/?q=strip+search&kind=update&region=South+West"),
        ("search phrase", '/search/?q="scrutiny+panel"+-custody'),
        ("search typo", "/search/?q=stopp+serch"),
        ("search.json", "/search.json?q=custody"),
    ]


def fetch(client: Client, path: str):
    response = client.get(path)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def empty_caches() -> None:
    """The shared cache and this process's copies of pages: the next request renders."""
    cache.clear()
    forget_pages_in_memory()


def timed(client: Client, path: str, requests: int, clear: bool) -> list[float]:
    times = []
    for _ in range(requests):
        if clear:
            empty_caches()
        started = time.perf_counter()
        fetch(client, path)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def measure(requests: int) -> list[dict]:
    client = Client()
    settle()  # as prap.wsgi does in every server process
    empty_caches()  # the shared cache may hold another scale's pages
    rows = []
    for name, path in pages():
        for _ in range(3):
            fetch(client, path)
        empty_caches()
        # Django empties the query log when each request starts: start from empty too.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            status, size = fetch(client, path)
        query_count = len(queries.captured_queries)  # read now: later requests reset the log
        fetch(client, path)  # now in the cache, if the page is kept there
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            fetch(client, path)
        cached_query_count = len(queries.captured_queries)
        uncached = timed(client, path, requests, clear=True)
        cached = timed(client, path, requests, clear=False)
        peak = ""
        if path.endswith(".csv"):
            empty_caches()
            tracemalloc.start()
            fetch(client, path)
            peak = round(tracemalloc.get_traced_memory()[1] / 1024)
            tracemalloc.stop()
        rows.append(
            {
                "page": name,
                "path": path,
                "status": status,
                "bytes": size,
                "queries": query_count,
                "cached_queries": cached_query_count,
                "median_ms": round(statistics.median(uncached), 2),
                "p95_ms": round(p95(uncached), 2),
                "cached_median_ms": round(statistics.median(cached), 2),
                "cached_p95_ms": round(p95(cached), 2),
                "peak_kib": peak,
            }
        )
    return rows


def reindex(requests: int) -> list[dict]:
    """What keeping the search index current adds to a write: rewriting one force's
    documents (every save of a force's content does it, in its transaction), and rebuilding
    the whole index (demo data, reference data, a restore). Rolled back: nothing changes."""
    from django.db import transaction

    from plans.models import Force
    from search.index import rebuild, reindex_forces

    force = Force.objects.get(slug=scaled_force()).pk
    rows = []
    for name, job, times in (
        ("reindex one force", lambda: reindex_forces([force]), requests),
        ("rebuild the index", rebuild, 3),
    ):
        spent, query_count = [], 0
        for _ in range(times):
            with transaction.atomic():
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    job()
                    spent.append((time.perf_counter() - started) * 1000)
                query_count = len(queries.captured_queries)
                transaction.set_rollback(True)
        rows.append(
            {
                "page": name,
                "path": "(write)",
                "status": "",
                "bytes": "",
                "queries": query_count,
                "cached_queries": "",
                "median_ms": round(statistics.median(spent), 2),
                "p95_ms": round(p95(spent), 2),
                "cached_median_ms": "",
                "cached_p95_ms": "",
                "peak_kib": "",
            }
        )
    return rows


def counts() -> dict[str, int | str]:
    return {
        "scaled force": scaled_force(),
        "plans": Plan.objects.count(),
        "deliverables": Deliverable.objects.count(),
        "milestones": Milestone.objects.count(),
        "updates": QuarterlyUpdate.objects.count(),
        "search documents": SearchDocument.objects.count(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--counts", action="store_true")
    parser.add_argument("--empty-caches", action="store_true")
    options = parser.parse_args()
    # The site's own log lines share stdout (at the production level, INFO): the result is
    # the line with the marker.
    if options.empty_caches:
        empty_caches()
    elif options.counts:
        print(RESULT_MARKER, json.dumps(counts()), flush=True)
    else:
        print(RESULT_MARKER, json.dumps(measure(options.requests) + reindex(options.requests)))
