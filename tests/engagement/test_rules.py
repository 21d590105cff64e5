"""The engagement log's rules, on the models every write path calls."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engagement.models import Activity, EngagementAction
from plans.models import ContentVersion
from plans.versioning import EditConflict
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    EngagementActionFactory,
    ForceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def test_the_log_has_no_field_for_community_members_personal_data():
    names = {f.name for model in (Activity, EngagementAction) for f in model._meta.fields}
    personal = {n for n in names if any(w in n for w in ("name", "email", "phone", "address"))}
    assert personal == set()


def test_only_published_activities_are_public():
    published = ActivityFactory()
    draft = ActivityFactory(published_at=None)
    assert list(Activity.objects.published()) == [published]
    assert list(Activity.objects.drafts()) == [draft]
    EngagementActionFactory(activity=published)
    EngagementActionFactory(activity=draft)
    assert {a.activity for a in EngagementAction.objects.public()} == {published}


def test_an_activity_is_published_only_when_asked():
    user = UserFactory()
    activity = ActivityFactory.build(force=ForceFactory(), published_at=None)
    assert activity.save_by(user, NOW, 0) == "draft"
    assert activity.published_at is None
    assert activity.save_by(user, NOW, activity.version, publish=True) == "published"
    assert activity.published_at == NOW
    assert activity.history.first().history_change_reason == "Published"


def test_saving_renews_the_forces_public_pages():
    activity = ActivityFactory(published_at=None)
    activity.save_by(None, NOW, activity.version, publish=True)
    first = ContentVersion.objects.get(force=activity.force).version
    activity.title = "Changed"
    activity.save_by(None, NOW, activity.version)
    assert ContentVersion.objects.get(force=activity.force).version != first


def test_a_stale_version_is_a_conflict_and_writes_nothing():
    activity = ActivityFactory(title="First")
    opened = activity.version
    activity.title = "Theirs"
    activity.save_by(None, NOW, opened)
    mine = Activity.objects.get(pk=activity.pk)
    mine.title = "Mine"
    with pytest.raises(EditConflict) as conflict:
        mine.save_by(None, NOW, opened)
    assert Activity.objects.get(pk=activity.pk).title == "Theirs"
    assert [c.after for c in conflict.value.changes if c.field == "title"] == ["Theirs"]


def test_black_attendance_cannot_exceed_attendance():
    activity = ActivityFactory.build(attendance=10, attendance_black=12)
    assert "cannot be more than" in activity.rule_errors()["attendance_black"][0]
    activity.attendance = None
    assert "before how many" in activity.rule_errors()["attendance_black"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(attendance=10, attendance_black=12)


def test_themes_come_from_the_fixed_list():
    activity = ActivityFactory.build(themes=["stop_and_search", "weather"])
    assert activity.rule_errors() == {"themes": ["Choose themes from the list: weather"]}
    with pytest.raises(ValidationError):
        activity.clean()


def test_an_action_is_a_deliverable_or_a_reason_for_no_action_not_both():
    activity = ActivityFactory()
    nothing = EngagementAction(activity=activity, description="x")
    assert "or say why there is no action" in nothing.rule_errors()["deliverable"][0]
    both = EngagementActionFactory.build(activity=activity, no_action_reason="Because.")
    both.deliverable = DeliverableFactory(plan__force=activity.force)
    assert "not both" in both.rule_errors()["no_action_reason"][0]
    reason_only = EngagementAction(
        activity=activity, description="x", no_action_reason="Out of our hands."
    )
    assert reason_only.rule_errors() == {}
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementAction.objects.create(activity=activity, description="x")


def test_an_action_links_only_to_a_deliverable_of_its_own_force():
    activity = ActivityFactory()
    elsewhere = DeliverableFactory()  # another force's plan
    action = EngagementAction(
        activity=activity, description="x", deliverable=elsewhere, due_quarter=elsewhere.due_quarter
    )
    assert action.rule_errors() == {
        "deliverable": ["Choose a deliverable of your own force's plan"]
    }


def test_a_linked_action_needs_a_due_quarter_and_done_needs_an_outcome():
    action = EngagementActionFactory.build(activity=ActivityFactory(), due_quarter=None)
    action.deliverable = DeliverableFactory(plan__force=action.activity.force)
    action.done_on = dt.date(2025, 1, 1)
    errors = action.rule_errors()
    assert errors["due_quarter"] == ["Choose the quarter this action is due"]
    assert errors["outcome"] == ["Say what was done before marking the action done"]


def test_every_change_is_kept_in_the_history():
    action = EngagementActionFactory()
    action.outcome = "Figures published."
    action.save_by(action.version)
    assert [r.history_change_reason for r in action.history.order_by("history_date")] == [
        None,
        "Changed",
    ]
