"""Every staff page reaches its object through one of these getters, on its first line.

Each applies the one access rule in ``accounts.access`` with the lookup from the object to
its force: another force's object is a 404 to a coordinator (it does not exist for them), and
the national team and administrators may read it but not change it (403 with ``write``).
National data (national actions, practice examples) and the pages about every force at once
are for the national team: ``require_national_editor`` and ``require_national_reader``.

The getters live here, above the domain apps, because they name the models of every app;
``accounts.access`` below them knows only users and forces.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import (
    check_force,
    force_object_or_404,
    require_national_editor,
    require_national_reader,
)
from actions.models import Deliverable, Milestone, QuarterlyUpdate
from engagement.models import Activity, EngagementAction
from panels.models import Panel, PanelView
from plans.models import Force, Plan
from workstreams.models import NationalAction, PracticeExample

__all__ = [
    "get_activity_for_user",
    "get_deliverable_for_user",
    "get_engagement_action_for_user",
    "get_force_for_figures_upload",
    "get_force_for_user",
    "get_milestone_for_user",
    "get_national_action_for_user",
    "get_panel_for_user",
    "get_panel_force_for_user",
    "get_panel_view_for_history",
    "get_panel_view_for_reply",
    "get_panel_view_for_user",
    "get_plan_for_user",
    "get_practice_example_for_user",
    "get_update_for_user",
    "require_national_editor",
    "require_national_reader",
]

#: From each kind of object to the id of its force.
FORCE_OF_PLAN = "force"
FORCE_OF_DELIVERABLE = "plan__force"
FORCE_OF_CHILD = "deliverable__plan__force"
FORCE_OF_ACTIVITY = "force"
FORCE_OF_ENGAGEMENT_ACTION = "activity__force"


def get_force_for_user(user, slug: str, *, write: bool = False) -> Force:
    """The force with ``slug``, for its dashboard, return and plan pages."""
    force = get_object_or_404(Force, slug=slug)
    check_force(user, force.pk, write=write)
    return force


def get_plan_for_user(user, plan_id: int, *, write: bool = False) -> Plan:
    return force_object_or_404(
        user, Plan.objects.select_related("force"), FORCE_OF_PLAN, write=write, pk=plan_id
    )


def get_deliverable_for_user(user, deliverable_id: int, *, write: bool = False) -> Deliverable:
    return force_object_or_404(
        user,
        Deliverable.objects.select_related("plan__force", "workstream"),
        FORCE_OF_DELIVERABLE,
        write=write,
        pk=deliverable_id,
    )


def get_milestone_for_user(user, milestone_id: int, *, write: bool = False) -> Milestone:
    return force_object_or_404(
        user,
        Milestone.objects.select_related("deliverable__plan__force"),
        FORCE_OF_CHILD,
        write=write,
        pk=milestone_id,
    )


def get_update_for_user(user, update_id: int, *, write: bool = False) -> QuarterlyUpdate:
    return force_object_or_404(
        user,
        QuarterlyUpdate.objects.select_related("deliverable__plan__force", "author"),
        FORCE_OF_CHILD,
        write=write,
        pk=update_id,
    )


def get_national_action_for_user(user, action_id: int) -> NationalAction:
    """A national action to change: the national team and administrators only (403)."""
    require_national_editor(user)
    return get_object_or_404(NationalAction, pk=action_id)


def get_practice_example_for_user(user, example_id: int) -> PracticeExample:
    """A practice example to change or remove: the national team and administrators only."""
    require_national_editor(user)
    return get_object_or_404(PracticeExample, pk=example_id)


def get_activity_for_user(user, activity_id: int, *, write: bool = False) -> Activity:
    """An engagement activity: the same rule as a deliverable's (another force's is a 404)."""
    return force_object_or_404(
        user,
        Activity.objects.select_related("force", "updated_by"),
        FORCE_OF_ACTIVITY,
        write=write,
        pk=activity_id,
    )


def get_engagement_action_for_user(
    user, engagement_action_id: int, *, write: bool = False
) -> EngagementAction:
    return force_object_or_404(
        user,
        EngagementAction.objects.select_related("activity__force", "deliverable"),
        FORCE_OF_ENGAGEMENT_ACTION,
        write=write,
        pk=engagement_action_id,
    )


def get_force_for_figures_upload(user, slug: str) -> Force:
    """The force with ``slug``, for loading its official figures (data.police.uk monthly
    files): its own coordinators, and the national team and administrators for any force.
    Another force is a 404 to a coordinator, as everywhere."""
    force = get_object_or_404(Force, slug=slug)
    check_force(user, force.pk)
    return force


# Scrutiny panels. A panel member reaches only their own panel's pages and views, about the
# force their panel scrutinises (another force is a 404); force data stays out of their reach
# because the force rule above gives a panel member no force to read. Anyone else is refused
# the panel's pages (403): a coordinator never touches panel data.


def get_panel_for_user(user) -> Panel:
    """The signed-in panel member's own panel (403 for anyone else, 404 if it is not set up)."""
    if not user.is_panel_member:
        raise PermissionDenied("These pages are for members of a scrutiny panel.")
    panel = Panel.of_member(user)
    if panel is None:
        raise Http404("Your panel has not been set up yet: ask an administrator.")
    return panel


def get_panel_force_for_user(user, slug: str) -> tuple[Panel, Force]:
    """The member's panel and the force with ``slug``, if the panel scrutinises it."""
    panel = get_panel_for_user(user)
    force = get_object_or_404(Force, slug=slug)
    if not panel.may_scrutinise(force.pk):
        raise Http404("No such force.")
    return panel, force


def get_panel_view_for_user(user, view_id: int) -> PanelView:
    """One of the member's own panel's views, drafts included (another panel's is a 404)."""
    panel = get_panel_for_user(user)
    views = PanelView.objects.select_related("panel", "force", "deliverable", "updated_by")
    return get_object_or_404(views, pk=view_id, panel=panel)


def get_panel_view_for_reply(user, view_id: int) -> PanelView:
    """A published, standing panel view of the coordinator's own force, to reply to. The
    force rule applies: another force's view is a 404, the national team's 403."""
    return force_object_or_404(
        user,
        PanelView.objects.standing().select_related("panel", "force", "deliverable"),
        "force",
        write=True,
        pk=view_id,
    )


def get_panel_view_for_history(user, view_id: int) -> PanelView:
    """A panel view whose history ``user`` reads: a member of its panel, any of the panel's
    views (drafts too); anyone else, a published view by the force rule (the force's
    coordinators, the national team and administrators; another force's view, a draft or
    another panel's view is a 404)."""
    if user.is_panel_member:
        return get_panel_view_for_user(user, view_id)
    views = PanelView.objects.published().select_related("panel", "force", "deliverable")
    return force_object_or_404(user, views, "force", pk=view_id)
