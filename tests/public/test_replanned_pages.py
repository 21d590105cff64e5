"""Re-planning in public: the deliverable page shows the original commitment and every dated
change with its reason; the roadmap marks a moved due quarter; overdue is measured against
both due quarters."""

import datetime as dt

import pytest

from actions.models import (
    CommitmentChange,
    Deliverable,
    QuarterlyUpdate,
    refresh_trend_figures,
)
from plans.models import Plan
from plans.quarters import Quarter
from tests.clock import on
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
MOVED = dt.datetime(2025, 6, 10, 14, 0, tzinfo=dt.UTC)
IN_Q4_2025 = dt.date(2026, 1, 15)  # past Q2 2025/26, before Q4 2026/27


@pytest.fixture
def replanned(force_a):
    plan = PlanFactory(
        force=force_a,
        first_quarter=Quarter(2024, 1),
        last_quarter=Quarter(2027, 4),
        is_published=False,
    )
    deliverable = DeliverableFactory(
        plan=plan,
        title="Reform use of stop and search",
        description="We will review every search.",
        start_quarter=Quarter(2025, 1),
        due_quarter=Quarter(2025, 2),
    )
    Plan.objects.filter(pk=plan.pk).update(is_published=True)
    Deliverable.objects.filter(plan=plan).record_first_publication(PUBLISHED)
    deliverable = Deliverable.objects.select_related("plan").get(pk=deliverable.pk)
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2026, 4)
    deliverable.title = "Reform stop and search with the community"
    entries = deliverable.record_replanning(
        before, None, MOVED, "The body-worn video contract was re-let."
    )
    deliverable.save()
    CommitmentChange.save_all(entries)
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2025, 2), status="on_track", published_at=MOVED
    )
    return deliverable


def page(client, deliverable, today):
    with on(today):
        return client.get(deliverable.get_absolute_url()).content.decode()


def test_the_deliverable_page_shows_the_original_commitment_and_each_dated_change(
    client, replanned
):
    html = page(client, replanned, IN_Q4_2025)
    assert "Original commitment" in html
    assert "As first published on <time" in html and "3 March 2025" in html
    assert "We will review every search." in html
    assert "Changed on <time" in html and "10 June 2025" in html
    assert '<span class="prap-change-label">Was:</span> Q2 2025/26' in html
    assert '<span class="prap-change-label">Became:</span> Q4 2026/27' in html
    assert '<span class="prap-change-label">Was:</span> Reform use of stop and search' in html
    assert "The body-worn video contract was re-let." in html
    assert ", originally Q2 2025/26" in html


def test_the_deliverable_page_says_it_is_past_its_original_due_quarter_though_not_overdue(
    client, replanned
):
    html = page(client, replanned, IN_Q4_2025)
    assert "Past its original due quarter, Q2 2025/26" in html
    assert "Overdue: due by the end of" not in html
    html = page(client, replanned, dt.date(2027, 5, 1))
    assert "Overdue: due by the end of Q4 2026/27" in html


def test_a_deliverable_never_changed_says_so(client, force_a):
    plan = PlanFactory(force=force_a)
    deliverable = DeliverableFactory(plan=plan)
    Deliverable.objects.filter(plan=plan).record_first_publication(PUBLISHED)
    html = page(client, deliverable, IN_Q4_2025)
    assert "It has not changed since." in html
    assert "Changes to the commitment" not in html


def test_complete_is_never_past_its_original_due_quarter(client, replanned):
    QuarterlyUpdate.objects.filter(deliverable=replanned).update(status="complete")
    Deliverable.objects.filter(pk=replanned.pk).refresh_published_status()
    refresh_trend_figures([replanned.plan.force_id])
    html = page(client, replanned, IN_Q4_2025)
    assert "Past its original due quarter" not in html


def test_the_roadmap_marks_a_moved_due_quarter(client, replanned, force_a):
    with on(IN_Q4_2025):
        html = client.get(f"/forces/{force_a.slug}/?quarters=all").content.decode()
    assert "Due Q4 2026/27, originally Q2 2025/26" in html
    assert "Past its original due quarter" in html


def test_an_overdue_re_planned_deliverable_is_simply_overdue_on_the_roadmap(
    client, replanned, force_a
):
    with on(dt.date(2027, 5, 1)):
        html = client.get(f"/forces/{force_a.slug}/?quarters=all").content.decode()
    assert '<span class="prap-overdue">Overdue</span>' in html
    assert "Past its original due quarter" not in html
    assert "Due Q4 2026/27, originally Q2 2025/26" in html
