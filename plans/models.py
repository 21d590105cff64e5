from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.fields import QuarterField
from plans.quarters import Quarter


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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:force_roadmap", args=[self.slug])


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
    def quarters(self) -> list[Quarter]:
        return Quarter.range(self.first_quarter, self.last_quarter)

    @property
    def period_label(self) -> str:
        return f"{self.first_quarter} to {self.last_quarter}"

    def covers(self, day: dt.date) -> bool:
        return self.first_quarter.first_day <= day <= self.last_quarter.last_day
