import csv
import io

import pytest

from plans.models import Force
from tests.national_data import build_plans, latest
from tests.staff.return_data import build_returns

pytestmark = pytest.mark.django_db
URL = "/staff/returns/"


@pytest.fixture
def returns(force_a, force_b):
    return build_returns(force_a, force_b, latest())


@pytest.fixture
def login_url(settings):
    settings.LOGIN_URL = "/accounts/login/"
    return settings.LOGIN_URL


def tracker_csv(client, query=""):
    response = client.get(f"{URL}?{query}&format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_anonymous_visitors_are_sent_to_sign_in(client, returns, login_url):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{login_url}?next=/staff/returns/"


def test_a_coordinator_is_refused(client, returns, alice, login_url):
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?format=csv").status_code == 403


def test_an_administrator_reads_the_tracker_like_the_national_team(client, returns, sam):
    client.force_login(sam)
    assert client.get(URL).status_code == 200


def test_the_national_team_sees_every_force_with_deliverables_due(client, returns, nadia):
    client.force_login(nadia)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Quarterly returns for {latest()}" in html
    assert "[invalid name]" not in html
    rows = {row["Force"]: row for row in tracker_csv(client)}
    assert set(rows) == {"Force A Police", "Force B Constabulary", "Force C Police"}
    a, b, c = rows["Force A Police"], rows["Force B Constabulary"], rows["Force C Police"]
    assert (a["Deliverables due"], a["Published"], a["Drafts"], a["Missing"]) == (
        "3",
        "2",
        "1",
        "0",
    )
    assert a["State"] == "In progress"
    assert (b["Deliverables due"], b["Published"], b["Missing"]) == ("2", "0", "2")
    assert b["State"] == "Not started"
    assert b["Last activity"] == ""
    assert c["State"] == "Complete"
    assert a["Last activity"][:4].isdigit()
    assert "Force D Police" in html  # listed as having nothing due
    assert "Nothing due for" in html


def test_incomplete_returns_are_overdue_once_the_deadline_has_passed(
    client, returns, nadia, settings
):
    client.force_login(nadia)
    settings.RETURN_DEADLINE_DAYS = 0
    rows = {row["Force"]: row["Overdue"] for row in tracker_csv(client)}
    assert rows == {"Force A Police": "yes", "Force B Constabulary": "yes", "Force C Police": "no"}
    assert "the deadline has passed" in client.get(URL).content.decode()
    settings.RETURN_DEADLINE_DAYS = 200
    rows = {row["Force"]: row["Overdue"] for row in tracker_csv(client)}
    assert set(rows.values()) == {"no"}


def test_filtering_by_state_and_overdue(client, returns, nadia, settings):
    client.force_login(nadia)
    settings.RETURN_DEADLINE_DAYS = 0
    assert [r["Force"] for r in tracker_csv(client, "state=not_started")] == [
        "Force B Constabulary"
    ]
    assert [r["Force"] for r in tracker_csv(client, "overdue=no")] == ["Force C Police"]
    assert [r["Force"] for r in tracker_csv(client, "region=Wales")] == ["Force C Police"]
    assert len(tracker_csv(client, "overdue=yes")) == 2


def test_sorting_by_missing_updates(client, returns, nadia):
    client.force_login(nadia)
    rows = tracker_csv(client, "sort=-missing_count")
    assert rows[0]["Force"] == "Force B Constabulary"
    html = client.get(f"{URL}?sort=-missing_count").content.decode()
    assert html.index("Force B Constabulary") < html.index("Force A Police")


def test_choosing_an_earlier_quarter(client, returns, nadia):
    client.force_login(nadia)
    earlier = latest() - 1
    rows = {row["Force"]: row for row in tracker_csv(client, f"quarter={earlier.compact}")}
    assert rows["Force D Police"]["State"] == "Complete"
    assert rows["Force B Constabulary"]["Deliverables due"] == "1"
    assert (
        f"Quarterly returns for {earlier}"
        in client.get(f"{URL}?quarter={earlier.compact}").content.decode()
    )


def test_a_quarter_outside_the_list_gets_a_clear_message(client, returns, nadia):
    client.force_login(nadia)
    html = client.get(f"{URL}?quarter=1999-Q9").content.decode()
    assert "Choose a quarter from the list: 1999-Q9 is not one of them" in html
    assert f"Quarterly returns for {latest()}" in html


def test_the_csv_download_is_named_after_the_quarter(client, returns, nadia):
    client.force_login(nadia)
    response = client.get(f"{URL}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="returns-{latest().compact}.csv"'
    )


def test_the_tracker_runs_the_same_number_of_queries_at_ten_times_the_data(
    client, reference, nadia, django_assert_max_num_queries
):
    client.force_login(nadia)
    build_plans(Force.objects.order_by("slug")[:3], 4)
    client.get(URL)
    with django_assert_max_num_queries(9):
        assert client.get(f"{URL}?sort=-missing_count").status_code == 200
    build_plans(Force.objects.order_by("slug")[3:33], 40, seed=4)
    with django_assert_max_num_queries(9):
        assert client.get(f"{URL}?sort=-missing_count").status_code == 200
