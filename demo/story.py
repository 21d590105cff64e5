"""Deterministic demonstration data.

Dorset's real roadmap and Cheshire's published achievements come from the CSV files in
``demo/files/``; every other force gets a plausible generated plan from a fixed random seed,
so two runs with the same ``today``, ``scale`` and ``seed`` produce identical content.
Demo rows are flagged ``is_demo`` and replaced wholesale on each run.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.test.utils import override_settings
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from actions.models import CommitmentChange, Deliverable, Milestone, QuarterlyUpdate, Status
from actions.replanning import Commitment, as_text, changed_fields
from demo import engagement, panels
from plans.cache import all_content_changed
from plans.history import DEMO_CHANGE_REASON
from plans.models import Force, Plan
from plans.quarters import Quarter, quarter_just_ended
from workstreams.models import NationalAction, PracticeExample, Workstream

DEMO_DIR = Path(__file__).resolve().parent / "files"
PRACTICE_FILE = DEMO_DIR / "practice-examples.csv"
STATUS_BY_LABEL = {label.casefold(): value for value, label in Status.choices}
MILESTONE_TITLES = [
    "Scope and terms of reference agreed",
    "Baseline data gathered and published",
    "Community advisory group consulted",
    "Pilot completed in one area",
    "Training delivered to the first cohort",
    "Evaluation report presented to the strategic board",
    "Roll-out across the force agreed",
    "Findings shared with the independent scrutiny panel",
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


#: Dorset's re-planned deliverables: (title now, original start, original due, original
#: title or "" if unchanged, the force's reason).
DORSET_REPLANS = [
    (
        "Introduce technology solution to proactively identify and monitor disproportionality",
        "Q4 2024/25",
        "Q4 2024/25",
        "",
        "The analytics supplier could not connect to our records system until the new system "
        "went live in July 2025, so the work moved to the quarter after go-live.",
    ),
    (
        "Improve our ethnicity data recording",
        "Q3 2024/25",
        "Q3 2024/25",
        "",
        "Recording ethnicity at every stop needs a change to the national crime recording "
        "system, which its supplier scheduled for January 2025.",
    ),
    (
        "Develop community engagement contracts with our Black communities",
        "Q1 2025/26",
        "Q1 2025/26",
        "Agree community engagement contracts with Black community groups",
        "The community groups asked to write the contracts with us rather than sign a text we "
        "had drafted, which takes a quarter longer and changes what we are promising.",
    ),
]

#: Reasons a generated force gives for moving a deliverable's due quarter later.
REPLAN_REASONS = [
    "The training provider cancelled the spring sessions; the new dates run into the "
    "following quarter.",
    "We waited for the national guidance from the College of Policing, published later "
    "than expected.",
    "Our independent advisory group asked for a longer consultation with Black-led "
    "community organisations.",
    "The lead officer moved role and the work was handed over; the new lead reviewed the "
    "timetable.",
    "The data needed a change to our records system, which was delayed by the supplier.",
    "Funding for the second phase was confirmed later in the year than planned.",
]


@dataclass(frozen=True)
class Replan:
    """A demo deliverable's original commitment, re-planned later with ``reason``."""

    start_quarter: Quarter
    due_quarter: Quarter
    title: str
    reason: str


def _moment(day: dt.date, today: dt.date) -> dt.datetime:
    return dt.datetime.combine(min(day, today), dt.time(9, 0), tzinfo=dt.UTC)


def published_moment(quarter: Quarter, rng: random.Random, today: dt.date) -> dt.datetime:
    day = min(quarter.last_day + dt.timedelta(days=rng.randint(5, 28)), today)
    return dt.datetime.combine(day, dt.time(10, rng.randint(0, 59)), tzinfo=dt.UTC)


