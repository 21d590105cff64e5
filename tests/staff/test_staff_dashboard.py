import pytest

from actions.models import Status
from tests.factories import DeliverableFactory, MilestoneFactory, QuarterlyUpdateFactory
from tests.staff_data import PREVIOUS_QUARTER, RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


def dashboard(client, force, quarter=RETURN_QUARTER):
    response = client.get(f"/staff/forces/{force.slug}/?quarter={quarter.compact}")
    assert response.status_code == 200
    return response


def test_staff_home_sends_a_coordinator_to_their_force_dashboard(client, alice, force_a):
    client.force_login(alice)
    response = client.get("/staff/")
    assert response["Location"] == f"/staff/forces/{force_a.slug}/"


def test_staff_home_lists_every_force_for_the_national_team(client, nadia, reference):
    client.force_login(nadia)
    html = client.get("/staff/").content.decode()
    assert "/staff/forces/dorset/" in html and "/staff/forces/dyfed-powys/" in html
    assert "/staff/national-actions/" in html


def test_the_dashboard_shows_each_deliverable_under_its_workstream_with_its_update(
    client, alice, data
):
    client.force_login(alice)
    response = dashboard(client, data.force)
    groups = {w.name: ds for w, ds in response.context["workstream_groups"]}
    assert [d.title for d in groups["Represented"]] == [
        data.drafted.title,
        data.published.title,
        data.silent.title,
    ]
    assert [d.title for d in groups["Not over-policed"]] == [data.reported.title]
    states = {d.pk: (d.current_status, d.state) for ds in groups.values() for d in ds}
    assert states == {
        data.reported.pk: (Status.AT_RISK, "missing"),
        data.drafted.pk: (Status.NOT_STARTED, "draft"),
        data.published.pk: (Status.ON_TRACK, "published"),
        data.silent.pk: (Status.NOT_STARTED, "missing"),
    }
    html = response.content.decode()
    assert "1 of 4" in html  # published of due
    assert "Pilot in one area" in html  # overdue milestone
    assert data.withdrawn.title in html  # listed as withdrawn
    assert "Edit<span" in html and f"/staff/forces/{data.force.slug}/return/" in html


def test_the_national_team_reads_a_force_dashboard_without_edit_links(client, nadia, data):
    client.force_login(nadia)
    html = dashboard(client, data.force).content.decode()
    assert data.reported.title in html
    assert "You are reading this force's dashboard" in html
    assert f"/staff/plans/{data.plan.pk}/edit/" not in html
    assert "/return/" not in html


def test_a_force_without_a_plan_is_offered_to_create_one(client, bob, force_b):
    client.force_login(bob)
    html = client.get(f"/staff/forces/{force_b.slug}/").content.decode()
    assert "has no plan yet" in html
    assert f"/staff/forces/{force_b.slug}/plans/new/" in html


def test_the_dashboard_runs_the_same_number_of_queries_for_ten_times_the_data(
    client, alice, data, django_assert_max_num_queries
):
    client.force_login(alice)

    def grow(n):
        for i in range(n):
            deliverable = DeliverableFactory(plan=data.plan, workstream=data.reported.workstream)
            MilestoneFactory(deliverable=deliverable)
            QuarterlyUpdateFactory(deliverable=deliverable, quarter=PREVIOUS_QUARTER)
            if i % 2:
                QuarterlyUpdateFactory(
                    deliverable=deliverable, quarter=RETURN_QUARTER, published_at=None
                )

    grow(3)
    dashboard(client, data.force)  # warm the per-process caches (the demo-data flag)
    with django_assert_max_num_queries(12) as small:
        dashboard(client, data.force)
    grow(30)
    with django_assert_max_num_queries(12) as large:
        dashboard(client, data.force)
    assert len(large.captured_queries) == len(small.captured_queries)
