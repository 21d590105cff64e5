"""Links made with the names people use for a workstream reach its page."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("/workstreams/respected/", "/workstreams/not-over-policed/"),
        ("/workstreams/protected/", "/workstreams/not-under-protected/"),
        ("/workstreams/use-of-powers/", "/workstreams/not-over-policed/"),
        ("/workstreams/culture-and-workforce/", "/workstreams/represented/"),
        ("/workstreams/trust-and-reconciliation/", "/workstreams/involved/"),
        ("/workstreams/community-engagement/", "/workstreams/involved/"),
    ],
)
def test_another_name_of_a_workstream_redirects_permanently_to_its_page(
    client, reference, address, canonical
):
    response = client.get(address)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.get(response["Location"]).status_code == 200


def test_the_redirect_keeps_the_filters(client, reference):
    response = client.get("/workstreams/respected/?status=on_track&page=2&utm_source=x")
    # The page's own parameters, in the one order its cache key uses.
    assert response["Location"] == "/workstreams/not-over-policed/?page=2&status=on_track"


def test_an_unknown_workstream_is_still_a_404(client, reference):
    assert client.get("/workstreams/atlantis/").status_code == 404
    assert client.get("/workstreams/").status_code == 200
