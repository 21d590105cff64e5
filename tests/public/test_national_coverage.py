import re

import pytest

from plans.models import Force
from tests.factories import DeliverableFactory, PlanFactory
from tests.national_data import build_plans, forces
from workstreams.models import NationalAction

pytestmark = pytest.mark.django_db


def serve(slug, *codes, published=True, withdrawn=False):
    plan = PlanFactory(force=Force.objects.get(slug=slug), is_published=published)
    for code in codes:
        action = NationalAction.objects.get(code=code)
        extra = {"withdrawn_at": "2024-01-02", "withdrawn_reason": "Stopped."} if withdrawn else {}
        deliverable = DeliverableFactory(plan=plan, workstream=action.workstream, **extra)
        deliverable.national_actions.add(action)


def action_row(html, code):
    return re.search(rf'<tr class="govuk-table__row" id="action-{code}">.*?</tr>', html, re.S)[0]


def test_each_action_counts_the_forces_serving_it_with_a_published_active_deliverable(
    client, reference
):
    serve("dorset", "R1", "P2")
    serve("kent", "R1")
    serve("kent", "R1")  # a second deliverable for the same action counts the force once
    serve("essex", "P2", published=False)
    serve("surrey", "P2", withdrawn=True)
    html = client.get("/national/coverage/").content.decode()
    assert "2 of 44" in action_row(html, "R1")
    assert "Dorset Police" in action_row(html, "R1")
    assert "Kent Police" in action_row(html, "R1")
    p2 = action_row(html, "P2")
    assert "1 of 44" in p2
    assert "Essex Police" not in p2
    assert "Surrey Police" not in p2
    assert "0 of 44" in action_row(html, "U4")


def test_the_least_covered_actions_come_first_in_the_summary(client, reference):
    every = list(NationalAction.objects.values_list("code", flat=True))
    serve("dorset", *[code for code in every if code != "I3"])
    serve("kent", *[code for code in every if code not in {"I3", "U5"}])
    html = client.get("/national/coverage/").content.decode()
    summary = html[html.index("Least covered") : html.index("</ol>")]
    codes = re.findall(r'href="#action-([A-Z]\d)"', summary)
    assert codes[:2] == ["I3", "U5"]
    assert "no force" in summary


def test_each_forces_coverage_share_is_shown_and_sortable(client, reference):
    serve("dorset", "R1", "R2", "P1", "I1")
    serve("kent", "R1")
    html = client.get("/national/coverage/?sort=-percent").content.decode()
    body = html[html.rindex("<tbody") :]
    first = re.search(r"<tr.*?</tr>", body, re.S)[0]
    assert "Dorset Police" in first
    assert ">4<" in first
    assert ">21%<" in first  # 4 of 19


def test_coverage_runs_the_same_number_of_queries_at_ten_times_the_data(
    client, reference, django_assert_max_num_queries
):
    build_plans(forces(3), 4)
    client.get("/national/coverage/")
    with django_assert_max_num_queries(6):
        client.get("/national/coverage/")
    build_plans(forces(30)[3:], 40, seed=9)
    with django_assert_max_num_queries(6):
        client.get("/national/coverage/")
