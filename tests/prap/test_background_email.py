"""E-mail goes through the task queue: queued in the caller's transaction, sent by the worker
(README, "Background tasks")."""

import pytest
from django.db import transaction

from prap.mail import send_email
from tests.tasks import queued_tasks, run_the_worker, use_the_database_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_email_is_queued_and_only_the_worker_sends_it(settings, mailoutbox):
    use_the_database_queue(settings)

    send_email.enqueue(
        to=["dana.smith@force-a.example"], subject="Your  return\nis due", body="Hello Dana."
    )

    assert mailoutbox == []
    assert queued_tasks() == ["prap.mail.send_email"]
    run_the_worker()
    [message] = mailoutbox
    assert message.to == ["dana.smith@force-a.example"]
    assert message.subject == "Your return is due"  # one line, whatever it was given
    assert message.body == "Hello Dana."
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert queued_tasks() == []


def test_a_rolled_back_transaction_queues_nothing(settings, mailoutbox):
    use_the_database_queue(settings)

    with pytest.raises(RuntimeError), transaction.atomic():
        send_email.enqueue(to=["dana.smith@force-a.example"], subject="Hi", body="Hello.")
        raise RuntimeError("the request failed")

    assert queued_tasks() == []
    run_the_worker()
    assert mailoutbox == []


def test_the_tests_run_queued_email_at_once(mailoutbox):
    send_email.enqueue(to=["dana.smith@force-a.example"], subject="Hi", body="Hello.")

    assert [message.subject for message in mailoutbox] == ["Hi"]
