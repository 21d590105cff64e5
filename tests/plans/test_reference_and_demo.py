import datetime as dt
import io

import pytest
from django.core.management import call_command

from actions.models import Deliverable, Milestone, QuarterlyUpdate
from plans.models import Force, Plan
from plans.quarters import Quarter
from workstreams.models import NationalAction, PracticeExample, Workstream

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Force,
            Workstream,
            NationalAction,
            Plan,
            Deliverable,
            Milestone,
            QuarterlyUpdate,
            PracticeExample,
        )
    }


def content():
    """Everything the demo says, without database ids or timestamps."""
    return sorted(
        (
            d.plan.force.slug,
            d.workstream.slug,
            d.title,
            d.start_quarter.compact,
            d.due_quarter.compact,
            tuple(sorted(a.code for a in d.national_actions.all())),
            tuple(
                (u.quarter.compact, u.status, u.done, u.published_at)
                for u in d.updates.order_by("quarter")
            ),
            tuple((m.title, m.due_quarter.compact, m.done_on) for m in d.milestones.all()),
            (d.first_published_at, d.original_due_quarter, d.original_title),
            tuple(
                (c.made_at, c.field, c.was, c.became, c.reason) for c in d.commitment_changes.all()
            ),
        )
        for d in Deliverable.objects.select_related("plan__force", "workstream").prefetch_related(
            "national_actions", "updates", "milestones", "commitment_changes"
        )
    )


def test_reference_data_loads_44_forces_4_workstreams_and_19_actions(reference):
    assert Force.objects.count() == 44
    assert list(Workstream.objects.values_list("slug", flat=True)) == [
        "represented",
        "not-over-policed",
        "involved",
        "not-under-protected",
    ]
    assert NationalAction.objects.count() == 19
    assert NationalAction.objects.get(code="P1").workstream.slug == "not-over-policed"
    assert Force.objects.get(slug="dyfed-powys").country == "Wales"


def test_loading_reference_twice_changes_nothing(reference):
    before = row_counts()
    output = io.StringIO()
    call_command("load_reference", stdout=output)
    assert row_counts() == before
    assert "forces: 0 created, 0 updated" in output.getvalue()


def test_a_changed_reference_row_is_updated_not_duplicated(reference):
    Force.objects.filter(slug="kent").update(name="Kent Police (old name)", region="Elsewhere")
    call_command("load_reference", stdout=io.StringIO())
    kent = Force.objects.get(slug="kent")
    assert (kent.name, kent.region) == ("Kent Police", "South East")
    assert Force.objects.count() == 44


def test_seed_demo_twice_gives_the_same_rows_and_the_same_content(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    first_counts, first_content = row_counts(), content()
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    assert row_counts() == first_counts
    assert content() == first_content
    assert first_counts["Deliverable"] > 600
    assert first_counts["PracticeExample"] > 10


def test_dorset_has_its_20_roadmap_deliverables_in_the_right_places(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    dorset = Deliverable.objects.filter(plan__force__slug="dorset")
    assert dorset.count() == 20
    placed = {(d.title, d.workstream.slug, d.start_quarter, d.due_quarter) for d in dorset}
    assert (
        "Reform use of stop and search",
        "not-over-policed",
        Quarter(2024, 1),
        Quarter(2024, 1),
    ) in placed
    assert (
        "Improve our ethnicity data recording",
        "not-under-protected",
        Quarter(2024, 3),
        Quarter(2024, 4),
    ) in placed
    assert (
        "Build allyship programme",
        "represented",
        Quarter(2025, 2),
        Quarter(2025, 2),
    ) in placed
    for workstream in Workstream.objects.all():
        assert dorset.filter(workstream=workstream).count() == 5


def test_demo_national_actions_belong_to_the_deliverables_workstream(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    deliverables = Deliverable.objects.prefetch_related("national_actions")
    pairs = [
        (d.workstream_id, a.workstream_id) for d in deliverables for a in d.national_actions.all()
    ]
    assert len(pairs) > 500
    assert all(mine == theirs for mine, theirs in pairs)


def test_demo_updates_never_lie_in_the_future(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    latest = QuarterlyUpdate.objects.order_by("-quarter").first().quarter
    assert latest <= Quarter.containing(TODAY) - 1
    assert not QuarterlyUpdate.objects.filter(published_at__date__gt=TODAY).exists()
    assert QuarterlyUpdate.objects.drafts().exists()


def test_scale_multiplies_the_generated_volume(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    normal = Deliverable.objects.count()
    call_command("seed_demo", today=TODAY, scale=3, stdout=io.StringIO())
    assert Deliverable.objects.count() > 2.5 * normal


def test_clearing_the_demo_leaves_reference_data(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    call_command("seed_demo", clear=True, stdout=io.StringIO())
    assert Plan.objects.count() == 0
    assert Deliverable.objects.count() == 0
    assert Force.objects.count() == 44
