import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_has_no_accessibility_violations(page, reference):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Police Race Action Plan progress"
    assert axe_violations(page) == []
    screenshot(page, "home-desktop")


def test_home_page_works_at_320_pixels(narrow_page, reference):
    narrow_page.goto("/")
    assert axe_violations(narrow_page) == []
    width = narrow_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
