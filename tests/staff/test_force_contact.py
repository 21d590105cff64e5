"""Each force's website comes with the reference data; its coordinators keep its public contact
details, which the roadmap shows under "Questions about this plan?"."""

import io

import pytest
from django.core.management import call_command

from plans.models import Force
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
CONTACT = "/staff/forces/{}/contact/"


def test_every_force_has_its_public_website_from_the_reference_data(reference):
    websites = dict(Force.objects.values_list("slug", "website"))
    assert len(websites) == 44
    assert all(url.startswith("https://") and ".police.uk" in url for url in websites.values())
    assert websites["dorset"] == "https://www.dorset.police.uk/"
    out = io.StringIO()
    call_command("load_reference", stdout=out)  # idempotent: nothing changes the second time
    assert "forces: 0 created, 0 updated" in out.getvalue()


def test_a_coordinator_keeps_the_contact_details_and_the_roadmap_shows_them(client, alice, force_a):
    PlanFactory(force=force_a)
    client.force_login(alice)
    page = client.get(CONTACT.format(force_a.slug))
    assert page.status_code == 200
    assert "Give a team's details, not a person's" in page.content.decode()

    saved = client.post(
        CONTACT.format(force_a.slug),
        {
            "contact_email": "race.action@force-a.example",
            "contact_phone": "01234 567 890",
            "contact_page": "www.force-a.example/race-action-plan",
            "version": 1,
        },
    )

    assert saved["Location"] == f"/staff/forces/{force_a.slug}/"
    force_a.refresh_from_db()
    assert force_a.contact_page == "https://www.force-a.example/race-action-plan"
    record = force_a.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        alice,
        "Public contact details changed",
    )
    roadmap = client.get(force_a.get_absolute_url()).content.decode()
    assert "Questions about this plan?" in roadmap
    assert 'href="mailto:race.action@force-a.example"' in roadmap
    assert "01234 567 890" in roadmap


def test_bad_contact_details_are_explained_and_nothing_is_saved(client, alice, force_a):
    client.force_login(alice)
    response = client.post(
        CONTACT.format(force_a.slug),
        {"contact_email": "not an address", "contact_phone": "call me", "version": 1},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an e-mail address like name@force.police.uk" in html
    assert "Enter a telephone number using digits, spaces and + ( ) - only" in html
    force_a.refresh_from_db()
    assert (force_a.contact_email, force_a.contact_phone, force_a.version) == ("", "", 1)


def test_two_coordinators_saving_at_once_cannot_overwrite_each_other(client, alice, force_a):
    client.force_login(alice)
    first = {"contact_email": "first@force-a.example", "version": 1}
    assert client.post(CONTACT.format(force_a.slug), first).status_code == 302
    second = client.post(
        CONTACT.format(force_a.slug), {"contact_email": "second@force-a.example", "version": 1}
    )
    assert "saved a newer version while you were editing" in second.content.decode()
    assert "second@force-a.example" in second.content.decode()  # their text is kept
    force_a.refresh_from_db()
    assert force_a.contact_email == "first@force-a.example"


def test_only_the_forces_own_coordinators_change_its_contact_details(
    client, alice, bob, nadia, force_a
):
    url = CONTACT.format(force_a.slug)
    assert client.get(url)["Location"].startswith("/accounts/sign-in/")
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url, {"contact_email": "x@y.example", "version": 1}).status_code == 404
    client.force_login(nadia)
    assert client.post(url, {"contact_email": "x@y.example", "version": 1}).status_code == 403
    force_a.refresh_from_db()
    assert force_a.contact_email == ""


def test_without_contact_details_the_roadmap_points_to_the_website(client, force_a):
    force_a.website = "https://www.force-a.example/"
    force_a.save()
    PlanFactory(force=force_a)
    html = client.get(force_a.get_absolute_url()).content.decode()
    assert "has not given contact details for its plan here yet" in html
    assert 'href="https://www.force-a.example/" rel="external">its website' in html