@dataclass
class Batch:
    """Rows gathered in memory and written with a handful of bulk inserts."""

    deliverables: list[Deliverable] = field(default_factory=list)
    action_codes: list[list[str]] = field(default_factory=list)
    milestones: list[tuple[int, Milestone]] = field(default_factory=list)
    updates: list[tuple[int, QuarterlyUpdate]] = field(default_factory=list)
    replans: list[tuple[int, Replan]] = field(default_factory=list)

    def add(self, deliverable: Deliverable, action_codes: list[str]) -> int:
        self.deliverables.append(deliverable)
        self.action_codes.append(action_codes)
        return len(self.deliverables) - 1

    def save(self, today: dt.date) -> None:
        """Insert everything, with a creation record in the change history for each row
        (so a deliverable's history starts "Loaded the deliverable"), dated as the story
        goes: deliverables and milestones when the deliverable starts, updates when they
        were published (drafts a week after their quarter).
        """
        history = {"default_change_reason": DEMO_CHANGE_REASON}
        for deliverable in self.deliverables:
            deliverable._history_date = _moment(deliverable.start_quarter.first_day, today)
        for index, milestone in self.milestones:
            milestone._history_date = self.deliverables[index]._history_date + dt.timedelta(
                minutes=1
            )
        for _, update in self.updates:
            update._history_date = update.published_at or _moment(
                update.quarter.last_day + dt.timedelta(days=7), today
            )
        replanned = self._commit(today)
        bulk_create_with_history(self.deliverables, Deliverable, batch_size=2000, **history)
        CommitmentChange.objects.bulk_create(
            [entry for deliverable, entries in replanned for entry in entries], batch_size=5000
        )
        actions = {action.code: action for action in NationalAction.objects.all()}
        through = Deliverable.national_actions.through
        links = through.objects.bulk_create(
            [
                through(deliverable_id=deliverable.pk, nationalaction_id=actions[code].pk)
                for deliverable, action_codes in zip(
                    self.deliverables, self.action_codes, strict=True
                )
                for code in action_codes
            ],
            batch_size=5000,
        )
        # The creation records include the national actions, as a save through a form would.
        historical_links = Deliverable.history.model.national_actions.model
        creation = dict(
            Deliverable.history.filter(
                history_type="+", plan_id__in=Plan.objects.filter(is_demo=True).values("pk")
            ).values_list("id", "history_id")
        )
        historical_links.objects.bulk_create(
            [
                historical_links(
                    id=link.pk,
                    history_id=creation[link.deliverable_id],
                    deliverable_id=link.deliverable_id,
                    nationalaction_id=link.nationalaction_id,
                )
                for link in links
            ],
            batch_size=5000,
        )
        for index, milestone in self.milestones:
            milestone.deliverable_id = self.deliverables[index].pk
        bulk_create_with_history(
            [m for _, m in self.milestones], Milestone, batch_size=5000, **history
        )
        for index, update in self.updates:
            update.deliverable_id = self.deliverables[index].pk
        bulk_create_with_history(
            [u for _, u in self.updates], QuarterlyUpdate, batch_size=5000, **history
        )

    def _commit(self, today: dt.date) -> list[tuple[Deliverable, list[CommitmentChange]]]:
        """Give the deliverables of published plans their original commitment, first
        published when their plan starts, and return the change entries of those re-planned
        (dated in their original due quarter), to save once the deliverables have keys."""
        for deliverable in self.deliverables:
            if deliverable.plan.is_published:
                published = _moment(deliverable.plan.first_quarter.first_day, today)
                deliverable.record_first_publication(published, deliverable.commitment)
        replanned = []
        for index, replan in self.replans:
            deliverable = self.deliverables[index]
            original = Commitment(
                replan.start_quarter,
                replan.due_quarter,
                replan.title or deliverable.title,
                deliverable.description,
            )
            deliverable.record_first_publication(deliverable.first_published_at, original)
            made_at = max(
                _moment(original.due_quarter.first_day + dt.timedelta(days=20), today),
                deliverable.first_published_at,
            )
            entries = [
                CommitmentChange(
                    deliverable=deliverable,
                    made_at=made_at,
                    field=name,
                    was=as_text(getattr(original, name)),
                    became=as_text(getattr(deliverable.commitment, name)),
                    reason=replan.reason,
                )
                for name in changed_fields(original, deliverable.commitment)
            ]
            replanned.append((deliverable, entries))
        return replanned


