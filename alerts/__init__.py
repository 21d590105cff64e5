"""E-mail alerts for people who follow a force without an account (README, "E-mail alerts").

Any domain app above this one announces what a force published with :func:`record_event`,
inside the transaction that publishes it.
"""


def record_event(force, kind: str, summary: str, path: str, when):
    """Tell the followers of ``force`` (a ``plans.Force`` or its id) that something public
    happened: ``kind`` is an ``alerts.models.Event.Kind`` value, ``summary`` one or two public
    sentences, ``path`` the public page from the site's root (``"/forces/dorset/..."``),
    ``when`` an aware datetime. Call it inside the transaction that publishes the content:
    the event is written in it (a rolled-back write alerts nobody) and the digests are
    queued once it commits. Returns the ``Event``. See ``alerts.events``."""
    from alerts.events import record_event as record

    return record(force, kind, summary, path, when)
