"""The daily digest: at most one message a day to each confirmed subscription, listing the
events of its force since its last message, each with an absolute link.

Delivery is claimed before sending: a ``Delivery`` row (unique per subscription and day) with
the events it carries is committed first, then the message is sent and ``sent_at`` set. A
second run on the same day, a task queued twice, or a worker restarted in the middle, finds
the claim and sends nothing; the claim is only given up when sending raised (the mail server
refused), so that a later run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from alerts.models import Delivery, Event, Subscription
from alerts.subscriptions import absolute, unsubscribe_url
from prap.mail import send_message

logger = logging.getLogger("prap.alerts")


def pending_events(subscription: Subscription):
    """The force's events since the subscription was confirmed that no digest of it carried."""
    return (
        Event.objects.filter(
            force_id=subscription.force_id, occurred_at__gte=subscription.confirmed_at
        )
        .exclude(deliveries__subscription=subscription)
        .order_by("occurred_at", "pk")
    )


def unsubscribe_headers(subscription: Subscription) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs offer a one-click unsubscribe, which POSTs
    ``List-Unsubscribe=One-Click`` to the address."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def compose(subscription: Subscription, events: list[Event]) -> tuple[str, str]:
    """The digest's subject and plain-text body."""
    force = subscription.force
    count = len(events)
    subject = f"{force.name}: {count} new item{'s' if count != 1 else ''} on PRAP Tracker"
    context = {
        "force": force,
        "items": [(event, absolute(event.path)) for event in events],
        "roadmap_url": absolute(force.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url(subscription),
    }
    return subject, render_to_string("alerts/email/digest.txt", context)


def _claim(subscription_id: int, now: dt.datetime) -> Delivery | None:
    """Record today's digest for the subscription with its pending events and commit it, or
    None when there is nothing to send or it already had today's."""
    day = timezone.localdate(now)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().confirmed().filter(pk=subscription_id).first()
        )
        if subscription is None:
            return None
        events = list(pending_events(subscription))
        if not events or subscription.deliveries.filter(day=day).exists():
            return None
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    subscription=subscription, day=day, claimed_at=now
                )
        except IntegrityError:
            return None
        delivery.events.set(events)
    return delivery


def deliver_digest(subscription_id: int, now: dt.datetime) -> bool:
    """Send the subscription its digest for ``now``'s day if it has one due. True if sent."""
    delivery = _claim(subscription_id, now)
    if delivery is None:
        return False
    subscription = delivery.subscription
    subject, body = compose(subscription, list(delivery.events.order_by("occurred_at", "pk")))
    try:
        send_message([subscription.email], subject, body, unsubscribe_headers(subscription))
    except Exception:
        delivery.delete()  # not sent: a later run tries again
        raise
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    return True


def send_due_digests(now: dt.datetime, force_id: int | None = None) -> int:
    """Send every digest due (of one force's followers, or everyone's); how many were sent.
    A failure for one subscription is logged and does not stop the others."""
    subscriptions = Subscription.objects.confirmed()
    if force_id is not None:
        subscriptions = subscriptions.filter(force_id=force_id)
    sent = 0
    for subscription_id in subscriptions.order_by("pk").values_list("pk", flat=True):
        try:
            sent += deliver_digest(subscription_id, now)
        except Exception:
            logger.exception(
                "alert digest not sent",
                extra={"event": "alert_digest_failed", "subscription_id": subscription_id},
            )
    return sent
