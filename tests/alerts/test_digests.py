"""The daily digest: what a force published, at most one message a day, every link working,
one-click unsubscribe (RFC 8058), sent by the worker and never twice."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from alerts import record_event
from alerts.digests import _claim, deliver_digest
from alerts.models import Delivery, Subscription
from tests.alerts.conftest import MOMENT
from tests.clock import on
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory
from tests.tasks import queued_tasks, run_the_worker, use_the_database_queue

SITE = "https://prap.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def publish(force, deliverable, summary, when=MOMENT):
    with transaction.atomic():
        record_event(force, "return_published", summary, deliverable.get_absolute_url(), when)


def links(message) -> list[str]:
    """Every address in the message: the body's and the List-Unsubscribe header's."""
    found = re.findall(r"https?://\S+", message.body)
    found += re.findall(r"<(https?://[^>]+)>", message.extra_headers.get("List-Unsubscribe", ""))
    return found


def test_a_follower_gets_the_forces_events_with_links_and_one_click_unsubscribe(
    force_a, deliverable, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(force_a, deliverable, "Q2 2024/25 update on \u201cReform\u201d: At risk.")

    [message] = mailoutbox
    assert message.to == ["dana@example.org"]
    assert message.subject == "Force A Police: 1 new item on PRAP Tracker"
    assert (
        "- 21 November 2026, quarterly update published: "
        "Q2 2024/25 update on \u201cReform\u201d: At risk.\n"
        f"  {SITE}{deliverable.get_absolute_url()}\n"
    ) in message.body
    assert f"{SITE}{deliverable.get_absolute_url()}" in message.body
    unsubscribe = f"{SITE}/alerts/unsubscribe/{follower.token}/"
    assert f"Stop them with one click: {unsubscribe}" in message.body
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert Delivery.objects.get().sent_at is not None


def test_every_link_in_every_message_opens_a_page(
    client, force_a, deliverable, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with on(MOMENT, tick=False):
        client.post("/forces/force-a/alerts/", {"email": "erin@example.org"})
        Subscription.objects.filter(email="erin@example.org").update(confirmed_at=MOMENT)
        with django_capture_on_commit_callbacks(execute=True):
            publish(force_a, deliverable, "Published.", when=MOMENT + dt.timedelta(minutes=1))

    assert len(mailoutbox) == 3  # erin's confirmation, then dana's and erin's digests
    for message in mailoutbox:
        for link in links(message):
            assert link.startswith(SITE + "/"), link
            with on(MOMENT, tick=False):
                response = client.get(link.removeprefix(SITE))
            assert response.status_code == 200, link


def test_unsubscribing_needs_only_the_header_no_cookie_or_csrf_token(
    force_a, deliverable, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(force_a, deliverable, "Published.")
    [address] = re.findall(r"<([^>]+)>", mailoutbox[0].extra_headers["List-Unsubscribe"])
    mail_program = Client(enforce_csrf_checks=True)  # no cookie, no token: a mail program

    response = mail_program.post(
        address.removeprefix(SITE),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()  # nothing kept about the address
    again = mail_program.post(address.removeprefix(SITE), "List-Unsubscribe=One-Click",
                              content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert again.status_code == 200


def test_the_unsubscribe_link_shows_a_button_before_it_stops_anything(client, follower):
    page = client.get(f"/alerts/unsubscribe/{follower.token}/").content.decode()

    assert "Stop e-mail updates" in page and "Force A Police" in page
    assert Subscription.objects.exists()
    assert (
        "E-mail updates stopped"
        in client.post(f"/alerts/unsubscribe/{follower.token}/").content.decode()
    )
    assert not Subscription.objects.exists()


def test_at_most_one_message_a_day_and_the_rest_the_next_day(
    force_a, deliverable, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with on(MOMENT, tick=False), django_capture_on_commit_callbacks(execute=True):
        publish(force_a, deliverable, "First.")  # sent at once: the first of the day
    publish(force_a, deliverable, "Second.", when=MOMENT + dt.timedelta(hours=1))
    publish(force_a, deliverable, "Third.", when=MOMENT + dt.timedelta(hours=2))

    assert deliver_digest(follower.pk, MOMENT + dt.timedelta(hours=3)) is False  # same day
    assert deliver_digest(follower.pk, MOMENT + dt.timedelta(days=1)) is True
    assert deliver_digest(follower.pk, MOMENT + dt.timedelta(days=2)) is False  # nothing new

    first, second = mailoutbox
    assert "First." in first.body and "Second." not in first.body
    assert "Second." in second.body and "Third." in second.body and "First." not in second.body
    assert second.subject == "Force A Police: 2 new items on PRAP Tracker"


def test_only_confirmed_followers_of_that_force_get_its_events(
    force_a, deliverable, follower, mailoutbox, django_capture_on_commit_callbacks
):
    force_b = ForceFactory(slug="force-b")
    Subscription.objects.create(email="unconfirmed@example.org", force=force_a, created_at=MOMENT)
    Subscription.objects.create(
        email="other@example.org", force=force_b, created_at=MOMENT, confirmed_at=MOMENT
    )
    other = DeliverableFactory(plan=PlanFactory(force=force_b))

    with django_capture_on_commit_callbacks(execute=True):
        publish(force_a, deliverable, "A's news.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(force_b, other, "B's news.")

    assert sorted((m.to[0], "A's" in m.body) for m in mailoutbox) == [
        ("dana@example.org", True),
        ("other@example.org", False),
    ]


def test_events_from_before_confirming_are_not_sent(force_a, deliverable, follower, mailoutbox):
    publish(force_a, deliverable, "Old news.", when=follower.confirmed_at - dt.timedelta(seconds=1))

    assert deliver_digest(follower.pk, MOMENT) is False
    assert mailoutbox == []


def test_a_message_the_mail_server_refused_is_tried_again(
    force_a, deliverable, follower, mailoutbox, settings
):
    publish(force_a, deliverable, "News.")
    settings.EMAIL_BACKEND = "tests.alerts.test_digests.RefusingBackend"

    with pytest.raises(ConnectionRefusedError):
        deliver_digest(follower.pk, MOMENT)
    assert not Delivery.objects.exists()  # the claim was given up

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_digest(follower.pk, MOMENT) is True
    assert len(mailoutbox) == 1


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_digest_once_however_often_it_runs(settings, mailoutbox):
    use_the_database_queue(settings)
    settings.SITE_URL = SITE
    force = ForceFactory(slug="force-a", name="Force A Police")
    deliverable = DeliverableFactory(plan=PlanFactory(force=force))
    Subscription.objects.create(
        email="dana@example.org", force=force, created_at=MOMENT, confirmed_at=MOMENT
    )

    with on(MOMENT):
        with transaction.atomic():  # as a request publishing two updates
            record_event(force, "return_published", "One.", deliverable.get_absolute_url(), MOMENT)
            record_event(force, "return_published", "Two.", deliverable.get_absolute_url(), MOMENT)
        call_command("send_alert_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115

        assert mailoutbox == []  # nothing is sent but by the worker
        assert queued_tasks() == ["alerts.tasks.send_digests"] * 3
        run_the_worker()
        run_the_worker()  # restarted: nothing left, nothing twice
        call_command("send_alert_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
        run_the_worker()

    [message] = mailoutbox
    assert "One." in message.body and "Two." in message.body
    assert Delivery.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_while_sending_does_not_send_again(settings, mailoutbox):
    """The claim is committed before the message goes: a worker killed after claiming (and
    perhaps after the mail server took the message) leaves a claim that later runs respect."""
    use_the_database_queue(settings)
    force = ForceFactory(slug="force-a")
    deliverable = DeliverableFactory(plan=PlanFactory(force=force))
    subscription = Subscription.objects.create(
        email="dana@example.org", force=force, created_at=MOMENT, confirmed_at=MOMENT
    )

    with on(MOMENT):
        with transaction.atomic():
            record_event(force, "return_published", "One.", deliverable.get_absolute_url(), MOMENT)
        _claim(subscription.pk, MOMENT)  # ... and the worker stopped there
        run_the_worker()

    assert mailoutbox == []
    assert Delivery.objects.get().sent_at is None
