"""Demonstration engagement: a year of activities for a few forces, from
``demo/files/engagement.csv``, and what each force will do about them
(``engagement-actions.csv``), linked to deliverables of the force's demo plan. Dates are
counted back from ``today``, so the year is always the last one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actions.models import Deliverable
from engagement.models import Activity, EngagementAction
from plans.history import DEMO_CHANGE_REASON
from plans.models import Force
from plans.quarters import Quarter

#: The workstream a theme's action most likely sits under, when no keyword names one.
THEME_WORKSTREAM = {
    "stop_and_search": "not-over-policed",
    "use_of_force": "not-over-policed",
    "custody": "not-over-policed",
    "recruitment": "represented",
    "hate_crime": "not-under-protected",
    "missing_people": "not-under-protected",
    "victims": "not-under-protected",
}


def _months_back(today: dt.date, months: int, day: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return min(dt.date(year, month + 1, min(day, 28)), today)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)), dt.UTC)


def _deliverable(force: Force, theme: str, keyword: str) -> Deliverable | None:
    candidates = Deliverable.objects.filter(plan__force=force, plan__is_demo=True).order_by(
        "-plan__is_published", "plan__first_quarter", "pk"
    )
    if keyword:
        found = candidates.filter(title__icontains=keyword).first()
        if found:
            return found
    workstream = THEME_WORKSTREAM.get(theme, "involved")
    return candidates.filter(workstream__slug=workstream).first() or candidates.first()


def clear() -> None:
    """Remove the demo activities, their actions and their history."""
    demo = Activity.objects.filter(is_demo=True)
    EngagementAction.history.filter(activity_id__in=demo.values("pk")).delete()
    Activity.history.filter(id__in=demo.values("pk")).delete()
    EngagementAction.objects.filter(activity__in=demo).delete()
    demo.delete()


def seed(forces: dict[str, Force], today: dt.date, activities_rows, action_rows) -> tuple[int, int]:
    """Create the demo activities and actions; returns how many of each."""
    activities = []
    for row in activities_rows:
        if row["force"] not in forces:
            continue
        held_on = _months_back(today, int(row["months_ago"]), int(row["day"]))
        published = min(held_on + dt.timedelta(days=10), today)
        activities.append(
            Activity(
                force=forces[row["force"]],
                title=row["title"],
                held_on=held_on,
                kind=row["kind"],
                place=row["place"],
                partners="\n".join(row["partners"].split(";")),
                attendance=int(row["attendance"]) if row["attendance"] else None,
                attendance_basis=row["basis"],
                attendance_black=int(row["black"]) if row["black"] else None,
                themes=row["themes"].split(";"),
                other_themes=row["other_themes"],
                heard=row["heard"],
                published_at=None if row["draft"] == "yes" else _moment(published),
                is_demo=True,
            )
        )
    for activity in activities:
        problems = activity.rule_errors()
        if problems:
            raise ValueError(f"Demo activity {activity.title!r}: {problems}")
    activities = bulk_create_with_history(
        activities, Activity, default_change_reason=DEMO_CHANGE_REASON
    )
    by_title = {(a.force.slug, a.title): a for a in activities}
    actions = []
    for order, row in enumerate(action_rows):
        activity = by_title.get((row["force"], row["activity"]))
        if activity is None:
            continue
        action = EngagementAction(
            activity=activity,
            theme=row["theme"],
            description=row["description"] or row["no_action_reason"],
            no_action_reason=row["no_action_reason"],
            outcome=row["outcome"],
            order=order,
        )
        if not row["no_action_reason"]:
            action.deliverable = _deliverable(activity.force, row["theme"], row["keyword"])
            if action.deliverable is None:
                continue
            action.due_quarter = Quarter.containing(activity.held_on) + int(row["due_in_quarters"])
        if row["done_months_ago"]:
            action.done_on = max(
                _months_back(today, int(row["done_months_ago"]), 15), activity.held_on
            )
        problems = action.rule_errors()
        if problems:
            raise ValueError(f"Demo action {action.description!r}: {problems}")
        actions.append(action)
    bulk_create_with_history(actions, EngagementAction, default_change_reason=DEMO_CHANGE_REASON)
    return len(activities), len(actions)
