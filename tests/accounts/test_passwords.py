"""Password fields let people paste (WCAG 2.2, 3.3.8: password managers must work)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
BLOCKING_ATTRIBUTES = {"onpaste", "oncopy", "oncut", "ondrop", "onkeydown", "oncontextmenu"}


class Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.passwords: list[dict] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "password":
            self.passwords.append(attributes)
        if tag == "form":
            self.forms.append(attributes)


def password_fields(html: str) -> Fields:
    parser = Fields()
    parser.feed(html)
    return parser


def reset_link(client, user) -> str:
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/password/set/\S+/)", mail.outbox[-1].body)[1]
    return client.get(link, follow=True).redirect_chain[-1][0]


def test_every_password_field_can_be_pasted_into_and_autofilled(client, alice):
    pages = {"/accounts/sign-in/": (client.get("/accounts/sign-in/"), {"current-password"})}
    set_password = reset_link(client, alice)
    pages[set_password] = (client.get(set_password), {"new-password"})
    client.force_login(alice)
    for url, expected in (
        ("/accounts/password/change/", {"current-password", "new-password"}),
        ("/accounts/confirm-password/", {"current-password"}),
    ):
        pages[url] = (client.get(url), expected)
    for url, (response, expected) in pages.items():
        assert response.status_code == 200, url
        found = password_fields(response.content.decode())
        assert found.passwords, url
        assert {field.get("autocomplete") for field in found.passwords} == expected, url
        for field in found.passwords:
            assert not BLOCKING_ATTRIBUTES & set(field), url
        for form in found.forms:
            assert form.get("autocomplete") != "off", url


def test_no_script_stops_pasting():
    for script in STATIC_JS.glob("*.js"):
        text = script.read_text()
        assert "paste" not in text.lower(), script
