"""Page titles (WCAG 2.4.2): a page showing an error says so first, and a staff page never
shares a public page's title."""

import datetime as dt
import re
from html import unescape

import pytest

from tests.clock import on
from tests.staff_data import RETURN_QUARTER, force_data


def title(response) -> str:
    assert response.status_code == 200
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1])


@pytest.mark.parametrize(
    "url",
    [
        "/national/?reported=maybe",
        "/national/?workstream=nowhere",
        "/national/compare/?forces=nowhere",
        "/national/compare/?forces=",
    ],
)
def test_a_national_page_with_an_invalid_filter_has_error_in_its_title(client, reference, url):
    assert title(client.get(url)).startswith("Error: ")


@pytest.mark.parametrize("url", ["/national/", "/national/?reported=yes", "/national/compare/"])
def test_a_national_page_without_an_error_has_no_error_in_its_title(client, reference, url):
    assert "Error" not in title(client.get(url))


@pytest.mark.parametrize("query", ["overdue=maybe", "state=lost", "quarter=1999-Q9"])
def test_the_return_tracker_with_an_invalid_filter_has_error_in_its_title(
    client, reference, nadia, query
):
    with on(dt.date(2025, 10, 15)):  # the return quarter is one of the recent ones
        client.force_login(nadia)
        assert title(client.get(f"/staff/returns/?{query}")).startswith("Error: ")
        valid = client.get(f"/staff/returns/?quarter={RETURN_QUARTER.compact}")
    assert "Error" not in title(valid)


def test_staff_views_of_a_roadmap_and_a_deliverable_have_their_own_titles(
    client, reference, force_a, alice
):
    data = force_data(force_a)
    public_roadmap = title(client.get(f"/forces/{force_a.slug}/"))
    public_deliverable = title(client.get(data.published.get_absolute_url()))
    client.force_login(alice)
    preview = title(client.get(f"/staff/forces/{force_a.slug}/preview/"))
    staff_deliverable = title(client.get(f"/staff/deliverables/{data.published.pk}/"))

    assert preview != public_roadmap and "Preview" in preview and "staff" in preview
    assert staff_deliverable != public_deliverable and "staff" in staff_deliverable
    assert data.published.title in staff_deliverable
