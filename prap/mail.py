"""E-mail, sent by the task worker and never during a request (README, "Background tasks").

Queue an e-mail from anywhere (a view, a command, a domain function) with::

    from prap.mail import send_email

    send_email.enqueue(to=["dana.smith@dorset.police.uk"], subject="...", body="...")

``enqueue`` stores the task in the site's database, in the caller's transaction (a rolled-back
request queues nothing), and returns at once; ``manage.py db_worker`` sends it. Arguments must
be JSON: addresses and text, or ids of rows for the task to read, never model instances.
A feature that must record what was sent (as return reminders do, ``actions.reminders``)
defines its own task the same way, with ``@task()``, in its domain app, and sends from it with
:func:`send_message` (which takes extra headers, such as ``List-Unsubscribe``).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django_tasks import task


def send_message(
    to: list[str], subject: str, body: str, headers: dict[str, str] | None = None
) -> int:
    """Send one plain-text e-mail from ``DEFAULT_FROM_EMAIL`` through Django's e-mail backend
    (``EMAIL_URL``), with extra ``headers`` if given, now. Only for code already running on
    the worker (a task); anything else queues :func:`send_email`. Returns the number sent (1).
    """
    message = EmailMessage(" ".join(subject.split()), body, to=list(to), headers=headers or None)
    return message.send()


@task()
def send_email(
    to: list[str], subject: str, body: str, headers: dict[str, str] | None = None
) -> int:
    """:func:`send_message`, on the task worker; returns the number of messages sent (1)."""
    return send_message(to, subject, body, headers)
