"""The figures of the engagement dashboard, from two queries over the activities asked for.

Every count here is of the activities passed in (the dashboard's filters decide which: the
force's or every force's, published only or with drafts too) and of their actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engagement.models import THEME_LABELS, EngagementAction, Kind
from plans.quarters import Quarter


@dataclass
class Row:
    label: str
    activities: int = 0
    attendance: int = 0
    attendance_black: int = 0
    promised: int = 0
    done: int = 0
    key: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int  # of the chart's largest value: the bar's length


def bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    largest = max((value for _, value in pairs), default=0)
    return [
        Bar(label, value, round(100 * value / largest) if largest else 0) for label, value in pairs
    ]


@dataclass
class Summary:
    activities: int = 0
    attendance: int = 0
    attendance_black: int = 0
    estimated: int = 0  # activities whose attendance is an estimate
    promised: int = 0  # actions linked to a deliverable
    done: int = 0  # of those, done
    no_action: int = 0  # "no action, because..."
    by_quarter: list[Row] = field(default_factory=list)
    by_kind: list[Row] = field(default_factory=list)
    by_theme: list[Row] = field(default_factory=list)

    @property
    def themes_without_action(self) -> list[Row]:
        """Themes raised at least once that no action linked to a deliverable answers."""
        return [row for row in self.by_theme if row.activities and not row.promised]

    @property
    def quarter_bars(self) -> list[Bar]:
        return bars([(row.label, row.activities) for row in self.by_quarter])

    @property
    def attendance_bars(self) -> list[Bar]:
        return bars([(row.label, row.attendance) for row in self.by_quarter])

    @property
    def kind_bars(self) -> list[Bar]:
        return bars([(row.label, row.activities) for row in self.by_kind])

    @property
    def theme_bars(self) -> list[Bar]:
        return bars([(row.label, row.activities) for row in self.by_theme if row.activities])

    @property
    def action_bars(self) -> list[Bar]:
        return bars(
            [
                ("Promised (linked to a deliverable)", self.promised),
                ("Done", self.done),
                ("No action, with a reason", self.no_action),
            ]
        )


def summarise(activities) -> Summary:
    """The dashboard's figures for ``activities`` (an ``Activity`` QuerySet)."""
    rows = list(
        activities.order_by().values(
            "pk", "held_on", "kind", "themes", "attendance", "attendance_black", "attendance_basis"
        )
    )
    actions = list(
        EngagementAction.objects.filter(activity__in=[row["pk"] for row in rows])
        .order_by()
        .values("theme", "deliverable_id", "done_on")
    )
    summary = Summary(activities=len(rows))
    quarters: dict[Quarter, Row] = {}
    kinds = {value: Row(label, key=value) for value, label in Kind.choices}
    themes = {value: Row(label, key=value) for value, label in THEME_LABELS.items()}
    for row in rows:
        attendance = row["attendance"] or 0
        black = row["attendance_black"] or 0
        summary.attendance += attendance
        summary.attendance_black += black
        summary.estimated += row["attendance_basis"] == "estimate" and row["attendance"] is not None
        quarter = Quarter.containing(row["held_on"])
        for target in (quarters.setdefault(quarter, Row(str(quarter))), kinds[row["kind"]]):
            target.activities += 1
            target.attendance += attendance
            target.attendance_black += black
        for theme in set(row["themes"] or []):
            if theme in themes:
                themes[theme].activities += 1
                themes[theme].attendance += attendance
    for action in actions:
        if action["deliverable_id"] is None:
            summary.no_action += 1
            continue
        summary.promised += 1
        done = action["done_on"] is not None
        summary.done += done
        if action["theme"] in themes:
            themes[action["theme"]].promised += 1
            themes[action["theme"]].done += done
    if quarters:
        for quarter in Quarter.range(min(quarters), max(quarters)):
            summary.by_quarter.append(quarters.get(quarter, Row(str(quarter))))
    summary.by_kind = [row for row in kinds.values() if row.activities]
    summary.by_theme = sorted(themes.values(), key=lambda r: (-r.activities, r.label))
    return summary
