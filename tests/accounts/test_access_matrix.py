"""Every page under /staff/ and /accounts/, for every persona, GET and POST.

The pages come from the URL resolver, so a new page cannot be forgotten: it fails
``test_every_staff_and_accounts_page_has_an_expected_outcome`` until it is given a kind
below. URL arguments are filled from real objects of force A (Alice's force). Every request
is rolled back afterwards, so one request never changes what the next one sees.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from panels.models import PanelView, Verdict
from tests.factories import EngagementActionFactory, PracticeExampleFactory
from tests.staff_data import RETURN_QUARTER, force_data
from tests.urls_walk import site_routes

pytestmark = pytest.mark.django_db

PREFIXES = ("/staff/", "/accounts/")
OK = "ok"  # 2xx, or a redirect that is not to the sign-in page
LOGIN = "login"  # redirected to sign in
PERSONAS = ("anonymous", "alice", "bob", "nadia", "sam", "pat", "pia")

# (GET, POST) outcome for each persona, by kind of page.
KINDS: dict[str, dict[str, tuple[str, str]]] = {
    # Sign in: anyone may use it; a signed-in person is sent on to staff home.
    "sign_in": dict.fromkeys(PERSONAS, (OK, OK)),
    # Password reset pages: anyone.
    "public_form": dict.fromkeys(PERSONAS, (OK, OK)),
    "public_page": dict.fromkeys(PERSONAS, (OK, "405")),
    # Any signed-in person.
    "signed_in_page": {"anonymous": (LOGIN, LOGIN), **dict.fromkeys(PERSONAS[1:], (OK, "405"))},
    "signed_in_form": {"anonymous": (LOGIN, LOGIN), **dict.fromkeys(PERSONAS[1:], (OK, OK))},
    "signed_in_action": {"anonymous": (LOGIN, LOGIN), **dict.fromkeys(PERSONAS[1:], ("405", OK))},
    # Force A's data: Alice reads and changes it; for Bob it does not exist; the national
    # team and administrators read it and may not change it.
    "force_page": {
        "anonymous": (LOGIN, LOGIN),
        "alice": (OK, "405"),
        "bob": ("404", "405"),
        "nadia": (OK, "405"),
        "sam": (OK, "405"),
        "pat": ("404", "405"),
        "pia": ("404", "405"),
    },
    # A file of force A's data to download: the same readers as its pages.
    "force_download": {
        "anonymous": (LOGIN, LOGIN),
        "alice": (OK, "405"),
        "bob": ("404", "405"),
        "nadia": (OK, "405"),
        "sam": (OK, "405"),
        "pat": ("404", "405"),
        "pia": ("404", "405"),
    },
    "force_form": {
        "anonymous": (LOGIN, LOGIN),
        "alice": (OK, OK),
        "bob": ("404", "404"),
        "nadia": ("403", "403"),
        "sam": ("403", "403"),
        "pat": ("404", "404"),
        "pia": ("404", "404"),
    },
    "force_action": {
        "anonymous": (LOGIN, LOGIN),
        "alice": ("405", OK),
        "bob": ("405", "404"),
        "nadia": ("405", "403"),
        "sam": ("405", "403"),
        "pat": ("405", "404"),
        "pia": ("405", "404"),
    },
    # A panel member of force A (Pat) and of force B (Pia) reach no force data: the force
    # rule gives them no force, so force pages are a 404 to them, as to another force.
    # A force's official figures: its coordinators and the national team load them (for any
    # force); for Bob force A does not exist.
    "figures_form": {
        "anonymous": (LOGIN, LOGIN),
        "alice": (OK, OK),
        "bob": ("404", "404"),
        "nadia": (OK, OK),
        "sam": (OK, OK),
        "pat": ("404", "404"),
        "pia": ("404", "404"),
    },
    "figures_action": {
        "anonymous": (LOGIN, LOGIN),
        "alice": ("405", OK),
        "bob": ("405", "404"),
        "nadia": ("405", OK),
        "sam": ("405", OK),
        "pat": ("405", "404"),
        "pia": ("405", "404"),
    },
    # National data: the national team and administrators only.
    "national_page": {
        "anonymous": (LOGIN, LOGIN),
        "alice": ("403", "405"),
        "bob": ("403", "405"),
        "nadia": (OK, "405"),
        "sam": (OK, "405"),
        "pat": ("403", "405"),
        "pia": ("403", "405"),
    },
    "national_form": {
        "anonymous": (LOGIN, LOGIN),
        "alice": ("403", "403"),
        "bob": ("403", "403"),
        "nadia": (OK, OK),
        "sam": (OK, OK),
        "pat": ("403", "403"),
        "pia": ("403", "403"),
    },
    # The scrutiny panel's own pages: its members only; a coordinator, the national team and
    # administrators never touch panel data (403); force A's panel pages do not exist for a
    # member of force B's panel (404).
    "panel_home": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys(("alice", "bob", "nadia", "sam"), ("403", "405")),
        "pat": (OK, "405"),
        "pia": (OK, "405"),
    },
    "panel_page": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys(("alice", "bob", "nadia", "sam"), ("403", "405")),
        "pat": (OK, "405"),
        "pia": ("404", "405"),
    },
    "panel_form": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys(("alice", "bob", "nadia", "sam"), ("403", "403")),
        "pat": (OK, OK),
        "pia": ("404", "404"),
    },
    # A published panel view's history: its panel's members, the force's coordinators (it
    # is about their force) and the national team and administrators read it; for Bob and
    # for another panel's member it does not exist.
    "panel_history": {
        "anonymous": (LOGIN, LOGIN),
        "alice": (OK, "405"),
        "bob": ("404", "405"),
        "nadia": (OK, "405"),
        "sam": (OK, "405"),
        "pat": (OK, "405"),
        "pia": ("404", "405"),
    },
    "national_action": {
        "anonymous": (LOGIN, LOGIN),
        "alice": ("405", "403"),
        "bob": ("405", "403"),
        "nadia": ("405", OK),
        "sam": ("405", OK),
        "pat": ("405", "403"),
        "pia": ("405", "403"),
    },
}

EXPECTED_KIND = {
    "accounts:login": "sign_in",
    "accounts:logout": "signed_in_action",
    "accounts:keep_alive": "signed_in_action",
    "accounts:password_change": "signed_in_form",
    "accounts:password_change_done": "signed_in_page",
    "accounts:password_reset": "public_form",
    "accounts:password_reset_done": "public_page",
    "accounts:password_reset_confirm": "public_form",
    "accounts:password_reset_complete": "public_page",
    # The second step: a persona here has finished it (the client's force_login verifies),
    # so the set-up and new-codes pages send them to enter their password again first.
    "accounts:mfa_manage": "signed_in_page",
    "accounts:mfa_setup": "signed_in_form",
    "accounts:mfa_verify": "signed_in_form",
    "accounts:mfa_recovery_codes": "signed_in_page",
    "accounts:mfa_recovery_codes_new": "signed_in_form",
    "accounts:confirm_password": "signed_in_form",
    "staff:home": "signed_in_page",
    "staff:dashboard": "force_page",
    "staff:roadmap_preview": "force_page",
    "staff:force_contact": "force_form",
    "staff:complete_without_evidence": "national_page",
    "staff:plan_create": "force_form",
    "staff:plan_edit": "force_form",
    "staff:plan_publish": "force_action",
    "staff:plan_order": "force_form",
    "staff:return": "force_form",
    "staff:deliverable_create": "force_form",
    "staff:deliverable": "force_page",
    "staff:deliverable_edit": "force_form",
    "staff:deliverable_withdraw": "force_form",
    "staff:deliverable_reinstate": "force_action",
    "staff:deliverable_history": "force_page",
    "staff:milestone_create": "force_form",
    "staff:milestone_edit": "force_form",
    "staff:milestone_done": "force_action",
    "staff:update_edit": "force_form",
    "staff:update_unpublish": "force_action",
    "staff:plan_download_xlsx": "force_download",
    "staff:plan_download_csv": "force_download",
    "staff:plan_download_milestones_csv": "force_download",
    "staff:return_download_xlsx": "force_download",
    "staff:return_download_csv": "force_download",
    "staff:plan_import": "force_form",
    "staff:plan_import_preview": "force_form",
    "staff:return_import": "force_form",
    "staff:return_import_preview": "force_form",
    "staff:import_cancel": "force_action",
    "staff:national_actions": "national_page",
    "staff:national_action_create": "national_form",
    "staff:national_action_edit": "national_form",
    "staff:practice": "national_page",
    "staff:practice_create": "national_form",
    "staff:practice_edit": "national_form",
    "staff:practice_delete": "national_form",
    "staff:returns": "national_page",
    "staff:reminders": "national_page",
    "staff:reminders_send": "national_form",
    "staff:activities": "force_page",
    "staff:activity_download": "force_download",
    "staff:activity_create": "force_form",
    "staff:activity": "force_page",
    "staff:activity_edit": "force_form",
    "staff:activity_publish": "force_action",
    "staff:activity_history": "force_page",
    "staff:engagement_action_create": "force_form",
    "staff:engagement_action_edit": "force_form",
    "staff:engagement_dashboard": "force_page",
    "staff:engagement_national": "national_page",
    "staff:panel_home": "panel_home",
    "staff:panel_force": "panel_page",
    "staff:panel_return": "panel_page",
    "staff:panel_view_create": "panel_form",
    "staff:panel_view_edit": "panel_form",
    # The force's reply to its panel: force data, as any force form.
    "staff:force_panel_views": "force_page",
    "staff:panel_reply": "force_form",
    "staff:panel_view_history": "panel_history",
    # Every force's panel and the views waiting for a reply: the national team's pages.
    "staff:panels_overview": "national_page",
    "staff:panels_not_replied": "national_page",
    "staff:engagement_upload": "force_form",
    "staff:engagement_upload_preview": "force_form",
    "staff:engagement_upload_cancel": "force_action",
    "staff:stop_search_upload": "figures_form",
    "staff:stop_search_preview": "figures_form",
    "staff:stop_search_cancel": "figures_action",
    "staff:home_office_upload": "national_form",
    "staff:home_office_preview": "national_form",
    "staff:home_office_cancel": "national_action",
}


def staff_url_names() -> list[tuple[str, list[str]]]:
    """(namespaced name, argument names) of every pattern under /staff/ and /accounts/, from
    the URL resolver (tests/urls_walk.py)."""
    return [
        (route.name, list(route.arguments))
        for route in site_routes()
        if route.path.startswith(PREFIXES)
    ]


def test_every_staff_and_accounts_page_has_an_expected_outcome():
    names = [name for name, _ in staff_url_names()]
    assert len(names) == len(set(names)), "two patterns share a name"
    assert sorted(set(names) - set(EXPECTED_KIND)) == [], "pages without an expected outcome"
    assert sorted(set(EXPECTED_KIND) - set(names)) == [], "expected pages that do not exist"


@pytest.fixture
def url_arguments(reference, force_a, alice, pat, panel_a):
    data = force_data(force_a)
    # A published view of force A's panel: Pat reads it, Alice may reply to it.
    view = PanelView(
        panel=panel_a,
        force=force_a,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict=Verdict.AGREE,
    )
    view.save_by(pat, timezone.now(), 0, publish=True)
    example = PracticeExampleFactory(force=force_a, workstream=data.reported.workstream)
    engagement_action = EngagementActionFactory(
        activity__force=force_a, deliverable=data.reported, due_quarter=data.reported.due_quarter
    )
    return {
        "slug": force_a.slug,
        "plan_id": data.plan.pk,
        "deliverable_id": data.reported.pk,
        "milestone_id": data.milestone.pk,
        "update_id": data.previous_update.pk,
        "action_id": data.reported.national_actions.get().pk,
        "example_id": example.pk,
        "activity_id": engagement_action.activity_id,
        "engagement_action_id": engagement_action.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
        "token": default_token_generator.make_token(alice),
        # An upload waiting in nobody's session: its pages send Alice back to upload again.
        "upload": "no-such-upload-0123456789",
        "quarter": RETURN_QUARTER.compact,
        "view_id": view.pk,
    }


def outcome(response) -> str:
    if response.status_code in (301, 302) and response["Location"].startswith(
        reverse("accounts:login")
    ):
        return LOGIN
    if response.status_code in (403, 404, 405):
        return str(response.status_code)
    if response.status_code < 400:
        return OK
    return f"status {response.status_code}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_page_answers_each_persona_as_expected(
    client, request, persona, url_arguments, bob, nadia, sam, pia
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    unexpected = []
    for name, arguments in staff_url_names():
        url = reverse(name, kwargs={arg: url_arguments[arg] for arg in arguments})
        expected_get, expected_post = KINDS[EXPECTED_KIND[name]][persona]
        for method, expected in (("get", expected_get), ("post", expected_post)):
            client.logout()
            if user is not None:
                client.force_login(user)
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            got = outcome(response)
            if got != expected:
                unexpected.append(f"{method.upper()} {url} ({name}): {got}, expected {expected}")
    assert unexpected == []
