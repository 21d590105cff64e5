from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actions.progress import STATUS_ORDER, STATUSES, StatusCounts
from actions.replanning import FIELDS as COMMITMENT_FIELDS
from actions.replanning import LABELS as COMMITMENT_LABELS
from actions.replanning import Commitment, as_text, changed_fields, reason_needed
from alerts import record_event
from alerts.events import shorten
from alerts.models import EventKind
from plans.fields import QuarterField, to_quarter
from plans.quarters import Quarter
from plans.versioning import pages_will_change, save_content, save_versioned

MAX_EVIDENCE_LINKS = 20
MAX_LINK_LENGTH = 500
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


class LinkProblem(StrEnum):
    TOO_LONG = "too_long"
    NOT_WEB_ADDRESS = "not_web_address"
    INVALID = "invalid"


def link_problem(link: str) -> LinkProblem | None:
    """What is wrong with one evidence link, or None. With ``MAX_EVIDENCE_LINKS``, the one
    rule for evidence on every write path (the update and return pages, the return import and
    the admin), each of which words the problem for where it is shown.
    """
    if len(link) > MAX_LINK_LENGTH:
        return LinkProblem.TOO_LONG
    if not link.lower().startswith(("http://", "https://")):
        return LinkProblem.NOT_WEB_ADDRESS
    try:
        _WEB_ADDRESS(link)
    except ValidationError:
        return LinkProblem.INVALID
    return None


def clean_evidence_links(text: str) -> str:
    """One web address per line, each http(s): returns them one per line, blank lines and
    surrounding spaces removed; or raises a message naming the line that is wrong.
    """
    lines = [line.strip() for line in text.splitlines()]
    links = [line for line in lines if line]
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            f"Enter {MAX_EVIDENCE_LINKS} evidence links or fewer (there are {len(links)})"
        )
    problems = []
    for number, line in enumerate(lines, start=1):
        problem = link_problem(line) if line else None
        if problem == LinkProblem.TOO_LONG:
            problems.append(f"line {number} is longer than {MAX_LINK_LENGTH} characters")
        elif problem is not None:
            shown = line if len(line) <= 60 else line[:57] + "..."
            problems.append(f'line {number} ("{shown}")')
    if problems:
        raise ValidationError(
            "Evidence links must be full web addresses starting with http:// or https://, "
            "one per line. Check " + "; ".join(problems)
        )
    return "\n".join(links)


def _field_errors(clean_fields, exclude) -> dict[str, list]:
    """The errors of Django's own ``clean_fields``, by field, for a model's rules to add to."""
    try:
        clean_fields(exclude=exclude)
    except ValidationError as error:
        return error.update_error_dict({})
    return {}


def quarter_outside_plan(plan, label: str, quarter: Quarter | None) -> str:
    """The message when ``quarter`` (a deliverable's start or due quarter, a milestone's
    due quarter, called ``label``) is outside ``plan``'s period, or "". The one rule for the
    deliverable and milestone forms, the plan import and the admin.
    """
    if quarter is None or plan.first_quarter <= quarter <= plan.last_quarter:
        return ""
    return f"{label} must be within the plan's period, {plan.period_label}"


#: A deliverable's progress (``Status.NOT_STARTED`` ... ``Status.COMPLETE``), always shown in
#: words as well as colour: the choices of ``actions.progress.STATUSES``, in its order.
Status = models.TextChoices(
    "Status", [(value.upper(), (value, label)) for value, label in STATUSES]
)


#: Statuses whose update must say what was done before it is published.
NARRATIVE_REQUIRED = frozenset({Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETE})


def narrative_problem(status: str, done: str) -> str:
    """The message when a published update (or one about to be) with ``status`` does not say
    what was done though that status needs it, or "". The one rule, and its one wording, for
    the update page, the return page, the return import and the admin
    (:meth:`QuarterlyUpdate.publication_problem`).
    """
    if status not in NARRATIVE_REQUIRED or done.strip():
        return ""
    return (
        f"Say what was done: an update that is \u201c{Status(status).label}\u201d needs it "
        "before it is published"
    )


class QuarterlyUpdateQuerySet(models.QuerySet["QuarterlyUpdate"]):
    def published(self, at: dt.datetime | None = None) -> QuarterlyUpdateQuerySet:
        """Updates published (by ``at``, when given). The only updates the public may see."""
        published = self.filter(published_at__isnull=False)
        return published.filter(published_at__lte=at) if at else published

    def drafts(self) -> QuarterlyUpdateQuerySet:
        return self.filter(published_at__isnull=True)

    def for_force(self, force) -> QuarterlyUpdateQuerySet:
        return self.filter(deliverable__plan__force=force)

    def public(self) -> QuarterlyUpdateQuerySet:
        """Published updates of deliverables in published plans."""
        return self.published().filter(deliverable__plan__is_published=True)

    def status_spans(self, *fields: str) -> list[dict]:
        """Published updates grouped by ``fields``, ``quarter``, ``until`` and ``status``,
        with a count ``n``. A deliverable's status holds from an update's ``quarter`` until
        ``until``, the quarter of its next published update (None if there is none), which
        gives the status of every deliverable at every quarter (``actions.trend``). One
        grouped query whose rows grow with the number of quarters, not with the number of
        deliverables; but it reads every one of these updates, with a subquery each: the
        trend page reads them stored per force instead (``actions.span_models``), and this
        computes what is stored (:func:`refresh_trend_figures`).
        """
        following = (
            QuarterlyUpdate.objects.published()
            .filter(deliverable=OuterRef("deliverable"), quarter__gt=OuterRef("quarter"))
            .order_by("quarter")
            .values("quarter")[:1]
        )
        rows = (
            self.published()
            .annotate(until=Subquery(following))
            .order_by()
            .values(*fields, "quarter", "until", "status")
            .annotate(n=Count("pk"))
        )
        return list(rows)

    def on_public_roadmaps(self) -> QuarterlyUpdateQuerySet:
        """Published updates of the deliverables that public roadmaps show (each force's
        newest published plan).
        """
        return self.published().filter(deliverable__plan__in=_public_roadmap_plans())


