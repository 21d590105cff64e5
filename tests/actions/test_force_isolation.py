"""Bob (coordinator of force B) cannot read or change force A's objects, whether he guesses
their ids in the address or slips them into a form he is allowed to submit."""

import pytest

from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from plans.models import Plan
from tests.staff_data import RETURN_QUARTER, force_data, return_post, return_url
from workstreams.models import NationalAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(reference, force_a):
    return force_data(force_a, label="A")


@pytest.fixture
def b(reference, force_b):
    return force_data(force_b, label="B")


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def snapshot():
    """Everything stored, to prove that nothing changed."""
    return (
        list(Plan.objects.order_by("pk").values()),
        list(Deliverable.objects.order_by("pk").values()),
        list(Deliverable.national_actions.through.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(QuarterlyUpdate.objects.order_by("pk").values()),
    )


def test_bob_gets_404_for_every_page_of_force_a_by_guessed_ids(bob_client, a, b):
    before = snapshot()
    urls = [
        f"/staff/forces/{a.force.slug}/",
        f"/staff/forces/{a.force.slug}/return/",
        f"/staff/forces/{a.force.slug}/plans/new/",
        f"/staff/plans/{a.plan.pk}/edit/",
        f"/staff/plans/{a.plan.pk}/order/",
        f"/staff/plans/{a.plan.pk}/deliverables/new/",
        f"/staff/deliverables/{a.reported.pk}/",
        f"/staff/deliverables/{a.reported.pk}/edit/",
        f"/staff/deliverables/{a.reported.pk}/withdraw/",
        f"/staff/deliverables/{a.reported.pk}/history/",
        f"/staff/deliverables/{a.reported.pk}/milestones/new/",
        f"/staff/milestones/{a.milestone.pk}/edit/",
        f"/staff/updates/{a.draft_update.pk}/edit/",
    ]
    for url in urls:
        assert bob_client.get(url).status_code == 404, url
    hostile = {
        "title": "Hacked",
        "status": Status.COMPLETE,
        "done": "Hacked",
        "reason": "Hacked",
        "version": 1,
    }
    post_only = [
        f"/staff/plans/{a.plan.pk}/publish/",
        f"/staff/deliverables/{a.withdrawn.pk}/reinstate/",
        f"/staff/milestones/{a.milestone.pk}/done/",
        f"/staff/updates/{a.published_update.pk}/unpublish/",
    ]
    read_only = {f"/staff/forces/{a.force.slug}/", f"/staff/deliverables/{a.reported.pk}/"}
    read_only.add(f"/staff/deliverables/{a.reported.pk}/history/")
    for url in [u for u in urls if u not in read_only] + post_only:
        assert bob_client.post(url, hostile).status_code == 404, url
    assert snapshot() == before


def test_force_a_objects_never_appear_on_bobs_pages(bob_client, a, b):
    pages = [
        f"/staff/forces/{b.force.slug}/",
        return_url(b.force),
        f"/staff/deliverables/{b.reported.pk}/",
        f"/staff/deliverables/{b.reported.pk}/history/",
        f"/staff/plans/{b.plan.pk}/order/",
    ]
    for url in pages:
        html = bob_client.get(url).content.decode()
        assert "A: " not in html, url  # every force A title starts "A: "


def test_a_return_row_naming_force_a_deliverable_is_ignored(bob_client, a, b):
    before = snapshot()
    post = return_post(
        {
            b.silent: {"status": Status.ON_TRACK, "done": "Bob's own row"},
            a.silent: {"status": Status.COMPLETE, "done": "Hacked", "publish": True},
        },
        action="publish",
    )
    post[f"d{b.silent.pk}-publish"] = "on"
    bob_client.post(return_url(b.force), post)
    assert not QuarterlyUpdate.objects.filter(deliverable=a.silent).exists()
    after = snapshot()
    assert after[:4] != before[:4]  # Bob's own deliverable now stores the status he published
    b_silent = next(row for row in after[1] if row["id"] == b.silent.pk)
    assert b_silent["published_status"] == Status.ON_TRACK
    b_silent.update(published_status=Status.NOT_STARTED, published_status_quarter=None)
    assert after[:4] == before[:4]  # and nothing else changed
    assert QuarterlyUpdate.objects.get(deliverable=b.silent, quarter=RETURN_QUARTER).is_published


def test_a_return_row_naming_force_a_draft_cannot_overwrite_it(bob_client, a, b):
    post = return_post({a.drafted: {"status": Status.OFF_TRACK, "done": "Hacked"}})
    bob_client.post(return_url(b.force), post)
    assert QuarterlyUpdate.objects.get(pk=a.draft_update.pk).done == "Draft text."


def test_moving_a_force_a_deliverable_through_bobs_own_plan_is_refused(bob_client, a, b):
    before = snapshot()
    response = bob_client.post(
        f"/staff/plans/{b.plan.pk}/order/", {"deliverable": a.published.pk, "direction": "up"}
    )
    assert "That deliverable is not in this plan." in response.content.decode()
    assert snapshot() == before


def test_a_deliverable_created_with_a_posted_plan_id_lands_in_bobs_own_plan(bob_client, a, b):
    workstream = b.reported.workstream
    response = bob_client.post(
        f"/staff/plans/{b.plan.pk}/deliverables/new/",
        {
            "plan": a.plan.pk,  # not a field of the form: ignored
            "workstream": workstream.pk,
            "title": "Bob's new deliverable",
            "start_quarter": "Q1 2025/26",
            "due_quarter": "Q2 2025/26",
            "version": 0,
        },
    )
    assert response.status_code == 302
    assert Deliverable.objects.get(title="Bob's new deliverable").plan == b.plan
    assert a.plan.deliverables.count() == 5


def test_a_deliverable_cannot_be_moved_into_another_plan_by_its_form(bob_client, a, b):
    url = f"/staff/deliverables/{b.silent.pk}/edit/"
    bob_client.post(
        url,
        {
            "plan": a.plan.pk,
            "workstream": b.silent.workstream_id,
            "title": "Still Bob's",
            "replanning_reason": "Renamed.",
            "start_quarter": str(b.silent.start_quarter),
            "due_quarter": str(b.silent.due_quarter),
            "version": b.silent.version,
        },
    )
    saved = Deliverable.objects.get(pk=b.silent.pk)
    assert (saved.title, saved.plan) == ("Still Bob's", b.plan)


def test_national_actions_from_another_workstream_are_refused(bob_client, a, b):
    stray = NationalAction.objects.exclude(workstream=b.silent.workstream).first()
    response = bob_client.post(
        f"/staff/deliverables/{b.silent.pk}/edit/",
        {
            "workstream": b.silent.workstream_id,
            "title": b.silent.title,
            "start_quarter": str(b.silent.start_quarter),
            "due_quarter": str(b.silent.due_quarter),
            "national_actions": [stray.pk],
            "version": b.silent.version,
        },
    )
    assert response.status_code == 200
    assert f"{stray.code} belongs to another workstream" in response.content.decode()
    assert not Deliverable.objects.get(pk=b.silent.pk).national_actions.exists()


def test_the_national_team_reads_force_a_but_cannot_change_it(client, nadia, a):
    client.force_login(nadia)
    before = snapshot()
    assert client.get(f"/staff/forces/{a.force.slug}/").status_code == 200
    assert client.get(f"/staff/deliverables/{a.reported.pk}/history/").status_code == 200
    edit = client.post(
        f"/staff/deliverables/{a.reported.pk}/edit/", {"title": "Nadia's", "version": 1}
    )
    assert edit.status_code == 403
    assert client.post(return_url(a.force), {"action": "save"}).status_code == 403
    assert snapshot() == before
