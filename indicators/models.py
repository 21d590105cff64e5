"""Official disparity statistics, loaded as reference data (``load_reference``).

Facts as published by the Home Office and the Office for National Statistics, under the Open
Government Licence v3.0: never edited on the site, never mixed with demonstration data. Each
row belongs to a ``Source`` that names its publisher, period, licence and (for populations)
census. A figure the source does not give has no row: missing is unknown, never zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models import Force
from plans.quarters import Quarter


class Ethnicity(models.TextChoices):
    """The five groups the Home Office publishes stop and search by (self-defined)."""

    ASIAN = "Asian", "Asian"
    BLACK = "Black", "Black"
    MIXED = "Mixed", "Mixed"
    OTHER = "Other", "Other"
    WHITE = "White", "White"


class PerceivedEthnicity(models.TextChoices):
    """Officer-perceived groups in the use of force statistics, with "Not reported"."""

    ASIAN = "Asian", "Asian"
    BLACK = "Black", "Black"
    MIXED = "Mixed", "Mixed"
    OTHER = "Other", "Other"
    WHITE = "White", "White"
    NOT_REPORTED = "Not reported", "Not reported"


class Source(models.Model):
    """One published dataset: who published it, the period it covers, its licence."""

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    publisher = models.CharField(max_length=120)
    period = models.CharField(max_length=80, help_text="As people read it: 'April 2020 to …'")
    licence = models.CharField(max_length=80)
    census = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The census year, for population figures."
    )
    url = models.URLField(max_length=300, blank=True)
    caveats = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher}, {self.period})"


class StopSearchCount(models.Model):
    """Stop and searches of people of one self-defined group, in one force, in one
    financial year (``2022/23``)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    year = models.CharField(max_length=7)
    ethnicity = models.CharField(max_length=10, choices=Ethnicity.choices)
    searches = models.PositiveIntegerField()
    # Who changed each figure and when, for loads of the Home Office's table on the staff
    # pages or with import_home_office_stop_searches (load_reference's bulk sync records none).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "year", "ethnicity"], name="one_stop_search_count_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(ethnicity__in=Ethnicity.values),
                name="stop_search_known_ethnicity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force_id} {self.year} {self.ethnicity}: {self.searches}"


class Population(models.Model):
    """Residents of one group in one police force area at one census."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    census = models.PositiveSmallIntegerField()
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    ethnicity = models.CharField(max_length=10, choices=Ethnicity.choices)
    residents = models.PositiveIntegerField()
    # Who changed each figure and when, for loads of a population table (see StopSearchCount).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["census", "force", "ethnicity"], name="one_population_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(ethnicity__in=Ethnicity.values),
                name="population_known_ethnicity",
            ),
        ]

    def __str__(self) -> str:
        return f"Census {self.census} {self.force_id} {self.ethnicity}: {self.residents}"


class UseOfForceCount(models.Model):
    """Times officers reported using force (all tactics) on people they perceived to be of
    one group, in one force and year. Counts uses of a tactic, not people."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    year = models.CharField(max_length=7)
    ethnicity = models.CharField(max_length=12, choices=PerceivedEthnicity.choices)
    times = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "year", "ethnicity"], name="one_use_of_force_count_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force_id} {self.year} {self.ethnicity}: {self.times}"


class RecordedSearch(models.Model):
    """One stop and search as published by data.police.uk in its monthly files (one row per
    search; blank cells are kept blank)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month of the file.")
    line = models.PositiveIntegerField(help_text="Row number in the month's file.")
    kind = models.CharField(max_length=40)
    searched_at = models.DateTimeField()
    gender = models.CharField(max_length=20, blank=True)
    age_range = models.CharField(max_length=20, blank=True)
    self_defined_ethnicity = models.CharField(max_length=120, blank=True)
    officer_defined_ethnicity = models.CharField(max_length=20, blank=True)
    legislation = models.CharField(max_length=120, blank=True)
    object_of_search = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "month", "line"], name="one_recorded_search_per_line"
            ),
        ]
        ordering = ["force", "month", "line"]

    def __str__(self) -> str:
        return f"{self.force_id} {self.month:%Y-%m} #{self.line}"


class Measure(models.TextChoices):
    """Whose view of a person's ethnicity a monthly count is by."""

    SELF_DEFINED = "self-defined", "Self-defined"
    OFFICER_DEFINED = "officer-defined", "Officer-defined"


class MonthlyGroup(models.TextChoices):
    """The five groups, and searches where no group was given or the person did not say."""

    ASIAN = "Asian", "Asian"
    BLACK = "Black", "Black"
    MIXED = "Mixed", "Mixed"
    OTHER = "Other", "Other"
    WHITE = "White", "White"
    NOT_STATED = "Not stated", "Not stated"


