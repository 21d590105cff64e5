"""No lost work: a staff form sent after its person's session ended is kept for them.

The session middleware remembers whose session it ended (``sessions.ENDED_USER``, in the new
anonymous session). A POST that then reaches a staff page (``/staff/``) is kept, against that
person only, before the sign-in redirect; CSRF was checked first, so another site cannot plant
data. After they sign in again (second step included), the sign-in brings them back to the
page, which is rendered as usual and filled in with what they sent
(``accounts.form_fill``), with a banner saying it has not been saved yet. Kept forms are
deleted once given back, and after ``KEPT_FORM_SECONDS`` (an hour) whatever happens.

Never kept: the CSRF token, any field whose name mentions a password, files (the page says to
choose the file again), forms outside ``/staff/`` (the sign-in and password pages are under
``/accounts/``), and anything larger than ``MAX_CHARACTERS``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from accounts.models import KeptForm, User

KEPT_PREFIX = "/staff/"
MAX_CHARACTERS = 500_000


def keepable(path: str) -> bool:
    return path.startswith(KEPT_PREFIX)


def _values(post) -> dict[str, list[str]]:
    return {
        name: post.getlist(name)
        for name in post
        if name != "csrfmiddlewaretoken" and "password" not in name.lower()
    }


def _oldest_kept(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.KEPT_FORM_SECONDS)


def forget_expired(now: dt.datetime) -> int:
    """Delete every kept form older than ``KEPT_FORM_SECONDS``; how many there were."""
    deleted, _ = KeptForm.objects.filter(kept_at__lte=_oldest_kept(now)).delete()
    return deleted


def keep(user: User, path: str, post, *, had_files: bool, now: dt.datetime) -> KeptForm | None:
    """Keep what ``user`` sent to ``path`` (a QueryDict, files apart); ``None`` when it is too
    large to keep. Replaces anything kept earlier for the same page."""
    forget_expired(now)
    values = _values(post)
    if sum(len(name) + sum(map(len, sent)) for name, sent in values.items()) > MAX_CHARACTERS:
        return None
    KeptForm.objects.filter(user=user, path=path).delete()
    return KeptForm.objects.create(
        user=user, path=path, values=values, files_left_out=had_files, kept_at=now
    )


def kept_for(user: User, path: str, *, now: dt.datetime) -> KeptForm | None:
    """The form ``user`` sent to ``path`` after their session ended, if still kept."""
    return (
        KeptForm.objects.filter(user=user, path=path, kept_at__gt=_oldest_kept(now))
        .order_by("-kept_at")
        .first()
    )