DEMO_STAFF = [
    ("dorset.coordinator@demo.invalid", "Dana Demo", User.Role.COORDINATOR, "dorset"),
    ("national.team@demo.invalid", "Nico Demo", User.Role.NATIONAL, None),
    ("dorset.panel@demo.invalid", "Pat Demo", User.Role.PANEL, "dorset"),
]


@transaction.atomic
def clear() -> None:
    """Remove every demo row (plans, their deliverables and updates, practice examples, and
    their change history) and switch the demo staff accounts off, all or nothing.
    """
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        panels.clear()  # their views point at demo deliverables
        engagement.clear()  # its actions point at demo deliverables
        demo_plans = Plan.objects.filter(is_demo=True)
        demo_deliverables = Deliverable.objects.filter(plan__is_demo=True)
        demo_ids = demo_deliverables.values("pk")
        Deliverable.history.model.national_actions.model.objects.filter(
            deliverable_id__in=demo_ids
        ).delete()
        QuarterlyUpdate.history.filter(deliverable_id__in=demo_ids).delete()
        Milestone.history.filter(deliverable_id__in=demo_ids).delete()
        Deliverable.history.filter(id__in=demo_ids).delete()
        Plan.history.filter(id__in=demo_plans.values("pk")).delete()
        PracticeExample.history.filter(
            id__in=PracticeExample.objects.filter(is_demo=True).values("pk")
        ).delete()
        QuarterlyUpdate.objects.filter(deliverable__in=demo_deliverables).delete()
        Milestone.objects.filter(deliverable__in=demo_deliverables).delete()
        Deliverable.national_actions.through.objects.filter(
            deliverable__in=demo_deliverables
        ).delete()
        CommitmentChange.objects.filter(deliverable__in=demo_deliverables).delete()
        demo_deliverables.delete()
        demo_plans.delete()
        PracticeExample.objects.filter(is_demo=True).delete()
    for user in User.objects.filter(is_demo=True, is_active=True):
        user.is_active = False
        user.set_unusable_password()
        user.save()
    all_content_changed()


def demo_staff() -> list[tuple[User, str]]:
    """Create (or switch back on) the demo staff accounts, each with a new random password.

    Returns each account with its password, to be shown once. Only for demo data: the
    accounts are flagged ``is_demo`` and switched off by ``clear()``.
    """
    accounts = []
    for email, name, role, force_slug in DEMO_STAFF:
        force = Force.objects.get(slug=force_slug) if force_slug else None
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name, user.role, user.force = name, role, force
        user.is_demo, user.is_active, user.is_staff, user.is_superuser = True, True, False, False
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        accounts.append((user, password))
    return accounts


@transaction.atomic
def seed(today: dt.date, scale: int = 1, seed: int = 2022) -> dict[str, int]:
    """Replace the demo data. Returns row counts by kind."""
    if scale < 1:
        raise ValueError("Scale must be 1 or more.")
    clear()
    workstreams = {w.slug: w for w in Workstream.objects.all()}
    forces = {f.slug: f for f in Force.objects.all()}
    if len(workstreams) != 4 or not forces:
        raise ValueError("Reference data is missing: run load_reference first.")
    latest = quarter_just_ended(today)
    batch = Batch()
    _dorset(forces["dorset"], workstreams, batch, today, seed)
    _cheshire(forces["cheshire"], workstreams, batch, today, seed)
    _generated(forces, workstreams, batch, today, latest, scale, seed)
    batch.save(today)
    bulk_create_with_history(
        [
            PracticeExample(
                force=forces[row["force"]],
                workstream=workstreams[row["workstream"]],
                title=row["title"],
                summary=row["summary"],
                link=row["link"],
                is_demo=True,
            )
            for row in read_csv(PRACTICE_FILE)
            if row["force"] in forces
        ],
        PracticeExample,
        default_change_reason=DEMO_CHANGE_REASON,
    )
    engagement_counts = engagement.seed(
        forces,
        today,
        read_csv(DEMO_DIR / "engagement.csv"),
        read_csv(DEMO_DIR / "engagement-actions.csv"),
    )
    panel_counts = panels.seed(forces, today)
    all_content_changed()
    return {
        "plans": Plan.objects.filter(is_demo=True).count(),
        "deliverables": len(batch.deliverables),
        "milestones": len(batch.milestones),
        "updates": len(batch.updates),
        "practice examples": PracticeExample.objects.filter(is_demo=True).count(),
        "engagement activities": engagement_counts[0],
        "engagement actions": engagement_counts[1],
        "panel views": panel_counts[0],
        "panel replies": panel_counts[1],
    }


