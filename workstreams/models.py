from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from plans.cache import EVERY_FORCE


class WorkstreamQuerySet(models.QuerySet["Workstream"]):
    def matching_name(self, text: str) -> Workstream | None:
        """The workstream whose slug, name or any other name equals ``text`` (any case)."""
        wanted = " ".join(text.split()).casefold()
        for workstream in self.all():
            if wanted in workstream.all_names_folded:
                return workstream
        return None

    def called_in_address(self, slug: str) -> Workstream | None:
        """The workstream one of whose other names, written as an address, is ``slug``
        (``respected``, ``protected``, ``culture-and-workforce``): links people made with the
        names they use."""
        for workstream in self.all():
            if slug in workstream.address_aliases:
                return workstream
        return None


class Workstream(models.Model):
    """One of the four fixed PRAP workstreams. Reference rows, shown in ``order``."""

    slug = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=60, unique=True)
    also_called = models.CharField(
        max_length=200, blank=True, help_text="Other names in use, separated by semicolons."
    )
    national_name = models.CharField(max_length=80)
    aim = models.TextField()

    objects = WorkstreamQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workstreams:detail", args=[self.slug])

    @property
    def other_names(self) -> list[str]:
        return [name.strip() for name in self.also_called.split(";") if name.strip()]

    @property
    def address_aliases(self) -> set[str]:
        """Its other names as they would be written in an address (not its own slug)."""
        names = [self.name, self.national_name, *self.other_names]
        return {slugify(name) for name in names} - {self.slug, ""}

    @property
    def all_names_folded(self) -> set[str]:
        names = [self.slug, self.name, self.national_name, *self.other_names]
        return {" ".join(name.split()).casefold() for name in names}


class NationalAction(models.Model):
    """A commitment of the national plan under one workstream, e.g. ``P2``."""

    code = models.CharField(max_length=10, unique=True)
    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, related_name="national_actions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["workstream__order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def content_forces(self):
        """Deliverable pages list the national actions they serve: any page may show it."""
        return EVERY_FORCE


class PracticeExample(models.Model):
    """A piece of promising practice from one force under one workstream."""

    force = models.ForeignKey(
        "plans.Force", on_delete=models.PROTECT, related_name="practice_examples"
    )
    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, related_name="practice_examples"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=5000)
    link = models.URLField(blank=True, max_length=500)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["workstream__order", "force__name", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def content_forces(self) -> tuple[int, ...]:
        """Shown on the national pages only (the practice bank), not on its force's."""
        return ()
