"""Two people edit the same thing from the same starting point: the second save is refused,
nothing of theirs is written, they see what changed, and their text is still in the form."""

import pytest

from accounts.models import User
from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from plans.models import Plan
from tests.factories import UserFactory
from tests.mfa import VerifiedClient
from tests.staff_data import RETURN_QUARTER, force_data, return_post, return_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def alice_client(alice):
    client = VerifiedClient()
    client.force_login(alice)
    return client


@pytest.fixture
def colleague_client(force_a):
    colleague = UserFactory(
        email="carol@force-a.example",
        full_name="Carol Colleague",
        role=User.Role.COORDINATOR,
        force=force_a,
    )
    client = VerifiedClient()
    client.force_login(colleague)
    return client


def deliverable_post(deliverable, **changes):
    data = {
        "workstream": deliverable.workstream_id,
        "reference": deliverable.reference,
        "title": deliverable.title,
        "description": deliverable.description,
        "lead": deliverable.lead,
        "start_quarter": str(deliverable.start_quarter),
        "due_quarter": str(deliverable.due_quarter),
        "national_actions": [a.pk for a in deliverable.national_actions.all()],
        "version": deliverable.version,
        # The deliverable is public: a new title (or a title put back) needs a reason.
        "replanning_reason": "Reworded after the panel's comments.",
    }
    data.update(changes)
    return data


def test_the_second_of_two_stale_deliverable_edits_is_refused(data, alice_client, colleague_client):
    url = f"/staff/deliverables/{data.reported.pk}/edit/"
    # Both open the edit page at the same version.
    alice_form = deliverable_post(data.reported, lead="Alice's lead")
    carol_form = deliverable_post(data.reported, title="Carol's better title")

    first = colleague_client.post(url, carol_form)
    assert first.status_code == 302
    second = alice_client.post(url, alice_form)

    assert second.status_code == 200
    html = second.content.decode()
    saved = Deliverable.objects.get(pk=data.reported.pk)
    assert saved.title == "Carol's better title"  # the first save stands
    assert saved.lead == "Head of Inclusion"  # nothing of the second is written
    assert saved.version == 2
    assert "Carol Colleague saved a newer version while you were editing" in html
    assert "Carol&#x27;s better title" in html  # what changed is shown
    assert "Alice&#x27;s lead" in html  # Alice's text is still in the form
    # Saving again is a deliberate choice, based on the newer version.
    assert second.context["form"]["version"].value() == "2"


def test_after_seeing_the_conflict_saving_again_keeps_the_second_persons_text(
    data, alice_client, colleague_client
):
    url = f"/staff/deliverables/{data.reported.pk}/edit/"
    alice_form = deliverable_post(data.reported, lead="Alice's lead")
    colleague_client.post(url, deliverable_post(data.reported, title="Carol's title"))
    refused = alice_client.post(url, alice_form)
    resubmitted = {**alice_form, "version": refused.context["form"]["version"].value()}
    assert alice_client.post(url, resubmitted).status_code == 302
    saved = Deliverable.objects.get(pk=data.reported.pk)
    assert (saved.lead, saved.version) == ("Alice's lead", 3)


def test_the_second_of_two_stale_update_edits_is_refused(data, alice_client, colleague_client):
    update = data.draft_update
    url = f"/staff/updates/{update.pk}/edit/"
    form = {"status": Status.ON_TRACK, "next": "", "evidence": "", "version": update.version}
    assert colleague_client.post(url, {**form, "done": "Carol's words"}).status_code == 302
    refused = alice_client.post(url, {**form, "done": "Alice's words"})
    assert refused.status_code == 200
    assert QuarterlyUpdate.objects.get(pk=update.pk).done == "Carol's words"
    html = refused.content.decode()
    assert "Alice&#x27;s words" in html and "Carol&#x27;s words" in html


def test_the_second_of_two_stale_milestone_edits_is_refused(data, alice_client, colleague_client):
    milestone = data.milestone
    url = f"/staff/milestones/{milestone.pk}/edit/"
    form = {"due_quarter": "Q3 2024/25", "version": milestone.version}
    colleague_client.post(url, {**form, "title": "Carol's milestone"})
    refused = alice_client.post(url, {**form, "title": "Alice's milestone"})
    assert refused.status_code == 200
    assert Milestone.objects.get(pk=milestone.pk).title == "Carol's milestone"
    assert "Alice&#x27;s milestone" in refused.content.decode()


