import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from tests.mfa import enrol

pytestmark = pytest.mark.django_db


def add_staff(*args, **options) -> str:
    out = io.StringIO()
    call_command("add_staff", *args, stdout=out, **options)
    return out.getvalue()


def test_a_provisioned_coordinator_sets_a_password_with_the_printed_link_and_signs_in(
    reference,
):
    output = add_staff(
        "Dana.Smith@Dorset.police.uk", role="coordinator", force="dorset", name="Dana Smith"
    )
    user = User.objects.get(email="dana.smith@dorset.police.uk")
    assert (user.role, user.force.slug, user.full_name) == ("coordinator", "dorset", "Dana Smith")
    assert not user.has_usable_password()
    assert "Created dana.smith@dorset.police.uk: Force coordinator for Dorset Police." in output
    path = re.search(r"http://127\.0\.0\.1:8000(/accounts/password/set/\S+/)", output)[1]

    browser = Client()
    page = browser.get(path, follow=True)
    browser.post(
        page.redirect_chain[-1][0],
        {"new_password1": "dorset coordinator pass", "new_password2": "dorset coordinator pass"},
    )
    signed_in = browser.post(
        "/accounts/sign-in/",
        {"username": "dana.smith@dorset.police.uk", "password": "dorset coordinator pass"},
    )
    # A first sign-in goes on to set up an authenticator app, then to the recovery codes.
    assert signed_in["Location"] == "/accounts/two-step/set-up/?next=%2Fstaff%2F"
    enrolled, _ = enrol(browser, signed_in["Location"])
    codes = browser.get(enrolled["Location"])
    assert "Save your recovery codes" in codes.content.decode()
    assert browser.get("/staff/", follow=True).redirect_chain[-1][0] == "/staff/forces/dorset/"
    # The link worked once.
    assert "This link no longer works" in Client().get(path, follow=True).content.decode()


def test_a_national_team_member_is_provisioned_without_a_force(db):
    add_staff("nadia@npcc.police.uk", role="national")
    user = User.objects.get(email="nadia@npcc.police.uk")
    assert (user.role, user.force, user.is_staff) == ("national", None, False)


def test_an_administrator_gets_the_django_admin(db):
    add_staff("sam@example.org", role="administrator")
    user = User.objects.get(email="sam@example.org")
    assert user.is_staff and user.is_superuser


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (["x@example.org"], {"role": "boss"}, 'Unknown role "boss". Choose one of: coordinator'),
        (["x@example.org"], {"role": "coordinator"}, "add --force with its slug"),
        (["x@example.org"], {"role": "coordinator", "force": "dorsett"}, "Did you mean dorset?"),
        (
            ["x@example.org"],
            {"role": "coordinator", "force": "atlantis"},
            'No force has the slug "atlantis"',
        ),
        (["x@example.org"], {"role": "national", "force": "dorset"}, "leave out --force"),
        (["not-an-address"], {"role": "national"}, "is not an e-mail address"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(reference, args, options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        add_staff(*args, **options)
    assert not User.objects.exists()


def test_an_existing_address_is_refused(alice):
    with pytest.raises(CommandError, match="already has an account"):
        add_staff("ALICE@force-a.example", role="national")


def test_a_panel_member_belongs_to_the_panel_of_the_force_named(reference):
    output = add_staff("priya@example.org", role="panel", force="dorset", name="Priya Shah")
    user = User.objects.get(email="priya@example.org")
    assert (user.role, user.force.slug, user.is_staff) == ("panel", "dorset", False)
    assert "Created priya@example.org: Scrutiny panel member for Dorset Police." in output
    assert not user.can_read_force(user.force_id)  # force data is not the panel's


def test_a_panel_member_without_a_force_is_on_the_national_panel(db):
    output = add_staff("lee@example.org", role="panel")
    assert User.objects.get(email="lee@example.org").force is None
    assert "Scrutiny panel member (the national panel)." in output


def test_the_national_team_still_cannot_be_given_a_force(reference):
    with pytest.raises(CommandError, match="Only a force coordinator or a panel member"):
        add_staff("x@example.org", role="national", force="dorset")
