"""Staff session limits: an idle timeout, an absolute lifetime and "sign out everywhere".

Each session records when its person signed in, when it was last used and the account's
``session_version`` at sign-in (``stamp``, on every sign-in). ``StaffSessionMiddleware`` asks
``end_reason`` on each request and ends the session server-side when it has one. Times are
seconds since the epoch, passed in: only the sign-in receiver reads the clock.
"""

from __future__ import annotations

import time

SIGNED_IN_AT = "prap_signed_in_at"
SEEN_AT = "prap_seen_at"
SESSION_VERSION = "prap_session_version"
# Why the last session ended, for the sign-in page to say (kept in the new, empty session).
ENDED_BECAUSE = "prap_session_ended"
# Whose session it was, so that a form they send next is kept for them alone
# (accounts/kept_forms.py), and which kept forms this browser may get back after signing in.
ENDED_USER = "prap_session_ended_user"
KEPT_FORMS = "prap_kept_forms"
# "Last used" is written at most this often, so a page view is not a session write.
SEEN_RESOLUTION_SECONDS = 60

MESSAGES = {
    "idle": "You were signed out because you had not used the site for {idle} minutes.",
    "absolute": "You were signed out because you had been signed in for {absolute} hours.",
    "signed_out_everywhere": "You were signed out by an administrator.",
    "unknown": "You were signed out. Sign in again.",
}


def end_reason(
    session, user_version: int, *, now: float, idle_seconds: int, absolute_seconds: int
) -> str | None:
    """Why the session of a signed-in person must end now, or ``None``.

    ``"signed_out_everywhere"``: an administrator ended the account's sessions since this one
    began; ``"absolute"``: signed in longer than ``absolute_seconds``; ``"idle"``: no request for
    ``idle_seconds``; ``"unknown"``: the session was not made by a sign-in of this release.
    """
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    version = session.get(SESSION_VERSION)
    if signed_in_at is None or seen_at is None or version is None:
        return "unknown"
    if version != user_version:
        return "signed_out_everywhere"
    if now - signed_in_at >= absolute_seconds:
        return "absolute"
    if now - seen_at >= idle_seconds:
        return "idle"
    return None


def stamp(session, user, *, now: float) -> None:
    session.pop(ENDED_USER, None)
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    session[SESSION_VERSION] = user.session_version


def renew(session, *, now: float) -> None:
    """The person is still there ("Stay signed in"): the idle clock starts again now."""
    session[SEEN_AT] = now


def touch(session, *, now: float) -> None:
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now


def stamp_on_sign_in(sender, request, user, **kwargs) -> None:
    """Every sign-in (the sign-in page, the test client's force_login) starts the clocks."""
    stamp(request.session, user, now=time.time())


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(stamp_on_sign_in, dispatch_uid="accounts.sessions.stamp")
