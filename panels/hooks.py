"""The point where other features learn that a panel published something.

``published(item)`` is called by :meth:`panels.models.PanelView.publish` inside the
transaction that publishes a panel view or statement, after it is saved. Nothing is
registered today: it is a documented no-op until, for example, e-mail alerts subscribe with
``on_published(callback)`` from their app's ``ready()``. A callback receives the
:class:`~panels.models.PanelView` (published, never a draft) and must not fail the
publication: queue work (``prap.mail.send_email.enqueue``), do not send it inline.
"""

from __future__ import annotations

from collections.abc import Callable

_subscribers: list[Callable] = []


def on_published(callback: Callable) -> None:
    """Call ``callback(view)`` each time a panel view or statement is published."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def published(view) -> None:
    """Tell every subscriber that ``view`` has just been published."""
    for callback in list(_subscribers):
        callback(view)
