"""The return tracker's quarter list always shows the quarter it is showing, so changing a
filter never silently switches the quarter."""

import datetime as dt
import re

import pytest

from tests.clock import on

pytestmark = pytest.mark.django_db


def selected_quarter(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="quarter".*?</select>', html, re.S)
    assert select, "no quarter list"
    return re.findall(r'<option value="([^"]+)" selected>', select[0])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["2026-Q2"]),  # the quarter just ended, chosen for them
        ("?region=Wales", ["2026-Q2"]),
        ("?quarter=2026-Q1&region=Wales&state=complete", ["2026-Q1"]),
    ],
)
def test_the_quarter_shown_is_the_one_selected(client, nadia, reference, query, expected):
    with on(dt.date(2026, 11, 21)):
        client.force_login(nadia)
        html = client.get(f"/staff/returns/{query}").content.decode()
    assert selected_quarter(html) == expected
