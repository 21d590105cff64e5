"""Keep the search index (``SearchDocument``) the same as what the public can read.

:func:`reindex_forces` runs inside the transaction of every write that changes public pages
(registered with ``plans.cache.on_content_change``): it rewrites the documents of the forces
whose pages changed, and the practice examples (shown on the national pages, so any change
may concern them; there are few). :func:`rebuild` rewrites everything
(``manage.py rebuild_search_index``).

Only published content is copied: deliverables of published plans, published updates of
those deliverables, and the practice examples. A withdrawn deliverable stays findable, marked
withdrawn, as its page stays public with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from actions.models import Deliverable, QuarterlyUpdate
from plans.models import Force, Plan
from search.models import Kind, SearchDocument
from workstreams.models import PracticeExample

WITHDRAWN = "withdrawn"
#: Kinds whose documents belong to one force's pages, rewritten when that force's pages change.
FORCE_KINDS = (Kind.DELIVERABLE, Kind.UPDATE)
#: Kinds shown on the national pages only, rewritten with every change.
NATIONAL_KINDS = (Kind.PRACTICE,)

# Control characters never belong in text, and the excerpts use two of them as markers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text or "")


def vector():
    """The stored PostgreSQL search vector: English stemming, the title weighted most."""
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("text", weight="B", config="english")
        + SearchVector("extra", weight="C", config="english")
    )


def reindex_forces(force_ids: Iterable[int]) -> None:
    """Rewrite the documents of ``force_ids`` and every practice example."""
    force_ids = sorted(set(force_ids))
    _replace(
        Q(kind__in=FORCE_KINDS, force_id__in=force_ids) | Q(kind__in=NATIONAL_KINDS),
        [*_deliverables(force_ids), *_updates(force_ids), *_practice()],
    )


def rebuild() -> int:
    """Rewrite the whole index; returns the number of documents."""
    force_ids = list(Force.objects.values_list("pk", flat=True))
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        reindex_forces(force_ids)
        return SearchDocument.objects.count()


def _replace(old: Q, documents: list[SearchDocument]) -> None:
    with transaction.atomic():
        SearchDocument.objects.filter(old).delete()
        SearchDocument.objects.bulk_create(documents, batch_size=500)
        if connection.vendor == "postgresql" and documents:
            SearchDocument.objects.filter(search_vector__isnull=True).update(search_vector=vector())


def _document(**fields) -> SearchDocument:
    for name in ("heading", "title", "text", "extra"):
        fields[name] = _clean(fields.get(name, ""))
    fields["plain"] = " ".join(fields[name] for name in ("title", "text", "extra")).lower()
    return SearchDocument(**fields)


def _current_plans() -> set[int]:
    return set(Plan.objects.published().newest_per_force().values_list("pk", flat=True))


def _deliverables(force_ids: list[int]) -> Iterator[SearchDocument]:
    if not force_ids:
        return
    current = _current_plans()
    deliverables = (
        Deliverable.objects.public()
        .filter(plan__force_id__in=force_ids)
        .with_current_status()
        .select_related("plan__force")
        .order_by("pk")
    )
    for deliverable in deliverables:
        force = deliverable.plan.force
        yield _document(
            kind=Kind.DELIVERABLE,
            object_id=deliverable.pk,
            force=force,
            workstream_id=deliverable.workstream_id,
            status=WITHDRAWN if deliverable.is_withdrawn else deliverable.current_status,
            first_quarter=deliverable.start_quarter,
            last_quarter=deliverable.due_quarter,
            heading=deliverable.title,
            title=deliverable.title,
            text=deliverable.description,
            extra=deliverable.lead,
            url=reverse("actions:deliverable", args=[force.slug, deliverable.pk]),
            earlier_plan=deliverable.plan_id not in current,
        )


def _updates(force_ids: list[int]) -> Iterator[SearchDocument]:
    if not force_ids:
        return
    current = _current_plans()
    updates = (
        QuarterlyUpdate.objects.public()
        .filter(deliverable__plan__force_id__in=force_ids)
        .select_related("deliverable__plan__force")
        .order_by("pk")
    )
    for update in updates:
        deliverable = update.deliverable
        force = deliverable.plan.force
        page = reverse("actions:deliverable", args=[force.slug, deliverable.pk])
        yield _document(
            kind=Kind.UPDATE,
            object_id=update.pk,
            force=force,
            workstream_id=deliverable.workstream_id,
            status=update.status,
            first_quarter=update.quarter,
            last_quarter=update.quarter,
            # The deliverable's title names the result but is not searched here: it is
            # its own result, and every update would match it too.
            heading=f"{deliverable.title}: {update.quarter} update",
            text=update.done,
            extra=update.next,
            url=f"{page}#update-{update.quarter.compact}",
            earlier_plan=deliverable.plan_id not in current,
        )


def _practice() -> Iterator[SearchDocument]:
    examples = PracticeExample.objects.select_related("force").order_by("pk")
    for example in examples:
        query = urlencode({"q": example.title, "force": example.force.slug})
        yield _document(
            kind=Kind.PRACTICE,
            object_id=example.pk,
            force=example.force,
            workstream_id=example.workstream_id,
            heading=example.title,
            title=example.title,
            text=example.summary,
            url=f"{reverse('workstreams:practice')}?{query}",
        )
