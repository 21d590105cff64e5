"""Password-reset requests are limited per address typed (silently: the page is the same)
and per client address (with a message), and counted in the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
ADDRESS = "203.0.113.7"


def at(minutes: float):
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def ask(email: str, *, address: str = ADDRESS):
    return Client(REMOTE_ADDR=address).post("/accounts/password/reset/", {"email": email})


def test_one_address_gets_at_most_three_links_an_hour_and_the_page_never_says_so(log_lines):
    user = UserFactory(email="alice@force-a.example")
    with at(0):
        answers = [ask(user.email, address=f"198.51.100.{n}") for n in range(5)]
    assert [a.status_code for a in answers] == [302] * 5
    assert {a["Location"] for a in answers} == {"/accounts/password/reset/sent/"}
    assert len(mail.outbox) == 3
    assert len(log_lines(event="password_reset_limited")) == 2
    with at(61):
        ask(user.email)
    assert len(mail.outbox) == 4


def test_an_address_without_an_account_gets_the_same_answer():
    with at(0):
        answers = [ask("nobody@example.org") for _ in range(4)]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password/reset/sent/")
    }
    assert mail.outbox == []


def test_one_client_address_may_ask_twenty_times_an_hour_then_is_told_to_wait(settings):
    with at(0):
        for n in range(20):
            assert ask(f"person{n}@example.org").status_code == 302
        refused = ask("person21@example.org")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "too many requests for reset links from your network" in page
    assert "Wait 60 minutes, then try again" in page
    with at(30):
        assert "Wait 30 minutes" in ask("person22@example.org").content.decode()
    with at(61):
        assert ask("person23@example.org").status_code == 302
    # Another network is not affected.
    with at(0):
        assert ask("person24@example.org", address="192.0.2.1").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_request_queues_the_same_work_for_any_address_and_only_the_worker_sends(
    settings, mailoutbox
):
    """Known or unknown, the request only queues a task with the address typed: it answers
    in the same time either way. The worker finds the account and sends the link."""
    from tests.tasks import queued_tasks, run_the_worker, use_the_database_queue

    use_the_database_queue(settings)
    user = UserFactory(email="alice@force-a.example")
    with at(0):
        known = ask(user.email)
        unknown = ask("nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert mailoutbox == []
    assert queued_tasks() == ["accounts.tasks.send_password_reset"] * 2
    run_the_worker()
    [message] = mailoutbox
    assert message.to == [user.email]
    assert "/accounts/password/set/" in message.body
    assert "http://testserver/accounts/password/set/" in message.body
