"""The trend's figures, stored per force: what ``/national/trend/`` reads instead of working
out every deliverable's status at every quarter from every published update on each request.

Derived, never typed. ``StatusSpan`` holds each force's published updates grouped as
``QuarterlyUpdate.objects.status_spans()`` groups them (a status that holds from ``quarter``
until ``until``, for ``n`` deliverables), over the active deliverables of the force's public
roadmap; ``RoadmapSize`` holds how many active deliverables that roadmap has. Both are
rewritten, for the forces a write changed, in the transaction of every write that changes
public pages (``actions.models.refresh_trend_figures``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Sum
from django.db.models.functions import Coalesce

from actions.progress import STATUSES
from plans.fields import QuarterField


class StatusSpanQuerySet(models.QuerySet["StatusSpan"]):
    def for_force(self, force) -> StatusSpanQuerySet:
        return self.filter(force=force)

    def spans(self) -> list[dict]:
        """These spans added up across forces: ``quarter``, ``until``, ``status`` and ``n``,
        as ``QuarterlyUpdate.objects.status_spans()`` gives them (``actions.trend``). One
        grouped query; its rows grow with the number of quarters, not with the data."""
        rows = self.order_by().values("quarter", "until", "status").annotate(n=Sum("n"))
        return list(rows)


class StatusSpan(models.Model):
    """``n`` of a force's public deliverables whose status was ``status`` from ``quarter``
    until ``until`` (exclusive; None: still is)."""

    force = models.ForeignKey("plans.Force", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=STATUSES)
    quarter = QuarterField()
    until = QuarterField(null=True, blank=True)
    n = models.PositiveIntegerField()

    objects = StatusSpanQuerySet.as_manager()

    class Meta:
        app_label = "actions"

    def __str__(self) -> str:
        return f"{self.n} {self.status} from {self.quarter} until {self.until or 'now'}"


class RoadmapSizeQuerySet(models.QuerySet["RoadmapSize"]):
    def for_force(self, force) -> RoadmapSizeQuerySet:
        return self.filter(force=force)

    def total(self) -> int:
        """How many active deliverables these forces' public roadmaps have (one query)."""
        return self.aggregate(total=Coalesce(Sum("deliverables"), 0))["total"]


class RoadmapSize(models.Model):
    """How many active deliverables the force's public roadmap (its newest published plan)
    has: every one without a span covering a quarter is Not started then."""

    force = models.OneToOneField(
        "plans.Force", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    deliverables = models.PositiveIntegerField()

    objects = RoadmapSizeQuerySet.as_manager()

    class Meta:
        app_label = "actions"

    def __str__(self) -> str:
        return f"{self.deliverables} deliverables"
