"""The staff session time-out in a real browser, with a short time-out: a warning, in a
modal dialog, before it (with a way to stay signed in), and no typed work lost after it."""

import time

import pytest

from actions.models import QuarterlyUpdate
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.conftest import PASSWORD
from tests.mfa import fresh_code, give_authenticator
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = "Data collection started in all districts."


def return_page(force) -> str:
    return f"/staff/forces/{force.slug}/return/?quarter={RETURN_QUARTER.compact}"


def test_a_warning_comes_before_the_time_out_and_stay_signed_in_keeps_the_session(
    page, reference, force_a, alice, settings
):
    force_data(force_a)
    sign_in(page, alice)
    settings.SESSION_IDLE_SECONDS = 24
    settings.SESSION_WARNING_SECONDS = 20
    page.goto(return_page(force_a))
    loaded = time.monotonic()

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=10_000)
    assert dialog.evaluate("d => d.open && d.matches(':modal')")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")  # focus inside
    assert "we will sign you out in" in dialog.inner_text()
    assert int(dialog.locator(".prap-timeout__countdown").inner_text().split()[0]) >= 15
    assert not dialog.get_by_role("button", name="Close").is_visible()  # only once signed out
    assert axe_violations(page) == []
    screenshot(page, "session-timeout-warning")

    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    # Past the time the session would have ended without "Stay signed in".
    time.sleep(max(0, 24 + 2 - (time.monotonic() - loaded)))
    page.reload()
    assert page.url.endswith(return_page(force_a))
    assert page.locator("h1").inner_text().startswith(f"{RETURN_QUARTER} return")


def test_when_the_time_runs_out_the_dialog_says_so(page, reference, force_a, alice, settings):
    force_data(force_a)
    sign_in(page, alice)
    settings.SESSION_IDLE_SECONDS = 3
    settings.SESSION_WARNING_SECONDS = 3
    page.goto(return_page(force_a))

    ended = page.get_by_role("dialog", name="You have been signed out")
    ended.wait_for(state="visible", timeout=10_000)
    assert "Nothing you have typed on this page is lost" in ended.inner_text()
    ended.get_by_role("button", name="Close").click()
    ended.wait_for(state="hidden")


def test_a_return_saved_after_the_time_out_comes_back_after_signing_in_again(
    page, reference, force_a, alice, settings
):
    data = force_data(force_a)
    sign_in(page, alice)
    page.goto(return_page(force_a))
    item = page.locator(f"#deliverable-{data.silent.pk}")
    item.get_by_label("On track").check()
    item.get_by_label("What was done").fill(TYPED)

    settings.SESSION_IDLE_SECONDS = 1  # the person went away; the server ends the session
    time.sleep(1.5)
    page.get_by_role("button", name="Save drafts").first.click()
    settings.SESSION_IDLE_SECONDS = 30 * 60

    page.wait_for_url("**/accounts/sign-in/**")
    assert "We have kept what you sent" in page.locator("main").inner_text()
    assert not QuarterlyUpdate.objects.filter(deliverable=data.silent).exists()
    page.get_by_label("E-mail address").fill(alice.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-step/verify/**")
    page.get_by_label("Security code").fill(fresh_code(give_authenticator(alice)))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(f"**{return_page(force_a)}")
    banner = page.locator("#kept-form")
    assert "It has not been saved yet" in banner.inner_text()
    item = page.locator(f"#deliverable-{data.silent.pk}")
    assert item.get_by_label("What was done").input_value() == TYPED
    assert item.get_by_label("On track").is_checked()
    assert axe_violations(page) == []
    screenshot(page, "session-kept-form")

    page.get_by_role("button", name="Save drafts").first.click()
    page.wait_for_load_state("load")
    update = QuarterlyUpdate.objects.get(deliverable=data.silent, quarter=RETURN_QUARTER)
    assert (update.status, update.done, update.is_published) == ("on_track", TYPED, False)
