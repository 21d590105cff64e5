"""What the scrutiny panels' views say across every force, for the national team: which forces
have a panel, how many deliverables each panel challenged in each quarter, and which views
the force has not replied to. A fixed number of queries, whatever the number of forces,
panels and views.

Only standing views count (published, not withdrawn, about a published plan's deliverable or a
whole return): a draft is the panel's own, and a withdrawn view counts nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from panels.models import Panel, PanelView
from plans.models import Force
from plans.quarters import Quarter


@dataclass(frozen=True)
class ForceRow:
    """One force: its own panel (active or not; None without one), how many deliverables that
    panel challenged in each quarter asked for, and how many views of any panel (its own or
    the national panel) the force has not replied to."""

    force: Force
    panel: Panel | None
    challenged: list[int]
    not_replied: int

    @property
    def has_active_panel(self) -> bool:
        return self.panel is not None and self.panel.is_active


@dataclass(frozen=True)
class NationalPanelRow:
    """A panel without a force (the national panel): what it challenged, across every force."""

    panel: Panel
    challenged: list[int]


@dataclass(frozen=True)
class Overview:
    quarters: list[Quarter]
    forces: list[ForceRow]
    national_panels: list[NationalPanelRow]


def quarters_with_views() -> list[Quarter]:
    """Every quarter with a standing view (of any panel, on a deliverable or a whole
    return), oldest first. One query."""
    quarters = (
        PanelView.objects.standing()
        .order_by("quarter")
        .values_list("quarter", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(quarters))


def challenged_by_quarter(quarters: Sequence[Quarter]) -> dict[int, list[int]]:
    """``{panel id: [n for each of quarters]}``: how many distinct deliverables each panel
    challenged in each of ``quarters`` (standing views on deliverables that are Some concerns
    or Disagree; Agree and statements on a whole return are not challenges). Panels that
    challenged nothing in those quarters are left out. One query."""
    rows = (
        PanelView.objects.challenges()
        .filter(quarter__in=list(quarters))
        .order_by()
        .values("panel_id", "quarter")
        .annotate(deliverables=Count("deliverable", distinct=True))
    )
    by_panel: dict[int, dict[Quarter, int]] = {}
    for row in rows:
        by_panel.setdefault(row["panel_id"], {})[row["quarter"]] = row["deliverables"]
    return {
        panel_id: [counts.get(quarter, 0) for quarter in quarters]
        for panel_id, counts in by_panel.items()
    }


def not_replied_by_force() -> dict[int, int]:
    """``{force id: n}``: standing views of any panel that the force has not replied to
    (``PanelView.objects.not_replied``); forces with none are left out. One query."""
    rows = (
        PanelView.objects.not_replied()
        .order_by()
        .values("force_id")
        .annotate(views=Count("pk"))
        .values_list("force_id", "views")
    )
    return dict(rows)


def overview(quarters: Sequence[Quarter]) -> Overview:
    """Every force (by region, then name) with its own panel, what that panel challenged in
    each of ``quarters`` and the views the force has not replied to; then each national
    panel with what it challenged. Four queries."""
    quarters = list(quarters)
    panels = list(Panel.objects.order_by("name"))
    challenged = challenged_by_quarter(quarters)
    not_replied = not_replied_by_force()
    own_panel = {panel.force_id: panel for panel in panels if panel.force_id is not None}
    none = [0] * len(quarters)

    def counts(panel: Panel | None) -> list[int]:
        return challenged.get(panel.pk, none) if panel is not None else none

    forces = [
        ForceRow(
            force=force,
            panel=own_panel.get(force.pk),
            challenged=counts(own_panel.get(force.pk)),
            not_replied=not_replied.get(force.pk, 0),
        )
        for force in Force.objects.order_by("region", "name")
    ]
    national = [
        NationalPanelRow(panel=panel, challenged=counts(panel))
        for panel in panels
        if panel.force_id is None
    ]
    return Overview(quarters=quarters, forces=forces, national_panels=national)


def waiting_for_reply(force: Force | None = None):
    """Standing views the force (or, without ``force``, any force) has not replied to, the
    longest waiting first, with their panel, force and deliverable."""
    views = PanelView.objects.not_replied().select_related("panel", "force", "deliverable")
    if force is not None:
        views = views.filter(force=force)
    return views.order_by("published_at", "pk")
