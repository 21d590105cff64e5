"""Plain-language differences between two historical records of one object.

django-simple-history keeps a full copy of a plan, deliverable, milestone or update at every
change. ``field_changes(older, newer)`` says which fields differ, with the values as a person
reads them ("Q2 2024/25", "At risk", "3 November 2026"), for the history page and for the
message shown when someone else saved first. Every history page (a deliverable's, an
engagement activity's, a panel view's) lists :class:`Entry` rows, each naming who made the
change with :func:`who_made`, and shows them with ``templates/includes/_history_entries.html``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from plans.fields import QuarterField

#: The change reason of the historical records written when demo data is loaded.
DEMO_CHANGE_REASON = "Demonstration data"

#: Bookkeeping fields no person edits: never listed as changes.
IGNORED = {"id", "version", "created_at", "updated_at", "is_demo", "order", "author"}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str

    @property
    def is_long(self) -> bool:
        """Long text is shown before and after, in full, rather than in one sentence."""
        return len(self.before) > 80 or len(self.after) > 80 or "\n" in self.before + self.after


@dataclass
class Entry:
    """One event on a history page: when, who, what happened, and the before and after."""

    when: dt.datetime
    who: str
    summary: str
    changes: list[Change] = dataclasses.field(default_factory=list)
    kind: str = ""


def listed(words) -> str:
    """``"status, what was done and evidence"``: words as a sentence lists them."""
    words = list(words)
    if not words:
        return "nothing"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def who_made(record) -> str:
    """Who made the change a historical record keeps, as a person reads it."""
    if record.history_user is not None:
        return record.history_user.get_full_name()
    if record.history_change_reason == DEMO_CHANGE_REASON:
        return "Demonstration data"
    return "The system"


def tracked_fields(record) -> list[models.Field]:
    """The fields of the original model that a historical record copies, in model order
    (not those its history leaves out, such as a deliverable's stored status)."""
    model = record.instance_type
    copied = {field.name for field in record._meta.concrete_fields}
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in IGNORED and not field.auto_created and field.name in copied
    ]


def display_value(record, field: models.Field) -> str:
    """A field's value on ``record`` as a person reads it ("" for empty)."""
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if isinstance(field, QuarterField):
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = getattr(record, field.name, None)
        return str(related) if related is not None else ""
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value)


def label_of(field: models.Field) -> str:
    label = str(field.verbose_name)
    return label[:1].upper() + label[1:]


def field_changes(older, newer, *, only: set[str] | None = None) -> list[Change]:
    """What differs between two historical records of one object, in field order.

    ``only`` limits the comparison to those field names.
    """
    changes = []
    for field in tracked_fields(newer):
        if only is not None and field.name not in only:
            continue
        if getattr(older, field.attname) == getattr(newer, field.attname):
            continue
        before, after = display_value(older, field), display_value(newer, field)
        if before != after:
            changes.append(Change(field.name, label_of(field), before, after))
    return changes


def everything_in(record) -> list[Change]:
    """Each filled-in field of ``record`` as a change from nothing (a new object)."""
    changes = []
    for field in tracked_fields(record):
        if isinstance(field, models.ForeignKey):
            continue
        value = display_value(record, field)
        if value:
            changes.append(Change(field.name, label_of(field), "", value))
    return changes
