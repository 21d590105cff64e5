"""The engagement log: who a force listened to, what it heard and what it will do.

An :class:`Activity` (a community meeting, a youth session, a survey...) is a draft until the
force publishes it; published, it is public as "You said, we did", with its
:class:`EngagementAction` rows: each either linked to a deliverable of the force's plan or
marked "no action, because...". Nothing here holds personal data about community members:
there are no fields for attendees' names or contact details, and the one private field
(``partner_contacts``, organisations' contact points) never leaves the staff pages.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from plans.fields import QuarterField
from plans.quarters import Quarter
from plans.versioning import save_content, save_versioned


class Kind(models.TextChoices):
    COMMUNITY_MEETING = "community_meeting", "Community meeting"
    ADVISORY_GROUP = "advisory_group", "Independent advisory group"
    SCRUTINY_PANEL = "scrutiny_panel", "Scrutiny panel"
    YOUTH_SESSION = "youth_session", "Youth session"
    SURVEY = "survey", "Survey"
    EVENT = "event", "Event"
    ONLINE_SESSION = "online_session", "Online session"
    OTHER = "other", "Other"


class Theme(models.TextChoices):
    """The fixed list of themes an activity can raise (plus free text on the activity)."""

    STOP_AND_SEARCH = "stop_and_search", "Stop and search"
    USE_OF_FORCE = "use_of_force", "Use of force"
    HATE_CRIME = "hate_crime", "Hate crime"
    RECRUITMENT = "recruitment", "Recruitment and progression"
    MISSING_PEOPLE = "missing_people", "Missing people"
    VICTIMS = "victims", "Victims' services"
    TRUST = "trust", "Trust and confidence"
    CUSTODY = "custody", "Custody"
    COMPLAINTS = "complaints", "Complaints"
    YOUNG_PEOPLE = "young_people", "Young people and schools"
    MENTAL_HEALTH = "mental_health", "Mental health"
    COMMUNICATION = "communication", "Communication and engagement"


THEME_LABELS = dict(Theme.choices)


class Attendance(models.TextChoices):
    COUNT = "count", "Counted"
    ESTIMATE = "estimate", "Estimate"


#: Shown beside every free-text box: the log never holds personal data about community members.
NO_PERSONAL_DATA = (
    "Do not include names, contact details or anything else that identifies a member of the public."
)


class ActivityQuerySet(models.QuerySet["Activity"]):
    def published(self) -> ActivityQuerySet:
        """Published activities: the only ones the public may see or count."""
        return self.filter(published_at__isnull=False)

    def drafts(self) -> ActivityQuerySet:
        return self.filter(published_at__isnull=True)

    def for_force(self, force) -> ActivityQuerySet:
        return self.filter(force=force)

    def held_between(self, first: Quarter | None, last: Quarter | None) -> ActivityQuerySet:
        """Held in the quarters from ``first`` to ``last`` (either may be None: open)."""
        queryset = self
        if first is not None:
            queryset = queryset.filter(held_on__gte=first.first_day)
        if last is not None:
            queryset = queryset.filter(held_on__lte=last.last_day)
        return queryset

    def counts_by_force(self) -> dict[int, int]:
        """``{force id: number of activities}``, one grouped query."""
        rows = self.order_by().values("force").annotate(n=models.Count("pk"))
        return {row["force"]: row["n"] for row in rows}


class Activity(models.Model):
    """One engagement activity of a force. Draft until published."""

    force = models.ForeignKey(
        "plans.Force", on_delete=models.PROTECT, related_name="engagement_activities"
    )
    title = models.CharField(
        max_length=150,
        help_text='A short name the public will read: "Youth panel on stop and search"',
    )
    held_on = models.DateField("date")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    place = models.CharField(
        "place or area",
        max_length=150,
        blank=True,
        help_text='A venue or area, e.g. "Hanley, Stoke-on-Trent" or "Online"',
    )
    partners = models.TextField(
        "partner organisations and community groups",
        max_length=1000,
        blank=True,
        help_text="Organisations only, one per line. The public sees these names.",
    )
    partner_contacts = models.TextField(
        "how to reach the partner organisations (staff only)",
        max_length=1000,
        blank=True,
        help_text="Organisations' own contact points or a role mailbox. Never shown to the "
        "public. " + NO_PERSONAL_DATA,
    )
    attendance = models.PositiveIntegerField(
        "people who took part",
        null=True,
        blank=True,
        help_text="A number. Leave blank if not known.",
    )
    attendance_basis = models.CharField(
        "the number is", max_length=10, choices=Attendance.choices, default=Attendance.COUNT
    )
    attendance_black = models.PositiveIntegerField(
        "of whom from Black communities",
        null=True,
        blank=True,
        help_text="Optional. Leave blank if not known.",
    )
    themes = models.JSONField(default=list, blank=True)
    other_themes = models.CharField(
        "other themes",
        max_length=300,
        blank=True,
        help_text="Anything not in the list, separated by commas.",
    )
    heard = models.TextField(
        "what we heard",
        max_length=5000,
        help_text="A summary the public will read. " + NO_PERSONAL_DATA,
    )
    published_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="engagement_black_attendance_within_total",
                condition=Q(attendance_black__isnull=True)
                | Q(attendance__isnull=False, attendance_black__lte=models.F("attendance")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def content_forces(self) -> tuple[int, ...]:
        """The forces whose public pages show it (``plans.cache``)."""
        return (self.force_id,)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def quarter(self) -> Quarter:
        return Quarter.containing(self.held_on)

    @property
    def theme_labels(self) -> list[str]:
        return [THEME_LABELS[theme] for theme in self.themes if theme in THEME_LABELS]

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    def rule_errors(self) -> dict[str, list[str]]:
        """What breaks the activity's rules, by field: the one rule for every write path
        (the staff form, the spreadsheet import, the admin)."""
        errors: dict[str, list[str]] = {}
        unknown = [theme for theme in self.themes or [] if theme not in THEME_LABELS]
        if not isinstance(self.themes, list) or unknown:
            errors["themes"] = ["Choose themes from the list: " + ", ".join(map(str, unknown))]
        if self.attendance_black is not None:
            if self.attendance is None:
                errors["attendance_black"] = [
                    "Enter how many people took part before how many were from Black communities"
                ]
            elif self.attendance_black > self.attendance:
                errors["attendance_black"] = [
                    f"People from Black communities ({self.attendance_black}) cannot be more "
                    f"than the people who took part ({self.attendance})"
                ]
        return errors

    def clean(self) -> None:
        if errors := self.rule_errors():
            raise ValidationError(errors)

    def save_by(
        self, by, now: dt.datetime, seen_version: int, *, publish: bool = False, reason: str = ""
    ) -> str:
        """Save the activity (a new one, or one nobody else saved since ``seen_version``:
        ``plans.versioning.EditConflict`` otherwise), recording who and when; a draft is
        published when ``publish``. Renews the force's public pages. Returns "published",
        "corrected" or "draft"."""
        was_published = self.is_published
        self.updated_by = by
        if publish and not was_published:
            self.published_at = now
            outcome = "published"
        elif was_published:
            outcome = "corrected"
        else:
            outcome = "draft"
        self._change_reason = (
            reason
            or {
                "published": "Published",
                "corrected": "Changed after publication",
                "draft": "Draft saved",
            }[outcome]
        )
        if self.pk is None:
            save_content(self)
        else:
            save_versioned(self, seen_version)
        return outcome

    def unpublish(self, by, seen_version: int) -> None:
        """Return the activity to draft: it leaves every public page."""
        self.published_at = None
        self.updated_by = by
        self._change_reason = "Unpublished"
        save_versioned(self, seen_version)


class EngagementActionQuerySet(models.QuerySet["EngagementAction"]):
    def public(self) -> EngagementActionQuerySet:
        """Actions of published activities: the only ones the public may see."""
        return self.filter(activity__published_at__isnull=False)

    def for_force(self, force) -> EngagementActionQuerySet:
        return self.filter(activity__force=force)


class EngagementAction(models.Model):
    """What the force will do about what it heard: linked to a deliverable of its plan, or
    "no action, because..."; due in a quarter; later, its outcome."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="actions")
    theme = models.CharField(
        "the theme it answers", max_length=30, choices=Theme.choices, blank=True
    )
    description = models.TextField(
        "what we will do",
        max_length=2000,
        help_text="What the public will read. " + NO_PERSONAL_DATA,
    )
    deliverable = models.ForeignKey(
        "actions.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_actions",
        help_text="The deliverable of the plan this action is part of.",
    )
    no_action_reason = models.TextField(
        "no action, because",
        max_length=2000,
        blank=True,
        help_text="Why the force will not act on this.",
    )
    due_quarter = QuarterField(null=True, blank=True)
    outcome = models.TextField(
        "what we did",
        max_length=2000,
        blank=True,
        help_text="Fill in once it is done. " + NO_PERSONAL_DATA,
    )
    done_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = EngagementActionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="engagement_action_deliverable_or_reason",
                condition=(Q(deliverable__isnull=False) & Q(no_action_reason=""))
                | (Q(deliverable__isnull=True) & ~Q(no_action_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def content_forces(self) -> tuple[int, ...]:
        return self.activity.content_forces

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_no_action(self) -> bool:
        return self.deliverable_id is None

    def rule_errors(self) -> dict[str, list[str]]:
        """The one rule for every write path: either a deliverable of the activity's own
        force (with a due quarter) or a reason for no action, not both; an outcome only once
        done."""
        errors: dict[str, list[str]] = {}
        reason = self.no_action_reason.strip()
        if self.deliverable_id is None and not reason:
            errors["deliverable"] = [
                "Choose the deliverable this action is part of, or say why there is no action"
            ]
        if self.deliverable_id is not None and reason:
            errors["no_action_reason"] = [
                "Either choose a deliverable or say why there is no action, not both"
            ]
        if (
            self.deliverable_id is not None
            and self.activity_id is not None
            and self.deliverable.plan.force_id != self.activity.force_id
        ):
            errors["deliverable"] = ["Choose a deliverable of your own force's plan"]
        if self.deliverable_id is not None and self.due_quarter is None:
            errors["due_quarter"] = ["Choose the quarter this action is due"]
        if self.done_on is not None and not self.outcome.strip():
            errors["outcome"] = ["Say what was done before marking the action done"]
        return errors

    def clean(self) -> None:
        if errors := self.rule_errors():
            raise ValidationError(errors)

    def save_by(self, seen_version: int, *, reason: str = "") -> None:
        """Save the action (new, or unchanged by anyone else since ``seen_version``) and
        renew the force's public pages."""
        self._change_reason = reason or ("Added" if self.pk is None else "Changed")
        if self.pk is None:
            save_content(self)
        else:
            save_versioned(self, seen_version)


def engagement_counts_by_force() -> dict[int, dict[str, int]]:
    """``{force id: {"engagement": n, "engagement_actions": n}}``: the force's published
    activities, and their actions (public, as their activity is) linked to a deliverable, for
    the national comparison. Forces with no published activity are left out. One grouped
    query, whatever the number of forces.
    """
    rows = (
        Activity.objects.published()
        .order_by()
        .values("force")
        .annotate(
            engagement=models.Count("pk", distinct=True),
            engagement_actions=models.Count(
                "actions", filter=Q(actions__deliverable__isnull=False)
            ),
        )
    )
    return {row.pop("force"): row for row in rows}
