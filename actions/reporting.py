"""What the deliverables and their updates say about each force, as annotations on a
``Force`` queryset: one query whatever the data size. They live here, above ``plans``, because
they read ``actions``' models (``plans`` never imports ``actions``)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from actions.models import Deliverable, QuarterlyUpdate, latest_quarter_by_force
from plans.models import Force, Plan, ReturnState
from plans.quarters import Quarter


def with_latest_quarter_reported(forces: QuerySet[Force]) -> QuerySet[Force]:
    """Annotate ``latest_quarter``: the newest quarter of any *public* update (published,
    in a published plan) of the force, or None: the newest stored quarter of its
    deliverables' latest published updates (``Deliverable.published_status_quarter``). One
    query, whatever the data size.
    """
    latest = (
        Deliverable.objects.public()
        .filter(plan__force=OuterRef("pk"), published_status_quarter__isnull=False)
        .order_by("-published_status_quarter")
        .values("published_status_quarter")[:1]
    )
    return forces.annotate(latest_quarter=Subquery(latest))


def latest_quarter_reported_by_force() -> dict[int, Quarter]:
    """``{force id: the newest quarter of any of its *public* updates}`` (published, in a
    published plan), as :func:`with_latest_quarter_reported` annotates it; forces with none
    are left out. One query, reading each published plan's newest stored quarter from the
    end of an index (:func:`actions.models.latest_quarter_by_force`).
    """
    return latest_quarter_by_force(Plan.objects.published())


def with_replanning_counts(forces: QuerySet[Force], today: dt.date) -> QuerySet[Force]:
    """Annotate, as of ``today``, counts of the force's *public* active deliverables (its
    newest published plan's, not withdrawn, as the roadmap counts them; drafts never):
    ``replanned_count`` (start or due quarter not the one first published),
    ``overdue_count`` (past the due quarter and not complete) and
    ``past_original_due_count`` (past the original due quarter and not complete, even if
    re-planned later). One query, whatever the data size.
    """
    public = (
        Deliverable.objects.on_public_roadmaps()
        .active()
        .filter(plan__force=OuterRef("pk"))
        .with_current_status()
        .with_replanning(today)
    )
    return forces.annotate(
        replanned_count=_subquery_count(public.filter(is_replanned_flag=True)),
        overdue_count=_subquery_count(public.filter(is_overdue_flag=True)),
        past_original_due_count=_subquery_count(public.filter(is_past_original_due_flag=True)),
    )


def with_return_progress(forces: QuerySet[Force], quarter: Quarter) -> QuerySet[Force]:
    """Annotate each force's quarterly return for ``quarter`` (drafts included: staff only).

    ``due_count``: deliverables that need an update for the quarter
    (``Deliverable.objects.in_return``); ``published_count`` and ``draft_count``: how
    many of those have a published or a draft update for it; ``missing_count``: how many
    have none; ``last_activity``: when any update of the force for the quarter last
    changed; ``return_state``: a :class:`ReturnState` value, or None when nothing is due.
    One query with correlated subqueries, whatever the number of deliverables.
    """
    due = Deliverable.objects.in_return(quarter).filter(plan__force=OuterRef("pk"))
    published = QuarterlyUpdate.objects.published().filter(
        deliverable=OuterRef("pk"), quarter=quarter
    )
    drafts = QuarterlyUpdate.objects.drafts().filter(deliverable=OuterRef("pk"), quarter=quarter)
    last_activity = (
        QuarterlyUpdate.objects.filter(quarter=quarter, deliverable__plan__force=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return (
        forces.annotate(
            due_count=_subquery_count(due),
            published_count=_subquery_count(due.filter(Exists(published))),
            draft_count=_subquery_count(due.filter(Exists(drafts))),
            last_activity=Subquery(last_activity),
        )
        .annotate(missing_count=F("due_count") - F("published_count") - F("draft_count"))
        .annotate(
            return_state=Case(
                When(due_count=0, then=Value(None)),
                When(published_count=F("due_count"), then=Value(ReturnState.COMPLETE.value)),
                When(
                    published_count=0,
                    draft_count=0,
                    then=Value(ReturnState.NOT_STARTED.value),
                ),
                default=Value(ReturnState.IN_PROGRESS.value),
                output_field=models.CharField(),
            )
        )
    )


def _subquery_count(queryset: models.QuerySet) -> Coalesce:
    """``COUNT(*)`` of a queryset correlated with ``OuterRef``, as an annotation (0 if none)."""
    # A plain COUNT, not an aggregate Django would GROUP BY: one row per outer row.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def complete_without_evidence() -> QuerySet[QuarterlyUpdate]:
    """Published updates, in published plans, that report a deliverable complete with no
    evidence link: the claims the public cannot check. Newest first within each force."""
    return (
        QuarterlyUpdate.objects.public()
        .filter(status="complete")
        .filter(Q(evidence="") | Q(evidence__regex=r"^\s*$"))
        .select_related("deliverable__plan__force", "deliverable__workstream")
        .order_by("deliverable__plan__force__name", "-quarter", "deliverable__title")
    )
