"""Keep the search index (``SearchDocument``) the same as what the public can read.

:func:`reindex_forces` runs inside the transaction of every write that changes public pages
(registered with ``plans.cache.on_content_change``): it rewrites the documents of the forces
whose pages changed, and the practice examples (shown on the national pages, so any change
may concern them; there are few), and adds the words of the documents it writes to the
lexicon (``SearchWord``) that close matches look in. :func:`rebuild` rewrites everything
(``manage.py rebuild_search_index``), the lexicon too.

Only published content is copied: deliverables of published plans, published updates of
those deliverables, published engagement activities (never the partners' contact points), standing
scrutiny panel views with the force's reply (a withdrawn view's words leave the index with it)
and the practice examples. A withdrawn deliverable stays findable, marked
withdrawn, as its page stays public with the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from actions.models import Deliverable, QuarterlyUpdate
from engagement.models import Activity, EngagementAction
from panels.models import PanelView
from plans.models import Force, Plan
from search.models import Kind, SearchDocument, SearchWord, lexicon_words
from workstreams.models import PracticeExample, Workstream

WITHDRAWN = "withdrawn"
#: Kinds whose documents belong to one force's pages, rewritten when that force's pages change.
FORCE_KINDS = (Kind.DELIVERABLE, Kind.UPDATE, Kind.ENGAGEMENT, Kind.PANEL)
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
    """Bring the documents of ``force_ids``, and every practice example, up to date."""
    force_ids = sorted(set(force_ids))
    _replace(
        Q(kind__in=FORCE_KINDS, force_id__in=force_ids) | Q(kind__in=NATIONAL_KINDS),
        [
            *_deliverables(force_ids),
            *_updates(force_ids),
            *_engagement(force_ids),
            *_panel_views(force_ids),
            *_practice(),
        ],
    )


def rebuild() -> int:
    """Rewrite the whole index, and the lexicon (dropping the words no document holds any
    more); returns the number of documents."""
    force_ids = list(Force.objects.values_list("pk", flat=True))
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        SearchWord.objects.all().delete()
        reindex_forces(force_ids)
        return SearchDocument.objects.count()


def _replace(scope: Q, documents: list[SearchDocument]) -> None:
    """Make the documents in ``scope`` be ``documents``, writing only the ones that changed
    (by their digest): a save rewrites the one or two documents it changed, not its force's."""
    existing = {
        (kind, object_id): (pk, digest)
        for pk, kind, object_id, digest in SearchDocument.objects.filter(scope).values_list(
            "pk", "kind", "object_id", "digest"
        )
    }
    wanted = {(document.kind, document.object_id): document for document in documents}
    stale = [pk for key, (pk, digest) in existing.items() if key not in wanted]
    added = []
    for key, document in wanted.items():
        pk, digest = existing.get(key, (None, None))
        if digest == document.digest:
            continue
        if pk is not None:
            stale.append(pk)
        added.append(document)
    with transaction.atomic():
        if stale:
            SearchDocument.objects.filter(pk__in=stale).delete()
        SearchDocument.objects.bulk_create(added, batch_size=500)
        if connection.vendor == "postgresql" and added:
            SearchDocument.objects.filter(search_vector__isnull=True).update(search_vector=vector())
        _add_words(added)


def _add_words(documents: list[SearchDocument]) -> None:
    """Add the words of ``documents`` that the lexicon lacks (``INSERT ... ON CONFLICT DO
    NOTHING``), in one order, so that two writes adding the same new words wait for each
    other instead of deadlocking. Words of rewritten or deleted documents stay."""
    words = sorted(set().union(*(lexicon_words(document.plain) for document in documents)))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in words], batch_size=1000, ignore_conflicts=True
    )


def _document(**fields) -> SearchDocument:
    for name in ("heading", "title", "text", "extra"):
        fields[name] = _clean(fields.get(name, ""))
    fields["plain"] = " ".join(fields[name] for name in ("title", "text", "extra")).lower()
    signed = "\x1f".join(f"{name}={fields[name]}" for name in sorted(fields))
    fields["digest"] = hashlib.blake2b(signed.encode(), digest_size=16).hexdigest()
    return SearchDocument(**fields)


def _current_plans() -> set[int]:
    return set(Plan.objects.published().newest_per_force().values_list("pk", flat=True))


def _deliverable_address() -> Callable[[str, int], str]:
    """A deliverable page's address from its force's slug and id, reversing once (not once
    for each of thousands of rows)."""
    template = reverse("actions:deliverable", args=["force-slug", 123456789])
    before, after = template.split("force-slug", 1)
    middle, end = after.split("123456789", 1)
    return lambda slug, pk: f"{before}{slug}{middle}{pk}{end}"


def _deliverables(force_ids: list[int]) -> Iterator[SearchDocument]:
    if not force_ids:
        return
    current = _current_plans()
    address = _deliverable_address()
    rows = (
        Deliverable.objects.public()
        .filter(plan__force_id__in=force_ids)
        .with_current_status()
        .order_by("pk")
        .values_list(
            "pk",
            "plan_id",
            "plan__force_id",
            "plan__force__slug",
            "workstream_id",
            "title",
            "description",
            "lead",
            "start_quarter",
            "due_quarter",
            "withdrawn_at",
            "current_status",
        )
    )
    for pk, plan, force, slug, workstream, title, text, lead, start, due, withdrawn, status in rows:
        yield _document(
            kind=Kind.DELIVERABLE,
            object_id=pk,
            force_id=force,
            workstream_id=workstream,
            status=WITHDRAWN if withdrawn else status,
            first_quarter=start,
            last_quarter=due,
            heading=title,
            title=title,
            text=text,
            extra=lead,
            url=address(slug, pk),
            earlier_plan=plan not in current,
        )