class DeliverableQuerySet(models.QuerySet["Deliverable"]):
    def for_force(self, force) -> DeliverableQuerySet:
        return self.filter(plan__force=force)

    def active(self) -> DeliverableQuerySet:
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> DeliverableQuerySet:
        return self.filter(withdrawn_at__isnull=False)

    def public(self) -> DeliverableQuerySet:
        """Deliverables of published plans."""
        return self.filter(plan__is_published=True)

    def national_action_pairs(self, field: str = "plan__force") -> set[tuple[int, int]]:
        """Distinct ``(national action id, value of field)`` pairs served by these
        deliverables, e.g. which forces serve which national action. One query, at most
        actions x values rows, whatever the number of deliverables.
        """
        pairs = (
            self.filter(national_actions__isnull=False)
            .order_by()
            .values_list("national_actions", field)
            .distinct()
        )
        return set(pairs)

    def on_public_roadmaps(self) -> DeliverableQuerySet:
        """Deliverables of each force's newest published plan: those its public roadmap
        shows, and those the public directory and workstream pages count.
        """
        return self.filter(plan__in=_public_roadmap_plans())

    def with_current_status(self, *, include_drafts: bool = False) -> DeliverableQuerySet:
        """Annotate ``current_status`` (status of the latest published update, or
        Not started) and ``current_quarter`` (that update's quarter, or None) in one query.
        They are the stored ``published_status`` and ``published_status_quarter``, which
        every write of updates keeps right (:meth:`refresh_published_status`): reading them
        costs nothing per deliverable, where looking the latest update up would cost a
        subquery each.

        ``include_drafts=True`` counts draft updates too, computed from the updates: for a
        coordinator's preview of what the public will see once the drafts are published.
        Never on a public page.
        """
        if not include_drafts:
            return self.annotate(
                current_status=F("published_status"),
                current_quarter=F("published_status_quarter"),
            )
        status, quarter = _latest_update(QuarterlyUpdate.objects.all())
        return self.annotate(current_status=status, current_quarter=quarter)

    def stale_published_status(self) -> list[int]:
        """The primary keys of those whose stored ``published_status`` or
        ``published_status_quarter`` is not what their updates say: none, unless a write
        forgot :meth:`refresh_published_status`. One query (``manage.py verify_derived``, the
        tests, and the refresh itself)."""
        status, quarter = _latest_update(QuarterlyUpdate.objects.published())
        rows = (
            self.order_by()
            .annotate(computed_status=status, computed_quarter=quarter)
            .values_list(
                "pk",
                "published_status",
                "published_status_quarter",
                "computed_status",
                "computed_quarter",
            )
        )
        return [pk for pk, *stored, status, quarter in rows if tuple(stored) != (status, quarter)]

    def refresh_published_status(self) -> int:
        """Bring the stored ``published_status`` and ``published_status_quarter`` of these
        deliverables up to date with their updates: the status and quarter of their latest
        published update (Not started and None when there is none), which the public pages
        read (:meth:`with_current_status`). The one function every write that can change
        them runs, through :func:`refresh_published_statuses`.

        One query finds those whose stored values differ (:meth:`stale_published_status`);
        only if there are some, a second writes them, computed again in the database: a
        write that changed no status writes, and locks, no deliverable. Returns how many
        deliverables it wrote.
        """
        stale = self.stale_published_status()
        if not stale:
            return 0
        status, quarter = _latest_update(QuarterlyUpdate.objects.published())
        # Many (demo data, a restore): the same set again rather than a long list of ids.
        target = self if len(stale) > _MANY_IDS else Deliverable.objects.filter(pk__in=stale)
        return target.update(published_status=status, published_status_quarter=quarter)

    def with_return(self, quarter: Quarter) -> DeliverableQuerySet:
        """Annotate each deliverable's place in the return for ``quarter``:

        - ``return_update_id``, ``return_published_at``: its update for that quarter, if any
          (published_at None means a draft);
        - ``previous_status``, ``previous_quarter``, ``previous_next``: its latest published
          update before that quarter (to pre-fill the return), or None;
        - ``completed_before``: whether a published update before that quarter said Complete.
        """
        this_quarter = QuarterlyUpdate.objects.filter(deliverable=OuterRef("pk"), quarter=quarter)
        earlier = (
            QuarterlyUpdate.objects.published()
            .filter(deliverable=OuterRef("pk"), quarter__lt=quarter)
            .order_by("-quarter")
        )
        return self.annotate(
            return_update_id=Subquery(this_quarter.values("pk")[:1]),
            return_published_at=Subquery(this_quarter.values("published_at")[:1]),
            previous_status=Subquery(earlier.values("status")[:1]),
            previous_quarter=Subquery(earlier.values("quarter")[:1]),
            previous_next=Subquery(earlier.values("next")[:1]),
            completed_before=Exists(earlier.filter(status=Status.COMPLETE)),
        )

    def in_return(self, quarter: Quarter) -> DeliverableQuerySet:
        """The deliverables a force's return for ``quarter`` covers, the one rule used by the
        return page, the spreadsheet export and import, the national tracker and reminders:
        not withdrawn, and either started by then and not reported Complete (published) in an
        earlier quarter, or with an update for that quarter already.
        """
        completed_earlier = QuarterlyUpdate.objects.published().filter(
            deliverable=OuterRef("pk"), quarter__lt=quarter, status=Status.COMPLETE
        )
        reported = QuarterlyUpdate.objects.filter(deliverable=OuterRef("pk"), quarter=quarter)
        return self.active().filter(
            (Q(start_quarter__lte=quarter) & ~Exists(completed_earlier)) | Exists(reported)
        )

    def record_first_publication(self, now: dt.datetime) -> int:
        """Keep the current commitment of those never public before as their original,
        first published at ``now``: what publishing a plan does to its deliverables (one
        UPDATE). Returns how many there were."""
        return self.filter(first_published_at__isnull=True).update(
            first_published_at=now,
            original_start_quarter=F("start_quarter"),
            original_due_quarter=F("due_quarter"),
            original_title=F("title"),
            original_description=F("description"),
        )

    def with_replanning(self, today: dt.date) -> DeliverableQuerySet:
        """Annotate, as of ``today``, ``is_replanned_flag`` (start or due quarter not the
        one first published), ``is_overdue_flag`` (not withdrawn, due quarter over and not
        complete) and ``is_past_original_due_flag`` (not withdrawn, original due quarter over
        and not complete, even if re-planned later). Needs ``with_current_status()``."""
        replanned, due_over, original_due_over = _replanning_conditions(today)
        not_complete = ~Q(current_status=Status.COMPLETE.value)
        return self.annotate(
            is_replanned_flag=_flag(replanned),
            is_overdue_flag=_flag(due_over & not_complete),
            is_past_original_due_flag=_flag(original_due_over & not_complete),
        )

    def replanning_counts_by(self, field: str, today: dt.date) -> dict:
        """``{value of field: {"replanned": n, "overdue": n, "past_original_due": n}}``
        for these deliverables as of ``today``, e.g. ``replanning_counts_by("plan__force",
        today)`` over public deliverables (as :meth:`with_replanning` flags them). One
        grouped query."""
        counts: dict = {}
        for row in self._by_current_status((field,), today):
            tally = counts.setdefault(row[field], dict.fromkeys(REPLANNING_COUNTS, 0))
            for name in REPLANNING_COUNTS:
                tally[name] += row[name]
        return counts

    def status_counts(self) -> StatusCounts:
        """Counts of active deliverables by current status, from one grouped query."""
        rows = self.status_counts_by()
        return rows[0]["counts"] if rows else StatusCounts()

    def status_counts_by(self, *fields: str, today: dt.date | None = None) -> list[dict]:
        """One row per distinct value of ``fields`` with a count per status of its active
        deliverables, e.g. ``status_counts_by("plan__force")``. Each row carries a
        ``counts`` :class:`StatusCounts`; given ``today``, also the counts of
        :meth:`replanning_counts_by` (``replanned``, ``overdue``, ``past_original_due``),
        from the same query.

        The query groups by ``fields`` and current status, so each deliverable's current
        status is looked up once (a count per status as five filtered aggregates would
        look it up five times); the few grouped rows are folded here.
        """
        tallies: dict[tuple, dict[str, int]] = {}
        replanning: dict[tuple, dict[str, int]] = {}
        for row in self.active()._by_current_status(fields, today):
            key = tuple(row[name] for name in fields)
            tallies.setdefault(key, {})[row["current_status"]] = row["count"]
            if today is not None:
                tally = replanning.setdefault(key, dict.fromkeys(REPLANNING_COUNTS, 0))
                for name in REPLANNING_COUNTS:
                    tally[name] += row[name]
        return [
            {
                **dict(zip(fields, key, strict=True)),
                "counts": StatusCounts.from_mapping(tally),
                **replanning.get(key, {}),
            }
            for key, tally in tallies.items()
        ]

    def _by_current_status(self, fields: tuple[str, ...], today: dt.date | None):
        """Rows grouped by ``fields`` and current status, each with its ``count`` and, given
        ``today``, how many are re-planned, overdue and past their original due quarter (as
        :meth:`with_replanning` flags them). The status decides the last two (a complete
        deliverable is neither), so it is applied to the grouped rows: the current status
        is looked up once per deliverable, not once per count."""
        counts = {"count": Count("pk")}
        if today is not None:
            replanned, due_over, original_due_over = _replanning_conditions(today)
            counts |= {
                "replanned": Count("pk", filter=replanned),
                "overdue": Count("pk", filter=due_over),
                "past_original_due": Count("pk", filter=original_due_over),
            }
        rows = (
            self.with_current_status()
            .order_by()
            .values(*fields, "current_status")
            .annotate(**counts)
        )
        for row in rows:
            if today is not None and row["current_status"] == Status.COMPLETE:
                row["overdue"] = row["past_original_due"] = 0
            yield row


