import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from tests.mfa import enrol

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


def printed_passwords(output: str) -> dict[str, str]:
    pairs = re.findall(r"e-mail:\s+(\S+)\s+password:\s+(\S+)", output)
    return dict(pairs)


def test_seed_demo_prints_a_working_password_for_each_demo_staff_account(reference):
    out = io.StringIO()
    call_command("seed_demo", today=TODAY, stdout=out)
    passwords = printed_passwords(out.getvalue())
    assert set(passwords) == {
        "dorset.coordinator@demo.invalid",
        "national.team@demo.invalid",
        "dorset.panel@demo.invalid",
    }
    panel_member = User.objects.get(email="dorset.panel@demo.invalid")
    assert (panel_member.role, panel_member.force.slug) == ("panel", "dorset")
    coordinator = User.objects.get(email="dorset.coordinator@demo.invalid")
    assert (coordinator.role, coordinator.force.slug, coordinator.is_demo) == (
        "coordinator",
        "dorset",
        True,
    )
    browser = Client()
    signed_in = browser.post(
        "/accounts/sign-in/",
        {"username": coordinator.email, "password": passwords[coordinator.email]},
    )
    # Like anyone's, a demo account's first sign-in sets up an authenticator app.
    enrol(browser, signed_in["Location"])
    assert browser.get("/staff/forces/dorset/").status_code == 200


def test_new_demo_staff_passwords_replace_the_old_ones(reference):
    first = io.StringIO()
    call_command("seed_demo", today=TODAY, stdout=first)
    again = io.StringIO()
    call_command("seed_demo", staff_passwords=True, stdout=again)
    old, new = printed_passwords(first.getvalue()), printed_passwords(again.getvalue())
    user = User.objects.get(email="national.team@demo.invalid")
    assert user.check_password(new[user.email]) and not user.check_password(old[user.email])


def test_clearing_the_demo_data_switches_the_demo_staff_off(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    call_command("seed_demo", clear=True, stdout=io.StringIO())
    for user in User.objects.filter(is_demo=True):
        assert not user.is_active and not user.has_usable_password()
    with pytest.raises(CommandError, match="Demonstration data is not loaded"):
        call_command("seed_demo", staff_passwords=True, stdout=io.StringIO())


def test_make_run_with_data_already_loaded_says_how_to_get_staff_passwords(reference):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert "seed_demo --staff-passwords" in out.getvalue()
