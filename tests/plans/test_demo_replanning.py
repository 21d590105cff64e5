"""The demo data tells a re-planning story: some published deliverables were re-planned,
with realistic reasons, and the public pages show it."""

import io

import pytest
from django.core.management import call_command

from actions.models import CommitmentChange, Deliverable
from plans.quarters import Quarter
from tests.clock import DEMO_TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference, demo_day):
    call_command("seed_demo", today=DEMO_TODAY, stdout=io.StringIO())


def test_every_demo_deliverable_of_a_published_plan_has_its_original_commitment(demo):
    public = Deliverable.objects.filter(plan__is_published=True)
    assert not public.filter(first_published_at__isnull=True).exists()
    assert not Deliverable.objects.filter(
        plan__is_published=False, first_published_at__isnull=False
    ).exists()


def test_dorset_re_planned_three_deliverables_with_their_reasons(demo):
    dorset = Deliverable.objects.filter(plan__force__slug="dorset")
    replanned = {d.title: d for d in dorset if d.is_replanned}
    assert set(replanned) == {
        "Introduce technology solution to proactively identify and monitor disproportionality",
        "Improve our ethnicity data recording",
        "Develop community engagement contracts with our Black communities",
    }
    recording = replanned["Improve our ethnicity data recording"]
    assert (recording.original_due_quarter, recording.due_quarter) == (
        Quarter(2024, 3),
        Quarter(2024, 4),
    )
    (change,) = recording.commitment_changes.all()
    assert (change.field, change.was, change.became) == ("due_quarter", "2024-Q3", "2024-Q4")
    assert "national crime recording system" in change.reason
    contracts = replanned["Develop community engagement contracts with our Black communities"]
    assert {c.field for c in contracts.commitment_changes.all()} == {
        "start_quarter",
        "due_quarter",
        "title",
    }


def test_generated_forces_re_planned_some_deliverables_and_every_change_has_a_reason(demo):
    generated = Deliverable.objects.exclude(plan__force__slug__in=["dorset", "cheshire"])
    replanned = [d for d in generated.filter(plan__is_published=True) if d.is_replanned]
    assert len(replanned) > 20
    assert all(d.original_due_quarter < d.due_quarter for d in replanned)
    assert not CommitmentChange.objects.filter(reason="").exists()
    assert not CommitmentChange.objects.filter(made_at__date__gt=DEMO_TODAY).exists()


def test_the_demo_pages_show_the_re_planning(client, demo):
    recording = Deliverable.objects.get(title="Improve our ethnicity data recording")
    html = client.get(recording.get_absolute_url()).content.decode()
    assert "Original commitment" in html
    assert ", originally Q3 2024/25" in html
    assert "national crime recording system" in html
    roadmap = client.get("/forces/dorset/?quarters=all").content.decode()
    assert "Due Q4 2024/25, originally Q3 2024/25" in roadmap
