import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from plans.quarters import Quarter
from tests.staff_data import force_data
from workstreams.models import NationalAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def form_data(deliverable=None, **changes):
    data = {"version": deliverable.version if deliverable else 0}
    if deliverable:
        data.update(
            {
                "workstream": deliverable.workstream_id,
                "reference": deliverable.reference,
                "title": deliverable.title,
                "description": deliverable.description,
                "lead": deliverable.lead,
                "start_quarter": str(deliverable.start_quarter),
                "due_quarter": str(deliverable.due_quarter),
                "national_actions": [a.pk for a in deliverable.national_actions.all()],
            }
        )
    data.update(changes)
    return data


def test_a_coordinator_adds_a_deliverable_with_every_field(alice_client, data):
    actions = NationalAction.objects.filter(code__in=["R1", "R2"])
    response = alice_client.post(
        f"/staff/plans/{data.plan.pk}/deliverables/new/",
        form_data(
            workstream=actions[0].workstream_id,
            reference="R-09",
            title="Reverse mentoring for senior leaders",
            description="We will pair every chief officer with a mentor.",
            lead="Deputy Chief Constable",
            start_quarter="2025-Q1",
            due_quarter="Q4 2025/26",
            national_actions=[a.pk for a in actions],
        ),
    )
    deliverable = Deliverable.objects.get(reference="R-09")
    assert response["Location"] == f"/staff/deliverables/{deliverable.pk}/"
    assert (deliverable.plan, deliverable.title, deliverable.lead) == (
        data.plan,
        "Reverse mentoring for senior leaders",
        "Deputy Chief Constable",
    )
    assert (deliverable.start_quarter, deliverable.due_quarter) == (
        Quarter(2025, 1),
        Quarter(2025, 4),
    )
    assert {a.code for a in deliverable.national_actions.all()} == {"R1", "R2"}
    assert deliverable.order == 5  # after the four already in its workstream


def test_a_new_deliverable_needs_a_title_workstream_and_quarters(alice_client, data):
    response = alice_client.post(
        f"/staff/plans/{data.plan.pk}/deliverables/new/", {"version": 0, "lead": "Kept lead"}
    )
    html = response.content.decode()
    for message in (
        "Choose the workstream",
        "Enter a title",
        "Choose the start quarter",
        "Choose the due quarter",
    ):
        assert message in html
    assert 'href="#id_workstream_0"' in html and 'href="#id_title"' in html
    assert "Kept lead" in html
    assert Deliverable.objects.count() == 5


def test_quarters_must_be_in_order_and_inside_the_plan(alice_client, data):
    response = alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/edit/",
        form_data(data.silent, start_quarter="Q3 2025/26", due_quarter="Q1 2025/26"),
    )
    assert "The due quarter must be Q3 2025/26 or later" in response.content.decode()
    response = alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/edit/",
        form_data(data.silent, start_quarter="Q1 2023/24", due_quarter="banana"),
    )
    html = response.content.decode()
    assert "Start quarter must be within the plan&#x27;s period, Q1 2024/25 to Q4 2026/27" in html
    assert "Due quarter must be within the plan&#x27;s period, Q1 2024/25 to Q4 2026/27" in html
    assert Deliverable.objects.get(pk=data.silent.pk).start_quarter == Quarter(2024, 2)


def test_references_are_unique_within_a_plan(alice_client, data):
    Deliverable.objects.filter(pk=data.drafted.pk).update(reference="R-01")
    response = alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/edit/", form_data(data.silent, reference="r-01")
    )
    assert "Another deliverable in this plan is r-01" in response.content.decode()


def test_changing_workstream_moves_the_deliverable_to_the_end_of_its_new_list(alice_client, data):
    over_policed = data.reported.workstream
    alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/edit/",
        form_data(data.silent, workstream=over_policed.pk),
    )
    silent = Deliverable.objects.get(pk=data.silent.pk)
    assert (silent.workstream, silent.order) == (over_policed, 2)


def test_withdrawing_needs_a_reason_and_never_deletes(alice_client, data):
    url = f"/staff/deliverables/{data.silent.pk}/withdraw/"
    refused = alice_client.post(url, {"reason": "  ", "version": data.silent.version})
    assert "Say why the deliverable is being withdrawn" in refused.content.decode()
    alice_client.post(url, {"reason": "Duplicate of R-02.", "version": data.silent.version})
    silent = Deliverable.objects.get(pk=data.silent.pk)
    assert silent.withdrawn_at == timezone.localdate()
    assert silent.withdrawn_reason == "Duplicate of R-02."
    dashboard = alice_client.get(f"/staff/forces/{data.force.slug}/?quarter=2025-Q2")
    assert silent in dashboard.context["withdrawn"]
    html = alice_client.get(f"/staff/deliverables/{silent.pk}/").content.decode()
    assert "Duplicate of R-02." in html


