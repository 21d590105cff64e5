"""An activity's history in plain language: every recorded change to it and its actions."""

from __future__ import annotations

from engagement.models import THEME_LABELS, Activity, EngagementAction
from plans.history import DEMO_CHANGE_REASON, Change, Entry, field_changes, who_made


def _themes(value: str) -> str:
    codes = value.strip("[]").replace("'", "").replace('"', "").split(",")
    return ", ".join(THEME_LABELS.get(code.strip(), code.strip()) for code in codes if code.strip())


def _readable(changes: list[Change]) -> list[Change]:
    return [
        Change(c.field, c.label, _themes(c.before), _themes(c.after)) if c.field == "themes" else c
        for c in changes
        if c.field not in {"updated_by", "activity"}
    ]


def _entries(records: list, noun: str, name) -> list[Entry]:
    entries = []
    previous: dict[int, object] = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        reason = record.history_change_reason or ""
        if record.history_type == "+":
            verb = "Loaded" if reason == DEMO_CHANGE_REASON else "Added"
            entries.append(
                Entry(record.history_date, who_made(record), f"{verb} the {noun} “{name(record)}”")
            )
        elif record.history_type == "-":
            entries.append(
                Entry(record.history_date, who_made(record), f"Deleted the {noun} “{name(record)}”")
            )
        else:
            changes = _readable(field_changes(before, record)) if before is not None else []
            summary = f"{reason or 'Changed'}: the {noun} “{name(record)}”"
            entries.append(Entry(record.history_date, who_made(record), summary, changes))
    return entries


def activity_history(activity: Activity) -> list[Entry]:
    """Every recorded change to ``activity`` and its actions, newest first (two queries)."""
    activity_records = list(
        Activity.history.filter(id=activity.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    action_records = list(
        EngagementAction.history.filter(activity_id=activity.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = _entries(activity_records, "activity", lambda r: r.title)
    entries += _entries(action_records, "action", lambda r: r.description[:60])
    return sorted(entries, key=lambda e: e.when, reverse=True)
