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
from django.utils import timezone
from django.utils.html import format_html

from accounts import form_fill, kept_forms, sessions
from accounts.mfa import authenticator_for
from accounts.models import User
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
                user_id = request.user.pk
                session.flush()
                session[sessions.ENDED_BECAUSE] = reason
                session[sessions.ENDED_USER] = user_id
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


class KeptFormMiddleware:
    """No lost work (``accounts.kept_forms``): a staff form sent after the session ended is
    kept for its person before the sign-in redirect, and given back, filled in, when they
    next open that page signed in. Sits after CSRF (checked first) and the session limits,
    before ``LoginRequiredMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kept = getattr(request, "kept_form", None)
        if (
            kept is not None
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            page = response.content.decode(response.charset)
            page = form_fill.fill_forms(page, request.path, kept.values)
            response.content = _with_banner(page, kept).encode(response.charset)
            ids = [pk for pk in request.session.get(sessions.KEPT_FORMS, []) if pk != kept.pk]
            request.session[sessions.KEPT_FORMS] = ids
            kept.delete()
            log_event("kept_form_restored", request, path=kept.path)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not kept_forms.keepable(request.path):
            return None
        path = request.get_full_path()
        now = timezone.now()
        if request.method == "POST" and not request.user.is_authenticated:
            if not getattr(view_func, "login_required", True):
                return None
            user_id = request.session.get(sessions.ENDED_USER)
            user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
            if user is None:
                return None
            kept = kept_forms.keep(user, path, request.POST, had_files=bool(request.FILES), now=now)
            if kept is not None:
                request.session[sessions.KEPT_FORMS] = [
                    *request.session.get(sessions.KEPT_FORMS, []),
                    kept.pk,
                ]
                log_event("form_kept", request, target_user_id=user.pk, path=path)
        elif (
            request.method == "GET"
            and request.user.is_authenticated
            and request.session.get(sessions.KEPT_FORMS)
        ):
            found = kept_forms.kept_for(request.user, path, now=now)
            if found is not None and found.pk in request.session[sessions.KEPT_FORMS]:
                request.kept_form = found
        return None


def _with_banner(page: str, kept) -> str:
    """The page with a banner, first in <main>, saying what was put back."""
    files = " Files are never kept: choose the file again." if kept.files_left_out else ""
    banner = format_html(
        '<div class="govuk-notification-banner" role="region" aria-labelledby="kept-form-title"'
        ' data-module="govuk-notification-banner" id="kept-form">'
        '<div class="govuk-notification-banner__header">'
        '<h2 class="govuk-notification-banner__title" id="kept-form-title">Important</h2></div>'
        '<div class="govuk-notification-banner__content">'
        '<p class="govuk-notification-banner__heading">We have put back what you sent at {}, '
        "after you had been signed out. It has not been saved yet.</p>"
        '<p class="govuk-body">Check it, then save it.{}</p></div></div>',
        timezone.localtime(kept.kept_at).strftime("%H:%M"),
        files,
    )
    marker = 'id="main-content">'
    at = page.find(marker)
    if at < 0:
        return page
    at += len(marker)
    return page[:at] + banner + page[at:]