#: Above this many deliverables to write, the refresh writes its whole set again instead.
_MANY_IDS = 500


def _latest_update(updates: QuarterlyUpdateQuerySet) -> tuple[Coalesce, Subquery]:
    """The status (Not started when none) and the quarter (None when none) of the latest of
    ``updates`` of the deliverable in the outer query: correlated subqueries."""
    latest = updates.filter(deliverable=OuterRef("pk")).order_by("-quarter")
    return (
        Coalesce(Subquery(latest.values("status")[:1]), Value(Status.NOT_STARTED.value)),
        Subquery(latest.values("quarter")[:1]),
    )


def refresh_published_statuses(force_ids) -> int:
    """Refresh the stored published status of every deliverable of ``force_ids``
    (:meth:`DeliverableQuerySet.refresh_published_status`). Registered with
    ``plans.cache.on_content_change``, it runs in the transaction of every write that changes
    public pages, with the forces whose pages changed (every force for demo data, reference
    data, a restore and the admin), after the content versions: every such write waits for
    the one before it there, so it reads what that write committed. Returns how many
    deliverables it wrote."""
    force_ids = list(force_ids)
    if not force_ids:
        return 0
    return Deliverable.objects.filter(plan__force_id__in=force_ids).refresh_published_status()


def computed_trend_figures(force_ids=None) -> dict[int, tuple[dict, int]]:
    """``{force id: (spans, size)}`` for ``force_ids`` (every force when None) as the
    updates and deliverables say: ``spans`` ``{(quarter, until, status): n}``
    (:meth:`QuarterlyUpdateQuerySet.status_spans` over the published updates of the active
    deliverables of the force's public roadmap) and ``size`` how many active deliverables
    that roadmap has. Forces with neither are left out. Two grouped queries."""
    updates = QuarterlyUpdate.objects.on_public_roadmaps().filter(
        deliverable__withdrawn_at__isnull=True
    )
    deliverables = Deliverable.objects.on_public_roadmaps().active()
    if force_ids is not None:
        updates = updates.filter(deliverable__plan__force_id__in=force_ids)
        deliverables = deliverables.filter(plan__force_id__in=force_ids)
    figures: dict[int, tuple[dict, int]] = {}
    for row in deliverables.order_by().values("plan__force").annotate(n=Count("pk")):
        figures[row["plan__force"]] = ({}, row["n"])
    for row in updates.status_spans("deliverable__plan__force"):
        spans, _ = figures.setdefault(row["deliverable__plan__force"], ({}, 0))
        spans[(row["quarter"], row["until"], row["status"])] = row["n"]
    return figures


