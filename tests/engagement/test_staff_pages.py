"""The coordinators' engagement pages: record, edit, publish; isolation; no lost updates;
bad input."""

import datetime as dt

import pytest

from accounts.models import User
from engagement.models import Activity, EngagementAction
from tests.clock import on
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    EngagementActionFactory,
    UserFactory,
)
from tests.mfa import VerifiedClient

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2025, 6, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def alice_client(alice):
    client = VerifiedClient()
    client.force_login(alice)
    return client


def activity_post(**changes):
    data = {
        "title": "Youth panel on stop and search",
        "held_on": "14/6/2025",
        "kind": "youth_session",
        "place": "Hanley",
        "partners": "Stoke Youth Voice",
        "partner_contacts": "info@youth-voice.example",
        "attendance": "18",
        "attendance_basis": "count",
        "attendance_black": "11",
        "themes": ["stop_and_search", "trust"],
        "other_themes": "",
        "heard": "Young people want to know why they are stopped.",
        "version": "0",
    }
    data.update(changes)
    return data


def test_a_coordinator_records_a_draft_then_publishes_it(alice_client, force_a):
    with on(DAY):
        response = alice_client.post(
            f"/staff/forces/{force_a.slug}/engagement/new/", activity_post()
        )
        activity = Activity.objects.get()
        assert response.status_code == 302
        assert activity.force == force_a and activity.published_at is None
        assert activity.themes == ["stop_and_search", "trust"]
        assert activity.held_on == dt.date(2025, 6, 14)
        assert (
            "Youth panel"
            not in alice_client.get(f"/forces/{force_a.slug}/engagement/").content.decode()
        )

        alice_client.post(
            f"/staff/engagement/{activity.pk}/publish/",
            {"version": activity.version, "action": "publish"},
        )
        activity.refresh_from_db()
        assert activity.published_at.date() == DAY.date()
        public = VerifiedClient().get(f"/forces/{force_a.slug}/engagement/").content.decode()
        assert "Youth panel on stop and search" in public
        assert "info@youth-voice.example" not in public


def test_the_force_comes_from_the_coordinator_never_the_form(alice_client, force_a, force_b):
    alice_client.post(
        f"/staff/forces/{force_a.slug}/engagement/new/", activity_post(force=force_b.pk)
    )
    assert Activity.objects.get().force == force_a


def test_another_forces_activity_and_action_do_not_exist_for_a_coordinator(bob, force_a):
    action = EngagementActionFactory(activity__force=force_a)
    client = VerifiedClient()
    client.force_login(bob)
    for url in (
        f"/staff/engagement/{action.activity_id}/",
        f"/staff/engagement/{action.activity_id}/edit/",
        f"/staff/engagement/{action.activity_id}/history/",
        f"/staff/engagement/{action.activity_id}/actions/new/",
        f"/staff/engagement-actions/{action.pk}/edit/",
        f"/staff/forces/{force_a.slug}/engagement/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/staff/engagement/{action.activity_id}/publish/").status_code == 404


def test_the_national_team_reads_but_does_not_change(nadia, force_a):
    activity = ActivityFactory(force=force_a, partner_contacts="Role mailbox")
    client = VerifiedClient()
    client.force_login(nadia)
    assert "Role mailbox" in client.get(f"/staff/engagement/{activity.pk}/").content.decode()
    assert client.get(f"/staff/engagement/{activity.pk}/edit/").status_code == 403


