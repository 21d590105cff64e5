"""The search index holds what the public can read, and nothing else, after every write:
each write path that renews the public pages (``plans.versioning``, ``plans.cache``)
rewrites the index in the same transaction, without remembering to."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.models import Deliverable, QuarterlyUpdate
from engagement.models import Activity, EngagementAction
from plans.cache import all_content_changed
from plans.quarters import Quarter
from plans.versioning import delete_content, save_content, save_versioned, writing_content
from search.index import rebuild
from search.models import Kind, SearchDocument
from tests.clock import DEMO_TODAY
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    PracticeExampleFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)
from workstreams.models import PracticeExample

pytestmark = pytest.mark.django_db


def indexed(kind=None) -> dict[tuple[str, int], str]:
    rows = SearchDocument.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return {(row.kind, row.object_id): row.heading for row in rows}


@pytest.fixture
def plan():
    workstream = WorkstreamFactory(slug="involved", order=3, name="Involved")
    force = ForceFactory(slug="dorset", name="Dorset Police", region="South West")
    plan = PlanFactory(force=force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4))
    plan.workstream = workstream
    return plan


def new_deliverable(plan, **fields) -> Deliverable:
    deliverable = Deliverable(
        plan=plan,
        workstream=plan.workstream,
        title=fields.pop("title", "Review strip-searches of children"),
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 4),
        **fields,
    )
    save_content(deliverable)
    return deliverable


def test_a_new_deliverable_is_found_and_an_edit_replaces_its_words(plan):
    deliverable = new_deliverable(plan, description="We will review every strip search.")

    document = SearchDocument.objects.get(kind=Kind.DELIVERABLE, object_id=deliverable.pk)
    assert document.text == "We will review every strip search."
    assert document.force == plan.force
    assert document.url == f"/forces/dorset/deliverables/{deliverable.pk}/"

    deliverable.title = "Scrutiny of stop and search"
    save_versioned(deliverable, deliverable.version)

    assert indexed(Kind.DELIVERABLE) == {
        (Kind.DELIVERABLE, deliverable.pk): "Scrutiny of stop and search"
    }


def test_a_draft_update_is_not_indexed_until_published_and_leaves_when_unpublished(plan, nadia):
    deliverable = new_deliverable(plan)
    now = timezone.now()
    update = QuarterlyUpdate(
        deliverable=deliverable, quarter=Quarter(2024, 1), status="on_track", done="Panel met."
    )
    update.save_by(nadia, now, 0)
    assert indexed(Kind.UPDATE) == {}

    update.save_by(nadia, now, update.version, publish=True)
    document = SearchDocument.objects.get(kind=Kind.UPDATE)
    assert (document.object_id, document.text, document.status) == (
        update.pk,
        "Panel met.",
        "on_track",
    )
    assert document.url.endswith("#update-2024-Q1")
    # The deliverable's current status follows its published update.
    assert SearchDocument.objects.get(kind=Kind.DELIVERABLE).status == "on_track"

    update.unpublish(nadia, update.version)
    assert indexed(Kind.UPDATE) == {}
    assert SearchDocument.objects.get(kind=Kind.DELIVERABLE).status == "not_started"


def test_an_unpublished_plan_is_not_indexed_until_it_is_published(plan):
    plan.is_published = False
    plan.save()
    deliverable = new_deliverable(plan)
    assert indexed() == {}

    plan.is_published = True
    save_versioned(plan, plan.version)

    assert indexed() == {(Kind.DELIVERABLE, deliverable.pk): deliverable.title}


def test_a_withdrawn_deliverable_stays_findable_marked_withdrawn(plan):
    deliverable = new_deliverable(plan)
    deliverable.withdrawn_at = DEMO_TODAY
    deliverable.withdrawn_reason = "Merged into another deliverable."
    save_versioned(deliverable, deliverable.version)

    assert SearchDocument.objects.get(object_id=deliverable.pk).status == "withdrawn"


def test_a_bulk_write_is_indexed_when_it_commits_and_not_at_all_when_it_fails(plan):
    deliverable = new_deliverable(plan)

    with writing_content(plan.force):
        Deliverable.objects.filter(pk=deliverable.pk).update(title="Written in bulk")
    assert indexed() == {(Kind.DELIVERABLE, deliverable.pk): "Written in bulk"}

    with pytest.raises(RuntimeError), writing_content(plan.force):
        Deliverable.objects.filter(pk=deliverable.pk).update(title="Rolled back")
        raise RuntimeError("the import failed")
    assert indexed() == {(Kind.DELIVERABLE, deliverable.pk): "Written in bulk"}


def test_another_forces_write_leaves_this_forces_documents_alone(plan):
    deliverable = new_deliverable(plan)
    other = PlanFactory(force=ForceFactory(slug="kent", name="Kent Police"))
    other.workstream = plan.workstream
    theirs = new_deliverable(other, title="Kent's deliverable")
    Deliverable.objects.filter(pk=deliverable.pk).update(title="Changed without a save")

    save_versioned(theirs, theirs.version)

    # Only Kent's documents were rewritten: Dorset's still hold what was last saved.
    assert indexed()[(Kind.DELIVERABLE, deliverable.pk)] == "Review strip-searches of children"


def test_practice_examples_are_indexed_and_removed(plan):
    example = PracticeExample(
        force=plan.force, workstream=plan.workstream, title="Reverse mentoring", summary="Pairs."
    )
    save_content(example)
    document = SearchDocument.objects.get(kind=Kind.PRACTICE)
    assert document.heading == "Reverse mentoring"
    assert document.url == "/practice/?q=Reverse+mentoring&force=dorset"

    delete_content(example)
    assert indexed(Kind.PRACTICE) == {}


def test_rebuild_search_index_writes_everything_public(plan):
    deliverable = DeliverableFactory(plan=plan, workstream=plan.workstream)
    QuarterlyUpdateFactory(deliverable=deliverable)
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 2), published_at=None)
    PracticeExampleFactory(force=plan.force, workstream=plan.workstream)
    assert indexed() == {}  # the factories bypass the site's writes

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)

    assert out.getvalue() == "Search index rebuilt: 3 documents.\n"
    assert sorted(kind for kind, _ in indexed()) == ["deliverable", "practice", "update"]
    assert rebuild() == 3


def test_demo_data_leaves_the_index_complete(reference):
    call_command("seed_demo", today=DEMO_TODAY, stdout=io.StringIO())

    assert SearchDocument.objects.filter(kind=Kind.DELIVERABLE).count() == (
        Deliverable.objects.public().count()
    )
    assert SearchDocument.objects.filter(kind=Kind.UPDATE).count() == (
        QuarterlyUpdate.objects.public().count()
    )
    assert SearchDocument.objects.filter(kind=Kind.PRACTICE).count() == (
        PracticeExample.objects.count()
    )
    assert SearchDocument.objects.filter(kind=Kind.ENGAGEMENT).count() == (
        Activity.objects.published().count()
    )
    assert Activity.objects.published().exists()
    assert QuarterlyUpdate.objects.drafts().exists()  # and they were left out

    call_command("seed_demo", "--clear", stdout=io.StringIO())
    assert SearchDocument.objects.count() == PracticeExample.objects.count()


def test_a_change_to_every_page_rewrites_every_forces_documents(plan):
    deliverable = DeliverableFactory(plan=plan, workstream=plan.workstream)
    all_content_changed()
    assert indexed() == {(Kind.DELIVERABLE, deliverable.pk): deliverable.title}


def test_a_save_rewrites_only_the_documents_it_changed(plan):
    first = new_deliverable(plan, title="First")
    second = new_deliverable(plan, title="Second")
    rows = dict(SearchDocument.objects.values_list("object_id", "pk"))

    first.title = "First, renamed"
    save_versioned(first, first.version)

    after = dict(SearchDocument.objects.values_list("object_id", "pk"))
    assert after[second.pk] == rows[second.pk]  # untouched
    assert after[first.pk] != rows[first.pk]  # rewritten
    assert indexed()[(Kind.DELIVERABLE, first.pk)] == "First, renamed"


def test_an_engagement_activity_is_indexed_once_published_without_its_private_contacts(plan, nadia):
    WorkstreamFactory(slug="involved-elsewhere", order=9)  # not the one it is filed under
    activity = Activity(
        force=plan.force,
        title="Youth panel on custody",
        held_on=dt.date(2024, 8, 14),
        kind="youth_session",
        place="Bournemouth",
        partners="Dorset Youth Forum\nBlack Parents Network",
        partner_contacts="youthforum-mailbox@example.org",
        themes=["custody"],
        other_themes="school exclusions",
        heard="Young people described waiting hours in custody without an appropriate adult.",
    )
    activity.save_by(nadia, timezone.now(), 0)
    assert indexed(Kind.ENGAGEMENT) == {}  # a draft

    activity.save_by(nadia, timezone.now(), activity.version, publish=True)
    document = SearchDocument.objects.get(kind=Kind.ENGAGEMENT)
    assert document.object_id == activity.pk
    assert document.heading == document.title == "Youth panel on custody"
    assert document.text.startswith("Young people described waiting hours in custody")
    for words in ("Custody", "school exclusions", "Bournemouth", "Black Parents Network"):
        assert words in document.extra
    assert "youthforum-mailbox" not in document.plain
    assert document.url == f"/forces/dorset/engagement/#activity-{activity.pk}"
    assert document.first_quarter == document.last_quarter == Quarter(2024, 2)
    assert document.workstream == plan.workstream  # the Involved workstream
    assert document.status == ""

    deliverable = new_deliverable(plan)
    action = EngagementAction(
        activity=activity,
        deliverable=deliverable,
        description="Appropriate adults on call for every custody suite.",
    )
    save_content(action)
    assert "Appropriate adults on call" in SearchDocument.objects.get(kind=Kind.ENGAGEMENT).extra

    activity.unpublish(nadia, activity.version)
    assert indexed(Kind.ENGAGEMENT) == {}


def test_rebuild_indexes_published_engagement_only(plan):
    published = ActivityFactory(force=plan.force, title="Open meeting in Poole")
    ActivityFactory(force=plan.force, title="Draft meeting", published_at=None)

    rebuild()

    assert indexed(Kind.ENGAGEMENT) == {(Kind.ENGAGEMENT, published.pk): "Open meeting in Poole"}


def test_a_standing_panel_view_is_indexed_with_the_reply_and_leaves_when_withdrawn(
    reference, force_a, panel_a, pat, alice
):
    from panels.models import PanelReply, PanelView, Verdict
    from tests.staff_data import RETURN_QUARTER, force_data

    data = force_data(force_a)
    now = timezone.now()
    view = PanelView(
        panel=panel_a,
        force=force_a,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict=Verdict.DISAGREE,
        reasons="The panel saw no scrutiny of strip searches.",
    )
    view.save_by(pat, now, 0)
    assert indexed(Kind.PANEL) == {}  # a draft

    view.save_by(pat, now, view.version, publish=True)
    document = SearchDocument.objects.get(kind=Kind.PANEL)
    assert document.heading == (
        f"Force A Independent Community Panel on “{data.published.title}”: Disagree"
    )
    assert document.text == "The panel saw no scrutiny of strip searches."
    assert document.url == (f"{data.published.get_absolute_url()}#update-{RETURN_QUARTER.compact}")
    assert document.workstream_id == data.published.workstream_id
    assert document.first_quarter == RETURN_QUARTER

    PanelReply.publish(view, "Strip searches are reviewed monthly from April.", alice, now)
    assert SearchDocument.objects.get(kind=Kind.PANEL).extra == (
        "Strip searches are reviewed monthly from April."
    )

    view.refresh_from_db()
    view.withdraw(None, now, "Withdrawn for legal reasons.")
    assert indexed(Kind.PANEL) == {}
