"""Test helpers for the second step of signing in.

``VerifiedClient.force_login(user)`` signs a persona in as a real sign-in would end: with a
confirmed authenticator app and the session verified by it. The ``client`` fixture is one
(tests/conftest.py). Tests of the second step itself use ``django.test.Client``, whose
``force_login`` stops after the password, or sign in through the pages with ``sign_in``.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa


def give_authenticator(user) -> TOTPDevice:
    """The person's confirmed authenticator app (set up now if they have none)."""
    device = mfa.authenticator_for(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The 6-digit code ``device``'s app shows at ``at`` (now by default)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now that it has not accepted before (a used code never works
    again, so a second sign-in in the same 30 seconds needs the app's next one).

    The device counts time steps shifted by its ``drift`` (django-otp learns it from the
    codes it accepts, with ``OTP_TOTP_SYNC``: a code accepted one step late leaves a drift of
    -1) and accepts steps up to ``tolerance`` either side of its own. So: the device's current
    step, or the one after the last it accepted; if that is beyond the tolerance, wait for
    the next step. The code is the app's code for that step, its drift not added twice."""
    while True:
        device.refresh_from_db()
        now = time.time()
        current = int((now - device.t0) // device.step) + device.drift
        step = max(current, device.last_t + 1)
        if step <= current + device.tolerance:
            break
        time.sleep(device.step - (now - device.t0) % device.step + 0.1)
    return totp_code(device, at=device.t0 + (step - device.drift) * device.step + 1)


def sign_in(client, user, password, *, next_url: str = "") -> object:
    """Both steps through the pages: password, then a code from the person's app."""
    device = give_authenticator(user)
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    first = client.post("/accounts/sign-in/", data)
    assert first.status_code == 302, "the password was refused"
    assert first["Location"].startswith("/accounts/two-step/verify/"), first["Location"]
    return client.post(first["Location"], {"code": fresh_code(device)})


class VerifiedClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = give_authenticator(user)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def code_from_secret(secret: str, *, at: float | None = None) -> str:
    """What an authenticator app shows for a key typed in by hand (as the set-up page
    shows it: base32 in groups of four)."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def enrol(client, set_up_url: str):
    """Set up an authenticator app the way a person does: read the key the set-up page
    shows, enter the code an app would show for it. Returns the response (a redirect to the
    recovery codes) and the key."""
    page = client.get(set_up_url)
    assert page.status_code == 200
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)</code>', page.content.decode())[1]
    return client.post(set_up_url, {"code": code_from_secret(secret)}), secret
