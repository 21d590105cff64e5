"""The database itself refuses data that breaks the model's invariants."""

import pytest
from django.db import IntegrityError, transaction

from actions.models import Deliverable, QuarterlyUpdate, Status
from plans.models import Plan
from plans.quarters import Quarter
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


def test_a_deliverable_due_before_it_starts_is_refused_by_the_database():
    deliverable = DeliverableFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliverable.objects.filter(pk=deliverable.pk).update(
            start_quarter=Quarter(2025, 2), due_quarter=Quarter(2025, 1)
        )


def test_a_second_update_for_the_same_deliverable_and_quarter_is_refused():
    update = QuarterlyUpdateFactory(quarter=Quarter(2024, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyUpdate.objects.create(
            deliverable=update.deliverable, quarter=Quarter(2024, 3), status=Status.AT_RISK
        )
    assert QuarterlyUpdate.objects.count() == 1


def test_the_same_quarter_for_another_deliverable_is_allowed():
    update = QuarterlyUpdateFactory(quarter=Quarter(2024, 3))
    other = DeliverableFactory(plan=update.deliverable.plan)
    QuarterlyUpdateFactory(deliverable=other, quarter=Quarter(2024, 3))
    assert QuarterlyUpdate.objects.count() == 2


def test_an_unknown_status_is_refused_by_the_database():
    update = QuarterlyUpdateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyUpdate.objects.filter(pk=update.pk).update(status="finished")


def test_withdrawal_needs_a_reason():
    deliverable = DeliverableFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deliverable.objects.filter(pk=deliverable.pk).update(withdrawn_at="2025-01-10")


def test_a_plan_period_cannot_end_before_it_starts():
    plan = PlanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(last_quarter=Quarter(2023, 1))


def test_references_are_unique_within_a_plan_but_blank_ones_may_repeat():
    plan = PlanFactory()
    DeliverableFactory(plan=plan, reference="")
    DeliverableFactory(plan=plan, reference="")
    DeliverableFactory(plan=plan, reference="R-01")
    DeliverableFactory(reference="R-01")  # another plan
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliverableFactory(plan=plan, reference="R-01")
