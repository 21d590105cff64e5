"""Each force's latest quarter reported (``actions.models.latest_quarter_by_force``): the
newest quarter of any published update of a deliverable of the plans asked about, read
plan by plan from the end of an index, in one query however many deliverables there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Status, latest_quarter_by_force
from actions.reporting import latest_quarter_reported_by_force
from plans.models import Plan
from plans.quarters import Quarter
from tests.clock import on
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db

Q1, Q2, Q3, Q4 = (Quarter(2024, n) for n in (1, 2, 3, 4))


@pytest.fixture(autouse=True)
def _one_clock():
    with on(dt.datetime(2025, 2, 1, 9, 0, tzinfo=dt.UTC)):
        yield


def reported(plan, *quarters, draft=None, withdrawn=False):
    """A deliverable of ``plan`` with a published update in each of ``quarters`` (and a
    draft in ``draft``)."""
    deliverable = DeliverableFactory(
        plan=plan,
        start_quarter=Q1,
        due_quarter=Q4,
        **(
            {"withdrawn_at": dt.date(2024, 12, 1), "withdrawn_reason": "Merged."}
            if withdrawn
            else {}
        ),
    )
    for quarter in quarters:
        QuarterlyUpdateFactory(deliverable=deliverable, quarter=quarter, status=Status.ON_TRACK)
    if draft:
        QuarterlyUpdateFactory(deliverable=deliverable, quarter=draft, published_at=None)
    return deliverable


@pytest.fixture
def forces():
    """Four forces: one reporting up to Q3 (its older plan up to Q4); one whose newest
    update is a draft; one whose only later update is of a withdrawn deliverable; one with
    nothing published."""
    a, b, c, d = (ForceFactory(slug=slug) for slug in "abcd")
    old = PlanFactory(force=a, first_quarter=Quarter(2023, 1), last_quarter=Quarter(2023, 4))
    newest = PlanFactory(force=a)
    reported(old, Q4)
    reported(newest, Q1, Q2)
    reported(newest, Q3)
    reported(newest)
    reported(PlanFactory(force=b), Q1, draft=Q2)
    plan_c = PlanFactory(force=c)
    reported(plan_c, Q1)
    reported(plan_c, Q1, Q2, withdrawn=True)
    reported(PlanFactory(force=d))
    reported(PlanFactory(force=d, is_published=False), Q4)
    return a, b, c, d


def test_the_newest_published_quarter_of_each_forces_plans(forces):
    a, b, c, _ = forces
    found = latest_quarter_by_force(Plan.objects.published().newest_per_force())
    # The withdrawn deliverable's update was published: it is part of what was reported.
    assert found == {a.pk: Q3, b.pk: Q1, c.pk: Q2}


def test_every_force_with_a_plan_given_with_none(forces):
    """The home page and /forces/ take the forces with a published plan from the same query:
    force D's plan has no published update."""
    a, b, c, d = forces
    found = latest_quarter_by_force(Plan.objects.published().newest_per_force(), with_none=True)
    assert found == {a.pk: Q3, b.pk: Q1, c.pk: Q2, d.pk: None}


def test_every_published_plan_for_the_national_figures(forces):
    a, b, c, _ = forces
    # Force A's older plan reported Q4 2024/25; force D's unpublished plan is not counted.
    assert latest_quarter_reported_by_force() == {a.pk: Q4, b.pk: Q1, c.pk: Q2}


def test_a_later_update_moves_the_latest_quarter_on(forces):
    a, *_ = forces
    newest = Plan.objects.published().newest_per_force().get(force=a)
    deliverable = newest.deliverables.first()
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Q4, published_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert latest_quarter_by_force(Plan.objects.filter(pk=newest.pk)) == {a.pk: Q4}


def test_one_query_however_many_deliverables(forces):
    a, *_ = forces
    plans = Plan.objects.published().newest_per_force()
    with CaptureQueriesContext(connection) as few:
        latest_quarter_by_force(plans)
    newest = plans.get(force=a)
    for _ in range(5):
        reported(newest, Q2, Q3)
    with CaptureQueriesContext(connection) as many:
        assert latest_quarter_by_force(plans)[a.pk] == Q3
    assert len(few) == len(many) == 1