def _updates(force_ids: list[int]) -> Iterator[SearchDocument]:
    if not force_ids:
        return
    current = _current_plans()
    address = _deliverable_address()
    rows = (
        QuarterlyUpdate.objects.public()
        .filter(deliverable__plan__force_id__in=force_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "deliverable_id",
            "deliverable__plan_id",
            "deliverable__plan__force_id",
            "deliverable__plan__force__slug",
            "deliverable__workstream_id",
            "deliverable__title",
            "quarter",
            "status",
            "done",
            "next",
        )
    )
    for pk, deliverable, plan, force, slug, workstream, title, quarter, status, done, next_ in rows:
        yield _document(
            kind=Kind.UPDATE,
            object_id=pk,
            force_id=force,
            workstream_id=workstream,
            status=status,
            first_quarter=quarter,
            last_quarter=quarter,
            # The deliverable's title names the result but is not searched here: it is
            # its own result, and every update would match it too.
            heading=f"{title}: {quarter} update",
            text=done,
            extra=next_,
            url=f"{address(slug, deliverable)}#update-{quarter.compact}",
            earlier_plan=plan not in current,
        )


def _practice() -> Iterator[SearchDocument]:
    rows = PracticeExample.objects.order_by("pk").values_list(
        "pk", "force_id", "force__slug", "workstream_id", "title", "summary"
    )
    bank = reverse("workstreams:practice")
    for pk, force, slug, workstream, title, summary in rows:
        yield _document(
            kind=Kind.PRACTICE,
            object_id=pk,
            force_id=force,
            workstream_id=workstream,
            heading=title,
            title=title,
            text=summary,
            url=f"{bank}?{urlencode({'q': title, 'force': slug})}",
        )


#: The workstream engagement activities are filed under when searching by workstream.
ENGAGEMENT_WORKSTREAM = "involved"


def _engagement(force_ids: list[int]) -> Iterator[SearchDocument]:
    """Published engagement activities, as the force's "You said, we did" page shows them:
    what was heard, the themes, the partner organisations and what the force will do and did
    (never the partners' contact points, which only staff see)."""
    if not force_ids:
        return
    activities = list(
        Activity.objects.published()
        .filter(force_id__in=force_ids)
        .order_by("pk")
        .select_related("force")
        .only(
            "pk",
            "force__slug",
            "title",
            "held_on",
            "place",
            "partners",
            "themes",
            "other_themes",
            "heard",
        )
    )
    if not activities:
        return
    actions: dict[int, list[str]] = {}
    rows = EngagementAction.objects.filter(activity__in=activities).order_by("order", "pk")
    for activity, description, reason, outcome in rows.values_list(
        "activity_id", "description", "no_action_reason", "outcome"
    ):
        actions.setdefault(activity, []).extend(filter(None, (description, reason, outcome)))
    workstream = (
        Workstream.objects.filter(slug=ENGAGEMENT_WORKSTREAM).values_list("pk", flat=True).first()
    )
    page = reverse("engagement:force", args=["force-slug"])
    for activity in activities:
        quarter = activity.quarter
        yield _document(
            kind=Kind.ENGAGEMENT,
            object_id=activity.pk,
            force_id=activity.force_id,
            workstream_id=workstream,
            first_quarter=quarter,
            last_quarter=quarter,
            heading=activity.title,
            title=activity.title,
            text=activity.heard,
            extra="\n".join(
                [
                    ", ".join(activity.theme_labels),
                    activity.other_themes,
                    activity.place,
                    *activity.partner_list,
                    *actions.get(activity.pk, []),
                ]
            ),
            url=page.replace("force-slug", activity.force.slug) + f"#activity-{activity.pk}",
        )


def _panel_views(force_ids: list[int]) -> Iterator[SearchDocument]:
    """Standing (published, not withdrawn) panel views, with the force's reply: a view on a
    deliverable links to the update it answers, a statement to the panel's page."""
    if not force_ids:
        return
    address = _deliverable_address()
    panel_page = reverse("panels:force", args=["force-slug"])
    views = (
        PanelView.objects.standing()
        .filter(force_id__in=force_ids)
        .select_related("panel", "force", "deliverable", "reply")
        .order_by("pk")
    )
    for view in views:
        reply = getattr(view, "reply", None)
        verdict = view.get_verdict_display()
        deliverable = view.deliverable
        if deliverable is None:
            heading = f"{view.panel.name} on the {view.quarter} return: {verdict}"
            url = panel_page.replace("force-slug", view.force.slug)
            url += f"#quarter-{view.quarter.compact}"
        else:
            heading = f"{view.panel.name} on “{deliverable.title}”: {verdict}"
            url = f"{address(view.force.slug, deliverable.pk)}#update-{view.quarter.compact}"
        yield _document(
            kind=Kind.PANEL,
            object_id=view.pk,
            force_id=view.force_id,
            workstream_id=deliverable.workstream_id if deliverable else None,
            first_quarter=view.quarter,
            last_quarter=view.quarter,
            heading=heading,
            title=view.panel.name,
            text=view.reasons,
            extra=reply.text if reply else "",
            url=url,
        )
