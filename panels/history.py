"""A panel view's history in plain language: its drafts, its publication, its withdrawal and
the force's reply, from the records django-simple-history keeps (two queries).

Who reads it decides what it shows. A member of the view's panel sees everything, drafts
included, with the names of the panel's members; the force's own people are shown as the
force and an administrator as "An administrator". Anyone else (the force's coordinators, the
national team, administrators) sees the view from the day it was published, as the panel's
drafts are the panel's own, and each change by a panel member is credited to the panel: the
panel decides which of its members it names in public.
"""

from __future__ import annotations

from accounts.models import User
from panels.models import PanelReply, PanelView
from plans.history import Change, Entry, field_changes, listed, who_made

#: What a panel writes in a view: the fields whose changes a draft's history lists.
WRITTEN = {"verdict", "reasons", "evidence"}


def panel_view_history(view: PanelView, *, for_panel: bool) -> list[Entry]:
    """Every recorded change to ``view`` and the force's reply to it, newest first.
    ``for_panel``: the reader is a member of the view's panel (see the module's docstring)."""
    records = (
        PanelView.history.filter(id=view.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    before = None
    for record in records:
        if for_panel or record.published_at is not None:
            entries.append(_view_entry(view, before, record, for_panel=for_panel))
        before = record
    replies = (
        PanelReply.history.filter(view_id=view.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries += [_reply_entry(view, record, for_panel=for_panel) for record in replies]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _who(view: PanelView, record, *, for_panel: bool) -> str:
    user = record.history_user
    if user is None:
        return who_made(record)
    if user.role == User.Role.PANEL:
        return who_made(record) if for_panel else view.panel.name
    if not for_panel:
        return who_made(record)
    if user.role == User.Role.COORDINATOR:
        return view.force.name
    return "An administrator" if user.is_administrator else "The national team"


def _view_entry(view: PanelView, before, record, *, for_panel: bool) -> Entry:
    verdict = record.get_verdict_display()
    entry = Entry(record.history_date, _who(view, record, for_panel=for_panel), "", kind="view")
    published_now = record.published_at is not None and (
        before is None or before.published_at is None
    )
    if record.history_type == "-":
        entry.summary = "Deleted the view"
    elif record.history_type == "+":
        entry.summary = (
            f"Published the view: {verdict}"
            if record.published_at is not None
            else f"Saved the view as a draft: {verdict}"
        )
    elif before is None:
        entry.summary = "Saved the view (its earlier history was not kept)"
    elif published_now:
        entry.summary = f"Published the view: {verdict}"
        if for_panel:
            entry.changes = field_changes(before, record, only=WRITTEN)
    elif record.withdrawn_at is not None and before.withdrawn_at is None:
        entry.summary = "Withdrew the view"
        entry.changes = [Change("withdrawn_reason", "Reason", "", record.withdrawn_reason)]
    else:
        entry.changes = field_changes(before, record, only=WRITTEN)
        if not entry.changes:
            entry.summary = "Saved the view without changes"
        else:
            noun = "draft" if record.published_at is None else "published view"
            entry.summary = f"Edited the {noun}: " + listed(c.label.lower() for c in entry.changes)
    return entry


def _reply_entry(view: PanelView, record, *, for_panel: bool) -> Entry:
    entry = Entry(record.history_date, _who(view, record, for_panel=for_panel), "", kind="reply")
    if record.history_type == "+":
        entry.summary = "Published the force's reply"
        entry.changes = [Change("text", "The force's reply", "", record.text)]
    elif record.history_type == "-":
        entry.summary = "Deleted the force's reply"
    else:
        entry.summary = "Saved the force's reply"
    return entry
