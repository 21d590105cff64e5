"""Staff preview the public roadmap with their drafts; the public never sees them."""

import pytest

from actions.models import Status
from plans.quarters import Quarter
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db
MARKER = "DRAFT-ONLY-7f3c2a"


@pytest.fixture
def drafted(force_a):
    plan = PlanFactory(force=force_a)
    deliverable = DeliverableFactory(plan=plan, title="Reform stop and search")
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 1), status=Status.ON_TRACK
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter=Quarter(2024, 2),
        status=Status.COMPLETE,
        done=f"Finished the reform {MARKER}",
        published_at=None,
    )
    return plan


def test_the_coordinator_previews_drafts_marked_as_a_preview(client, alice, drafted):
    client.force_login(alice)
    response = client.get("/staff/forces/force-a/preview/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: not public" in html
    assert MARKER in html
    assert "prap-status--complete" in html
    assert "no-store" in response["Cache-Control"]


def test_the_public_roadmap_shows_neither_the_draft_nor_its_status(client, drafted):
    html = client.get("/forces/force-a/").content.decode()
    assert MARKER not in html
    assert "Preview" not in html
    assert "prap-status--on_track" in html


def test_an_unpublished_plan_can_be_previewed_but_is_not_public(client, alice, drafted):
    drafted.is_published = False
    drafted.save()
    client.force_login(alice)
    preview = client.get("/staff/forces/force-a/preview/").content.decode()
    assert "Reform stop and search" in preview
    assert "the plan itself is published" in preview
    assert "Reform stop and search" not in client.get("/forces/force-a/").content.decode()


def test_another_forces_coordinator_cannot_preview(client, bob, drafted):
    client.force_login(bob)
    assert client.get("/staff/forces/force-a/preview/").status_code == 404


def test_the_national_team_can_preview_any_force(client, nadia, drafted):
    client.force_login(nadia)
    assert MARKER in client.get("/staff/forces/force-a/preview/").content.decode()
