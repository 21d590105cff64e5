import pytest

from plans.models import Plan
from plans.quarters import Quarter
from tests.staff_data import force_data

pytestmark = pytest.mark.django_db


def test_a_coordinator_creates_their_forces_plan(client, bob, force_b):
    client.force_login(bob)
    response = client.post(
        f"/staff/forces/{force_b.slug}/plans/new/",
        {
            "title": "Force B race action plan",
            "summary": "What we will do.",
            "first_quarter": "Q1 2025/26",
            "last_quarter": "2027-Q4",
            "version": 0,
        },
    )
    assert response["Location"] == f"/staff/forces/{force_b.slug}/"
    plan = Plan.objects.get(force=force_b)
    assert (plan.first_quarter, plan.last_quarter) == (Quarter(2025, 1), Quarter(2027, 4))
    assert not plan.is_published


def test_the_plan_period_must_end_after_it_starts(client, bob, force_b):
    client.force_login(bob)
    response = client.post(
        f"/staff/forces/{force_b.slug}/plans/new/",
        {"title": "", "first_quarter": "Q1 2025/26", "last_quarter": "Q4 2024/25", "version": 0},
    )
    html = response.content.decode()
    assert "Enter the plan&#x27;s title" in html
    assert "The last quarter must be Q1 2025/26 or later" in html
    assert not Plan.objects.exists()


def test_the_plan_period_must_still_cover_its_deliverables(client, alice, reference, force_a):
    data = force_data(force_a)
    client.force_login(alice)
    response = client.post(
        f"/staff/plans/{data.plan.pk}/edit/",
        {
            "title": data.plan.title,
            "first_quarter": "Q1 2025/26",
            "last_quarter": "Q4 2026/27",
            "version": data.plan.version,
        },
    )
    assert "A deliverable in this plan starts in Q2 2024/25" in response.content.decode()
    data.plan.refresh_from_db()
    assert data.plan.first_quarter == Quarter(2024, 1)


def test_a_plan_is_published_and_unpublished(client, alice, reference, force_a):
    data = force_data(force_a)
    Plan.objects.filter(pk=data.plan.pk).update(is_published=False)
    client.force_login(alice)
    client.post(f"/staff/plans/{data.plan.pk}/publish/", {"version": 1, "publish": "1"})
    data.plan.refresh_from_db()
    assert data.plan.is_published and data.plan.version == 2
    stale = client.post(
        f"/staff/plans/{data.plan.pk}/publish/", {"version": 1, "publish": "0"}, follow=True
    )
    assert "nothing was changed" in stale.content.decode()
    assert Plan.objects.get(pk=data.plan.pk).is_published
