"""Sign-in, the second step (authenticator app and recovery codes) and re-authentication.

The password pages are Django's own views with GOV.UK templates (see ``accounts/urls.py``);
the views here add what Django does not have.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa, sessions
from accounts.forms import ConfirmPasswordForm, SecurityCodeForm
from prap.security import log_event


def _next_url(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInView(auth_views.LoginView):
    """Django's sign-in, throttled by its form, then straight on to the second step."""

    template_name = "accounts/user_sign_in.html"
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        self.ended_because = request.session.pop(sessions.ENDED_BECAUSE, None)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["require_mfa"] = settings.REQUIRE_MFA
        reason = getattr(self, "ended_because", None)
        if reason in sessions.MESSAGES:
            context["session_ended"] = sessions.MESSAGES[reason].format(
                idle=settings.SESSION_IDLE_SECONDS // 60,
                absolute=settings.SESSION_ABSOLUTE_SECONDS // 3600,
            )
        context["form_kept"] = bool(self.request.session.get(sessions.KEPT_FORMS))
        return context

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if settings.REQUIRE_MFA:
            # (The verify page sends a session that is already verified straight on.)
            step = "accounts:mfa_verify" if mfa.authenticator_for(user) else "accounts:mfa_setup"
            return _with_next(step, url)
        return url


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; its form asks for the current password (the
    re-authentication), throttled like the sign-in page, so it needs the request."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        return form


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request; its form is throttled, so it needs the request."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        return form


def _verified_sign_in(request, device, factor: str) -> None:
    otp_login(request, device)
    # A new session id for the new privilege, as at the password step.
    request.session.cycle_key()
    log_event("mfa_verified", request, factor=factor)


@mfa.mfa_not_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """The second step of every sign-in: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    authenticator = mfa.authenticator_for(user)
    if authenticator is None:
        return redirect(_with_next("accounts:mfa_setup", next_url))
    form = SecurityCodeForm(request.POST or None, accept_recovery_code=True)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        recovery = mfa.recovery_device_for(user) if form.is_recovery_code else None
        device_model, device = (StaticDevice, recovery) if recovery else (TOTPDevice, authenticator)
        if form.is_recovery_code and recovery is None:
            form.add_error("code", "You have no recovery codes left. Enter a code from your app")
        else:
            accepted, wait = mfa.verify_with_lock(device_model, device.pk, code)
            if accepted:
                _verified_sign_in(request, device, "recovery_code" if recovery else "app")
                if recovery:
                    left = mfa.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You used a recovery code: it will not work again. You have {left} "
                        "left. Create new ones from Two-step verification if you are running out.",
                    )
                return redirect(next_url)
            log_event(
                "mfa_failed",
                request,
                level=logging.WARNING,
                factor="recovery_code" if recovery else "app",
            )
            form.add_error(
                "code",
                wait
                or (
                    "That recovery code is not right, or it has already been used"
                    if recovery
                    else "That code is not right, or it has already been used. Enter the code "
                    "your app shows now"
                ),
            )
    context = {"form": form, "next": next_url}
    return render(request, "accounts/user_mfa_verify.html", context)


@mfa.mfa_not_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Set up an authenticator app: on a first sign-in, or (after the password again) to
    replace the app. A password alone never replaces an app that is already set up."""
    user = request.user
    next_url = _next_url(request, default=reverse("accounts:mfa_manage"))
    replacing = mfa.authenticator_for(user) is not None
    if replacing and not user.is_verified():
        return redirect(_with_next("accounts:mfa_verify", next_url))
    if replacing and not mfa.recently_reauthenticated(request):
        return redirect(_with_next("accounts:confirm_password", request.get_full_path()))
    device = mfa.pending_authenticator(user)
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, wait = mfa.verify_with_lock(TOTPDevice, device.pk, form.cleaned_data["code"])
        if accepted:
            device.refresh_from_db()
            mfa.confirm_authenticator(device)
            _verified_sign_in(request, device, "app")
            log_event("mfa_replaced" if replacing else "mfa_enrolled", request)
            if not replacing or mfa.recovery_codes_left(user) == 0:
                request.session[mfa.NEW_RECOVERY_CODES] = mfa.new_recovery_codes(user)
                return redirect(_with_next("accounts:mfa_recovery_codes", next_url))
            messages.success(request, "Your new authenticator app is set up.")
            return redirect(next_url)
        log_event("mfa_failed", request, level=logging.WARNING, factor="app_setup")
        form.add_error(
            "code",
            wait
            or "That code is not right. Check the app shows PRAP Tracker and enter the code it "
            "shows now",
        )
    context = {
        "form": form,
        "next": next_url,
        "replacing": replacing,
        "qr_code": mfa.qr_code_svg(device),
        "secret": mfa.secret_for_typing(device),
    }
    return render(request, "accounts/user_mfa_setup.html", context)


@require_GET
def mfa_recovery_codes(request):
    """New recovery codes, shown once."""
    codes = request.session.pop(mfa.NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:mfa_manage")
    context = {
        "codes": [mfa.display_code(code) for code in codes],
        "next": _next_url(request, default=reverse("accounts:mfa_manage")),
    }
    return render(request, "accounts/user_mfa_recovery_codes.html", context)


@require_GET
def mfa_manage(request):
    user = request.user
    context = {
        "authenticator": mfa.authenticator_for(user),
        "codes_left": mfa.recovery_codes_left(user),
        "code_count": mfa.RECOVERY_CODE_COUNT,
        "reauthentication_minutes": settings.REAUTHENTICATION_SECONDS // 60,
    }
    return render(request, "accounts/user_mfa_manage.html", context)


@require_http_methods(["GET", "POST"])
@mfa.recent_password_required
def mfa_recovery_codes_new(request):
    if request.method == "POST":
        request.session[mfa.NEW_RECOVERY_CODES] = mfa.new_recovery_codes(request.user)
        log_event("recovery_codes_replaced", request)
        return redirect("accounts:mfa_recovery_codes")
    return render(request, "accounts/user_mfa_recovery_codes_new.html", {})


@require_http_methods(["GET", "POST"])
def confirm_password(request):
    """Re-authentication: the password again before a change to the second step. Good for
    ``REAUTHENTICATION_SECONDS`` (10 minutes)."""
    next_url = _next_url(request, default=reverse("accounts:mfa_manage"))
    form = ConfirmPasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[mfa.REAUTHENTICATED_AT] = time.time()
        log_event("reauthenticated", request)
        return redirect(next_url)
    context = {"form": form, "next": next_url}
    return render(request, "accounts/user_confirm_password.html", context)


@require_POST
def keep_alive(request):
    """ "Stay signed in" in the time-out warning (static/js/session-timeout.js): the idle
    clock starts again. A session that has already ended is sent to sign in, as any staff
    request is."""
    sessions.renew(request.session, now=time.time())
    return HttpResponse(status=204)
