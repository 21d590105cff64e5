"""Every change through the staff pages is kept with who made it, and the deliverable's
history page says what happened in plain language."""

import pytest

from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from plans.models import Plan
from tests.staff_data import RETURN_QUARTER, force_data, return_post, return_url
from workstreams.models import NationalAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def latest(model, **lookup):
    return model.history.filter(**lookup).order_by("-history_date", "-history_id").first()


def history_page(client, deliverable) -> str:
    response = client.get(f"/staff/deliverables/{deliverable.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def test_adding_a_deliverable_is_recorded_with_its_author(alice_client, alice, data):
    action = NationalAction.objects.get(code="P1")
    response = alice_client.post(
        f"/staff/plans/{data.plan.pk}/deliverables/new/",
        {
            "workstream": action.workstream_id,
            "title": "Record vehicle stops",
            "start_quarter": "Q1 2025/26",
            "due_quarter": "Q3 2025/26",
            "national_actions": [action.pk],
            "version": 0,
        },
    )
    deliverable = Deliverable.objects.get(title="Record vehicle stops")
    assert response.status_code == 302
    created = deliverable.history.get(history_type="+")
    assert created.history_user == alice
    html = history_page(alice_client, deliverable)
    assert "Added the deliverable \u201cRecord vehicle stops\u201d" in html
    assert alice.get_full_name() in html


def test_changing_a_deliverable_records_before_and_after(alice_client, alice, data):
    deliverable = data.reported
    alice_client.post(
        f"/staff/deliverables/{deliverable.pk}/edit/",
        {
            "workstream": deliverable.workstream_id,
            "title": "Reform stop and search, with the community",
            "replanning_reason": "Widened after listening to the community.",
            "lead": deliverable.lead,
            "description": deliverable.description,
            "start_quarter": str(deliverable.start_quarter),
            "due_quarter": "Q4 2025/26",
            "national_actions": list(
                NationalAction.objects.filter(code__in=["P2", "P3"]).values_list("pk", flat=True)
            ),
            "version": deliverable.version,
        },
    )
    record = latest(Deliverable, id=deliverable.pk)
    assert record.history_user == alice
    assert record.title == "Reform stop and search, with the community"
    html = history_page(alice_client, deliverable)
    assert "Changed title and national actions" in html
    assert "Force A Police: Reform stop and search" in html  # before
    assert "Reform stop and search, with the community" in html  # after
    assert "P2, P3" in html


def test_withdrawing_records_the_reason_and_who(alice_client, alice, data):
    alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/withdraw/",
        {"reason": "Merged into the pay review.", "version": data.silent.version},
    )
    record = latest(Deliverable, id=data.silent.pk)
    assert (record.history_user, record.withdrawn_reason) == (alice, "Merged into the pay review.")
    assert record.history_change_reason == "Withdrawn"
    html = history_page(alice_client, data.silent)
    assert "Withdrew the deliverable" in html and "Merged into the pay review." in html


def test_publishing_through_the_return_records_who_published(alice_client, alice, data):
    alice_client.post(
        return_url(data.force),
        return_post(
            {data.silent: {"status": Status.ON_TRACK, "done": "Started.", "publish": True}},
            action="publish",
        ),
    )
    update = QuarterlyUpdate.objects.get(deliverable=data.silent, quarter=RETURN_QUARTER)
    record = latest(QuarterlyUpdate, id=update.pk)
    assert (record.history_user, record.history_change_reason) == (alice, "Published")
    assert "Published the Q2 2025/26 update: On track" in history_page(alice_client, data.silent)


def test_saving_drafts_and_publishing_an_existing_draft_are_recorded(alice_client, alice, data):
    url = return_url(data.force)
    alice_client.post(
        url, return_post({data.drafted: {"status": Status.AT_RISK, "done": "Slower."}})
    )
    alice_client.post(
        url,
        return_post(
            {data.drafted: {"status": Status.AT_RISK, "done": "Slower.", "publish": True}},
            action="publish",
        ),
    )
    records = list(QuarterlyUpdate.history.filter(id=data.draft_update.pk).order_by("history_date"))
    assert [r.history_change_reason for r in records[-2:]] == ["Draft saved", "Published"]
    assert {r.history_user for r in records[-2:]} == {alice}
    html = history_page(alice_client, data.drafted)
    assert "Edited the draft Q2 2025/26 update: status and what was done" in html
    assert "Published the Q2 2025/26 update: At risk" in html


