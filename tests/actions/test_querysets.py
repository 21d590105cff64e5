import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Deliverable, QuarterlyUpdate, Status
from plans.quarters import Quarter
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


def test_current_status_is_the_latest_published_update_or_not_started():
    plan = PlanFactory()
    reported = DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(deliverable=reported, quarter=Quarter(2024, 1), status=Status.AT_RISK)
    QuarterlyUpdateFactory(deliverable=reported, quarter=Quarter(2024, 2), status=Status.COMPLETE)
    drafted = DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(
        deliverable=drafted, quarter=Quarter(2024, 2), status=Status.OFF_TRACK, published_at=None
    )
    silent = DeliverableFactory(plan=plan)

    statuses = dict(Deliverable.objects.with_current_status().values_list("pk", "current_status"))

    assert statuses == {
        reported.pk: Status.COMPLETE,
        drafted.pk: Status.NOT_STARTED,
        silent.pk: Status.NOT_STARTED,
    }


def test_a_draft_newer_than_a_published_update_does_not_change_the_current_status():
    deliverable = DeliverableFactory()
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 1), status=Status.ON_TRACK
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 2), status=Status.COMPLETE, published_at=None
    )
    annotated = Deliverable.objects.with_current_status().get()
    assert annotated.current_status == Status.ON_TRACK
    assert annotated.current_quarter == Quarter(2024, 1)


def test_status_counts_skip_withdrawn_deliverables(django_assert_num_queries):
    plan = PlanFactory()
    done = DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(deliverable=done, status=Status.COMPLETE)
    DeliverableFactory(plan=plan)
    DeliverableFactory(plan=plan, withdrawn_at=dt.date(2024, 9, 1), withdrawn_reason="Merged.")
    with django_assert_num_queries(1):
        counts = Deliverable.objects.filter(plan=plan).status_counts()
    assert (counts.complete, counts.not_started, counts.total) == (1, 1, 2)
    assert counts.percent_complete == 50


def test_status_counts_by_force_are_one_grouped_query(django_assert_num_queries):
    first, second = PlanFactory(), PlanFactory()
    for _ in range(3):
        QuarterlyUpdateFactory(deliverable=DeliverableFactory(plan=first), status=Status.COMPLETE)
    QuarterlyUpdateFactory(deliverable=DeliverableFactory(plan=second), status=Status.AT_RISK)
    with django_assert_num_queries(1):
        rows = Deliverable.objects.status_counts_by("plan__force")
    by_force = {row["plan__force"]: row["counts"] for row in rows}
    assert by_force[first.force_id].complete == 3
    assert by_force[second.force_id].at_risk == 1
    assert by_force[second.force_id].total == 1


def test_published_takes_the_moment_as_a_parameter():
    now = timezone.now()
    QuarterlyUpdateFactory(published_at=now - dt.timedelta(days=2))
    QuarterlyUpdateFactory(published_at=now + dt.timedelta(days=2))
    QuarterlyUpdateFactory(published_at=None)
    assert QuarterlyUpdate.objects.published().count() == 2
    assert QuarterlyUpdate.objects.published(at=now).count() == 1
    assert QuarterlyUpdate.objects.drafts().count() == 1


def test_public_updates_exclude_unpublished_plans():
    QuarterlyUpdateFactory(deliverable__plan__is_published=False)
    visible = QuarterlyUpdateFactory()
    assert list(QuarterlyUpdate.objects.public()) == [visible]