def stored_trend_figures(force_ids=None) -> dict[int, tuple[dict, int]]:
    """The same as :func:`computed_trend_figures`, from what is stored (``StatusSpan``,
    ``RoadmapSize``). Two queries."""
    spans = StatusSpan.objects.all()
    sizes = RoadmapSize.objects.all()
    if force_ids is not None:
        spans = spans.filter(force_id__in=force_ids)
        sizes = sizes.filter(force_id__in=force_ids)
    figures: dict[int, tuple[dict, int]] = {}
    for force_id, deliverables in sizes.values_list("force_id", "deliverables"):
        figures[force_id] = ({}, deliverables)
    for force_id, quarter, until, status, n in spans.values_list(
        "force_id", "quarter", "until", "status", "n"
    ):
        figures.setdefault(force_id, ({}, 0))[0][(quarter, until, status)] = n
    return figures


def stale_trend_figures(force_ids=None) -> list[int]:
    """The ids of the forces whose stored trend figures are not what their updates and
    deliverables say: none, unless a write forgot :func:`refresh_trend_figures`
    (``manage.py verify_derived`` and the tests). Four queries."""
    return _differing(computed_trend_figures(force_ids), stored_trend_figures(force_ids))


def _differing(computed: dict, stored: dict) -> list[int]:
    """The forces whose figures differ between ``computed`` and ``stored`` (a force missing
    from one has no spans and no deliverables there)."""
    none = ({}, 0)
    return sorted(
        pk
        for pk in computed.keys() | stored.keys()
        if computed.get(pk, none) != stored.get(pk, none)
    )


def refresh_trend_figures(force_ids) -> int:
    """Bring the stored trend figures (``StatusSpan``, ``RoadmapSize``) of ``force_ids`` up to
    date: registered with ``plans.cache.on_content_change`` beside
    :func:`refresh_published_statuses`, it runs in the transaction of every write that
    changes public pages, for the forces whose pages changed. Compares first (four queries);
    rewrites (delete, then insert) only the forces whose figures differ. Returns how many."""
    force_ids = list(force_ids)
    if not force_ids:
        return 0
    computed = computed_trend_figures(force_ids)
    stale = _differing(computed, stored_trend_figures(force_ids))
    if not stale:
        return 0
    StatusSpan.objects.filter(force_id__in=stale).delete()
    RoadmapSize.objects.filter(force_id__in=stale).delete()
    spans, sizes = [], []
    for pk in stale:
        grouped, size = computed.get(pk, ({}, 0))
        if size:
            sizes.append(RoadmapSize(force_id=pk, deliverables=size))
        spans.extend(
            StatusSpan(force_id=pk, quarter=quarter, until=until, status=status, n=n)
            for (quarter, until, status), n in grouped.items()
        )
    StatusSpan.objects.bulk_create(spans)
    RoadmapSize.objects.bulk_create(sizes)
    return len(stale)


def refresh_after_saving(sender, instance, raw=False, **kwargs) -> None:
    """After any save of one update (``post_save``), even outside the write paths (a test's
    data, the shell), refresh its deliverable's stored status, and its force's trend
    figures. Not on loading a fixture (``raw``: the restore refreshes everything once
    loaded). The write paths do not rely on it: bulk writes send no signal, and they refresh
    through :func:`refresh_published_statuses` and :func:`refresh_trend_figures`, which run
    for the same force before the write commits (so this does nothing inside one)."""
    if not raw and not pages_will_change():
        Deliverable.objects.filter(pk=instance.deliverable_id).refresh_published_status()
        refresh_trend_figures(
            Deliverable.objects.filter(pk=instance.deliverable_id).values_list(
                "plan__force_id", flat=True
            )
        )


def refresh_trend_after_saving(sender, instance, raw=False, **kwargs) -> None:
    """After any save of one deliverable or plan (``post_save``), even outside the write
    paths, refresh its force's trend figures (a deliverable added or withdrawn, a plan
    published or unpublished changes them). Not on loading a fixture (``raw``), nor inside a
    write of ``plans.versioning``, which refreshes them for the same force before it commits
    (:func:`refresh_trend_figures`, through ``on_content_change``)."""
    if raw or pages_will_change():
        return
    if isinstance(instance, Deliverable):
        refresh_trend_figures(
            Deliverable.objects.filter(pk=instance.pk).values_list("plan__force_id", flat=True)
        )
    else:
        refresh_trend_figures([instance.force_id])