def _plan(**fields) -> Plan:
    plan = Plan(**fields)
    plan._change_reason = DEMO_CHANGE_REASON
    plan.save()
    return plan


def _dorset(force, workstreams, batch: Batch, today: dt.date, seed: int) -> None:
    rng = random.Random(f"{seed}-dorset")
    rows = read_csv(DEMO_DIR / "dorset.csv")
    quarters = [Quarter.parse(r["start_quarter"]) for r in rows]
    quarters += [Quarter.parse(r["due_quarter"]) for r in rows]
    plan = _plan(
        force=force,
        title="Dorset Police Race Action Plan roadmap",
        summary=(
            "Our roadmap for becoming an anti-racist police service: what we will deliver "
            "under each of the four national workstreams, and when."
        ),
        first_quarter=min(quarters),
        last_quarter=max(quarters),
        is_published=True,
        is_demo=True,
    )
    updates = defaultdict(list)
    for row in read_csv(DEMO_DIR / "dorset-updates.csv"):
        updates[row["title"]].append(row)
    order = defaultdict(int)
    for row in rows:
        order[row["workstream"]] += 1
        index = batch.add(
            Deliverable(
                plan=plan,
                workstream=workstreams[row["workstream"]],
                title=row["title"],
                description=row["description"],
                lead=row["lead"],
                start_quarter=Quarter.parse(row["start_quarter"]),
                due_quarter=Quarter.parse(row["due_quarter"]),
                order=order[row["workstream"]],
            ),
            codes(row["national_actions"]),
        )
        statuses = []
        for update in updates[row["title"]]:
            quarter = Quarter.parse(update["quarter"])
            if quarter.last_day >= today:
                continue
            status = STATUS_BY_LABEL[update["status"].casefold()]
            statuses.append((quarter, status))
            batch.updates.append(
                (
                    index,
                    QuarterlyUpdate(
                        quarter=quarter,
                        status=status,
                        done=update["done"],
                        next=update["next"],
                        published_at=published_moment(quarter, rng, today),
                    ),
                )
            )
        _milestones(batch, index, rng, batch.deliverables[index], statuses, today)
    replans = {title: rest for title, *rest in DORSET_REPLANS}
    for index, deliverable in enumerate(batch.deliverables):
        if deliverable.plan is plan and deliverable.title in replans:
            start, due, title, reason = replans[deliverable.title]
            batch.replans.append(
                (index, Replan(Quarter.parse(start), Quarter.parse(due), title, reason))
            )


