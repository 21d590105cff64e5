"""E-mail alerts: people without an account follow a force and get a daily digest of what it
published. A subscription holds the address and the force followed, nothing else."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def confirmed(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, moment: dt.datetime) -> SubscriptionQuerySet:
        """Sign-ups never confirmed and made before ``moment``: those to delete."""
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class Subscription(models.Model):
    """One e-mail address following one force. Unconfirmed until its owner follows the link
    in the confirmation e-mail; deleted, not kept, when they unsubscribe."""

    email = models.EmailField(max_length=254)
    force = models.ForeignKey("plans.Force", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "force"], name="alerts_one_subscription_per_address_and_force"
            )
        ]

    def __str__(self) -> str:
        return f"Subscription {self.pk} to {self.force_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class EventKind(models.TextChoices):
    RETURN_PUBLISHED = "return_published", "Quarterly update published"
    DELIVERABLE_REPLANNED = "deliverable_replanned", "Deliverable re-planned"
    PANEL_VIEW_PUBLISHED = "panel_view_published", "Scrutiny panel view published"


class Event(models.Model):
    """Something a force published that its followers hear about: a public summary and the
    public page it is on. Recorded only by :func:`alerts.record_event`, in the transaction
    that publishes it."""

    Kind = EventKind

    force = models.ForeignKey("plans.Force", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    summary = models.CharField(max_length=1000)
    path = models.CharField(max_length=500, help_text="The public page, from the site's root.")
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["force", "occurred_at"], name="alerts_event_force_time")]
        constraints = [
            models.CheckConstraint(
                name="alerts_event_kind_is_known", condition=Q(kind__in=EventKind.values)
            ),
            models.CheckConstraint(
                name="alerts_event_path_from_root", condition=Q(path__startswith="/")
            ),
        ]

    def __str__(self) -> str:
        return self.summary


class Delivery(models.Model):
    """A digest to one subscription on one day, and the events it carried. Recorded (and
    committed) before the message is sent: at most one a day, and never sent twice."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    day = models.DateField()
    events = models.ManyToManyField(Event, related_name="deliveries")
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "day"], name="alerts_one_digest_per_subscription_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Digest {self.day} for subscription {self.subscription_id}"


class SignUpAttempt(models.Model):
    """Sign-ups counted per minute for the throttle (``alerts.throttle``), per e-mail address
    and per client address. Holds digests, never the address itself."""

    scope = models.CharField(max_length=20)
    digest = models.CharField(max_length=32)
    minute = models.BigIntegerField(help_text="Minutes since the Unix epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "digest", "minute"], name="alerts_attempt_one_row_per_minute"
            )
        ]
        indexes = [models.Index(fields=["minute"], name="alerts_attempt_minute")]

    def __str__(self) -> str:
        return f"{self.count} sign-ups ({self.scope}, minute {self.minute})"
