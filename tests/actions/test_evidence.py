"""A deliverable reported complete says plainly when nothing backs it, and the national team can
list every such claim."""

import pytest

from actions.models import Status
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


def test_the_public_page_says_plainly_when_a_complete_update_has_no_evidence(client):
    deliverable = DeliverableFactory(title="Publish stop and search data")
    QuarterlyUpdateFactory(deliverable=deliverable, status=Status.COMPLETE, evidence="")
    html = client.get(deliverable.get_absolute_url()).content.decode()
    assert "<strong>No evidence linked.</strong>" in html
    assert "reported this complete without a link to a report, minutes or other evidence" in html


def test_a_complete_update_with_evidence_shows_the_links_instead(client):
    deliverable = DeliverableFactory()
    QuarterlyUpdateFactory(
        deliverable=deliverable, status=Status.COMPLETE, evidence="https://example.org/report"
    )
    html = client.get(deliverable.get_absolute_url()).content.decode()
    assert 'href="https://example.org/report"' in html
    assert "No evidence linked" not in html


def test_the_national_team_lists_complete_without_evidence_by_force(client, nadia):
    plan = PlanFactory(force__name="Force With Claims")
    bare = DeliverableFactory(plan=plan, title="Bare claim")
    QuarterlyUpdateFactory(deliverable=bare, status=Status.COMPLETE, evidence="  \n")
    backed = DeliverableFactory(plan=plan, title="Backed claim")
    QuarterlyUpdateFactory(
        deliverable=backed, status=Status.COMPLETE, evidence="https://example.org/minutes"
    )
    draft = DeliverableFactory(plan=plan, title="Draft claim")
    QuarterlyUpdateFactory(deliverable=draft, status=Status.COMPLETE, published_at=None)
    hidden = DeliverableFactory(plan=PlanFactory(is_published=False), title="Unpublished plan")
    QuarterlyUpdateFactory(deliverable=hidden, status=Status.COMPLETE)
    going = DeliverableFactory(plan=plan, title="Still going")
    QuarterlyUpdateFactory(deliverable=going, status=Status.ON_TRACK)

    client.force_login(nadia)
    html = client.get("/staff/evidence/").content.decode()

    assert "Force With Claims: 1" in html
    assert "Bare claim" in html
    for title in ("Backed claim", "Draft claim", "Unpublished plan", "Still going"):
        assert title not in html
    assert f'href="/staff/deliverables/{bare.pk}/"' in html


def test_the_list_runs_the_same_queries_whatever_the_number_of_forces(
    client, nadia, django_assert_max_num_queries
):
    for _ in range(5):
        deliverable = DeliverableFactory()
        QuarterlyUpdateFactory(deliverable=deliverable, status=Status.COMPLETE, evidence="")
    client.force_login(nadia)
    with django_assert_max_num_queries(8):
        response = client.get("/staff/evidence/")
    assert response.content.decode().count("<caption") == 5