def _cheshire(force, workstreams, batch: Batch, today: dt.date, seed: int) -> None:
    rng = random.Random(f"{seed}-cheshire")
    rows = read_csv(DEMO_DIR / "cheshire.csv")
    starts = [Quarter.parse(r["start_quarter"]) for r in rows]
    dues = [Quarter.parse(r["due_quarter"]) for r in rows]
    plan = _plan(
        force=force,
        title="Cheshire Constabulary Police Race Action Plan",
        summary=(
            "What we have achieved and what we are doing next to become an anti-racist "
            "organisation, under the four workstreams of the national plan."
        ),
        first_quarter=min(starts),
        last_quarter=max(dues),
        is_published=True,
        is_demo=True,
    )
    order = defaultdict(int)
    for row in rows:
        order[row["workstream"]] += 1
        index = batch.add(
            Deliverable(
                plan=plan,
                workstream=workstreams[row["workstream"]],
                title=row["title"],
                description=row["description"],
                lead=row["lead"],
                start_quarter=Quarter.parse(row["start_quarter"]),
                due_quarter=Quarter.parse(row["due_quarter"]),
                order=order[row["workstream"]],
            ),
            codes(row["national_actions"]),
        )
        quarter = Quarter.parse(row["achieved_quarter"])
        if quarter.last_day < today:
            batch.updates.append(
                (
                    index,
                    QuarterlyUpdate(
                        quarter=quarter,
                        status=Status.COMPLETE,
                        done=row["achievement"],
                        published_at=published_moment(quarter, rng, today),
                    ),
                )
            )
            _milestones(
                batch, index, rng, batch.deliverables[index], [(quarter, "complete")], today
            )