def test_bad_input_says_what_is_wrong_and_where_and_saves_nothing(alice_client, force_a):
    response = alice_client.post(
        f"/staff/forces/{force_a.slug}/engagement/new/",
        activity_post(
            title="",
            held_on="31/2/2025",
            kind="picnic",
            attendance="ten",
            themes=["weather"],
            heard="x" * 5001,
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    for message in (
        "Enter the name of the activity",
        "Enter the date as day/month/year, for example 14/6/2025",
        "Choose the kind of activity",
        "Enter the number of people who took part as a whole number, like 25",
        "Choose themes from the list (weather is not one)",
        "What we heard must be 5000 characters or fewer (it has 5001)",
    ):
        assert message in html, message
    assert 'href="#id_title"' in html
    assert Activity.objects.count() == 0


def test_more_from_black_communities_than_took_part_is_refused(alice_client, force_a):
    response = alice_client.post(
        f"/staff/forces/{force_a.slug}/engagement/new/",
        activity_post(attendance="5", attendance_black="9"),
    )
    assert "cannot be more than the people who took part (5)" in response.content.decode()
    assert Activity.objects.count() == 0


def test_two_stale_edits_the_second_is_refused_and_keeps_its_text(alice_client, force_a):
    activity = ActivityFactory(force=force_a, title="Original")
    colleague = UserFactory(
        email="carol@force-a.example",
        full_name="Carol Colleague",
        role=User.Role.COORDINATOR,
        force=force_a,
    )
    other = VerifiedClient()
    other.force_login(colleague)
    opened = activity.version
    url = f"/staff/engagement/{activity.pk}/edit/"
    other.post(url, activity_post(title="Carol's title", version=opened))
    response = alice_client.post(url, activity_post(title="Alice's title", version=opened))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Carol Colleague saved a newer version" in html
    assert "Alice&#x27;s title" in html
    assert Activity.objects.get().title == "Carol's title"
    # Saving again deliberately keeps Alice's version.
    again = alice_client.post(url, activity_post(title="Alice's title", version=opened + 1))
    assert again.status_code == 302
    assert Activity.objects.get().title == "Alice's title"


def test_an_action_links_to_the_forces_deliverable_with_a_due_quarter(alice_client, force_a):
    activity = ActivityFactory(force=force_a)
    deliverable = DeliverableFactory(plan__force=force_a, title="Reform stop and search")
    elsewhere = DeliverableFactory(title="Another force's deliverable")
    url = f"/staff/engagement/{activity.pk}/actions/new/"
    with on(DAY):
        page = alice_client.get(url).content.decode()
        assert "Reform stop and search" in page and "Another force" not in page
        refused = alice_client.post(
            url, {"description": "x", "deliverable": elsewhere.pk, "version": 0}
        )
        assert "Choose a deliverable of your force" in refused.content.decode()
        missing = alice_client.post(url, {"description": "Do it", "version": 0})
        assert "or say why there is no action" in missing.content.decode()
        alice_client.post(
            url,
            {
                "description": "Publish figures each quarter",
                "theme": "stop_and_search",
                "deliverable": deliverable.pk,
                "due_quarter": "2025-Q3",
                "version": 0,
            },
        )
    action = EngagementAction.objects.get()
    assert (action.deliverable, str(action.due_quarter)) == (deliverable, "Q3 2025/26")


def test_the_history_shows_who_changed_what(alice_client, force_a, alice):
    activity = ActivityFactory(force=force_a, title="Before")
    alice_client.post(
        f"/staff/engagement/{activity.pk}/edit/",
        activity_post(title="After", version=activity.version),
    )
    html = alice_client.get(f"/staff/engagement/{activity.pk}/history/").content.decode()
    assert "Before" in html and "After" in html
    assert alice.get_full_name() in html
    assert "Stop and search, Trust and confidence" in html


def test_the_log_downloads_as_a_workbook_with_both_sheets(alice_client, force_a):
    import io

    import openpyxl

    action = EngagementActionFactory(
        activity__force=force_a,
        activity__title="=HYPERLINK(1)",
        activity__themes=["trust"],
        activity__partner_contacts="Role mailbox",
    )
    ActivityFactory(force=force_a, title="A draft", published_at=None)
    ActivityFactory(title="Another force's")
    response = alice_client.get(f"/staff/forces/{force_a.slug}/engagement/engagement-log.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    activities = list(workbook["Activities"].values)
    actions = list(workbook["Actions"].values)
    assert activities[0][:2] == ("Activity number", "Activity")
    titles = [row[1] for row in activities[1:]]
    assert sorted(titles) == ["=HYPERLINK(1)", "A draft"]
    assert workbook["Activities"]["B2"].data_type == "s"  # text, never a formula
    assert "Role mailbox" in [row[6] for row in activities[1:]]
    assert actions[0][:2] == ("Action number", "Activity number")
    assert actions[1][:5] == (
        str(action.pk),
        str(action.activity_id),
        "Stop and search",
        action.description,
        action.deliverable.title,
    )


def test_returning_a_published_activity_to_draft_takes_it_off_the_public_page(
    alice_client, force_a
):
    activity = ActivityFactory(force=force_a, title="Public meeting")
    alice_client.post(
        f"/staff/engagement/{activity.pk}/publish/",
        {"version": activity.version, "action": "unpublish"},
    )
    activity.refresh_from_db()
    assert activity.published_at is None
    assert (
        "Public meeting"
        not in VerifiedClient().get(f"/forces/{force_a.slug}/engagement/").content.decode()
    )
    assert activity.history.first().history_change_reason == "Unpublished"


def test_an_action_keeps_its_deliverable_after_the_deliverable_is_withdrawn(alice_client, force_a):
    action = EngagementActionFactory(activity__force=force_a)
    deliverable = action.deliverable
    deliverable.withdrawn_at, deliverable.withdrawn_reason = dt.date(2025, 1, 1), "Merged."
    deliverable.save()
    with on(DAY):
        response = alice_client.post(
            f"/staff/engagement-actions/{action.pk}/edit/",
            {
                "description": "Still doing it",
                "theme": action.theme,
                "deliverable": deliverable.pk,
                "due_quarter": "2025-Q3",
                "version": action.version,
            },
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.deliverable) == ("Still doing it", deliverable)
