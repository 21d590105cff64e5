from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from alerts import throttle
from alerts.subscriptions import normalise
from prap.forms import GovukFormMixin


class SignUpForm(GovukFormMixin, forms.Form):
    """An e-mail address to follow a force. Refused, saying how long to wait, when the
    client's address has signed up too often; otherwise the same answer for every address."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the right format, like name@example.com",
            "max_length": "The e-mail address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, address: str, now: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.address, self.now = address, now

    def clean_email(self) -> str:
        return normalise(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        wait = throttle.refused_from(self.address, self.now)
        if wait is not None:
            minutes = f"{wait} minute{'s' if wait != 1 else ''}"
            raise ValidationError(
                "There have been too many sign-ups from your network. "
                f"Wait {minutes}, then try again.",
                code="throttled",
            )
        return cleaned

    def may_send(self) -> bool:
        """Count this sign-up; whether a confirmation may go to the address typed."""
        return throttle.record_sign_up(self.cleaned_data["email"], self.address, self.now)