def test_a_withdrawn_deliverable_can_be_reinstated(alice_client, data):
    withdrawn = data.withdrawn
    alice_client.post(
        f"/staff/deliverables/{withdrawn.pk}/reinstate/", {"version": withdrawn.version}
    )
    withdrawn.refresh_from_db()
    assert (withdrawn.withdrawn_at, withdrawn.withdrawn_reason) == (None, "")


def test_move_up_and_down_reorders_within_the_workstream(alice_client, data):
    url = f"/staff/plans/{data.plan.pk}/order/"
    alice_client.post(url, {"deliverable": data.drafted.pk, "direction": "down"})
    order = list(
        data.plan.deliverables.active()
        .filter(workstream=data.drafted.workstream)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    assert order == [data.published.pk, data.drafted.pk, data.silent.pk]
    page = alice_client.get(url).content.decode()
    assert page.index(data.published.title) < page.index(data.drafted.title)
    # Moving the first one up changes nothing.
    alice_client.post(url, {"deliverable": data.published.pk, "direction": "up"})
    assert Deliverable.objects.get(pk=data.published.pk).order == 1


def test_milestones_are_added_edited_and_ticked_off(alice_client, data):
    deliverable = data.reported
    response = alice_client.post(
        f"/staff/deliverables/{deliverable.pk}/milestones/new/",
        {"title": "", "due_quarter": "", "version": 0},
    )
    assert "Enter the milestone" in response.content.decode()
    alice_client.post(
        f"/staff/deliverables/{deliverable.pk}/milestones/new/",
        {"title": "Board sign-off", "due_quarter": "2025-Q3", "version": 0},
    )
    milestone = Milestone.objects.get(title="Board sign-off")
    assert (milestone.deliverable, milestone.due_quarter) == (deliverable, Quarter(2025, 3))
    alice_client.post(f"/staff/milestones/{milestone.pk}/done/", {"done": "on", "version": 1})
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    alice_client.post(f"/staff/milestones/{milestone.pk}/done/", {"version": 2})
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_draft_update_is_edited_then_published_from_its_own_page(alice_client, data):
    update = data.draft_update
    url = f"/staff/updates/{update.pk}/edit/"
    refused = alice_client.post(
        url,
        {"status": Status.COMPLETE, "done": "", "action": "publish", "version": update.version},
    )
    assert "Say what was done" in refused.content.decode()
    alice_client.post(
        url,
        {
            "status": Status.COMPLETE,
            "done": "Scheme launched.",
            "evidence": "https://example.org/mentoring",
            "action": "publish",
            "version": update.version,
        },
    )
    update.refresh_from_db()
    assert update.is_published and update.corrected_at is None
    assert update.evidence_links == ["https://example.org/mentoring"]


def test_a_published_update_cannot_lose_its_narrative_in_a_correction(alice_client, data):
    update = data.previous_update  # At risk, published
    response = alice_client.post(
        f"/staff/updates/{update.pk}/edit/",
        {"status": Status.AT_RISK, "done": "", "version": update.version},
    )
    assert "Say what was done" in response.content.decode()
    update.refresh_from_db()
    assert update.done == "Training paused." and update.corrected_at is None


def test_an_unchanged_correction_saves_nothing(alice_client, data):
    update = data.published_update
    alice_client.post(
        f"/staff/updates/{update.pk}/edit/",
        {"status": update.status, "done": update.done, "version": update.version},
    )
    update.refresh_from_db()
    assert update.corrected_at is None and update.version == 1


def test_the_deliverable_page_shows_milestones_and_updates(alice_client, data):
    QuarterlyUpdate.objects.filter(pk=data.previous_update.pk).update(
        corrected_at=timezone.now() - dt.timedelta(hours=1)
    )
    html = alice_client.get(f"/staff/deliverables/{data.reported.pk}/").content.decode()
    assert "Pilot in one area" in html and "Overdue" in html
    assert "Q1 2025/26" in html and "corrected" in html
    assert "P2: Strengthen supervision" in html
