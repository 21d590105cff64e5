"""Following a force by e-mail: the sign-up, the double opt-in, its expiry, the throttle,
and forgetting sign-ups nobody confirmed."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from alerts.models import Subscription
from tests.alerts.conftest import MOMENT
from tests.clock import on

SIGN_UP = "/forces/force-a/alerts/"


def sign_up(client, email="dana@example.org", address="10.0.0.1"):
    return client.post(SIGN_UP, {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    """The confirmation link's path (links are absolute, from SITE_URL)."""
    [link] = re.findall(r"https?://\S+/alerts/confirm/\S+/", message.body)
    assert link.startswith(settings.SITE_URL + "/")
    return link.removeprefix(settings.SITE_URL)


def test_the_roadmap_and_a_deliverable_page_link_to_the_sign_up(client, deliverable):
    roadmap = client.get("/forces/force-a/").content.decode()
    page = client.get(deliverable.get_absolute_url()).content.decode()

    assert f'href="{SIGN_UP}">Get e-mail updates</a>' in roadmap
    assert f'href="{SIGN_UP}">Get e-mail updates' in page
    form = client.get(SIGN_UP).content.decode()
    assert '<label class="govuk-label" for="id_email">' in form
    assert 'href="/privacy/"' in form


def test_signing_up_sends_a_link_that_confirms_after_a_button(client, force_a, mailoutbox):
    with on(MOMENT, tick=False):
        response = sign_up(client)

        assert "Check your e-mail" in response.content.decode()
        [message] = mailoutbox
        assert message.to == ["dana@example.org"]
        assert message.subject == "Confirm e-mail updates about Force A Police"
        subscription = Subscription.objects.get()
        assert subscription.email == "dana@example.org" and not subscription.is_confirmed
        link = link_in(message)
        page = client.get(link)  # following the link (a mail scanner would) confirms nothing
        assert "Confirm e-mail updates" in page.content.decode()
        assert not Subscription.objects.get().is_confirmed
        done = client.post(link)

    assert "E-mail updates confirmed" in done.content.decode()
    assert Subscription.objects.get().confirmed_at == MOMENT


def test_the_answer_is_the_same_whether_or_not_the_address_follows_the_force(
    client, force_a, follower, mailoutbox
):
    with on(MOMENT, tick=False):
        known = sign_up(client, "DANA@example.org ")
        unknown = sign_up(client, "erin@example.org")

    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert [m.to for m in mailoutbox] == [["erin@example.org"]]  # none to who already follows
    assert Subscription.objects.filter(email="dana@example.org").get().is_confirmed


@pytest.mark.parametrize(("later", "works"), [(dt.timedelta(days=3, seconds=-1), True),
                                              (dt.timedelta(days=3), False)])  # fmt: skip
def test_the_confirmation_link_expires_after_three_days(client, force_a, mailoutbox, later, works):
    with on(MOMENT, tick=False):
        sign_up(client)
    with on(MOMENT + later, tick=False):
        link = link_in(mailoutbox[0])
        page = client.post(link).content.decode()

    assert Subscription.objects.get().is_confirmed is works
    assert ("This link has expired" in page) is not works
    if not works:
        assert f'href="{SIGN_UP}">Sign up again</a>' in page


def test_signing_up_again_sends_a_fresh_link(client, force_a, mailoutbox):
    with on(MOMENT, tick=False):
        sign_up(client)
    with on(MOMENT + dt.timedelta(days=4), tick=False):
        sign_up(client)
        page = client.post(link_in(mailoutbox[1])).content.decode()

    assert "E-mail updates confirmed" in page
    assert Subscription.objects.count() == 1


def test_an_address_gets_three_links_an_hour_and_the_same_answer_after(client, force_a, mailoutbox):
    with on(MOMENT, tick=False):
        answers = [sign_up(client, address=f"10.0.0.{n}") for n in range(5)]

    assert len(mailoutbox) == 3
    assert len({(a.status_code, a.content) for a in answers}) == 1


def test_a_network_that_signs_up_too_often_is_told_to_wait(client, force_a, settings, mailoutbox):
    settings.ALERTS_SIGN_UP_ADDRESS_LIMIT = 2
    with on(MOMENT, tick=False):
        sign_up(client, "a@example.org")
        sign_up(client, "b@example.org")
        refused = sign_up(client, "c@example.org")
        elsewhere = sign_up(client, "d@example.org", address="10.9.9.9")
    with on(MOMENT + dt.timedelta(hours=1), tick=False):
        later = sign_up(client, "e@example.org")

    page = refused.content.decode()
    assert "There have been too many sign-ups from your network. Wait 60 minutes" in page
    assert "<title>Error: " in page
    assert "Check your e-mail" in elsewhere.content.decode()
    assert "Check your e-mail" in later.content.decode()
    assert sorted(m.to[0][0] for m in mailoutbox) == ["a", "b", "d", "e"]


def test_a_wrong_address_gets_a_clear_error(client, force_a, mailoutbox):
    page = client.post(SIGN_UP, {"email": "dana at example"}).content.decode()

    assert "Enter an e-mail address in the right format" in page
    assert 'class="govuk-error-summary"' in page
    assert mailoutbox == [] and not Subscription.objects.exists()


def test_an_unknown_force_has_no_sign_up(client, db):
    assert client.get("/forces/nowhere/alerts/").status_code == 404


def test_sign_ups_nobody_confirmed_are_deleted_after_a_week(force_a, follower):
    week = dt.timedelta(days=7)
    Subscription.objects.create(
        email="old@example.org", force=force_a, created_at=MOMENT - week - dt.timedelta(seconds=1)
    )
    Subscription.objects.create(email="new@example.org", force=force_a,
                                created_at=MOMENT - week + dt.timedelta(minutes=1))  # fmt: skip

    with on(MOMENT, tick=False):
        call_command("delete_unconfirmed_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "dana@example.org",  # confirmed: kept however old
        "new@example.org",
    ]


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, db):
    page = client.get("/privacy/").content.decode()

    assert "your e-mail address" in page and "the force you follow" in page
    assert "stops working after 3 days" in page
    assert "delete your address after 7 days" in page
    assert "until you stop the updates" in page
