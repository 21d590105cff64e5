"""The reminders page in a real browser: no accessibility violations at desktop width and at
320 pixels, and the whole journey (choose, check, send) without JavaScript."""

import pytest

from plans.models import ReminderLog
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.national_data import latest
from tests.staff.return_data import build_returns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def returns(reference, alice, bob):
    quarter = latest()
    build_returns(alice.force, bob.force, quarter)
    return quarter


def test_the_reminders_pages_have_no_accessibility_violations(browser, live_server, returns, nadia):
    # One sign-in for both widths: a second two-step sign-in within the same 30 seconds
    # depends on the authenticator's next code being accepted in time.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, nadia)
    for viewport in ({"width": 1280, "height": 900}, {"width": 320, "height": 720}):
        page.set_viewport_size(viewport)
        page.goto(f"/staff/reminders/?quarter={returns.compact}")
        assert page.locator("h1").inner_text() == f"Return reminders for {returns}"
        assert axe_violations(page) == []
        screenshot(page, f"reminders-{viewport['width']}")
        page.get_by_role("button", name="Continue").click()
        assert page.locator("h1").inner_text() == "Check the reminders before sending them"
        assert axe_violations(page) == []
        screenshot(page, f"reminders-check-{viewport['width']}")
    context.close()


def test_a_reminder_is_chosen_checked_and_sent_without_javascript(
    browser, live_server, returns, nadia, mailoutbox
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, nadia)

    page.goto(f"/staff/reminders/?quarter={returns.compact}")
    page.get_by_label("Force A Police").uncheck()
    page.get_by_role("button", name="Continue").click()
    assert "Hello" in page.locator("details").first.inner_text()
    page.get_by_role("button", name="Send 1 reminder").click()

    assert "return reminders sent to 1 force (1 e-mail)" in page.locator("main").inner_text()
    assert [log.email for log in ReminderLog.objects.all()] == ["bob@force-b.example"]
    assert [message.to for message in mailoutbox] == [["bob@force-b.example"]]
    context.close()
