"""Independent scrutiny panels and what they publish about a force's quarterly returns.

A :class:`Panel` is a named independent body attached to one force (or, without a force, the
national panel, which may scrutinise every force). Its members sign in with accounts of the
``panel`` role (``accounts``) and write :class:`PanelView` rows: once a force has published
updates for a quarter, the panel gives its verdict (Agree, Some concerns, Disagree, with
reasons and evidence links) on the return as a whole (a *statement*, no deliverable) or on
one deliverable's published update for that quarter. A view is a draft until the panel
publishes it; published, only an administrator can withdraw it, with a public reason. The
force's coordinators may publish one :class:`PanelReply` beneath each published view.
Panels never change force data; forces never change panels' data.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import QuarterlyUpdate, clean_evidence_links
from panels import hooks
from plans.cache import EVERY_FORCE
from plans.fields import QuarterField
from plans.quarters import Quarter
from plans.versioning import save_content, save_versioned


class Verdict(models.TextChoices):
    AGREE = "agree", "Agree"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    DISAGREE = "disagree", "Disagree"


#: Verdicts that challenge the force's account: they need reasons, and they are marked on
#: the roadmap and counted nationally.
CHALLENGES = (Verdict.SOME_CONCERNS, Verdict.DISAGREE)


def reasons_problem(verdict: str, reasons: str) -> str:
    """The one rule for a view's reasons: "" when ``reasons`` are enough for ``verdict``."""
    if verdict in CHALLENGES and not reasons.strip():
        label = Verdict(verdict).label
        return f"Give the panel's reasons: a view of “{label}” needs them"
    return ""


class PanelQuerySet(models.QuerySet["Panel"]):
    def active(self) -> PanelQuerySet:
        return self.filter(is_active=True)

    def for_force(self, force) -> PanelQuerySet:
        """Panels that may scrutinise ``force``: its own and the national panel."""
        return self.filter(Q(force=force) | Q(force__isnull=True))


