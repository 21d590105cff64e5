"""A deliverable's commitment and what counts as changing it. Pure, no Django imports.

A deliverable's *commitment* is its start and due quarters, its title and its "We will..."
text. Once it has been public, its original commitment is kept and every later change to it
is a dated, public entry; a reason is required when the change matters to the public
(:func:`reason_needed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from plans.quarters import Quarter

_NOT_WORDS = re.compile(r"[^\w\s]")


@dataclass(frozen=True, slots=True)
class Commitment:
    """What a deliverable promises: when, and what."""

    start_quarter: Quarter
    due_quarter: Quarter
    title: str
    description: str


#: The commitment's fields, in the order the public pages list them.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Commitment))

#: How each field is named on the public pages and in error messages.
LABELS: dict[str, str] = {
    "start_quarter": "Start quarter",
    "due_quarter": "Due quarter",
    "title": "Title",
    "description": "What we will do",
}


def wording(text: str) -> str:
    """``text`` as compared for a material change: case, punctuation and spacing ignored
    ("Reform stop-and-search." and "reform stop and search" are the same wording)."""
    return " ".join(_NOT_WORDS.sub(" ", text.casefold()).split())


def is_material(before: str, after: str) -> bool:
    """Whether a title or description changed materially: more than case, punctuation or
    spacing (:func:`wording`)."""
    return wording(before) != wording(after)


def changed_fields(before: Commitment, after: Commitment) -> list[str]:
    """The fields of :data:`FIELDS` whose values differ, in that order (any difference: an
    edit of spacing alone is still a dated change, though it needs no reason)."""
    return [name for name in FIELDS if getattr(before, name) != getattr(after, name)]


def reason_needed(before: Commitment, after: Commitment) -> list[str]:
    """The changes that need the force's reason, in words: the due quarter moving later,
    and a material change of title or description. Empty when none does (an earlier due
    quarter, a moved start quarter or a spelling fix need no reason, though each is still
    recorded)."""
    needs = []
    if after.due_quarter > before.due_quarter:
        needs.append(
            f"the due quarter moves later, from {before.due_quarter} to {after.due_quarter}"
        )
    if is_material(before.title, after.title):
        needs.append("the title changes")
    if is_material(before.description, after.description):
        needs.append('the "We will" text changes')
    return needs


def as_text(value: Quarter | str) -> str:
    """A commitment value as stored in a change entry: quarters in compact form."""
    return value.compact if isinstance(value, Quarter) else value
