"""Data builders for the national comparison, tracker and open data tests."""

import datetime as dt
import random

from django.utils import timezone

from actions.models import Deliverable, QuarterlyUpdate, Status, refresh_trend_figures
from plans.models import Force, Plan
from plans.quarters import Quarter, quarter_just_ended
from workstreams.models import NationalAction, Workstream

STATUSES = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETE, Status.NOT_STARTED]


def build_plans(forces, per_force: int, *, today: dt.date | None = None, seed: int = 1) -> None:
    """A published plan for each force with ``per_force`` deliverables spread over the four
    workstreams, each with a published update for the quarter before last and, for most, an
    update (sometimes a draft) for the quarter just ended. Bulk inserts: fast at any size.
    """
    rng = random.Random(seed)
    latest = quarter_just_ended(today or timezone.localdate())
    workstreams = list(Workstream.objects.all())
    actions = list(NationalAction.objects.all())
    plans = Plan.objects.bulk_create(
        [
            Plan(
                force=force,
                title=f"{force.name} plan",
                first_quarter=latest - 6,
                last_quarter=latest + 4,
                is_published=True,
            )
            for force in forces
        ]
    )
    deliverables = Deliverable.objects.bulk_create(
        [
            Deliverable(
                plan=plan,
                workstream=workstreams[number % len(workstreams)],
                title=f"{plan.force.name} deliverable {number}",
                start_quarter=latest - 3,
                due_quarter=latest + rng.randint(0, 3),
            )
            for plan in plans
            for number in range(per_force)
        ]
    )
    through = Deliverable.national_actions.through
    through.objects.bulk_create(
        [
            through(deliverable_id=deliverable.pk, nationalaction_id=action.pk)
            for deliverable in deliverables
            for action in rng.sample(actions, 2)
        ]
    )
    published = timezone.now() - dt.timedelta(days=1)
    updates = []
    for deliverable in deliverables:
        updates.append(
            QuarterlyUpdate(
                deliverable=deliverable,
                quarter=latest - 1,
                status=rng.choice(STATUSES[:3]),
                published_at=published,
            )
        )
        if rng.random() < 0.8:
            updates.append(
                QuarterlyUpdate(
                    deliverable=deliverable,
                    quarter=latest,
                    status=rng.choice(STATUSES),
                    published_at=None if rng.random() < 0.25 else published,
                )
            )
    QuarterlyUpdate.objects.bulk_create(updates)
    # What every write of updates does (bulk inserts send no signal).
    Deliverable.objects.filter(plan__in=plans).refresh_published_status()
    refresh_trend_figures({plan.force_id for plan in plans})


def forces(count: int) -> list[Force]:
    return list(Force.objects.order_by("slug")[:count])


def current_status_from_rows(deliverable: Deliverable) -> str:
    """The status of the deliverable's latest published update, worked out row by row."""
    published = [u for u in deliverable.updates.all() if u.published_at is not None]
    if not published:
        return Status.NOT_STARTED
    return max(published, key=lambda update: update.quarter).status


def latest(today: dt.date | None = None) -> Quarter:
    return quarter_just_ended(today or timezone.localdate())
