"""The point where other features learn that a panel published something.

``published(item)`` is called by :meth:`panels.models.PanelView.save_by` inside the
transaction that publishes a panel view or statement, after it is saved. It tells the force's
followers by e-mail (``alerts.record_event``: written in the same transaction, so a publication
that fails alerts nobody; the digest goes out from the task worker), then any callback
registered with ``on_published(callback)``. A callback receives the
:class:`~panels.models.PanelView` (published, never a draft) and must not fail the
publication: queue work (``prap.mail.send_email.enqueue``), do not send it inline.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

import alerts
from alerts.models import EventKind

_subscribers: list[Callable] = []


def on_published(callback: Callable) -> None:
    """Call ``callback(view)`` each time a panel view or statement is published."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def published(view) -> None:
    """Tell the force's followers, then every subscriber, that ``view`` has just been
    published."""
    _announce(view)
    for callback in list(_subscribers):
        callback(view)


def _announce(view) -> None:
    """The e-mail alert of a published view: its verdict and where the public reads it (a
    view on a deliverable of a plan not yet public is never announced)."""
    deliverable = view.deliverable
    if deliverable is not None and not deliverable.plan.is_published:
        return
    verdict = view.get_verdict_display()
    if deliverable is None:
        summary = (
            f"{view.panel.name} published its statement on the {view.quarter} return: {verdict}."
        )
        path = reverse("panels:force", args=[view.force.slug])
    else:
        summary = f"{view.panel.name} on “{deliverable.title}” ({view.quarter}): {verdict}."
        path = deliverable.get_absolute_url()
    alerts.record_event(
        view.force, EventKind.PANEL_VIEW_PUBLISHED, summary, path, view.published_at
    )
