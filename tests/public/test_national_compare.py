import re

import pytest

from actions.models import Status
from plans.models import Force
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory
from tests.national_data import build_plans, forces, latest
from workstreams.models import NationalAction, Workstream

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(reference):
    now = latest()
    represented = Workstream.objects.get(slug="represented")
    involved = Workstream.objects.get(slug="involved")
    r1 = NationalAction.objects.get(code="R1")
    i2 = NationalAction.objects.get(code="I2")
    dorset = PlanFactory(force=Force.objects.get(slug="dorset"))
    training = DeliverableFactory(plan=dorset, workstream=represented, title="Train every officer")
    training.national_actions.add(r1)
    QuarterlyUpdateFactory(deliverable=training, quarter=now, status=Status.COMPLETE)
    panel = DeliverableFactory(plan=dorset, workstream=involved, title="Set up a scrutiny panel")
    panel.national_actions.add(i2)
    QuarterlyUpdateFactory(deliverable=panel, quarter=now, status=Status.AT_RISK)
    cheshire = PlanFactory(force=Force.objects.get(slug="cheshire"))
    mentoring = DeliverableFactory(plan=cheshire, workstream=represented, title="Mentoring")
    mentoring.national_actions.add(r1)
    withdrawn = DeliverableFactory(
        plan=cheshire,
        workstream=involved,
        title="Withdrawn idea",
        withdrawn_at="2024-06-01",
        withdrawn_reason="Replaced.",
    )
    withdrawn.national_actions.add(i2)


def compare(client, query):
    response = client.get(f"/national/compare/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_three_forces_side_by_side_with_their_figures_and_deliverables(client, three):
    html = compare(client, "forces=dorset,cheshire,kent")
    assert "Comparing 3 forces" in html
    assert (
        html.index("Dorset Police")
        < html.index("Cheshire Constabulary")
        < html.index("Kent Police")
    )
    assert "1 of 1 (100%)" in html  # Dorset, Represented
    assert "Train every officer" in html
    assert "Set up a scrutiny panel" in html
    assert "Mentoring" in html
    assert "Withdrawn idea" not in html
    assert "No published plan" in html  # Kent
    assert "2 of 19" in html  # Dorset serves R1 and I2
    assert "1 of 19" in html  # Cheshire serves R1 only: its withdrawn deliverable does not count


def test_the_deliverables_sit_under_their_workstream(client, three):
    html = compare(client, "forces=dorset,cheshire")
    represented = html.index('id="ws-represented"')
    involved = html.index('id="ws-involved"')
    assert represented < html.index("Train every officer") < involved
    assert involved < html.index("Set up a scrutiny panel")


def test_national_actions_covered_are_marked_for_each_force(client, three):
    html = compare(client, "forces=dorset,cheshire")
    row = re.search(r"I2</span>.*?</tr>", html, re.S).group(0)
    assert re.findall(r"prap-(covered|not-covered)", row) == ["covered", "not-covered"]


def test_forces_can_be_given_as_one_list_or_as_repeated_parameters(client, three):
    assert "Comparing 2 forces" in compare(client, "forces=dorset&forces=cheshire&forces=")
    assert "Comparing 2 forces" in compare(client, "forces=Dorset,+cheshire,dorset")


def test_one_force_asks_for_another(client, three):
    html = compare(client, "forces=dorset")
    assert "There is a problem" in html
    assert "Choose at least 2 forces to compare. You chose only Dorset Police." in html
    assert '<option value="dorset" selected>' in html


def test_more_than_four_forces_is_refused_with_a_clear_message(client, three):
    html = compare(client, "forces=dorset,cheshire,kent,essex,surrey")
    assert "Choose no more than 4 forces to compare: you chose 5." in html
    assert "Comparing" not in html


def test_an_unknown_force_is_named_in_the_message(client, three):
    html = compare(client, "forces=dorset,atlantis")
    assert "We could not find a force called &quot;atlantis&quot;. Choose forces" in html
    two = compare(client, "forces=dorset,atlantis,narnia")
    assert "We could not find forces called &quot;atlantis&quot;, &quot;narnia&quot;." in two
    assert 'href="#forces-1"' in html


def test_the_form_works_without_javascript(client, three):
    html = compare(client, "")
    assert "There is a problem" not in html
    assert html.count('name="forces"') == 4
    assert 'action="/national/compare/"' in html
    assert 'method="get"' in html


def test_compare_runs_the_same_number_of_queries_at_ten_times_the_data(
    client, reference, django_assert_max_num_queries
):
    chosen = forces(4)
    build_plans(chosen[:2], 5)
    query = "forces=" + ",".join(force.slug for force in chosen)
    client.get(f"/national/compare/?{query}")
    with django_assert_max_num_queries(10):
        client.get(f"/national/compare/?{query}")
    build_plans(chosen[2:], 50, seed=3)
    with django_assert_max_num_queries(10):
        html = client.get(f"/national/compare/?{query}").content.decode()
    assert "Comparing 4 forces" in html
