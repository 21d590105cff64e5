import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User
from tests.conftest import PASSWORD
from tests.mfa import fresh_code, give_authenticator
from tests.mfa import sign_in as sign_in_with_code

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD, next_url=""):
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/sign-in/", data)


def test_a_coordinator_signs_in_with_password_and_code_and_reaches_their_dashboard(
    client, alice, force_a
):
    device = give_authenticator(alice)
    response = sign_in(client, "alice@force-a.example")
    assert response["Location"] == "/accounts/two-step/verify/?next=%2Fstaff%2F"
    # After the password alone, staff pages still wait for the code.
    assert client.get("/staff/")["Location"] == "/accounts/two-step/verify/?next=%2Fstaff%2F"
    verified = client.post(response["Location"], {"code": fresh_code(device)})
    assert verified["Location"] == "/staff/"
    assert client.get("/staff/")["Location"] == f"/staff/forces/{force_a.slug}/"


def test_sign_in_accepts_the_email_address_in_any_case(client, alice):
    response = sign_in(client, "Alice@FORCE-A.example")
    assert response["Location"].startswith("/accounts/two-step/")


def test_sign_in_returns_to_the_page_that_asked_for_it(client, alice, force_a):
    asked = client.get(f"/staff/forces/{force_a.slug}/")
    assert asked["Location"] == f"/accounts/sign-in/?next=/staff/forces/{force_a.slug}/"
    response = sign_in_with_code(client, alice, PASSWORD, next_url=f"/staff/forces/{force_a.slug}/")
    assert response["Location"] == f"/staff/forces/{force_a.slug}/"


def test_a_wrong_password_is_refused_with_an_error_summary(client, alice):
    response = sign_in(client, alice.email, "not the password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a correct e-mail address and password" in html
    assert 'href="#id_username"' in html
    assert "alice@force-a.example" in html  # the address typed is kept
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_cannot_sign_in(client, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = sign_in(client, alice.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivating_an_account_ends_its_sessions(alice, force_a):
    browser = Client()
    sign_in_with_code(browser, alice, PASSWORD)
    assert browser.get(f"/staff/forces/{force_a.slug}/").status_code == 200
    alice.is_active = False
    alice.save()
    response = browser.get(f"/staff/forces/{force_a.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_signing_out_ends_the_session_on_the_server(client, alice, force_a):
    sign_in_with_code(client, alice, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/accounts/sign-out/").status_code == 405  # only by the form's POST
    assert client.post("/accounts/sign-out/")["Location"] == "/"
    assert client.get(f"/staff/forces/{force_a.slug}/").status_code == 302
    # The old session cookie, kept by someone, opens nothing: the session is gone.
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = stolen.get(f"/staff/forces/{force_a.slug}/")
    assert response["Location"].startswith("/accounts/sign-in/")


def test_changing_the_password_needs_the_current_one(client, alice):
    client.force_login(alice)
    refused = client.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong",
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert "Your old password was entered incorrectly" in refused.content.decode()
    done = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert done["Location"] == "/accounts/password/change/done/"
    alice.refresh_from_db()
    assert alice.check_password("a much longer new passphrase")
    assert client.get("/accounts/password/change/done/").status_code == 200  # still signed in


def test_a_short_new_password_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert "at least 12 characters" in response.content.decode()


def test_a_forgotten_password_is_reset_through_a_link_that_works_once(client, alice):
    response = client.post("/accounts/password/reset/", {"email": "ALICE@force-a.example"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/set/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Choose your password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {
            "new_password1": "brand new passphrase here",
            "new_password2": "brand new passphrase here",
        },
    )
    assert done["Location"] == "/accounts/password/set/done/"
    alice.refresh_from_db()
    assert alice.check_password("brand new passphrase here")
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_there_is_no_public_sign_up(client):
    for path in ("/accounts/sign-up/", "/accounts/signup/", "/accounts/register/"):
        with pytest.raises(Resolver404):
            resolve(path)
