from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.fields import QuarterField
from plans.quarters import Quarter


class ReturnState(models.TextChoices):
    """Where a force's quarterly return stands."""

    COMPLETE = "complete", "Complete"
    IN_PROGRESS = "in_progress", "In progress"
    NOT_STARTED = "not_started", "Not started"


class ForceQuerySet(models.QuerySet["Force"]):
    def with_published_plan(self) -> ForceQuerySet:
        """Annotate ``has_published_plan``."""
        return self.annotate(
            has_published_plan=Exists(Plan.objects.published().filter(force=OuterRef("pk")))
        )


class Force(models.Model):
    """A territorial police force of England and Wales, or British Transport Police."""

    class Country(models.TextChoices):
        ENGLAND = "England", "England"
        WALES = "Wales", "Wales"
        GREAT_BRITAIN = "Great Britain", "Great Britain"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    region = models.CharField(max_length=60)
    country = models.CharField(max_length=20, choices=Country.choices)
    website = models.URLField(blank=True)
    # Kept by the force's coordinators; shown on the roadmap as "Questions about this plan?".
    contact_email = models.EmailField(
        "public contact e-mail",
        blank=True,
        help_text="A team mailbox the public can write to about the plan, not a person's.",
    )
    contact_phone = models.CharField("public contact telephone", max_length=40, blank=True)
    contact_page = models.URLField("contact page", blank=True, max_length=300)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ForceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:force_roadmap", args=[self.slug])

    @property
    def content_forces(self) -> tuple[int, ...]:
        """The forces whose public pages show the force's own details (``plans.cache``)."""
        return (self.pk,)


class PlanQuerySet(models.QuerySet["Plan"]):
    def published(self) -> PlanQuerySet:
        """Plans the public may see."""
        return self.filter(is_published=True)

    def for_force(self, force: Force) -> PlanQuerySet:
        return self.filter(force=force)

    def current(self) -> PlanQuerySet:
        """Newest period first, so ``.first()`` is a force's current plan."""
        return self.order_by("-first_quarter", "-pk")

    def newest_per_force(self) -> PlanQuerySet:
        """Of these plans, only each force's newest (the one ``current().first()`` picks for
        that force), in one query: ``Plan.objects.published().newest_per_force()`` are the
        plans the public roadmaps show.
        """
        newest = (
            self.filter(force=OuterRef("force")).order_by("-first_quarter", "-pk").values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))


class Plan(models.Model):
    """A force's local action plan for a period of quarters."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=5000)
    first_quarter = QuarterField(help_text="The first quarter the plan covers")
    last_quarter = QuarterField(help_text="The last quarter the plan covers")
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Only a published plan appears on public pages.",
    )
    is_demo = models.BooleanField(
        default=False, editable=False, help_text="Loaded as demonstration data."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["force__name", "-first_quarter"]
        constraints = [
            models.CheckConstraint(
                name="plan_period_ends_after_it_starts",
                condition=Q(last_quarter__gte=F("first_quarter")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force}: {self.title}"

    @property
    def content_forces(self) -> tuple[int, ...]:
        """The forces whose public pages show the plan (``plans.cache``)."""
        return (self.force_id,)

    @property
    def quarters(self) -> list[Quarter]:
        return Quarter.range(self.first_quarter, self.last_quarter)

    @property
    def period_label(self) -> str:
        return f"{self.first_quarter} to {self.last_quarter}"

    def covers(self, day: dt.date) -> bool:
        return self.first_quarter.first_day <= day <= self.last_quarter.last_day


class ReminderLogQuerySet(models.QuerySet["ReminderLog"]):
    def for_quarter(self, quarter) -> ReminderLogQuerySet:
        """The reminders about ``quarter``, newest first, with the force and the sender."""
        return (
            self.filter(quarter=quarter)
            .select_related("force", "sent_by")
            .order_by("-sent_at", "force__name", "email")
        )


class ReminderLog(models.Model):
    """A return reminder to one coordinator about one quarter: who asked for it and when
    (``sent_by``, blank for the scheduled ``send_return_reminders``), why it was sent again
    (``reason``), the e-mail itself, and when the task worker handed it to the mail server
    (``emailed_at``; blank while it waits, with ``email_error`` if sending failed).

    ``send_return_reminders`` reads it so that running the command again on the same day
    sends nothing twice; the reminders page (``/staff/reminders/``) so that a force is not
    reminded twice about a quarter by accident.
    """

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    quarter = QuarterField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField("sent to")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who sent it from the reminders page; blank: the scheduled command.",
    )
    reason = models.TextField(
        max_length=500, blank=True, help_text="Why the force was reminded again."
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the task worker handed it to the mail server."
    )
    email_error = models.CharField(max_length=500, blank=True)
    missing_count = models.PositiveIntegerField(help_text="Deliverables with no update.")
    draft_count = models.PositiveIntegerField(help_text="Updates still in draft.")

    objects = ReminderLogQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # The scheduled command's rule (two runs on one day send once); a person may send
            # again, with a reason, from the reminders page.
            models.UniqueConstraint(
                name="one_reminder_per_address_per_quarter_per_day",
                fields=["force", "quarter", "email", "sent_on"],
                condition=Q(sent_by__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} reminder to {self.email} on {self.sent_on}"


class ContentVersion(models.Model):
    """The version of what the public sees: one row for each force (its roadmap, deliverable
    pages and feed) and one row without a force for the national pages (home, directory,
    workstreams, practice, national comparison, open data).

    ``plans.cache.content_changed`` gives the rows a new version inside the transaction of
    every write that can change a public page, and public pages are cached under the version
    they were read at (``plans.cache``). Because the versions live in the database, a
    rolled-back write changes nothing, and a committed one is seen by every server process on
    its very next request.

    A version is a random number rather than a count, so that a restored or rebuilt
    database never comes back to a version that a shared cache still holds pages under.
    """

    force = models.OneToOneField(
        Force, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # One national row (no force) as well as one row per force.
            models.UniqueConstraint(Coalesce("force", Value(0)), name="one_content_version_each"),
        ]

    def __str__(self) -> str:
        return f"{self.force or 'National'}: content version {self.version}"
