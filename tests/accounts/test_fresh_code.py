"""The test helper that plays the authenticator app finds a code the device accepts, however
the device's learned drift and last accepted step stand (a second sign-in in the same 30
seconds, after a code accepted a step late or early)."""

import time

import pytest

from tests.factories import UserFactory
from tests.mfa import fresh_code, give_authenticator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("drift", [-1, 0, 1])
@pytest.mark.parametrize("used", ["none", "current"])
def test_a_fresh_code_is_accepted_whatever_the_drift_and_the_last_code(drift, used):
    device = give_authenticator(UserFactory())
    current = int((time.time() - device.t0) // device.step) + drift
    device.drift = drift
    device.last_t = {"none": -1, "current": current}[used]
    device.save()

    assert device.verify_token(fresh_code(device))
