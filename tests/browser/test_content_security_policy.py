"""Every page type loads under the enforced Content Security Policy without a violation, and a
page with inline script, style or handlers would be caught."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from plans.models import Force, ReminderLog
from tests.browser.conftest import screenshot, settle
from tests.conftest import PASSWORD
from tests.factories import MilestoneFactory, PracticeExampleFactory, QuarterlyUpdateFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user):
    """Sign in through the admin's sign-in form, as a person would (the live server is
    http://localhost, where Chromium accepts the Secure, __Host- prefixed cookies)."""
    page.goto("/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def visit(page, path: str):
    response = page.goto(path)
    settle(page)
    return response


def test_the_policy_is_enforced_on_the_pages_the_browser_loads(page, reference):
    response = visit(page, "/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "content-security-policy-report-only" not in response.headers


def test_public_pages_load_without_a_csp_violation(page, csp_violations, reference):
    visit(page, "/")
    screenshot(page, "home-under-csp")
    # The JavaScript enhancement ran (GOV.UK Frontend initialised by static/js/init.js).
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    assert visit(page, "/no-such-page/").status == 404
    assert visit(page, "/healthz").status == 200
    assert visit(page, "/readyz").status == 200
    assert csp_violations == [], "\n".join(csp_violations)


def test_admin_sign_in_page_loads_without_a_csp_violation(page, csp_violations, reference):
    visit(page, "/admin/login/")
    assert page.locator("#id_username").is_visible()
    assert csp_violations == [], "\n".join(csp_violations)


def test_every_admin_page_type_loads_without_a_csp_violation(page, csp_violations, reference, sam):
    update = QuarterlyUpdateFactory(
        deliverable__plan__force=Force.objects.get(slug="dorset"),
        deliverable__workstream=Workstream.objects.first(),
    )
    MilestoneFactory(deliverable=update.deliverable)
    PracticeExampleFactory(force=update.deliverable.plan.force)
    ReminderLog.objects.create(
        force=update.deliverable.plan.force,
        quarter=update.quarter,
        email="coordinator@dorset.example",
        sent_on=dt.date(2026, 11, 21),
        missing_count=2,
        draft_count=1,
    )
    Group.objects.create(name="Editors")
    sign_in(page, sam)
    paths = [reverse("admin:index"), reverse("admin:password_change")]
    as_sam = RequestFactory().get("/admin/")
    as_sam.user = sam
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        first = model.objects.order_by("pk").first()
        assert first is not None, f"no {model.__name__} to open"
        paths += [
            reverse(f"{name}_changelist"),
            reverse(f"{name}_change", args=[first.pk]),
            reverse(f"{name}_history", args=[first.pk]),
        ]
        # Read-only admins (the reminder log) offer no add or delete page.
        if model_admin.has_add_permission(as_sam):
            paths.append(reverse(f"{name}_add"))
        if model_admin.has_delete_permission(as_sam, first):
            paths.append(reverse(f"{name}_delete", args=[first.pk]))
        if hasattr(model, "history"):
            record = first.history.order_by("pk").first()
            paths.append(reverse(f"{name}_simple_history", args=[first.pk, record.pk]))
    for path in paths:
        response = visit(page, path)
        assert response.status == 200, path
        assert page.locator("#user-tools").is_visible(), path
        if path.endswith("/history/") and "deliverable" in path:
            screenshot(page, "admin-deliverable-history")
    assert csp_violations == [], "\n".join(csp_violations)


@pytest.mark.urls("tests.browser.inline_script_urls")
def test_a_page_with_inline_script_style_or_handlers_is_caught(page, csp_violations):
    visit(page, "/inline-script/")
    assert page.title() == "Untouched", "the inline script must not have run"
    joined = "\n".join(csp_violations)
    assert "script-src" in joined
    assert "style-src" in joined
    assert any(v.startswith("console") for v in csp_violations)
    assert any(v.startswith("event") for v in csp_violations)