def _generated(forces, workstreams, batch, today, latest: Quarter, scale, seed) -> None:
    pool = defaultdict(list)
    for row in read_csv(DEMO_DIR / "generated-pool.csv"):
        pool[row["workstream"]].append(row)
    narratives = defaultdict(list)
    for row in read_csv(DEMO_DIR / "narratives.csv"):
        narratives[STATUS_BY_LABEL[row["status"].casefold()]].append(row)
    others = sorted(slug for slug in forces if slug not in {"dorset", "cheshire"})
    chooser = random.Random(f"{seed}-chooser")
    without_plan = set(chooser.sample(others, 2))
    unpublished = chooser.choice([s for s in others if s not in without_plan])
    for slug in others:
        if slug in without_plan:
            continue
        rng = random.Random(f"{seed}-{slug}")
        evidence_rng = random.Random(f"{seed}-{slug}-evidence")
        first = latest - rng.randint(7, 10)
        last = latest + rng.randint(2, 4)
        plan = _plan(
            force=forces[slug],
            title=f"{forces[slug].name} Police Race Action Plan",
            summary=(
                "Our local plan for the four workstreams of the national Police Race Action "
                "Plan, agreed with our independent advisory group."
            ),
            first_quarter=first,
            last_quarter=last,
            is_published=slug != unpublished,
            is_demo=True,
        )
        replan_rng = random.Random(f"{seed}-{slug}-replanned")
        behind = rng.random() < 0.2
        last_reported = latest - (rng.randint(1, 2) if behind else 0)
        latest_as_drafts = not behind and rng.random() < 0.3
        first_reported = last_reported - rng.randint(3, 7)
        count = rng.randint(15, 40) * scale
        order = defaultdict(int)
        for number in range(count):
            slug_ws = rng.choice(list(workstreams))
            template = pool[slug_ws][(number // 4 + rng.randrange(14)) % len(pool[slug_ws])]
            order[slug_ws] += 1
            # Earlier starts are likelier: most of a plan is under way by its second year.
            start = first + min(rng.randint(0, last - first - 1), rng.randint(0, last - first - 1))
            due = min(start + rng.choice([0, 0, 1, 1, 2, 3]), last)
            title = template["title"]
            if order[slug_ws] > len(pool[slug_ws]) or rng.random() < 0.3:
                title = f"{title} (phase {order[slug_ws] // len(pool[slug_ws]) + 2})"
            index = batch.add(
                Deliverable(
                    plan=plan,
                    workstream=workstreams[slug_ws],
                    title=title,
                    description=template["description"],
                    lead=template["lead"],
                    start_quarter=start,
                    due_quarter=due,
                    order=order[slug_ws],
                ),
                codes(template["national_actions"]),
            )
            statuses = _generated_updates(
                batch,
                index,
                rng,
                narratives,
                (start, due),
                (first_reported, last_reported),
                latest_as_drafts,
                today,
                (evidence_rng, forces[slug].website),
            )
            _milestones(batch, index, rng, batch.deliverables[index], statuses, today)
            # About one in eight published deliverables spanning quarters was re-planned.
            if plan.is_published and due > start and replan_rng.random() < 0.12:
                original_due = max(start, due - replan_rng.choice([1, 2]))
                reason = replan_rng.choice(REPLAN_REASONS)
                batch.replans.append((index, Replan(start, original_due, title, reason)))


#: How often a generated update links evidence, by status: most "complete" claims are backed.
EVIDENCE_SHARE = {
    Status.COMPLETE: 0.7,
    Status.ON_TRACK: 0.3,
    Status.AT_RISK: 0.2,
    Status.OFF_TRACK: 0.2,
    Status.NOT_STARTED: 0.0,
}
EVIDENCE_PAGES = [
    "police-race-action-plan/progress-report-{quarter}/",
    "about-us/independent-advisory-group/minutes-{quarter}/",
    "about-us/publications/race-action-plan-board-{quarter}/",
    "news/police-race-action-plan-update-{quarter}/",
]


def _evidence(rng: random.Random, website: str, status: str, quarter: Quarter) -> str:
    """Zero to two links on the force's own website (a progress report, minutes of its
    advisory group, a board paper, a news story), one per line, as a coordinator types them.
    The addresses are illustrative, like all demonstration data."""
    if not website or rng.random() >= EVIDENCE_SHARE[status]:
        return ""
    pages = rng.sample(EVIDENCE_PAGES, rng.choice([1, 1, 2]))
    return "\n".join(website + page.format(quarter=quarter.compact.lower()) for page in pages)


def _generated_updates(batch, index, rng, narratives, span, reported, drafts, today, evidence):
    """An update for every quarter the force reported on, from the deliverable's start until
    it is complete; the force's latest quarter may still be drafts. ``evidence`` is a random
    generator of its own (so the rest of the story is the same with or without it) and the
    force's website."""
    evidence_rng, website = evidence
    (start, due), (first_reported, last_reported) = span, reported
    statuses: list[tuple[Quarter, str]] = []
    status = Status.NOT_STARTED
    for quarter in Quarter.range(max(start, first_reported), last_reported):
        if quarter >= due and rng.random() < 0.6:
            status = Status.COMPLETE
        else:
            status = rng.choices(
                [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NOT_STARTED],
                weights=[70, 15, 7, 8 if quarter == start else 0],
            )[0]
        text = rng.choice(narratives[status])
        is_draft = drafts and quarter == last_reported
        batch.updates.append(
            (
                index,
                QuarterlyUpdate(
                    quarter=quarter,
                    status=status,
                    done=text["done"],
                    next=text["next"],
                    evidence=_evidence(evidence_rng, website, status, quarter),
                    published_at=None if is_draft else published_moment(quarter, rng, today),
                ),
            )
        )
        if not is_draft:
            statuses.append((quarter, status))
        if status == Status.COMPLETE:
            break
    return statuses


def _milestones(batch, index, rng, deliverable, statuses, today) -> None:
    """0-3 milestones inside the deliverable's span; done when reported progress allows."""
    span = deliverable.quarters
    finished = {q for q, s in statuses if s == Status.COMPLETE}
    reported = max((q for q, _ in statuses), default=None)
    for number, title in enumerate(rng.sample(MILESTONE_TITLES, rng.randint(0, 3)), start=1):
        due = rng.choice(span)
        done = bool(finished) or (reported is not None and due <= reported and rng.random() < 0.75)
        done_on = min(due.last_day - dt.timedelta(days=rng.randint(0, 40)), today)
        batch.milestones.append(
            (
                index,
                Milestone(
                    title=title, due_quarter=due, order=number, done_on=done_on if done else None
                ),
            )
        )
