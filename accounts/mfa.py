"""The second step of signing in (multi-factor authentication), on django-otp.

Each staff account has one authenticator app (a confirmed ``TOTPDevice``: RFC 6238 codes,
6 digits every 30 seconds, one step of clock drift either way, a code never accepted twice)
and a set of single-use recovery codes (a ``StaticDevice`` whose tokens are deleted as they
are used). A session is verified when ``django_otp.login`` has recorded the device that
accepted a code; ``MfaRequiredMiddleware`` sends an unverified session to enter a code (or to
set up an app, on a first sign-in) before any page that needs a signed-in person.
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

RECOVERY_CODE_COUNT = 10
# Lower-case base32 without padding: no 0/1/8/9 to confuse with O/I/B/g.
RECOVERY_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
RECOVERY_CODE_LENGTH = 10  # 50 bits each
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

REAUTHENTICATED_AT = "prap_reauthenticated_at"
NEW_RECOVERY_CODES = "prap_new_recovery_codes"


def mfa_not_required(view):
    """Mark a view that a signed-in person may use before the second step (the second
    step's own pages, signing out)."""
    view.mfa_required = False
    return view


def authenticator_for(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def pending_authenticator(user: User) -> TOTPDevice:
    """The app being set up: one unconfirmed device, kept across page loads so the QR code
    does not change while the person scans it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def recovery_device_for(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def display_code(code: str) -> str:
    """``abcdefghij`` as ``abcde-fghij``: easier to copy by hand."""
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with new ones; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def confirm_authenticator(device: TOTPDevice) -> None:
    """``device`` (which just accepted a code) becomes the person's only authenticator."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


@transaction.atomic
def forget_devices(user: User) -> None:
    """Remove the person's authenticator app and recovery codes: they set up a new app at
    their next sign-in (an administrator's "reset two-step verification")."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify_with_lock(device_model, device_pk: int, code: str) -> tuple[bool, str | None]:
    """Check ``code`` against the device, locking its row so two requests with the same code
    cannot both be accepted. Returns whether it was accepted and, when the device is refusing
    every code for a moment after wrong ones, what to tell the person."""
    with transaction.atomic():
        device = device_model.objects.select_for_update().get(pk=device_pk)
        wait = wait_message(device)
        if wait is not None:
            return False, wait
        return device.verify_token(code), None


def wait_message(device) -> str | None:
    """What to tell a person whose device refuses codes for now (django-otp's exponential
    back-off after wrong codes: 1, 2, 4... seconds), if it does."""
    allowed, details = device.verify_is_allowed()
    if allowed or not details or "locked_until" not in details:
        return None
    seconds = max(1, round(details["locked_until"].timestamp() - time.time()))
    unit = "second" if seconds == 1 else "seconds"
    return f"There have been too many wrong codes. Wait {seconds} {unit}, then try again."


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret key in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The app's set-up address as an SVG QR code to put straight into the page: drawn
    here, so no secret leaves the server, and made of plain SVG (no style, no script), so
    it needs nothing from the Content Security Policy."""
    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(
        scale=4,
        border=4,
        dark="#0b0c0c",
        light="#ffffff",
        omitsize=True,
        svgclass="prap-qr-code__image",
        lineclass=None,
    )
    # segno writes only its own path data; the accessible name is ours.
    svg = svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code to scan with your authenticator app" ',
        1,
    )
    # Markup generated here from segno's path data: no text from anyone in it.
    return mark_safe(svg)  # nosec B308 B703


def recently_reauthenticated(request) -> bool:
    at = request.session.get(REAUTHENTICATED_AT)
    return at is not None and time.time() - at < settings.REAUTHENTICATION_SECONDS


def recent_password_required(view):
    """The person must have entered their password in the last
    ``REAUTHENTICATION_SECONDS`` (10 minutes) before this view changes their second step."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not recently_reauthenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm_password')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
