import logging
import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import throttle
from prap.forms import GovukFormMixin
from prap.security import client_address, log_event


def _refuse_if_paused(request, username: str, now) -> None:
    pause = throttle.current_pause(username, client_address(request), now)
    if pause is not None:
        log_event(
            "sign_in_throttled",
            request,
            level=logging.WARNING,
            attempted_username=username[:254],
            scope=pause.scope,
            paused_until=pause.until,
        )
        raise ValidationError(pause.message(now), code="throttled")


def _count_failure(request, username: str, now) -> None:
    """Count a wrong password; if it starts a pause, say so instead of "wrong password"."""
    pause = throttle.record_failure(username, client_address(request), now)
    if pause is not None:
        log_event(
            "sign_in_paused",
            request,
            level=logging.WARNING,
            attempted_username=username[:254],
            scope=pause.scope,
            paused_until=pause.until,
        )
        raise ValidationError(pause.message(now), code="throttled")


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "Enter a correct e-mail address and password. If you have forgotten your "
            "password, reset it below."
        ),
        "inactive": "This account has been deactivated. Ask your administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["username"].error_messages["required"] = "Enter your e-mail address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    @sensitive_variables("password")
    def clean(self):
        """Throttled (accounts/throttle.py): refused without checking the password while the
        account or the address is paused; every wrong password counted."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        now = timezone.now()
        _refuse_if_paused(self.request, username, now)
        try:
            super().clean()
        except ValidationError:
            if self.user_cache is None:
                _count_failure(self.request, username, now)
            raise
        throttle.record_success(username, now)
        return self.cleaned_data


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"

    @sensitive_variables("old_password")
    def clean_old_password(self):
        """The current password is the re-authentication for this change: throttled like
        the sign-in page, so a session left open is no way to guess it."""
        now = timezone.now()
        request = getattr(self, "request", None)
        if request is not None:
            _refuse_if_paused(request, self.user.email, now)
        try:
            return super().clean_old_password()
        except ValidationError:
            if request is not None:
                _count_failure(request, self.user.email, now)
            raise


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    """Also reaches accounts that have never set a password (provisioned with add_staff),
    so a person whose set-password link expired can ask for another one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your e-mail address",
                "invalid": "Enter an e-mail address in the right format, like name@police.uk",
            }
        )
        self.fields["email"].widget.attrs.update({"spellcheck": "false"})

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def clean(self):
        """Too many requests from one client address: say so (it reveals nothing about any
        account). Needs ``self.request`` (the view sets it)."""
        cleaned = super().clean()
        wait = throttle.reset_refused_from(client_address(self.request), timezone.now())
        if wait is not None:
            log_event("password_reset_throttled", self.request, level=logging.WARNING)
            minutes = f"{wait} minute{'s' if wait != 1 else ''}"
            raise ValidationError(
                f"There have been too many requests for reset links from your network. "
                f"Wait {minutes}, then try again.",
                code="throttled",
            )
        return cleaned

    def save(self, *args, **kwargs):
        """Queue the link unless this address has had ``PASSWORD_RESET_ACCOUNT_LIMIT`` links in
        the last hour; the page says the same either way. The view's e-mail options are not
        used: the worker's task names its own templates."""
        email = self.cleaned_data["email"]
        if throttle.record_reset_request(email, client_address(self.request), timezone.now()):
            # Queued for the worker, whether or not an account has the address: the request
            # does the same work either way (accounts/tasks.py).
            from accounts.tasks import send_password_reset

            send_password_reset.enqueue(
                email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        else:
            log_event(
                "password_reset_limited",
                self.request,
                level=logging.WARNING,
                attempted_username=email[:254],
            )


class ConfirmPasswordForm(GovukFormMixin, forms.Form):
    """The password again, before a change to the second step (re-authentication)."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    @sensitive_variables("password")
    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        now = timezone.now()
        _refuse_if_paused(self.request, user.email, now)
        if not user.check_password(password):
            log_event("reauthentication_failed", self.request, level=logging.WARNING)
            _count_failure(self.request, user.email, now)
            raise ValidationError("The password is not right", code="invalid")
        return password


def normalise_code(value: str) -> str:
    """A code as typed, without spaces and hyphens, in lower case."""
    return re.sub(r"[\s-]+", "", value).lower()


class SecurityCodeForm(GovukFormMixin, forms.Form):
    """A 6-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label="Security code",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args, accept_recovery_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.accept_recovery_code = accept_recovery_code
        if accept_recovery_code:
            self.fields["code"].help_text = (
                "The 6-digit code your authenticator app shows now. If you do not have your "
                "phone, enter one of your recovery codes instead."
            )
        else:
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if re.fullmatch(r"\d{6}", code):
            return code
        if self.accept_recovery_code and re.fullmatch(r"[a-z2-7]{10}", code):
            return code
        if self.accept_recovery_code:
            raise ValidationError(
                "Enter the 6-digit code from your authenticator app, or a 10-character "
                "recovery code",
                code="format",
            )
        raise ValidationError("Enter the 6 digits your authenticator app shows", code="format")

    @property
    def is_recovery_code(self) -> bool:
        return len(self.cleaned_data.get("code", "")) == 10
