"""Following a force by e-mail in a real browser, at desktop width and at 320 px: every page
of the journey has no accessibility violation and no sideways scroll."""

import re

import pytest

from tests.browser.conftest import DESKTOP, NARROW, axe_violations
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_signing_up_confirming_and_stopping(browser, live_server, mailoutbox, settings, viewport):
    settings.SITE_URL = live_server.url
    force = ForceFactory(slug="force-a", name="Force A Police")
    DeliverableFactory(plan=PlanFactory(force=force), title="Reform stop and search")
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, java_script_enabled=True
    )
    page = context.new_page()
    problems, too_wide = {}, {}

    def check(name):
        if violations := axe_violations(page):
            problems[name] = violations
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            too_wide[name] = width

    try:
        page.goto("/forces/force-a/")
        page.get_by_role("link", name="Get e-mail updates").click()
        page.get_by_role("button", name="Get e-mail updates").click()
        assert page.locator(".govuk-error-summary").is_visible()
        check("sign-up with an error")
        page.get_by_label("E-mail address").fill("dana@example.org")
        page.get_by_role("button", name="Get e-mail updates").click()
        assert page.locator("h1").inner_text() == "Check your e-mail"
        check("check your e-mail")

        [link] = re.findall(r"http\S+/alerts/confirm/\S+/", mailoutbox[0].body)
        page.goto(link)
        check("confirm")
        page.get_by_role("button", name="Confirm e-mail updates").click()
        assert page.locator("h1").inner_text() == "E-mail updates confirmed"
        check("confirmed")
        page.get_by_role("link", name="stop them now").click()
        check("unsubscribe")
        page.get_by_role("button", name="Stop e-mail updates").click()
        assert page.locator("h1").inner_text() == "E-mail updates stopped"
        check("unsubscribed")
        page.goto("/privacy/")
        check("privacy")
    finally:
        context.close()

    assert problems == {}
    assert too_wide == {}
