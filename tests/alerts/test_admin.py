"""An administrator answers a request about an e-mail address: finds its subscriptions,
reads them and deletes them. Nobody adds or edits a subscription there."""

import pytest

from alerts.models import Delivery, Subscription
from tests.alerts.conftest import MOMENT
from tests.mfa import VerifiedClient

pytestmark = pytest.mark.django_db

ADMIN = "/admin/alerts/subscription/"


@pytest.fixture
def sam_client(sam):
    client = VerifiedClient()
    client.force_login(sam)
    return client


@pytest.fixture
def two_forces(follower, force_b):
    """Dana follows force A (confirmed) and force B (not yet); Eve follows force B."""
    Subscription.objects.create(email="Dana@example.org", force=force_b, created_at=MOMENT)
    Subscription.objects.create(email="eve@example.org", force=force_b, created_at=MOMENT)
    Delivery.objects.create(subscription=follower, day=MOMENT.date(), claimed_at=MOMENT)
    return follower


def test_an_administrator_finds_every_subscription_of_an_address(sam_client, two_forces):
    page = sam_client.get(ADMIN, {"q": "dana@example.org"}).content.decode()

    assert "2 results" in page
    assert "Force A Police" in page and "Force B Constabulary" in page
    assert "eve@example.org" not in page


def test_a_subscription_is_read_only_and_none_is_added_here(sam_client, two_forces):
    page = sam_client.get(f"{ADMIN}{two_forces.pk}/change/").content.decode()

    assert "dana@example.org" in page
    assert 'name="email"' not in page  # shown, not editable
    assert sam_client.get(f"{ADMIN}add/").status_code == 403
    sam_client.post(f"{ADMIN}{two_forces.pk}/change/", {"email": "x@example.org"})
    two_forces.refresh_from_db()
    assert two_forces.email == "dana@example.org"


def test_deleting_an_addresses_subscriptions_deletes_their_deliveries(sam_client, two_forces):
    ids = list(
        Subscription.objects.filter(email__iexact="dana@example.org").values_list("pk", flat=True)
    )

    sam_client.post(
        ADMIN,
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert list(Subscription.objects.values_list("email", flat=True)) == ["eve@example.org"]
    assert not Delivery.objects.exists()


def test_the_national_team_does_not_reach_it(nadia, two_forces):
    client = VerifiedClient()
    client.force_login(nadia)

    response = client.get(ADMIN, follow=True)

    assert response.status_code == 403
    assert "dana@example.org" not in response.content.decode()
