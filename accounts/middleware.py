"""Staff session limits and the second step of signing in, for every request."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from accounts import sessions
from accounts.mfa import authenticator_for
from prap.security import log_event


class StaffSessionMiddleware:
    """End a signed-in session server-side (``session.flush()``: the stored session is
    deleted, the cookie replaced) after ``SESSION_IDLE_SECONDS`` without a request,
    ``SESSION_ABSOLUTE_SECONDS`` after sign-in, or when an administrator has signed the
    person out everywhere, and the session of an account deactivated since. The request then
    goes on as anonymous: a staff page sends the person to sign in, where they are told why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session and not request.user.is_authenticated:
            # Signed in as an account that is now deactivated (or deleted): Django already
            # ignores the session; delete it too.
            log_event("session_ended", request, reason="account_inactive")
            session.flush()
        elif SESSION_KEY in session:
            now = time.time()
            reason = sessions.end_reason(
                session,
                request.user.session_version,
                now=now,
                idle_seconds=settings.SESSION_IDLE_SECONDS,
                absolute_seconds=settings.SESSION_ABSOLUTE_SECONDS,
            )
            if reason is None:
                sessions.touch(session, now=now)
            else:
                log_event(
                    "session_ended",
                    request,
                    level=logging.INFO,
                    reason=reason,
                    target_user_id=request.user.pk,
                )
                session.flush()
                session[sessions.ENDED_BECAUSE] = reason
                request.user = AnonymousUser()
        return self.get_response(request)


class MfaRequiredMiddleware:
    """With ``REQUIRE_MFA``, a signed-in person reaches a view that needs signing in only
    once a code from their authenticator app (or a recovery code) has verified this session.
    Until then every such view, under /staff/, /accounts/ and /admin/ alike, sends them to
    enter a code, or to set up an app if they have none. Views marked ``@login_not_required``
    (public pages, sign-in, password reset) and ``@mfa_not_required`` (the second step itself,
    signing out) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.REQUIRE_MFA:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if not getattr(view_func, "mfa_required", True):
            return None
        step = "accounts:mfa_verify" if authenticator_for(user) else "accounts:mfa_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