#: The counts of ``DeliverableQuerySet.replanning_counts_by``.
REPLANNING_COUNTS = ("replanned", "overdue", "past_original_due")


def _replanning_conditions(today: dt.date) -> tuple[Q, Q, Q]:
    """As of ``today``: re-planned (start or due quarter not the one first published); not
    withdrawn with its due quarter over; not withdrawn with its original due quarter over.
    Overdue and past the original due quarter are the last two of a deliverable that is not
    complete (``DeliverableQuerySet.with_replanning``)."""
    this_quarter = Quarter.containing(today)
    active = Q(withdrawn_at__isnull=True)
    replanned = Q(first_published_at__isnull=False) & (
        ~Q(original_due_quarter=F("due_quarter")) | ~Q(original_start_quarter=F("start_quarter"))
    )
    return (
        replanned,
        active & Q(due_quarter__lt=this_quarter),
        active & Q(original_due_quarter__lt=this_quarter),
    )


#: Set once, when a deliverable is first published: its original commitment.
ORIGINAL_COMMITMENT_FIELDS = (
    "first_published_at",
    "original_start_quarter",
    "original_due_quarter",
    "original_title",
    "original_description",
)


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=models.BooleanField()
    )


def _reason_problem(before: Commitment, after: Commitment, reason: str) -> str:
    needs = [] if reason.strip() else reason_needed(before, after)
    if not needs:
        return ""
    return "Give the reason for this change (the public will read it): " + " and ".join(needs) + "."


def latest_quarter_by_force(plans, *, with_none: bool = False) -> dict[int, Quarter | None]:
    """``{force id: the newest quarter of any published update of a deliverable of
    plans}``: the newest of their deliverables' stored ``published_status_quarter`` (each
    one's latest published update). Forces with none are left out, or with ``with_none``
    given as None, so the keys are every force with a plan among ``plans``.

    One query whose cost follows the number of plans, not of deliverables: each plan's
    newest quarter is read from the end of the index on (plan, stored quarter), where
    grouping every deliverable by force read them all (6.4 ms at 10x, 0.2 ms this way)."""
    newest = (
        Deliverable.objects.filter(plan=OuterRef("pk"), published_status_quarter__isnull=False)
        .order_by("-published_status_quarter")
        .values("published_status_quarter")[:1]
    )
    latest: dict[int, Quarter | None] = {}
    rows = plans.order_by().annotate(newest=Subquery(newest)).values_list("force_id", "newest")
    for force_id, stored in rows:
        quarter = to_quarter(stored)
        if quarter is not None and (latest.get(force_id) is None or quarter > latest[force_id]):
            latest[force_id] = quarter
        elif with_none:
            latest.setdefault(force_id, None)
    return latest


def _public_roadmap_plans():
    from plans.models import Plan

    return Plan.objects.published().newest_per_force()


#: Deliverable fields derived from its updates (``refresh_published_status``): no form,
#: import or history record holds them.
DERIVED_STATUS_FIELDS = ("published_status", "published_status_quarter")


