"""A draft update never reaches a public page, before or after publishing and unpublishing.

The public pages checked are every pattern the URL resolver knows outside /staff/, /admin/
and /accounts/ (``tests/urls_walk.py``), filled with this test's force, deliverable and
workstream, with their query-string variants (downloads, compared forces, a force's trend)
and the same-page links they show: as more public pages, feeds and downloads arrive, this
test covers them without change, or fails saying which argument it cannot fill.
"""

import pytest
from django.test import Client
from django.utils import timezone

from actions.models import QuarterlyUpdate, Status
from alerts.models import Subscription
from plans.models import Force
from tests.staff_data import RETURN_QUARTER, force_data, return_post, return_url
from tests.urls_walk import public_routes, read_public_pages

pytestmark = pytest.mark.django_db

MARKER = "zq-draft-marker-7f3a91"


def _alert_links(force) -> dict[str, str]:
    """The e-mail alert pages' tokens: a sign-up to ``force`` waiting for confirmation."""
    sign_up, _ = Subscription.objects.get_or_create(
        email="reader@example.org", force=force, defaults={"created_at": timezone.now()}
    )
    return {"confirm": sign_up.token, "unsubscribe": sign_up.token}


def public_text(data) -> str:
    force, deliverable = data.force, data.silent
    other = Force.objects.exclude(pk=force.pk).order_by("slug").first()
    samples = [
        {
            "forces": force.slug,
            "deliverables": deliverable.pk,
            "workstreams": deliverable.workstream.slug,
            "region": force.region,
            "compared": f"{force.slug},{other.slug}",
        },
        _alert_links(force),
    ]
    pages = read_public_pages(Client(), samples)
    assert {page.name for page in pages} == {route.name for route in public_routes()}
    assert [f"{page.url}: {page.status}" for page in pages if page.status != 200] == []
    return "\n".join(page.text for page in pages)


def test_a_draft_with_a_marker_is_on_no_public_page_before_or_after_publication(
    client, reference, force_a, alice
):
    data = force_data(force_a)
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
    assert MARKER in public_text(data)  # the walk reads the pages that show it once published
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