class Panel(models.Model):
    """An independent scrutiny panel of one force, or the national panel (no force)."""

    force = models.OneToOneField(
        "plans.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel",
        help_text="The force it scrutinises. Empty for the national panel, which may "
        "scrutinise every force.",
    )
    name = models.CharField(max_length=150, help_text='e.g. "Independent Community Panel"')
    description = models.TextField(
        max_length=5000, help_text="Who the panel is and how it works. The public reads this."
    )
    members = models.TextField(
        "members, as published",
        max_length=3000,
        blank=True,
        help_text='One per line, as the panel chooses to publish them: "Name, role" or a role '
        "only. Public.",
    )
    website = models.URLField(blank=True, max_length=500)
    is_active = models.BooleanField(
        default=True, help_text="Untick when the panel stops: its published views stay public."
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def content_forces(self):
        return EVERY_FORCE if self.force_id is None else (self.force_id,)

    @property
    def is_national(self) -> bool:
        return self.force_id is None

    @property
    def member_list(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]

    def may_scrutinise(self, force_id: int | None) -> bool:
        return force_id is not None and (self.force_id is None or self.force_id == force_id)

    @classmethod
    def of_member(cls, user) -> Panel | None:
        """The panel ``user`` (a panel member) belongs to: their force's, or the national one."""
        if not user.is_panel_member:
            return None
        return cls.objects.filter(force_id=user.force_id).first()


def returned_quarters(force) -> list[Quarter]:
    """The quarters for which ``force`` has published updates (of a published plan): the
    returns a panel may answer, newest first."""
    quarters = (
        QuarterlyUpdate.objects.published()
        .filter(deliverable__plan__force=force, deliverable__plan__is_published=True)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(quarters))


def published_updates(force, quarter: Quarter):
    """The force's published updates for ``quarter``, of published plans: what a panel
    answers."""
    return (
        QuarterlyUpdate.objects.published()
        .filter(
            deliverable__plan__force=force, deliverable__plan__is_published=True, quarter=quarter
        )
        .select_related("deliverable__workstream", "deliverable__plan")
        .order_by("deliverable__workstream__order", "deliverable__order", "deliverable__pk")
    )


#: Of standing views, those that challenge a deliverable (``PanelViewQuerySet.challenges``).
IS_CHALLENGE = Q(deliverable__isnull=False, verdict__in=CHALLENGES)
#: Of standing views, those the force has not replied to (``PanelViewQuerySet.not_replied``).
IS_NOT_REPLIED = Q(reply__isnull=True)


class PanelViewQuerySet(models.QuerySet["PanelView"]):
    def published(self) -> PanelViewQuerySet:
        """Published views (withdrawn ones too: the public sees the withdrawal and its
        reason in their place), about deliverables of published plans or whole returns."""
        return self.filter(published_at__isnull=False).filter(
            Q(deliverable__isnull=True) | Q(deliverable__plan__is_published=True)
        )

    def standing(self) -> PanelViewQuerySet:
        """Published and not withdrawn: the views that count."""
        return self.published().filter(withdrawn_at__isnull=True)

    def drafts(self) -> PanelViewQuerySet:
        return self.filter(published_at__isnull=True)

    def statements(self) -> PanelViewQuerySet:
        return self.filter(deliverable__isnull=True)

    def on_deliverables(self) -> PanelViewQuerySet:
        return self.filter(deliverable__isnull=False)

    def challenges(self) -> PanelViewQuerySet:
        """Standing views on deliverables with Some concerns or Disagree."""
        return self.standing().filter(IS_CHALLENGE)

    def not_replied(self) -> PanelViewQuerySet:
        """Standing views (statements too) that the force has not replied to. A reply has no
        draft: it is public as soon as the force writes it."""
        return self.standing().filter(IS_NOT_REPLIED)

    def for_force(self, force) -> PanelViewQuerySet:
        return self.filter(force=force)

    def for_public(self) -> PanelViewQuerySet:
        """Published views as the public pages show them, with panel, deliverable and reply."""
        return self.published().select_related("panel", "deliverable__plan__force", "reply")


def latest_challenges(views) -> dict[int, PanelView]:
    """``{deliverable id: view}`` for the deliverables whose latest standing panel view in
    ``views`` (published views, oldest quarter first) is Some concerns or Disagree: the
    roadmap's mark."""
    latest: dict[int, PanelView] = {}
    for view in views:
        if view.deliverable_id and not view.is_withdrawn:
            latest[view.deliverable_id] = view
    return {pk: view for pk, view in latest.items() if view.is_challenge}


class PanelView(models.Model):
    """A panel's verdict on a force's quarterly return (no deliverable: a statement) or on
    one deliverable's published update for that quarter. Draft until published."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="views")
    force = models.ForeignKey("plans.Force", on_delete=models.PROTECT, related_name="+")
    quarter = QuarterField()
    deliverable = models.ForeignKey(
        "actions.Deliverable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_views",
        help_text="Empty for a statement on the whole return.",
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reasons = models.TextField(
        max_length=5000,
        blank=True,
        help_text="Required for “Some concerns” and “Disagree”. The public reads this.",
    )
    evidence = models.TextField(
        "evidence links", max_length=4000, blank=True, help_text="One web address per line."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Administrators only: why the view was withdrawn. The public sees it in "
        "the view's place.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PanelViewQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "deliverable__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                name="one_panel_view_per_deliverable_per_quarter",
                fields=["panel", "deliverable", "quarter"],
                condition=Q(deliverable__isnull=False),
            ),
            models.UniqueConstraint(
                name="one_panel_statement_per_force_per_quarter",
                fields=["panel", "force", "quarter"],
                condition=Q(deliverable__isnull=True),
            ),
            models.CheckConstraint(
                name="panel_view_verdict_is_known",
                condition=Q(verdict__in=[value for value, _ in Verdict.choices]),
            ),
            models.CheckConstraint(
                name="panel_view_withdrawn_only_when_published",
                condition=Q(withdrawn_at__isnull=True) | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        about = self.deliverable.title if self.deliverable_id else "the whole return"
        return f"{self.panel}: {self.quarter} - {about}"

    @property
    def content_forces(self) -> tuple[int, ...]:
        return (self.force_id,)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_statement(self) -> bool:
        return self.deliverable_id is None

    @property
    def is_challenge(self) -> bool:
        return self.verdict in CHALLENGES

    @property
    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]

    def days_waiting(self, today: dt.date) -> int:
        """Whole days from the day the view was published to ``today`` (0 for a draft)."""
        if self.published_at is None:
            return 0
        return (today - timezone.localdate(self.published_at)).days

    def rule_errors(self) -> dict[str, list[str]]:
        """What breaks a view's rules, by field: the one rule for every write path (the
        panel's form, the admin, the demonstration data)."""
        errors: dict[str, list[str]] = {}
        if self.panel_id and self.force_id and not self.panel.may_scrutinise(self.force_id):
            errors["force"] = [f"{self.panel} does not scrutinise this force"]
        if self.deliverable_id and self.deliverable.plan.force_id != self.force_id:
            errors["deliverable"] = ["Choose a deliverable of the force the panel scrutinises"]
        if problem := reasons_problem(self.verdict, self.reasons):
            errors["reasons"] = [problem]
        try:
            self.evidence = clean_evidence_links(self.evidence)
        except ValidationError as error:
            errors["evidence"] = error.messages
        if not self.is_published and self.force_id and self.quarter and "deliverable" not in errors:
            answered = published_updates(self.force_id, self.quarter)
            if self.deliverable_id:
                answered = answered.filter(deliverable_id=self.deliverable_id)
            if not answered.exists():
                what = "this deliverable's update" if self.deliverable_id else "its return"
                errors["quarter"] = [
                    f"The force has not published {what} for {self.quarter} yet: a panel "
                    "answers what the force has published"
                ]
        if self.withdrawn_at and not self.withdrawn_reason.strip():
            errors["withdrawn_reason"] = ["Say why the view is withdrawn: the public sees it"]
        return errors

    def clean(self) -> None:
        if errors := self.rule_errors():
            raise ValidationError(errors)

    def save_by(self, by, now: dt.datetime, seen_version: int, *, publish: bool = False) -> str:
        """Save the view as its panel's member ``by`` (a new one, or one nobody else saved
        since ``seen_version``: ``plans.versioning.EditConflict`` otherwise), publishing it
        when ``publish``. A published view is not changed here: only an administrator may
        withdraw it. Refuses (``ValidationError``) a view that breaks :meth:`rule_errors`.
        Returns "published" or "draft"."""
        if self.is_published:
            raise ValidationError("A published panel view cannot be changed.")
        if errors := self.rule_errors():
            raise ValidationError(errors)
        self.updated_by = by
        with transaction.atomic():
            if publish:
                self.published_at = now
            self._change_reason = "Published" if publish else "Draft saved"
            if self.pk is None:
                save_content(self)
            else:
                save_versioned(self, seen_version)
            if publish:
                hooks.published(self)
        return "published" if publish else "draft"

    def withdraw(self, by, now: dt.datetime, reason: str) -> None:
        """Withdraw a published view (administrators only, from the admin): it leaves the
        public pages and counts, and ``reason`` is shown in its place."""
        if not self.is_published:
            raise ValidationError("Only a published view can be withdrawn: a draft is not public.")
        if not reason.strip():
            raise ValidationError({"withdrawn_reason": ["Say why the view is withdrawn"]})
        self.withdrawn_at = now
        self.withdrawn_reason = reason.strip()
        self.updated_by = by
        self._change_reason = "Withdrawn"
        self.version += 1
        save_content(self)


class PanelReply(models.Model):
    """The force's one public reply to a published panel view."""

    view = models.OneToOneField(PanelView, on_delete=models.PROTECT, related_name="reply")
    text = models.TextField("the force's reply", max_length=5000)
    published_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "panel replies"

    def __str__(self) -> str:
        return f"Reply to {self.view}"

    @property
    def content_forces(self) -> tuple[int, ...]:
        return self.view.content_forces

    def rule_errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        if not self.text.strip():
            errors["text"] = ["Write the force's reply"]
        view = self.view
        if not view.is_published or view.is_withdrawn:
            errors["view"] = ["A reply answers a published panel view that stands"]
        elif PanelReply.objects.filter(view=view).exclude(pk=self.pk).exists():
            errors["view"] = ["The force has already replied to this view: one reply each"]
        return errors

    def clean(self) -> None:
        if errors := self.rule_errors():
            raise ValidationError(errors)

    @classmethod
    def publish(cls, view: PanelView, text: str, by, now: dt.datetime) -> PanelReply:
        """Publish the force's one reply to ``view`` (``ValidationError`` if it breaks the
        rules, writing nothing)."""
        reply = cls(view=view, text=text.strip(), author=by, published_at=now)
        if errors := reply.rule_errors():
            raise ValidationError(errors)
        reply._change_reason = "Reply published"
        save_content(reply)
        return reply


def panel_counts_by_force() -> dict[int, dict]:
    """``{force id: figures}`` for the national comparison: ``has_panel`` (an active panel of
    its own), ``panel_challenges`` (its deliverables challenged by a standing view of Some
    concerns or Disagree, each counted once a quarter however many panels challenged it) and
    ``panel_unanswered`` (standing published views with no reply from the force: the rule of
    ``PanelView.objects.not_replied()``). Forces with none of them are left out. Two grouped
    queries, whatever the number of forces or views.
    """
    figures: dict[int, dict] = {}
    panels = Panel.objects.active().filter(force__isnull=False).order_by()
    for force in panels.values_list("force", flat=True):
        figures.setdefault(force, {})["has_panel"] = True
    views = (
        PanelView.objects.standing()
        .order_by()
        .values("force", "quarter")
        .annotate(
            challenged=models.Count("deliverable", filter=IS_CHALLENGE, distinct=True),
            unanswered=models.Count("pk", filter=IS_NOT_REPLIED),
        )
    )
    for row in views:
        counts = figures.setdefault(row["force"], {})
        counts["panel_challenges"] = counts.get("panel_challenges", 0) + row["challenged"]
        counts["panel_unanswered"] = counts.get("panel_unanswered", 0) + row["unanswered"]
    return figures