def test_a_stale_tick_of_a_milestone_changes_nothing(data, alice_client, colleague_client):
    milestone = data.milestone
    url = f"/staff/milestones/{milestone.pk}/done/"
    colleague_client.post(url, {"done": "on", "version": milestone.version})
    alice_client.post(url, {"version": milestone.version})  # "not done", from a stale page
    assert Milestone.objects.get(pk=milestone.pk).is_done


def test_the_second_of_two_stale_plan_edits_is_refused(data, alice_client, colleague_client):
    plan = data.plan
    url = f"/staff/plans/{plan.pk}/edit/"
    form = {
        "summary": plan.summary,
        "first_quarter": "Q1 2024/25",
        "last_quarter": "Q4 2026/27",
        "version": plan.version,
    }
    colleague_client.post(url, {**form, "title": "Carol's plan"})
    refused = alice_client.post(url, {**form, "title": "Alice's plan"})
    assert refused.status_code == 200
    assert Plan.objects.get(pk=plan.pk).title == "Carol's plan"
    assert "Alice&#x27;s plan" in refused.content.decode()


def test_the_second_of_two_stale_returns_is_refused_and_writes_nothing(
    data, alice_client, colleague_client
):
    # Both open the return: the draft is at version 1, "silent" has no update yet.
    carol = return_post(
        {
            data.drafted: {"status": Status.AT_RISK, "done": "Carol's draft"},
            data.silent: {"status": Status.ON_TRACK, "done": "Carol's start"},
        }
    )
    alice = return_post(
        {
            data.drafted: {"status": Status.ON_TRACK, "done": "Alice's draft"},
            data.silent: {"status": Status.COMPLETE, "done": "Alice's start"},
            data.reported: {"status": Status.ON_TRACK, "done": "Alice's other row"},
        }
    )
    assert colleague_client.post(return_url(data.force), carol).status_code == 302
    refused = alice_client.post(return_url(data.force), alice)

    assert refused.status_code == 200
    drafted = QuarterlyUpdate.objects.get(deliverable=data.drafted, quarter=RETURN_QUARTER)
    silent = QuarterlyUpdate.objects.get(deliverable=data.silent, quarter=RETURN_QUARTER)
    assert (drafted.done, silent.done) == ("Carol's draft", "Carol's start")
    # All or nothing: Alice's row nobody else touched is not saved either.
    assert not QuarterlyUpdate.objects.filter(
        deliverable=data.reported, quarter=RETURN_QUARTER
    ).exists()
    html = refused.content.decode()
    for text in ("Alice&#x27;s draft", "Alice&#x27;s start", "Alice&#x27;s other row"):
        assert text in html
    assert "Carol Colleague saved a newer version" in html
    assert "Carol&#x27;s draft" in html  # their version is shown beside Alice's
    assert "Carol&#x27;s start" in html  # including an update that did not exist before


def test_saving_a_refused_return_again_keeps_the_second_persons_rows(
    data, alice_client, colleague_client
):
    colleague_client.post(
        return_url(data.force),
        return_post({data.silent: {"status": Status.ON_TRACK, "done": "Carol's start"}}),
    )
    alice = return_post({data.silent: {"status": Status.COMPLETE, "done": "Alice's start"}})
    alice[f"d{data.silent.pk}-version"] = "0"
    refused = alice_client.post(return_url(data.force), alice)
    assert refused.status_code == 200
    rows = [row for _, rows in refused.context["groups"] for row in rows]
    form = next(row.form for row in rows if row.deliverable.pk == data.silent.pk)
    alice[f"d{data.silent.pk}-version"] = form["version"].value()
    assert alice_client.post(return_url(data.force), alice).status_code == 302
    silent = QuarterlyUpdate.objects.get(deliverable=data.silent, quarter=RETURN_QUARTER)
    assert (silent.done, silent.status) == ("Alice's start", Status.COMPLETE)
