"""What a force publishes becomes an event for its followers, in the transaction that
publishes it, and nothing else does: not drafts, not unpublished plans, not rolled-back
writes."""

import datetime as dt

import pytest
from django.db import transaction

from actions.models import CommitmentChange, QuarterlyUpdate
from alerts import record_event
from alerts.models import Event
from plans.quarters import Quarter
from plans.versioning import EditConflict
from tests.alerts.conftest import MOMENT
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

CANARY = "zq-alert-canary-5e1d"


def draft_update(deliverable, **fields):
    return QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 2), published_at=None, **fields
    )


def test_publishing_an_update_records_an_event_with_its_public_page(
    deliverable, alice, django_capture_on_commit_callbacks
):
    update = draft_update(deliverable, status="at_risk", done="Training paused.")

    with django_capture_on_commit_callbacks() as callbacks:
        update.save_by(alice, MOMENT, update.version, publish=True)

    [event] = Event.objects.all()
    assert event.force == deliverable.plan.force
    assert event.kind == Event.Kind.RETURN_PUBLISHED
    assert event.summary == "Q2 2024/25 update on \u201cReform stop and search\u201d: At risk."
    assert event.path == deliverable.get_absolute_url()
    assert event.occurred_at == MOMENT
    assert len(callbacks) == 1  # the digests are queued once the write commits


def test_saving_a_draft_or_correcting_a_published_update_records_nothing(deliverable, alice):
    update = draft_update(deliverable)
    update.save_by(alice, MOMENT, update.version)
    assert not Event.objects.exists()

    update.save_by(alice, MOMENT, update.version, publish=True)
    update.done = "Corrected."
    update.save_by(alice, MOMENT + dt.timedelta(hours=1), update.version)
    assert Event.objects.count() == 1


def test_an_update_published_in_an_unpublished_plan_records_nothing(force_a, alice):
    hidden = DeliverableFactory(
        plan=PlanFactory(force=force_a, is_published=False), title=f"Secret {CANARY}"
    )
    update = draft_update(hidden)

    update.save_by(alice, MOMENT, update.version, publish=True)

    assert not Event.objects.exists()


def test_a_conflicting_save_records_no_event(deliverable, alice):
    update = draft_update(deliverable)
    stale = update.version - 1

    with pytest.raises(EditConflict):
        update.save_by(alice, MOMENT, stale, publish=True)

    assert not Event.objects.exists()


def test_a_rolled_back_write_leaves_no_event_and_queues_nothing(
    force_a, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record_event(force_a, "panel_view_published", "A view.", "/forces/force-a/", MOMENT)
        raise RuntimeError("the write failed")

    assert not Event.objects.exists()
    assert callbacks == []


def test_record_event_refuses_an_unknown_kind_or_another_sites_address(force_a):
    with pytest.raises(ValueError, match="Unknown event kind"):
        record_event(force_a, "gossip", "Hm.", "/forces/force-a/", MOMENT)
    with pytest.raises(ValueError, match="page of this site"):
        record_event(force_a, "panel_view_published", "Hm.", "https://evil.example/", MOMENT)
    with pytest.raises(ValueError, match="page of this site"):
        record_event(force_a, "panel_view_published", "Hm.", "//evil.example/", MOMENT)


def test_replanning_a_published_deliverable_records_what_changed_and_why(deliverable, alice):
    deliverable.record_first_publication(MOMENT - dt.timedelta(days=90), deliverable.commitment)
    deliverable.save()
    before = deliverable.commitment
    deliverable.due_quarter = Quarter(2025, 2)

    with transaction.atomic():
        entries = deliverable.record_replanning(before, alice, MOMENT, "Funding came late.")
        deliverable.save()
        CommitmentChange.save_all(entries)

    [event] = Event.objects.all()
    assert event.kind == Event.Kind.DELIVERABLE_REPLANNED
    assert event.summary == (
        "\u201cReform stop and search\u201d was re-planned: due quarter moved from Q2 2024/25 "
        "to Q2 2025/26. Reason given: Funding came late."
    )
    assert event.path == deliverable.get_absolute_url()


def test_no_event_carries_draft_content(force_a, deliverable, alice):
    """Canary words in a draft update, a draft plan's deliverable and its update: events are
    recorded for what was published, and none of them carries a canary."""
    draft_update(deliverable, done=f"Draft {CANARY}", next=f"Next {CANARY}")
    other = DeliverableFactory(plan=deliverable.plan, title="Open meetings")
    published = draft_update(other, done=f"Done {CANARY}")  # what was done is not in alerts
    hidden = DeliverableFactory(
        plan=PlanFactory(force=force_a, is_published=False, title=f"Plan {CANARY}"),
        title=f"Deliverable {CANARY}",
    )
    hidden_update = draft_update(hidden)

    published.save_by(alice, MOMENT, published.version, publish=True)
    hidden_update.save_by(alice, MOMENT, hidden_update.version, publish=True)

    events = list(Event.objects.values_list("summary", "path"))
    assert events == [
        ("Q2 2024/25 update on \u201cOpen meetings\u201d: On track.", other.get_absolute_url())
    ]
    assert not [text for event in events for text in event if CANARY in text]
    assert QuarterlyUpdate.objects.published().count() == 2  # both were published
