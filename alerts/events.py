"""Recording what a force published, for its followers' digests.

Only published content is ever passed here: each caller builds the summary from what the
public can already read, and calls :func:`record_event` inside its writing transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from alerts.models import Event

SUMMARY_LENGTH = Event._meta.get_field("summary").max_length


def shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "\u2026"


def record_event(force, kind: str, summary: str, path: str, when: dt.datetime) -> Event:
    """See :func:`alerts.record_event`. Raises ``RuntimeError`` outside a transaction (an
    event written on its own could announce a write that then failed) and ``ValueError``
    for an unknown kind or a path that is not from the site's root."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() runs inside the transaction that publishes.")
    if kind not in Event.Kind.values:
        raise ValueError(f"Unknown event kind {kind!r}: use one of {Event.Kind.values}")
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"The path must be a page of this site, from its root: {path!r}")
    force_id = getattr(force, "pk", force)
    event = Event.objects.create(
        force_id=force_id,
        kind=kind,
        summary=shorten(summary, SUMMARY_LENGTH),
        path=path,
        occurred_at=when,
    )
    transaction.on_commit(lambda: _queue_digests(force_id))
    return event


def _queue_digests(force_id: int) -> None:
    from alerts.tasks import send_digests

    send_digests.enqueue(force_id)
