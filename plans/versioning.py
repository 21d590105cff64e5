"""Optimistic concurrency: two people editing the same thing cannot overwrite each other.

Plans, deliverables, milestones and quarterly updates carry a ``version`` number. Every form
that changes one carries, in a hidden field, the version it was opened at. Saving claims the
next version with one conditional UPDATE (``... WHERE id = %s AND version = %s``) in the same
transaction as the save: of two people who opened the same version, the first wins and the
second gets ``EditConflict`` — nothing of theirs is written, and the view shows them what
changed while their own text stays in the form.

The same transaction gives the public pages that show the object a new content version
(``plans.cache``), so every page that saves through here renews the public pages it changes,
and a rolled-back save renews nothing. The saves without a version to check (a new object,
national data, a removal) are here too, for the same reason: :func:`save_content` and
:func:`delete_content`; and writes of many rows at once run in :func:`writing_content`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models, transaction
from django.db.models import F, Q
from django.http import QueryDict

from plans.cache import content_changed, object_changed, pages_changed
from plans.history import Change, everything_in, field_changes


class EditConflict(Exception):
    """Somebody saved the object after this form was opened."""

    def __init__(self, current: models.Model, changes: list[Change], changed_by, changed_at):
        super().__init__(f"{current!r} changed since it was opened")
        self.current = current
        self.changes = changes
        self.changed_by = changed_by
        self.changed_at = changed_at

    @classmethod
    def for_object(cls, obj: models.Model, seen_version: int) -> EditConflict:
        """Describe what changed in ``obj`` since ``seen_version``, from its history."""
        model = type(obj)
        current = model._default_manager.get(pk=obj.pk)
        records = model.history.filter(id=obj.pk).order_by("-history_date", "-history_id")
        latest = records.select_related("history_user").first()
        seen = records.filter(version=seen_version).first()
        if seen and latest:
            changes = field_changes(seen, latest)
        elif latest and seen_version == 0:
            changes = everything_in(latest)  # it did not exist when the form was opened
        else:
            changes = []
        return cls(
            current,
            changes,
            changed_by=latest.history_user if latest else None,
            changed_at=latest.history_date if latest else None,
        )


def conflict_message(conflict: EditConflict) -> str:
    who = conflict.changed_by.get_full_name() if conflict.changed_by else "Someone"
    return (
        f"{who} saved a newer version while you were editing. Nothing of yours has been "
        "saved yet and your text is still below: check what they changed, then save again "
        "to keep your version."
    )


def save_versioned(
    obj: models.Model, seen_version: int, *, after_save: Callable[[], None] | None = None
) -> None:
    """Save ``obj`` (and run ``after_save``, e.g. ``form.save_m2m``) only if nobody has
    saved it since ``seen_version``; otherwise raise ``EditConflict`` and write nothing.
    The public pages that show ``obj`` (its ``content_forces``) change with it.
    """
    model = type(obj)
    with transaction.atomic(), _pages_will_change():
        claimed = model._default_manager.filter(pk=obj.pk, version=seen_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise EditConflict.for_object(obj, seen_version)
        obj.version = seen_version + 1
        obj.save()
        if after_save is not None:
            after_save()
        object_changed(obj)


def save_content(obj: models.Model, *, after_save: Callable[[], None] | None = None) -> None:
    """Save ``obj``, which has no version to check (a new object, national data), run
    ``after_save`` and renew the public pages that show it, in one transaction."""
    with transaction.atomic(), _pages_will_change():
        obj.save()
        if after_save is not None:
            after_save()
        object_changed(obj)


def delete_content(obj: models.Model) -> None:
    """Delete ``obj`` and renew the public pages that showed it, in one transaction."""
    forces = obj.content_forces  # read while the object is still there
    with transaction.atomic(), _pages_will_change():
        obj.delete()
        pages_changed(forces)


_writing_content: ContextVar[bool] = ContextVar("writing_content", default=False)
_changing_pages: ContextVar[bool] = ContextVar("changing_pages", default=False)


@contextmanager
def _pages_will_change() -> Iterator[None]:
    token = _changing_pages.set(True)
    try:
        yield
    finally:
        _changing_pages.reset(token)


def pages_will_change() -> bool:
    """Whether this code runs inside a write of this module (``save_versioned``,
    ``save_content``, ``delete_content``, ``writing_content``), which renews the public pages
    of what it writes, and runs the derived data's hooks (``plans.cache.on_content_change``)
    for them, before it commits: a ``post_save`` safety net has nothing to add there."""
    return _changing_pages.get()


@contextmanager
def writing_content(*forces) -> Iterator[None]:
    """A transaction for a write of many rows at once (a return, a reordering, an import):
    when the block succeeds, the public pages of ``forces`` (instances or ids) get a new
    content version as its last statement; when it raises (or marks the transaction for
    rollback), nothing is written at all.
    """
    token = _writing_content.set(True)
    try:
        with transaction.atomic(), _pages_will_change():
            yield
            if not transaction.get_rollback():  # the block gave up without raising
                content_changed(*forces)
    finally:
        _writing_content.reset(token)


def claim_versions(model: type[models.Model], seen: dict[int, int]) -> set[int]:
    """Claim the next version of many rows (``{pk: seen_version}``) with one conditional
    UPDATE. Runs inside :func:`writing_content`, whose transaction the caller rolls back
    unless this returns an empty set: otherwise it returns the primary keys whose version
    moved on since they were read, and claims nothing it can trust.
    """
    if not _writing_content.get():
        raise RuntimeError("claim_versions() runs inside writing_content(force).")
    if not seen:
        return set()
    manager = model._default_manager
    current = dict(manager.select_for_update().filter(pk__in=seen).values_list("pk", "version"))
    stale = {pk for pk, version in seen.items() if current.get(pk) != version}
    if stale:
        return stale
    condition = Q()
    for pk, version in seen.items():
        condition |= Q(pk=pk, version=version)
    if manager.filter(condition).update(version=F("version") + 1) != len(seen):
        # Someone saved between the read and the UPDATE (possible without row locks).
        return set(seen)
    return set()


def with_version(data: QueryDict, field_name: str, version: int) -> QueryDict:
    """A copy of submitted ``data`` with the hidden version moved on to ``version``, so the
    person's text is kept and saving again deliberately replaces the newer version.
    """
    data = data.copy()
    data[field_name] = str(version)
    return data
