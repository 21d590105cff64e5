"""The one access rule for force data, applied by every staff view.

A coordinator reads and changes only their own force's objects: another force's objects do
not exist for them (404). The national team and administrators read every force's objects
and change none of them (403 on any page that changes something). Each staff view reaches
its object through a getter of ``staff.access`` (``get_deliverable_for_user`` and friends)
that calls ``force_object_or_404`` with the lookup from the object to its force.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User


def readable_by(user: User, queryset: QuerySet, force_lookup: str) -> QuerySet:
    """``queryset`` narrowed to the rows ``user`` may read; ``force_lookup`` leads from a
    row to its force's id (``"plan__force"``, ``"deliverable__plan__force"``).
    """
    if user.reads_every_force:
        return queryset
    if user.is_active and user.is_coordinator and user.force_id:
        return queryset.filter(**{force_lookup: user.force_id})
    return queryset.none()


def force_id_of(obj: Model, force_lookup: str) -> int:
    """Follow ``force_lookup`` (``"plan__force"``) from ``obj`` to the force's id."""
    *path, last = force_lookup.split("__")
    for name in path:
        obj = getattr(obj, name)
    return getattr(obj, f"{last}_id") if last != "id" else obj.pk


def force_object_or_404(
    user: User, queryset: QuerySet, force_lookup: str, *, write: bool = False, **lookup
) -> Model:
    """The object matching ``lookup`` if ``user`` may read it (and change it, with ``write``).

    Raises Http404 for an object of a force the user cannot read (it does not exist for
    them) and PermissionDenied when they may read it but not change it.
    """
    obj = get_object_or_404(readable_by(user, queryset, force_lookup), **lookup)
    if write and not user.can_edit_force(force_id_of(obj, force_lookup)):
        raise PermissionDenied("The national team and administrators read force data only.")
    return obj


def check_force(user: User, force_id: int, *, write: bool = False) -> None:
    """The same rule for a force itself (dashboards and returns are reached by force)."""
    if not user.can_read_force(force_id):
        raise Http404("No such force.")
    if write and not user.can_edit_force(force_id):
        raise PermissionDenied("The national team and administrators read force data only.")


def require_national_reader(user: User) -> None:
    """Pages about every force at once (the staff force list, the return tracker) are for the
    national team and administrators; anyone else is refused (403)."""
    if not user.reads_every_force:
        raise PermissionDenied("This page is for the national team.")


def require_national_editor(user: User) -> None:
    """National actions and practice examples are changed by the national team only."""
    if not user.can_edit_national_data:
        raise PermissionDenied("Only the national team changes national data.")
