"""The alerts' e-mail, sent by the task worker and never during a request (README,
"E-mail alerts")."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from alerts import digests, subscriptions


@task()
def send_confirmation(email: str, force_id: int) -> bool:
    """Record a sign-up and e-mail its confirmation link (nothing for an address that
    already follows the force). Queued by the sign-up page whatever the address, so the page
    does the same work for every address."""
    return subscriptions.sign_up(email, force_id, timezone.now()) is not None


@task()
def send_digests(force_id: int) -> int:
    """Send the digests due to the followers of one force: queued when an event of that
    force is committed. Those who had today's digest get the rest in tomorrow's."""
    return digests.send_due_digests(timezone.now(), force_id=force_id)
