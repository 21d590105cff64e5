"""Quarters are picked from a list of the plan's quarters, never typed, on the deliverable and
milestone forms."""

from __future__ import annotations

import re

import pytest

from actions.models import Deliverable, Milestone
from plans.quarters import Quarter
from tests.staff_data import force_data

pytestmark = pytest.mark.django_db

PERIOD = "the plan&#x27;s period, Q1 2024/25 to Q4 2026/27"


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert match, f"no select named {name}"
    return match.group(0)


def options(html: str, name: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select(html, name))


def plan_options(plan) -> list[tuple[str, str]]:
    return [(q.compact, f"{q} ({q.months_label})") for q in plan.quarters]


def test_the_deliverable_form_offers_exactly_the_plans_quarters(alice_client, data):
    html = alice_client.get(f"/staff/plans/{data.plan.pk}/deliverables/new/").content.decode()

    for name in ("start_quarter", "due_quarter"):
        assert 'class="govuk-select"' in select(html, name)
        assert options(html, name) == plan_options(data.plan)
    assert ("2025-Q2", "Q2 2025/26 (Jul-Sep 2025)") in options(html, "start_quarter")
    assert 'type="text" name="start_quarter"' not in html


def test_the_deliverable_form_shows_the_saved_quarters_chosen(alice_client, data):
    html = alice_client.get(f"/staff/deliverables/{data.silent.pk}/edit/").content.decode()

    chosen = re.search(r'<option value="([^"]*)" selected', select(html, "start_quarter"))
    assert chosen and chosen.group(1) == data.silent.start_quarter.compact


def test_the_deliverable_form_refuses_a_quarter_outside_the_plan(alice_client, data):
    response = alice_client.post(
        f"/staff/plans/{data.plan.pk}/deliverables/new/",
        {
            "version": 0,
            "workstream": data.silent.workstream_id,
            "title": "Outside the plan",
            "start_quarter": "2023-Q4",
            "due_quarter": "2027-Q1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Start quarter must be within {PERIOD}" in html
    assert f"Due quarter must be within {PERIOD}" in html
    assert 'href="#id_start_quarter"' in html
    assert not Deliverable.objects.filter(title="Outside the plan").exists()


def test_the_milestone_form_offers_exactly_the_plans_quarters(alice_client, data):
    html = alice_client.get(
        f"/staff/deliverables/{data.silent.pk}/milestones/new/"
    ).content.decode()

    assert 'class="govuk-select"' in select(html, "due_quarter")
    assert options(html, "due_quarter") == plan_options(data.plan)


def test_the_milestone_form_refuses_a_quarter_outside_the_plan(alice_client, data):
    response = alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/milestones/new/",
        {"version": 0, "title": "Too late", "due_quarter": "2027-Q1"},
    )

    assert f"Due quarter must be within {PERIOD}" in response.content.decode()
    assert not Milestone.objects.filter(title="Too late").exists()


def test_a_milestone_is_added_in_a_quarter_chosen_from_the_list(alice_client, data):
    response = alice_client.post(
        f"/staff/deliverables/{data.silent.pk}/milestones/new/",
        {"version": 0, "title": "Panel chosen", "due_quarter": "2025-Q2"},
    )

    assert response.status_code == 302
    assert Milestone.objects.get(title="Panel chosen").due_quarter == Quarter(2025, 2)


def test_the_plan_form_offers_quarters_in_a_list_and_refuses_others(client, bob, force_b):
    client.force_login(bob)
    html = client.get(f"/staff/forces/{force_b.slug}/plans/new/").content.decode()
    assert 'class="govuk-select"' in select(html, "first_quarter")
    assert ("2025-Q1", "Q1 2025/26 (Apr-Jun 2025)") in options(html, "last_quarter")

    response = client.post(
        f"/staff/forces/{force_b.slug}/plans/new/",
        {"title": "A plan", "first_quarter": "1999-Q1", "last_quarter": "Q4", "version": 0},
    )

    html = response.content.decode()
    assert "Choose the first quarter from the list" in html
    assert "Choose the last quarter from the list" in html
    assert not force_b.plans.exists()
