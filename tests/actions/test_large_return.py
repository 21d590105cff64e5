"""A quarterly return of hundreds of deliverables is sent in one form and saved in the same
number of queries whatever its size."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from actions.models import Deliverable, QuarterlyUpdate, Status
from staff.deliverable_views import RETURN_MAX_FORM_FIELDS
from tests.staff_data import PREVIOUS_QUARTER, RETURN_QUARTER, force_data, return_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def add_deliverables(data, count: int) -> list[Deliverable]:
    first = Deliverable.objects.filter(plan=data.plan).count()
    Deliverable.objects.bulk_create(
        Deliverable(
            plan=data.plan,
            workstream=data.reported.workstream,
            title=f"Large return deliverable {first + n}",
            description="We will do it.",
            lead="Head of Inclusion",
            start_quarter=PREVIOUS_QUARTER,
            due_quarter=RETURN_QUARTER,
            order=100 + first + n,
        )
        for n in range(count)
    )
    return list(Deliverable.objects.filter(title__startswith="Large return deliverable"))


def send(client, url: str, form: dict):
    """As a browser sends the page's form: URL-encoded (the page has no file field)."""
    return client.post(url, urlencode(form), content_type="application/x-www-form-urlencoded")


def whole_return(deliverables, action: str = "save") -> dict:
    """Every row filled in, as the page sends it: six fields a row."""
    post = {"action": action, "return_quarter": RETURN_QUARTER.compact}
    for deliverable in deliverables:
        prefix = f"d{deliverable.pk}"
        post |= {
            f"{prefix}-version": "0",
            f"{prefix}-status": Status.ON_TRACK,
            f"{prefix}-done": f"Row {deliverable.pk} went as planned.",
            f"{prefix}-next": "Carry on.",
            f"{prefix}-evidence": "",
            f"{prefix}-publish": "on",
        }
    return post


def statements(captured) -> list[str]:
    """The queries run, one per bulk insert: SQLite takes at most 999 parameters a
    statement, so Django splits a bulk insert of many rows into several there (PostgreSQL
    takes 65,535); each query's table and kind is enough to compare two runs."""
    kinds = [
        " ".join(re.sub(r'"s\d+_x\d+"', "", query["sql"]).split()[:3])  # savepoints' names
        for query in captured.captured_queries
    ]
    return [
        kind
        for n, kind in enumerate(kinds)
        if not (kind.startswith("INSERT") and n and kinds[n - 1] == kind)
    ]


def test_a_return_of_500_rows_is_saved(alice_client, data):
    deliverables = add_deliverables(data, 500)
    post = whole_return(deliverables, action="publish")
    assert len(post) > 3000  # three times Django's usual limit

    response = send(alice_client, return_url(data.force), post)

    assert response.status_code == 302, response.content.decode()[:2000]
    saved = QuarterlyUpdate.objects.filter(deliverable__in=deliverables, quarter=RETURN_QUARTER)
    assert saved.count() == 500
    assert saved.filter(published_at__isnull=False).count() == 500
    last = deliverables[-1]
    assert saved.get(deliverable=last).done == f"Row {last.pk} went as planned."


def test_saving_a_return_takes_as_many_queries_for_500_rows_as_for_50(
    alice_client, data, django_assert_max_num_queries
):
    small = add_deliverables(data, 50)
    with django_assert_max_num_queries(60) as fifty:
        assert send(alice_client, return_url(data.force), whole_return(small)).status_code == 302
    large = add_deliverables(data, 450)[50:]
    assert len(large) == 450
    with django_assert_max_num_queries(60) as five_hundred:
        assert send(alice_client, return_url(data.force), whole_return(large)).status_code == 302
    assert QuarterlyUpdate.objects.filter(quarter=RETURN_QUARTER).count() >= 500
    assert statements(five_hundred) == statements(fifty)


def test_a_form_over_the_returns_limit_is_refused(alice_client, data):
    post = {f"field{n}": "x" for n in range(RETURN_MAX_FORM_FIELDS + 1)}
    response = send(alice_client, return_url(data.force), post)
    assert response.status_code == 400


def test_other_forms_keep_djangos_limit(alice_client, data):
    post = {f"field{n}": "x" for n in range(1001)}
    response = send(alice_client, f"/staff/updates/{data.draft_update.pk}/edit/", post)
    assert response.status_code == 400