class StopSearchImport(models.Model):
    """One confirmed load of data.police.uk monthly stop and search files for a force: who,
    when, which files, how many rows were read. Kept when a later load replaces its months."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when loaded with the import_stop_searches command.",
    )
    imported_at = models.DateTimeField()
    file_names = models.TextField(help_text="One file name a line.")
    rows_read = models.PositiveIntegerField()
    months = models.CharField(max_length=200, help_text="The months loaded, e.g. 2019-01.")
    replaced = models.TextField(
        blank=True, help_text="The months this load replaced, with the counts before and after."
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.force_id} {self.months} at {self.imported_at:%Y-%m-%d %H:%M}"

    @property
    def by(self) -> str:
        if self.imported_by is None:
            return "the import_stop_searches command"
        return self.imported_by.get_full_name() or self.imported_by.email


@dataclass(frozen=True, slots=True)
class QuarterCount:
    """Searches in one force and quarter of people of one group by one measure, from the
    ``months`` (1 to 3) of the quarter that are loaded."""

    force_slug: str
    quarter: Quarter
    measure: str
    ethnicity: str
    searches: int
    months: int


class MonthlyStopSearchCountQuerySet(models.QuerySet):
    def by_quarter(self, streamed: bool = True) -> Iterator[QuarterCount]:
        """The counts summed by force and police financial-year quarter: every measure and
        group of each quarter with a month loaded (zeros included), forces by slug, quarters
        oldest first, measures and groups in their choices' order. Streams (one quarter of
        one force is held at a time) unless ``streamed`` is False, for a few rows (one
        force's): read at once, without a server-side cursor's round trips."""
        rows = self.order_by("force__slug", "month").values_list(
            "force__slug", "month", "measure", "ethnicity", "searches"
        )
        quarters = groupby(
            rows.iterator(chunk_size=2000) if streamed else rows,
            key=lambda row: (row[0], Quarter.containing(row[1])),
        )
        for (slug, quarter), cells in quarters:
            sums: Counter = Counter()
            months = set()
            for _, month, measure, ethnicity, searches in cells:
                sums[(measure, ethnicity)] += searches
                months.add(month)
            for measure in Measure.values:
                for group in MonthlyGroup.values:
                    yield QuarterCount(
                        slug, quarter, measure, group, sums[(measure, group)], len(months)
                    )


class MonthlyStopSearchCount(models.Model):
    """Stop and searches in one force, in one month, of people of one group by one measure,
    counted from data.police.uk's monthly file. A loaded month has all twelve cells (two
    measures x six groups), zeros included: the file lists every search of the month."""

    stop_search_import = models.ForeignKey(
        StopSearchImport, on_delete=models.PROTECT, related_name="counts"
    )
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    measure = models.CharField(max_length=16, choices=Measure.choices)
    ethnicity = models.CharField(max_length=10, choices=MonthlyGroup.choices)
    searches = models.PositiveIntegerField()

    objects = MonthlyStopSearchCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "month", "measure", "ethnicity"],
                name="one_monthly_stop_search_count_per_cell",
            ),
            models.CheckConstraint(
                condition=models.Q(ethnicity__in=MonthlyGroup.values),
                name="monthly_stop_search_known_ethnicity",
            ),
            models.CheckConstraint(
                condition=models.Q(measure__in=Measure.values),
                name="monthly_stop_search_known_measure",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="monthly_stop_search_first_of_month"
            ),
        ]
        ordering = ["force", "month", "measure", "ethnicity"]

    def __str__(self) -> str:
        return (
            f"{self.force_id} {self.month:%Y-%m} {self.measure} {self.ethnicity}: {self.searches}"
        )


class StopSearchUpload(models.Model):
    """Files uploaded on the staff pages, checked and counted, waiting for the person who
    uploaded them to confirm the load. Holds what the files hold (``reading``: see
    ``to_json`` in ``indicators.police_uk`` and ``indicators.home_office``), never the files;
    owned by the uploading session; forgotten after ``indicators.police_uk.UPLOAD_LIFETIME``.
    ``kind`` is ``police-uk`` (a force's monthly files) or ``home-office`` (the yearly table,
    no force)."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: SHA-256 of the uploading session's key: only that session may confirm it.
    session_hash = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=20, default="police-uk")
    force = models.ForeignKey(
        Force, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    reading = models.JSONField(default=dict)
    saved_at = models.DateTimeField(db_index=True)
    stop_search_import = models.ForeignKey(
        StopSearchImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Stop and search upload for {self.force_id} at {self.saved_at:%Y-%m-%d %H:%M}"


class OfficialTableImport(models.Model):
    """One confirmed load of an official table on the staff pages or by command: which
    table, which years, the file, the rows read, who (None: a command) and when, and every
    figure it changed, old -> new."""

    class Kind(models.TextChoices):
        STOP_SEARCH = "stop-search", "Home Office stop and search by force and ethnicity"
        POPULATION = "population", "Census residents by force area and ethnicity"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    years = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    rows_read = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField()
    changes = models.TextField(blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.years} at {self.imported_at:%Y-%m-%d %H:%M}"

    @property
    def by(self) -> str:
        if self.imported_by is None:
            return "a management command"
        return self.imported_by.get_full_name() or self.imported_by.email
