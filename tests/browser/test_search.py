"""The search page in a real browser: axe-clean at 1280 and 320 px, no sideways scroll, and
the header's search box works without JavaScript."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "search": "/search/?q=strip+search",
    "search filtered": "/search/?q=custody&kind=update&force=dorset",
    "search, page 2": "/search/?q=stop+and+search&page=2",
    "search with nothing found": "/search/?q=zebra+crossing",
    "search with an error": "/search/?q=%21%21%21",
    "search with nothing typed": "/search/",
}


@pytest.fixture
def demo_site(reference):
    call_command("seed_demo", today=timezone.localdate(), stdout=io.StringIO())


def test_the_search_pages_have_no_accessibility_violations(page, narrow_page, demo_site):
    problems, too_wide = {}, {}
    for viewport, browser_page in (("desktop", page), ("320px", narrow_page)):
        for name, url in PAGES.items():
            browser_page.goto(url)
            if violations := axe_violations(browser_page):
                problems[f"{name} ({viewport})"] = violations
            width = browser_page.evaluate("document.documentElement.scrollWidth")
            if viewport == "320px" and width > 320:
                too_wide[name] = width
    assert problems == {}
    assert too_wide == {}

    page.goto(PAGES["search"])
    screenshot(page, "search-desktop")
    narrow_page.goto(PAGES["search"])
    screenshot(narrow_page, "search-mobile")
    # On a phone the filters come first, with a link past them to the results.
    narrow_page.get_by_role("link", name="Go to the").first.click()
    assert narrow_page.url.endswith("#results-heading")
    assert not page.get_by_role("link", name="Go to the").first.is_visible()


def test_the_header_search_box_works_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/forces/")
        page.get_by_label("Search every force's plans, updates and practice").fill("strip search")
        page.locator(".prap-header__search").get_by_role("button", name="Search").click()
        page.wait_for_url("**/search/?q=strip+search")
        assert "results for" in page.locator("#results-heading").inner_text()
        assert page.locator(".prap-search-result mark").count() > 0
        page.select_option("#id_kind", "update")
        page.locator("form.prap-filter").get_by_role("button", name="Search").click()
        assert "kind=update" in page.url
        kinds = page.locator(".prap-search-result__kind").all_inner_texts()
        assert kinds and all(kind.startswith("Quarterly update") for kind in kinds)
        page.locator(".prap-search-result__title a").first.click()
        assert "/deliverables/" in page.url
    finally:
        context.close()
