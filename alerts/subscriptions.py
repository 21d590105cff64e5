"""Signing up, confirming (double opt-in), unsubscribing and forgetting unconfirmed sign-ups.
Every function that needs "now" takes it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from alerts.models import Subscription
from prap.mail import send_message


def normalise(email: str) -> str:
    return email.strip().lower()


def absolute(path: str) -> str:
    """A link for an e-mail: ``SITE_URL`` and the path."""
    return settings.SITE_URL + path


def confirm_url(subscription: Subscription) -> str:
    return absolute(reverse("alerts:confirm", args=[subscription.token]))


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[subscription.token]))


def confirmation_expires_at(subscription: Subscription) -> dt.datetime:
    return subscription.created_at + dt.timedelta(seconds=settings.ALERTS_CONFIRM_SECONDS)


def link_has_expired(subscription: Subscription, now: dt.datetime) -> bool:
    """The confirmation link of an unconfirmed sign-up works for ``ALERTS_CONFIRM_SECONDS``."""
    return not subscription.is_confirmed and now >= confirmation_expires_at(subscription)


def sign_up(email: str, force_id: int, now: dt.datetime) -> Subscription | None:
    """On the worker: record the sign-up of ``email`` to the force and e-mail it the link to
    confirm. An address that already follows the force gets nothing (the page said the same
    to whoever typed it); one that signed up before without confirming gets a fresh link.
    Returns the subscription e-mailed, or None."""
    email = normalise(email)
    try:
        with transaction.atomic():
            subscription, created = Subscription.objects.select_for_update().get_or_create(
                email=email, force_id=force_id, defaults={"created_at": now}
            )
    except IntegrityError:  # signed up twice at once: the other one sends the link
        return None
    if subscription.is_confirmed:
        return None
    if not created:
        subscription.created_at = now
        subscription.save(update_fields=["created_at"])
    context = {
        "force": subscription.force,
        "confirm_url": confirm_url(subscription),
        "days": settings.ALERTS_CONFIRM_SECONDS // 86400,
        "hours": settings.ALERTS_CONFIRM_SECONDS // 3600,
        "privacy_url": absolute(reverse("plans:privacy")),
        "roadmap_url": absolute(subscription.force.get_absolute_url()),
    }
    send_message(
        [subscription.email],
        f"Confirm e-mail updates about {subscription.force.name}",
        render_to_string("alerts/email/confirm.txt", context),
    )
    return subscription


def confirm(subscription: Subscription, now: dt.datetime) -> bool:
    """Confirm the sign-up, unless its link has expired (False). Confirming again is
    harmless."""
    if subscription.is_confirmed:
        return True
    if link_has_expired(subscription, now):
        return False
    subscription.confirmed_at = now
    subscription.save(update_fields=["confirmed_at"])
    return True


def unsubscribe(token: str) -> bool:
    """Delete the subscription with ``token`` and everything recorded about it (its
    digests). False when there is none (already gone)."""
    deleted, _ = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


def forget_unconfirmed(now: dt.datetime) -> int:
    """Delete sign-ups not confirmed within ``ALERTS_UNCONFIRMED_DAYS``; how many."""
    cutoff = now - dt.timedelta(days=settings.ALERTS_UNCONFIRMED_DAYS)
    deleted = Subscription.objects.unconfirmed_since(cutoff).delete()
    return deleted[1].get(Subscription._meta.label, 0)
