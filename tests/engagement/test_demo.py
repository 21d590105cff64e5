"""The demonstration engagement: a year of activities for a few forces, traced to their
deliverables, replaced wholesale on each load."""

import io

import pytest
from django.core.management import call_command

from engagement.models import Activity, EngagementAction

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_engagement_traced_to_dorset_and_staffordshire(reference, demo_day):
    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    activities = Activity.objects.all()
    assert set(activities.values_list("force__slug", flat=True)) == {
        "dorset",
        "staffordshire",
        "west-midlands",
    }
    days = sorted(activities.values_list("held_on", flat=True))
    assert (demo_day - days[0]).days <= 366 and days[-1] <= demo_day
    assert activities.drafts().count() == 1
    assert set(activities.values_list("kind", flat=True)) >= {
        "community_meeting",
        "youth_session",
        "survey",
    }
    for slug in ("dorset", "staffordshire"):
        linked = EngagementAction.objects.filter(
            activity__force__slug=slug, deliverable__isnull=False
        )
        assert linked.count() >= 5
        assert all(a.deliverable.plan.force.slug == slug for a in linked)
    stop_search = EngagementAction.objects.get(
        description__startswith="Publish stop and search figures for every"
    )
    assert "stop and search" in stop_search.deliverable.title.lower()
    assert EngagementAction.objects.filter(deliverable__isnull=True).count() == 2
    assert EngagementAction.objects.filter(done_on__isnull=False).count() >= 2


def test_loading_the_demo_again_replaces_its_engagement(reference, demo_day):
    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    first = Activity.objects.count()
    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    assert Activity.objects.count() == first
    assert Activity.history.count() == first
    call_command("seed_demo", "--clear", stdout=io.StringIO())
    assert Activity.objects.count() == 0 and EngagementAction.objects.count() == 0