def test_correcting_a_published_update_keeps_it_published_and_records_the_correction(
    alice_client, alice, data
):
    update = data.published_update
    published_at = update.published_at
    response = alice_client.post(
        f"/staff/updates/{update.pk}/edit/",
        {
            "status": Status.ON_TRACK,
            "done": "Review under way, 3 of 5 teams done.",
            "next": "",
            "evidence": "",
            "version": update.version,
        },
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.published_at == published_at
    assert update.corrected_at is not None
    assert update.done == "Review under way, 3 of 5 teams done."
    record = latest(QuarterlyUpdate, id=update.pk)
    assert (record.history_user, record.history_change_reason) == (
        alice,
        "Corrected after publication",
    )
    html = history_page(alice_client, data.published)
    assert "Corrected the published Q2 2025/26 update: what was done" in html
    assert "Review under way." in html  # the text before the correction is kept


def test_returning_an_update_to_draft_is_recorded(alice_client, alice, data):
    update = data.published_update
    alice_client.post(f"/staff/updates/{update.pk}/unpublish/", {"version": update.version})
    update.refresh_from_db()
    assert not update.is_published
    assert latest(QuarterlyUpdate, id=update.pk).history_user == alice
    assert "Returned the Q2 2025/26 update to draft" in history_page(alice_client, data.published)


def test_milestones_added_changed_and_ticked_off_are_recorded(alice_client, alice, data):
    deliverable = data.reported
    alice_client.post(
        f"/staff/deliverables/{deliverable.pk}/milestones/new/",
        {"title": "Board sign-off", "due_quarter": "Q3 2025/26", "version": 0},
    )
    milestone = Milestone.objects.get(title="Board sign-off")
    alice_client.post(
        f"/staff/milestones/{milestone.pk}/edit/",
        {"title": "Strategic board sign-off", "due_quarter": "Q3 2025/26", "version": 1},
    )
    alice_client.post(f"/staff/milestones/{milestone.pk}/done/", {"done": "on", "version": 2})
    records = list(Milestone.history.filter(id=milestone.pk).order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert {r.history_user for r in records} == {alice}
    html = history_page(alice_client, deliverable)
    assert "Added the milestone \u201cBoard sign-off\u201d, due Q3 2025/26" in html
    assert "Changed the milestone \u201cStrategic board sign-off\u201d: title" in html
    assert "Ticked off the milestone \u201cStrategic board sign-off\u201d as done" in html


def test_moving_a_deliverable_is_recorded_for_each_one_that_moved(alice_client, alice, data):
    alice_client.post(
        f"/staff/plans/{data.plan.pk}/order/",
        {"deliverable": data.silent.pk, "direction": "up"},
    )
    silent, published = (
        Deliverable.objects.get(pk=data.silent.pk),
        Deliverable.objects.get(pk=data.published.pk),
    )
    assert (silent.order, published.order) == (2, 3)
    for deliverable in (silent, published):
        record = latest(Deliverable, id=deliverable.pk)
        assert (record.history_user, record.history_change_reason) == (alice, "Moved")
    assert "Moved the deliverable within its workstream" in history_page(alice_client, silent)


def test_plan_changes_and_publication_are_recorded(alice_client, alice, data):
    plan = data.plan
    alice_client.post(
        f"/staff/plans/{plan.pk}/edit/",
        {
            "title": "A new title",
            "summary": "",
            "first_quarter": "Q1 2024/25",
            "last_quarter": "Q4 2026/27",
            "version": plan.version,
        },
    )
    alice_client.post(f"/staff/plans/{plan.pk}/publish/", {"version": 2, "publish": "0"})
    plan.refresh_from_db()
    assert (plan.title, plan.is_published) == ("A new title", False)
    records = list(Plan.history.filter(id=plan.pk).order_by("history_date"))
    assert [r.history_user for r in records[-2:]] == [alice, alice]
    assert records[-1].history_change_reason == "Unpublished"


def test_the_national_teams_changes_to_national_data_are_recorded(client, nadia, reference):
    client.force_login(nadia)
    action = NationalAction.objects.get(code="P1")
    client.post(
        f"/staff/national-actions/{action.pk}/edit/",
        {
            "code": "P1",
            "workstream": action.workstream_id,
            "title": "Record the ethnicity of every person stopped in a vehicle",
            "description": action.description,
        },
    )
    record = latest(NationalAction, id=action.pk)
    assert record.history_user == nadia
    assert record.title == "Record the ethnicity of every person stopped in a vehicle"


def test_the_history_page_of_demo_data_starts_with_its_loading(client, reference, nadia, demo_day):
    import io

    from django.core.management import call_command

    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    deliverable = Deliverable.objects.filter(plan__force__slug="dorset").first()
    client.force_login(nadia)
    html = history_page(client, deliverable)
    assert "Loaded the deliverable" in html
    assert "Demonstration data" in html