class Deliverable(models.Model):
    """One commitment in a force's plan, placed in the quarters it spans.

    Never deleted: a deliverable is withdrawn with a reason, which the public can see.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="deliverables")
    workstream = models.ForeignKey(
        "workstreams.Workstream", on_delete=models.PROTECT, related_name="deliverables"
    )
    reference = models.CharField(
        max_length=30,
        blank=True,
        help_text="Optional code the force uses for this deliverable, e.g. R-04.",
    )
    title = models.CharField(
        max_length=150, help_text='A short title, as on a roadmap: "Reform use of stop and search"'
    )
    description = models.TextField(
        max_length=5000, blank=True, help_text='What the force will do: "We will..."'
    )
    lead = models.CharField(
        "accountable lead",
        max_length=150,
        blank=True,
        help_text='A role, not a name: "Head of Learning and Development"',
    )
    start_quarter = QuarterField()
    due_quarter = QuarterField()
    national_actions = models.ManyToManyField(
        "workstreams.NationalAction", blank=True, related_name="deliverables"
    )
    order = models.PositiveIntegerField(default=0, help_text="Position within its workstream.")
    withdrawn_at = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(max_length=2000, blank=True)
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it first became public (its plan published, or added to a published "
        "plan). Never cleared: a commitment once public stays one.",
    )
    original_start_quarter = QuarterField(null=True, blank=True, editable=False)
    original_due_quarter = QuarterField(null=True, blank=True, editable=False)
    original_title = models.CharField(max_length=150, blank=True, editable=False)
    original_description = models.TextField(max_length=5000, blank=True, editable=False)
    #: Derived, never typed: the status of its latest published update (Not started when it
    #: has none) and that update's quarter, which the public pages read. Kept right by every
    #: write of updates (``refresh_published_statuses``), in the write's transaction.
    published_status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOT_STARTED, editable=False
    )
    published_status_quarter = QuarterField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[national_actions], excluded_fields=list(DERIVED_STATUS_FIELDS)
    )
    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["workstream__order", "order", "start_quarter", "pk"]
        constraints = [
            models.CheckConstraint(
                name="deliverable_due_not_before_start",
                condition=Q(due_quarter__gte=F("start_quarter")),
            ),
            models.CheckConstraint(
                name="deliverable_withdrawn_with_reason",
                condition=(Q(withdrawn_at__isnull=True) & Q(withdrawn_reason=""))
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
            ),
            models.UniqueConstraint(
                name="deliverable_reference_unique_in_plan",
                fields=["plan", "reference"],
                condition=~Q(reference=""),
            ),
        ]
        indexes = [
            # A plan's newest stored quarter read from the end of the index
            # (:func:`latest_quarter_by_force`), not by grouping every deliverable.
            models.Index(
                name="deliverable_plan_latest",
                fields=["plan", "published_status_quarter"],
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # A plan's deliverables share their address but for the key at its end: reversed once
        # per plan instance, the key appended. A roadmap links hundreds of deliverables, each
        # from its grid, its list and its achievements, and reverse() takes about 20 us.
        plan = self.plan
        slug = plan.force.slug
        kept = plan.__dict__.get("_deliverable_address")
        if kept is None or kept[0] != slug:
            zero = reverse("actions:deliverable", args=[slug, 0])
            kept = (slug, zero[: -len("0/")] if zero.endswith("/0/") else None)
            plan.__dict__["_deliverable_address"] = kept
        if kept[1] is None:  # an address whose key is not at its end
            return reverse("actions:deliverable", args=[slug, self.pk])
        return f"{kept[1]}{self.pk}/"

    @property
    def content_forces(self) -> tuple[int, ...]:
        """The forces whose public pages show it (``plans.cache``)."""
        return (self.plan.force_id,)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def quarters(self) -> list[Quarter]:
        return Quarter.range(self.start_quarter, self.due_quarter)

    @property
    def span_label(self) -> str:
        if self.start_quarter == self.due_quarter:
            return str(self.start_quarter)
        return f"{self.start_quarter} to {self.due_quarter}"

    def quarter_errors(self) -> dict[str, list[str]]:
        """What is wrong with the start and due quarters, by field: the due quarter may not
        be before the start quarter, and both must be within the plan's period.
        """
        errors: dict[str, list[str]] = {}
        start, due = self.start_quarter, self.due_quarter
        if start and due and due < start:
            errors.setdefault("due_quarter", []).append(f"The due quarter must be {start} or later")
        if self.plan_id is None:
            return errors
        for name, label in (("start_quarter", "Start quarter"), ("due_quarter", "Due quarter")):
            message = quarter_outside_plan(self.plan, label, getattr(self, name))
            if message:
                errors.setdefault(name, []).append(message)
        return errors

    def clean_fields(self, exclude=None) -> None:
        """Django's checks of each field, then :meth:`quarter_errors` once both quarters
        passed theirs (for the admin; the form applies the rule to what was typed)."""
        errors = _field_errors(super().clean_fields, exclude)
        skipped = set(exclude or ()) | set(errors)
        if not skipped & {"start_quarter", "due_quarter"}:
            errors.update(self.quarter_errors())
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: dt.date, current_status: str) -> bool:
        """Due quarter over and not complete."""
        return current_status != Status.COMPLETE and self.due_quarter.last_day < today

    def is_past_original_due(self, today: dt.date, current_status: str) -> bool:
        """Original due quarter over and not complete, even if it was re-planned later
        (False when it has no original commitment: it has never been public)."""
        original = self.original_due_quarter
        return (
            current_status != Status.COMPLETE and original is not None and original.last_day < today
        )

    # The commitment and re-planning ----------------------------------------------------------

    @property
    def commitment(self) -> Commitment:
        """Its start and due quarters, title and description as they are now."""
        return Commitment(self.start_quarter, self.due_quarter, self.title, self.description)

    @property
    def original_commitment(self) -> Commitment | None:
        """Its commitment as first published, or None if it has never been public."""
        if self.first_published_at is None:
            return None
        return Commitment(
            self.original_start_quarter,
            self.original_due_quarter,
            self.original_title,
            self.original_description,
        )

    @property
    def is_committed(self) -> bool:
        """Whether its commitment has been public: first published, or in a published plan
        (a plan published by a path that did not record it yet)."""
        if self.first_published_at is not None:
            return True
        return self.plan_id is not None and self.plan.is_published

    @property
    def is_replanned(self) -> bool:
        """Its start or due quarter is not the one first published. (Its quarters alone: a
        roadmap asks it of every deliverable, loaded without the texts.)"""
        return self.first_published_at is not None and (
            (self.original_start_quarter, self.original_due_quarter)
            != (self.start_quarter, self.due_quarter)
        )

    @property
    def due_moved(self) -> bool:
        """Its due quarter is not the one first published ("originally Q2 2025/26")."""
        original = self.original_due_quarter
        return self.first_published_at is not None and original != self.due_quarter

    def replanning_problem(self, after: Commitment, reason: str) -> str:
        """The one rule for changing a deliverable's commitment, on every write path (the
        staff form, the plan import, the admin): the message when changing it from what it
        is now to ``after`` needs a reason and ``reason`` is blank, or "".

        Call it before the new values are set on the deliverable. A draft (never public)
        changes freely; a published one needs the force's reason when its due quarter moves
        later or its title or description changes materially
        (:func:`actions.replanning.reason_needed`).
        """
        if not self.is_committed or self.pk is None:
            return ""
        return _reason_problem(self.commitment, after, reason)

    def record_replanning(
        self, before: Commitment | None, by, now: dt.datetime, reason: str = ""
    ) -> list[CommitmentChange]:
        """Note a save of this deliverable, whose commitment was ``before`` (None for a new
        deliverable) and is now as set on it, by ``by`` at ``now``: every write path calls it
        before saving, then saves the entries it returns with the deliverable
        (:meth:`CommitmentChange.save_all`).

        A deliverable becoming public now (new in a published plan) gets its original
        commitment. A public one gets one dated entry per changed field, with ``reason``;
        :class:`ValidationError` if the change needs a reason (:meth:`replanning_problem`)
        and has none. A draft gets nothing: it changes freely.
        """
        if not self.is_committed:
            return []
        if self.first_published_at is None:
            self.record_first_publication(now, before or self.commitment)
        if before is None:
            return []
        after = self.commitment
        reason = reason.strip()
        if problem := _reason_problem(before, after, reason):
            raise ValidationError({"replanning_reason": problem})
        return [
            CommitmentChange(
                deliverable=self,
                made_at=now,
                made_by=by,
                reason=reason,
                field=name,
                was=as_text(getattr(before, name)),
                became=as_text(getattr(after, name)),
            )
            for name in changed_fields(before, after)
        ]

    def record_first_publication(self, now: dt.datetime, original: Commitment) -> None:
        """Keep ``original`` as its commitment first published at ``now``."""
        self.first_published_at = now
        self.original_start_quarter = original.start_quarter
        self.original_due_quarter = original.due_quarter
        self.original_title = original.title
        self.original_description = original.description

    def return_state(self, quarter: Quarter) -> str:
        """ "published", "draft", "missing" or "not_due" for the return for ``quarter``.

        Needs the annotations of ``with_return(quarter)``; follows the rule of
        ``in_return``.
        """
        if self.is_withdrawn:
            return "not_due"
        if self.return_update_id is not None:
            return "published" if self.return_published_at is not None else "draft"
        if self.start_quarter > quarter or self.completed_before:
            return "not_due"
        return "missing"


class CommitmentChange(models.Model):
    """One dated change to a published deliverable's commitment (start or due quarter,
    title or "We will..." text): what it was, what it became, who, when and why. Public.
    Made only by :meth:`Deliverable.record_replanning`; never edited.
    """

    Field = models.TextChoices(
        "Field", [(name.upper(), (name, COMMITMENT_LABELS[name])) for name in COMMITMENT_FIELDS]
    )

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="commitment_changes"
    )
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.CharField(max_length=20, choices=Field.choices)
    was = models.TextField(blank=True)
    became = models.TextField(blank=True)
    reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.deliverable}: {self.get_field_display()} changed"

    @property
    def is_quarter(self) -> bool:
        return self.field in ("start_quarter", "due_quarter")

    def _shown(self, value: str) -> str:
        return str(Quarter.parse(value)) if self.is_quarter and value else value

    @property
    def was_shown(self) -> str:
        """What it was, quarters as "Q2 2025/26"."""
        return self._shown(self.was)

    @property
    def became_shown(self) -> str:
        return self._shown(self.became)

    @staticmethod
    def save_all(entries: list[CommitmentChange]) -> None:
        """Save entries of :meth:`Deliverable.record_replanning` once their deliverables
        are saved (new deliverables get their primary key on saving), in the transaction
        that saves them, and tell the force's followers (``alerts``) of each deliverable
        re-planned in a published plan."""
        CommitmentChange.objects.bulk_create(entries)
        by_deliverable: dict[int, list[CommitmentChange]] = {}
        for entry in entries:
            by_deliverable.setdefault(entry.deliverable.pk, []).append(entry)
        for changes in by_deliverable.values():
            deliverable = changes[0].deliverable
            if deliverable.plan.is_published:
                record_event(
                    deliverable.plan.force_id,
                    EventKind.DELIVERABLE_REPLANNED,
                    CommitmentChange.summary(deliverable, changes),
                    deliverable.get_absolute_url(),
                    changes[0].made_at,
                )

    @staticmethod
    def summary(deliverable: Deliverable, changes: list[CommitmentChange]) -> str:
        """One public sentence about a re-planning: what changed (quarters from and to) and
        the reason given, as the deliverable's page shows them."""
        parts = [
            f"{change.get_field_display().lower()} moved from {change.was_shown} to "
            f"{change.became_shown}"
            if change.is_quarter
            else f"{change.get_field_display().lower()} changed"
            for change in changes
        ]
        text = f"\u201c{deliverable.title}\u201d was re-planned: {'; '.join(parts)}."
        if changes[0].reason.strip():
            text += f" Reason given: {shorten(changes[0].reason, 300)}"
        return text


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def for_force(self, force) -> MilestoneQuerySet:
        return self.filter(deliverable__plan__force=force)

    def overdue(self, today: dt.date) -> MilestoneQuerySet:
        """Not done, its due quarter over by ``today``, in a deliverable not withdrawn."""
        return self.filter(
            done_on__isnull=True,
            due_quarter__lt=Quarter.containing(today),
            deliverable__withdrawn_at__isnull=True,
        )


