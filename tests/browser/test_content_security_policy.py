"""Every page type loads under the enforced Content Security Policy without a violation, and a
page with inline script, style or handlers would be caught.

Public pages (on the demonstration data), the sign-in page and every step of two-step
verification, every staff page a coordinator and the national team can open, and every admin
page type of every registered model.
"""

import io
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from actions.models import Deliverable
from alerts.models import Subscription
from panels.models import Panel, PanelReply, PanelView
from plans.models import Force, ReminderLog
from prap.mail import send_email
from tests.browser.conftest import screenshot, settle, sign_in
from tests.browser.test_staff import staff_pages
from tests.conftest import PASSWORD
from tests.factories import (
    EngagementActionFactory,
    MilestoneFactory,
    PracticeExampleFactory,
    QuarterlyUpdateFactory,
)
from tests.mfa import code_from_secret
from tests.staff_data import RETURN_QUARTER, force_data
from tests.tasks import use_the_database_queue
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_admin_sign_in_leads_to_the_one_sign_in_page_without_a_csp_violation(
    page, csp_violations, reference
):
    visit(page, "/admin/login/?next=/admin/")
    assert page.url.endswith("/accounts/sign-in/?next=%2Fadmin%2F")
    assert page.locator("#id_username").is_visible()
    assert csp_violations == [], "\n".join(csp_violations)


def test_every_public_page_type_loads_without_a_csp_violation(page, csp_violations, reference):
    call_command("seed_demo", stdout=io.StringIO())  # as of today: chromium keeps the real clock
    deliverable = Deliverable.objects.filter(plan__force__slug="dorset").first()
    paths = {
        "home": "/",
        "forces": "/forces/",
        "roadmap": "/forces/dorset/",
        "deliverable": deliverable.get_absolute_url(),
        "feed": "/forces/dorset/feed/",
        "workstreams": "/workstreams/",
        "workstream": "/workstreams/involved/",
        "practice": "/practice/",
        "national": "/national/",
        "compare": "/national/compare/?forces=dorset,cheshire,kent",
        "coverage": "/national/coverage/",
        "trend": "/national/trend/?force=dorset",
        "data": "/data/",
        "accessibility": "/accessibility/",
        "sign in": "/accounts/sign-in/",
        "password reset": "/accounts/password/reset/",
    }
    for name, path in paths.items():
        response = visit(page, path)
        assert response.status == 200, name
    assert visit(page, "/forces/atlantis/").status == 404
    screenshot(page, "not-found-under-csp")
    assert csp_violations == [], "\n".join(csp_violations)


def test_every_step_of_two_step_verification_loads_without_a_csp_violation(
    page, csp_violations, reference, force_a, alice
):
    force_data(force_a)
    visit(page, "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(alice.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-step/set-up/**")
    settle(page)
    assert page.locator(".prap-qr-code svg").is_visible()
    page.get_by_label("Security code").fill("000000x")
    page.get_by_role("button", name="Continue").click()
    settle(page)
    assert page.locator(".govuk-error-summary").is_visible()
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-step/recovery-codes/**")
    settle(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(f"**/staff/forces/{force_a.slug}/")
    for path in ("/accounts/two-step/", "/accounts/two-step/set-up/"):
        visit(page, path)
    assert "/accounts/confirm-password/" in page.url
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-step/set-up/")
    settle(page)
    visit(page, "/accounts/two-step/recovery-codes/new/")
    page.get_by_role("button", name="Create new recovery codes").click()
    page.wait_for_url("**/accounts/two-step/recovery-codes/")
    settle(page)
    # The verify page, on a second sign-in.
    page.context.clear_cookies()
    visit(page, "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(alice.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-step/verify/**")
    settle(page)
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Continue").click()
    settle(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert csp_violations == [], "\n".join(csp_violations)


def test_every_staff_page_loads_without_a_csp_violation(
    page, csp_violations, reference, force_a, alice, nadia
):
    data = force_data(force_a)
    pages = staff_pages(force_a, alice, data)
    assert any(re.search(r"/deliverables/\d+/edit/$", url) for url in pages["alice"])
    assert any(url.endswith("/history/") for url in pages["alice"])
    assert any("/return/" in url for url in pages["alice"])
    for persona, user in (("alice", alice), ("nadia", nadia)):
        page.context.clear_cookies()
        sign_in(page, user)
        for url in pages[persona]:
            assert visit(page, url).status == 200, url
    # The national team may not fill in a force's return: the 403 page.
    return_url = f"/staff/forces/{force_a.slug}/return/?quarter={RETURN_QUARTER.compact}"
    assert visit(page, return_url).status == 403
    assert csp_violations == [], "\n".join(csp_violations)


def test_every_admin_page_type_loads_without_a_csp_violation(
    page, csp_violations, reference, sam, settings
):
    update = QuarterlyUpdateFactory(
        deliverable__plan__force=Force.objects.get(slug="dorset"),
        deliverable__workstream=Workstream.objects.first(),
    )
    MilestoneFactory(deliverable=update.deliverable)
    PracticeExampleFactory(force=update.deliverable.plan.force)
    EngagementActionFactory(
        activity__force=update.deliverable.plan.force, deliverable=update.deliverable
    )
    Group.objects.create(name="Editors")
    panel = Panel.objects.create(
        force=update.deliverable.plan.force, name="Independent Community Panel"
    )
    view = PanelView.objects.create(
        panel=panel,
        force=panel.force,
        quarter=update.quarter,
        deliverable=update.deliverable,
        verdict="agree",
        published_at=timezone.now(),
    )
    PanelReply.objects.create(view=view, text="Thank you.", author=sam, published_at=timezone.now())
    ReminderLog.objects.create(
        force=update.deliverable.plan.force,
        quarter=update.quarter,
        recipient=sam,
        email=sam.email,
        sent_on=timezone.localdate(),
        missing_count=1,
        draft_count=0,
    )
    Subscription.objects.create(
        email="dana@example.org", force=update.deliverable.plan.force, created_at=timezone.now()
    )
    use_the_database_queue(settings)  # a queued e-mail, for the task queue's admin
    send_email.enqueue(to=[sam.email], subject="Hello", body="Hello.")
    sign_in(page, sam)
    paths = [reverse("admin:index"), reverse("admin:password_change")]
    # The admin's sign-in sends a signed-in administrator on to the admin.
    assert visit(page, "/admin/login/").url.endswith("/admin/")
    as_sam = RequestFactory().get("/admin/")
    as_sam.user = sam
    refused = set()  # pages the model's admin does not offer (a read-only log): a 403 page
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        first = model.objects.order_by("pk").first()
        assert first is not None, f"no {model.__name__} to open"
        paths += [
            reverse(f"{name}_change", args=[first.pk]),
            reverse(f"{name}_history", args=[first.pk]),
            reverse(f"{name}_delete", args=[first.pk]),
        ]
        if not model_admin.has_add_permission(as_sam):
            refused.add(reverse(f"{name}_add"))
        if not model_admin.has_delete_permission(as_sam, first):
            refused.add(reverse(f"{name}_delete", args=[first.pk]))
        if hasattr(model, "history"):
            record = first.history.order_by("pk").first()
            paths.append(reverse(f"{name}_simple_history", args=[first.pk, record.pk]))
    for path in paths:
        response = visit(page, path)
        assert response.status == (403 if path in refused else 200), path
        if path not in refused:
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
