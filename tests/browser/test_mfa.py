"""Two-step verification in a real browser: accessible (axe), usable at 320 px, and working
without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ERROR_TITLE, axe_violations, screenshot
from tests.conftest import PASSWORD
from tests.mfa import code_from_secret

pytestmark = pytest.mark.django_db(transaction=True)


def password_step(page, user):
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def audit(page, name: str, problems: dict) -> None:
    violations = axe_violations(page)
    if violations:
        problems[name] = violations
    screenshot(page, f"mfa-{name}")


def test_every_two_step_page_has_no_accessibility_violations(page, force_a, alice):
    problems: dict[str, list[str]] = {}
    password_step(page, alice)
    page.wait_for_url("**/accounts/two-step/set-up/**")
    audit(page, "set-up", problems)
    page.get_by_label("Security code").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(ERROR_TITLE)
    audit(page, "set-up-error", problems)
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "id_code"
    page.get_by_label("Security code").fill(
        code_from_secret(page.locator("#secret-key").inner_text())
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-step/recovery-codes/**")
    assert page.locator(".prap-recovery-codes li").count() == 10
    audit(page, "recovery-codes", problems)
    page.goto("/accounts/two-step/")
    audit(page, "manage", problems)
    page.goto("/accounts/two-step/recovery-codes/new/")
    assert "/accounts/confirm-password/" in page.url
    audit(page, "confirm-password", problems)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    audit(page, "recovery-codes-new", problems)
    page.context.clear_cookies()
    password_step(page, alice)
    page.wait_for_url("**/accounts/two-step/verify/**")
    audit(page, "verify", problems)
    page.get_by_label("Security code").fill("not a code")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(ERROR_TITLE)
    audit(page, "verify-error", problems)
    assert problems == {}


def test_a_first_sign_in_sets_up_the_app_without_javascript_at_320_pixels(
    browser, live_server, force_a, alice
):
    context = browser.new_context(
        java_script_enabled=False,
        base_url=live_server.url,
        viewport={"width": 320, "height": 720},
    )
    page = context.new_page()
    password_step(page, alice)
    page.wait_for_url("**/accounts/two-step/set-up/**")
    assert page.locator(".prap-qr-code svg").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "mfa-set-up-320-no-js")
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-step/recovery-codes/**")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(f"**/staff/forces/{force_a.slug}/")
    context.close()