class Milestone(models.Model):
    """A checkpoint inside a deliverable, due in a quarter, done or not."""

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    due_quarter = QuarterField()
    done_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_quarter", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def content_forces(self) -> tuple[int, ...]:
        return self.deliverable.content_forces

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def quarter_error(self) -> str:
        """The message when the due quarter is outside the plan's period, or ""."""
        if self.deliverable_id is None:
            return ""
        return quarter_outside_plan(self.deliverable.plan, "Due quarter", self.due_quarter)

    def clean_fields(self, exclude=None) -> None:
        """Django's checks of each field, then :meth:`quarter_error` (for the admin; the
        form applies the rule to what was typed)."""
        errors = _field_errors(super().clean_fields, exclude)
        skipped = set(exclude or ()) | set(errors)
        if "due_quarter" not in skipped and (message := self.quarter_error()):
            errors["due_quarter"] = [message]
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: dt.date) -> bool:
        return not self.is_done and self.due_quarter.last_day < today


class QuarterlyUpdate(models.Model):
    """A force's report on one deliverable for one quarter. Draft until published."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="updates")
    quarter = QuarterField()
    status = models.CharField(max_length=20, choices=Status.choices)
    done = models.TextField("what was done", max_length=5000, blank=True)
    next = models.TextField("what is next", max_length=5000, blank=True)
    evidence = models.TextField(
        "evidence links", max_length=4000, blank=True, help_text="One web address per line."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    corrected_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a published update is edited."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = QuarterlyUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "pk"]
        constraints = [
            models.UniqueConstraint(
                name="one_update_per_deliverable_per_quarter", fields=["deliverable", "quarter"]
            ),
            models.CheckConstraint(
                name="update_status_is_known", condition=Q(status__in=STATUS_ORDER)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} - {self.quarter}"

    @property
    def content_forces(self) -> tuple[int, ...]:
        return self.deliverable.content_forces

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]

    def publication_problem(self, *, publish: bool = False) -> str:
        """:func:`narrative_problem` for this update if it is published, or about to be
        (``publish``); "" for a draft that stays a draft (a draft may be unfinished).
        """
        if not (publish or self.is_published):
            return ""
        return narrative_problem(self.status, self.done)

    def clean_fields(self, exclude=None) -> None:
        """Django's checks of each field, then the evidence rule and the rule that a
        published update says what was done (for the admin; the forms apply them to what
        was typed, and skip them here when that failed)."""
        errors = _field_errors(super().clean_fields, exclude)
        skipped = set(exclude or ()) | set(errors)
        if "evidence" not in skipped:
            try:
                self.evidence = clean_evidence_links(self.evidence)
            except ValidationError as error:
                errors["evidence"] = error.error_list
        if not skipped & {"status", "done"} and (message := self.publication_problem()):
            errors["done"] = [message]
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """The database's constraints, checked before a save, without the check that the
        status is a known one: that is the field's own choices, which ``clean_fields``
        checks in Python, where Django would run a query (and a savepoint) for every
        update, three per row of a quarterly return. The database still enforces it."""
        super().validate_constraints(exclude={*(exclude or ()), "status"})

    #: The fields a bulk write of recorded updates (the return page, the return import) must
    #: save: what a person changes, and what :meth:`record` and the version set.
    RECORDED_FIELDS = (
        "status",
        "done",
        "next",
        "evidence",
        "published_at",
        "corrected_at",
        "author",
        "version",
        "updated_at",
    )

    def record(
        self,
        by,
        now: dt.datetime,
        *,
        publish: bool = False,
        was_published: bool | None = None,
        reason: str = "",
    ) -> str:
        """Note a save of this update by ``by`` at ``now``: the one rule for every write
        path (the update page, the return page, the return import, the admin). It records
        who saved it and when; a published update stays published and is marked corrected,
        a draft is published when ``publish``, otherwise it stays a draft. Returns
        "corrected", "published" or "draft". Writes nothing: the caller saves, moving the
        version on (:meth:`save_by`, or a bulk write with ``plans.versioning.claim_versions``).

        ``was_published`` is whether it was published before this change (by default, as it
        is now; a publication date already set on a draft, as in the admin, stands);
        ``reason`` replaces the history's reason for the change.

        Raises ``ValidationError`` (on ``done``), changing nothing, when the update would be
        published without saying what was done though its status needs it
        (:meth:`publication_problem`): every write path checks this first and words it
        where the person is; this is the last guard.
        """
        if message := self.publication_problem(publish=publish):
            raise ValidationError({"done": [message]})
        if was_published is None:
            was_published = self.is_published
        self.author = by
        self.updated_at = now
        if was_published and self.is_published:
            self.corrected_at = now
            outcome, self._change_reason = "corrected", "Corrected after publication"
        elif publish or self.is_published:
            self.published_at = self.published_at or now
            outcome, self._change_reason = "published", "Published"
        else:
            outcome, self._change_reason = "draft", "Draft saved"
        if reason:
            self._change_reason = reason
        self._newly_published = outcome == "published"
        return outcome

    @staticmethod
    def announce_publications(updates, now: dt.datetime) -> int:
        """Tell the followers of each force (``alerts``) of every update in ``updates`` that
        :meth:`record` has just published, in a published plan. Every write path calls it
        once the updates are saved, inside the transaction that saves them. Only what the
        public can read goes into the message: the quarter, the deliverable's title, the
        status. Returns how many were announced."""
        announced = 0
        for update in updates:
            if not getattr(update, "_newly_published", False):
                continue
            update._newly_published = False
            deliverable = update.deliverable
            if not deliverable.plan.is_published:
                continue
            record_event(
                deliverable.plan.force_id,
                EventKind.RETURN_PUBLISHED,
                f"{update.quarter} update on \u201c{deliverable.title}\u201d: "
                f"{update.get_status_display()}.",
                deliverable.get_absolute_url(),
                now,
            )
            announced += 1
        return announced

    def save_by(self, by, now: dt.datetime, seen_version: int, **record) -> str:
        """:meth:`record` the change, then save it if nobody else has saved this update
        since ``seen_version`` (``plans.versioning.EditConflict`` otherwise, writing nothing),
        mark the force's public pages changed and announce a publication, in one transaction.
        """
        outcome = self.record(by, now, **record)

        def announce() -> None:
            QuarterlyUpdate.announce_publications([self], now)

        if self.pk is None:
            save_content(self, after_save=announce)
        else:
            save_versioned(self, seen_version, after_save=announce)
        return outcome

    def unpublish(self, by, seen_version: int) -> None:
        """Return a published update to draft (it leaves every public page), recording who
        did it; :class:`plans.versioning.EditConflict` if it changed since ``seen_version``.
        """
        self.published_at = None
        self.author = by
        self._change_reason = "Unpublished"
        save_versioned(self, seen_version)


from actions.span_models import RoadmapSize, StatusSpan  # noqa: E402 - models of this app
from actions.upload_models import StoredUpload  # noqa: E402, F401 - a model of this app
