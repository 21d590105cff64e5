"""A draft update never reaches a public page, before or after publishing and unpublishing.

The public pages checked are those the URL resolver knows among the public addresses of
DESIGN.md, filled with this test's force and deliverable: as more public pages, feeds and
downloads arrive, this test covers them without change.
"""

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from actions.models import QuarterlyUpdate, Status
from tests.staff_data import RETURN_QUARTER, force_data, return_post, return_url

pytestmark = pytest.mark.django_db

MARKER = "zq-draft-marker-7f3a91"


def public_paths(data) -> list[str]:
    force, deliverable = data.force, data.silent
    workstream = deliverable.workstream
    candidates = [
        "/",
        "/forces/",
        f"/forces/{force.slug}/",
        f"/forces/{force.slug}/deliverables/{deliverable.pk}/",
        f"/forces/{force.slug}/feed/",
        f"/workstreams/{workstream.slug}/",
        "/national/",
        "/practice/",
        "/data/",
        "/data/updates.csv",
        "/data/updates.json",
        "/data/deliverables.csv",
        "/data/deliverables.json",
        "/data/forces.csv",
        "/data/forces.json",
    ]
    paths = []
    for path in candidates:
        try:
            resolve(path)
        except Resolver404:
            continue
        paths.append(path)
    return paths


def public_text(data) -> str:
    anonymous = Client()
    pages = []
    for path in public_paths(data):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages.append(body.decode())
    return "\n".join(pages)


def test_a_draft_with_a_marker_is_on_no_public_page_before_or_after_publication(
    client, reference, force_a, alice
):
    data = force_data(force_a)
    assert "/" in public_paths(data)
    client.force_login(alice)

    # Saved as a draft through the return.
    client.post(
        return_url(force_a),
        return_post({data.silent: {"status": Status.AT_RISK, "done": MARKER}}),
    )
    update = QuarterlyUpdate.objects.get(deliverable=data.silent, quarter=RETURN_QUARTER)
    assert not update.is_published
    assert MARKER not in public_text(data)

    # Published, then returned to draft: gone from public pages again.
    client.post(
        return_url(force_a),
        return_post(
            {data.silent: {"status": Status.AT_RISK, "done": MARKER, "publish": True}},
            action="publish",
        ),
    )
    update.refresh_from_db()
    assert update.is_published
    client.post(f"/staff/updates/{update.pk}/unpublish/", {"version": update.version})
    update.refresh_from_db()
    assert not update.is_published
    assert MARKER not in public_text(data)
    assert QuarterlyUpdate.objects.public().filter(done__contains=MARKER).count() == 0


def test_staff_pages_showing_drafts_are_not_readable_without_signing_in(client, reference, force_a):
    data = force_data(force_a)
    for path in (
        f"/staff/forces/{force_a.slug}/",
        return_url(force_a),
        f"/staff/deliverables/{data.drafted.pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")
