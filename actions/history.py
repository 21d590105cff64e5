"""A deliverable's history in plain language: who did what, when, and what changed.

Built from the historical records django-simple-history keeps for the deliverable, its
milestones and its quarterly updates, in a fixed number of queries. A save of a deliverable
and the change to its national actions that goes with it are separate records with the same
version number, by the same person, moments apart: they are read as one event.
"""

from __future__ import annotations

import datetime as dt

from actions.models import ORIGINAL_COMMITMENT_FIELDS, Deliverable, Milestone, QuarterlyUpdate
from plans.history import DEMO_CHANGE_REASON, Change, Entry, field_changes, listed, who_made
from workstreams.models import NationalAction

SAME_EVENT = dt.timedelta(seconds=5)


def deliverable_history(deliverable: Deliverable) -> list[Entry]:
    """Every recorded change to ``deliverable``, its milestones and updates, newest first."""
    records = list(
        Deliverable.history.filter(id=deliverable.pk)
        .select_related("history_user", "workstream", "plan")
        .order_by("history_date", "history_id")
    )
    action_sets = _national_action_sets(records)
    entries = [_deliverable_entry(before, group, action_sets) for before, group in _events(records)]
    milestones = (
        Milestone.history.filter(deliverable_id=deliverable.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries += [_milestone_entry(before, group) for before, group in _events(list(milestones))]
    updates = (
        QuarterlyUpdate.history.filter(deliverable_id=deliverable.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries += [_update_entry(before, group) for before, group in _events(list(updates))]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _events(records: list) -> list[tuple[object | None, list]]:
    """Group each object's records into events: (the record before the event, the event's
    records). ``records`` are in time order.
    """
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    events = []
    for timeline in by_object.values():
        before = None
        group: list = []
        for record in timeline:
            if group and (
                record.version != group[-1].version
                or record.history_user_id != group[-1].history_user_id
                or record.history_date - group[-1].history_date > SAME_EVENT
                or record.history_type == "+"
            ):
                events.append((before, group))
                before, group = group[-1], []
            group.append(record)
        if group:
            events.append((before, group))
    return events


def _national_action_sets(records: list) -> dict[int, set[str]]:
    """The national-action codes recorded with each historical deliverable (by history_id)."""
    through = Deliverable.history.model.national_actions.model
    codes = dict(NationalAction.objects.values_list("pk", "code"))
    sets: dict[int, set[str]] = {record.history_id: set() for record in records}
    rows = through.objects.filter(history_id__in=sets).values_list(
        "history_id", "nationalaction_id"
    )
    for history_id, action_id in rows:
        sets[history_id].add(codes.get(action_id, f"#{action_id}"))
    return sets


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _deliverable_entry(before, group: list, action_sets: dict[int, set[str]]) -> Entry:
    first, last = group[0], group[-1]
    entry = Entry(when=last.history_date, who=who_made(first), summary="", kind="deliverable")
    if first.history_type == "+":
        if first.history_change_reason == DEMO_CHANGE_REASON:
            entry.summary = f"Loaded the deliverable {_quoted(last.title)}"
        else:
            entry.summary = f"Added the deliverable {_quoted(last.title)}"
        return entry
    if last.history_type == "-":
        entry.summary = f"Deleted the deliverable {_quoted(last.title)}"
        return entry
    if before is None:
        entry.summary = "Saved the deliverable (its earlier history was not kept)"
        return entry
    changes = [
        c
        for c in field_changes(before, last)
        if c.field not in {"withdrawn_at", "withdrawn_reason", *ORIGINAL_COMMITMENT_FIELDS}
    ]
    old_actions, new_actions = action_sets[before.history_id], action_sets[last.history_id]
    if old_actions != new_actions:
        changes.append(
            Change(
                "national_actions",
                "National actions",
                ", ".join(sorted(old_actions)) or "none",
                ", ".join(sorted(new_actions)) or "none",
            )
        )
    entry.changes = changes
    if before.withdrawn_at is None and last.withdrawn_at is not None:
        entry.summary = "Withdrew the deliverable"
        entry.changes = [Change("withdrawn_reason", "Reason", "", last.withdrawn_reason), *changes]
    elif before.withdrawn_at is not None and last.withdrawn_at is None:
        entry.summary = "Reinstated the deliverable (it had been withdrawn)"
    elif changes:
        entry.summary = "Changed " + listed(c.label.lower() for c in changes)
    elif before.order != last.order:
        entry.summary = "Moved the deliverable within its workstream"
    else:
        entry.summary = "Saved the deliverable without changes"
    return entry


def _milestone_entry(before, group: list) -> Entry:
    first, last = group[0], group[-1]
    name = _quoted(last.title)
    entry = Entry(when=last.history_date, who=who_made(first), summary="", kind="milestone")
    if first.history_type == "+":
        entry.summary = f"Added the milestone {name}, due {last.due_quarter}"
        if last.done_on:
            entry.summary += ", already done"
        return entry
    if last.history_type == "-":
        entry.summary = f"Removed the milestone {name}"
        return entry
    if before is None:
        entry.summary = f"Saved the milestone {name} (its earlier history was not kept)"
        return entry
    changes = [c for c in field_changes(before, last) if c.field != "done_on"]
    entry.changes = changes
    if before.done_on is None and last.done_on is not None:
        entry.summary = f"Ticked off the milestone {name} as done"
    elif before.done_on is not None and last.done_on is None:
        entry.summary = f"Marked the milestone {name} as not done"
    elif changes:
        entry.summary = f"Changed the milestone {name}: " + listed(c.label.lower() for c in changes)
    else:
        entry.summary = f"Saved the milestone {name} without changes"
    return entry


def _update_entry(before, group: list) -> Entry:
    first, last = group[0], group[-1]
    label = f"{last.quarter} update"
    status = last.get_status_display()
    entry = Entry(when=last.history_date, who=who_made(first), summary="", kind="update")
    if first.history_type == "+":
        if last.published_at is not None:
            entry.summary = f"Published the {label}: {status}"
        else:
            entry.summary = f"Saved a draft {label}: {status}"
        return entry
    if last.history_type == "-":
        entry.summary = f"Deleted the {label}"
        return entry
    if before is None:
        entry.summary = f"Saved the {label} (its earlier history was not kept)"
        return entry
    changes = [
        c for c in field_changes(before, last) if c.field not in {"published_at", "corrected_at"}
    ]
    entry.changes = changes
    if before.published_at is None and last.published_at is not None:
        entry.summary = f"Published the {label}: {status}"
    elif before.published_at is not None and last.published_at is None:
        entry.summary = f"Returned the {label} to draft: it is no longer public"
    elif last.published_at is not None:
        entry.summary = f"Corrected the published {label}: " + listed(
            c.label.lower() for c in changes
        )
    elif changes:
        entry.summary = f"Edited the draft {label}: " + listed(c.label.lower() for c in changes)
    else:
        entry.summary = f"Saved the draft {label} without changes"
    return entry
