"""The coordinator's dashboard says when the quarter's return is due, and when it is overdue."""

import datetime as dt
import re

import pytest

from tests.clock import on
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db


def deadline_line(client, force) -> str:
    html = client.get(f"/staff/forces/{force.slug}/?quarter={RETURN_QUARTER.compact}")
    line = re.search(r'<p class="govuk-body" id="return-deadline">(.*?)</p>', html.content.decode())
    assert line, "the dashboard does not give the deadline"
    return re.sub(r"<[^>]+>", "", line[1])


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 10, 15), "Due by 30 October 2025."),
        (dt.date(2025, 10, 30), "Due by 30 October 2025."),
        (dt.date(2025, 10, 31), "Overdue The return was due by 30 October 2025."),
    ],
)
def test_the_dashboard_gives_the_returns_deadline_and_says_when_it_has_passed(
    client, alice, reference, force_a, settings, today, expected
):
    settings.RETURN_DEADLINE_DAYS = 30  # Q2 2025/26 ends on 30 September 2025
    force_data(force_a)
    with on(today):
        client.force_login(alice)
        assert deadline_line(client, force_a) == expected
