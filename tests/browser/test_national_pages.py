import pytest

from plans.models import Force
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.national_data import build_plans

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    ("/national/", "national"),
    ("/national/?region=South West&sort=-percent_complete", "national-filtered"),
    ("/national/compare/?forces=dorset,cheshire,kent", "national-compare"),
    ("/national/compare/?forces=dorset,atlantis", "national-compare-error"),
    ("/national/coverage/", "national-coverage"),
    ("/national/trend/", "national-trend"),
    ("/national/trend/?force=dorset", "national-trend-dorset"),
    ("/data/", "data"),
    ("/national/disparities/", "national-disparities"),
    ("/national/disparities/?year=2020/21&census=2011", "national-disparities-2011"),
    ("/national/disparities/?year=2022/23&census=2011", "national-disparities-error"),
    ("/forces/dorset/disparities/", "force-disparities"),
    ("/forces/city-of-london/disparities/", "force-disparities-city-of-london"),
    ("/forces/avon-and-somerset/disparities/", "force-disparities-avon"),
    ("/forces/btp/disparities/", "force-disparities-btp"),
]


@pytest.fixture
def demo(reference):
    """Plans for 42 forces (two without). Not the demo data set: its banner sits outside any
    landmark in base.html, which these page audits are not about."""
    build_plans(Force.objects.exclude(slug__in=["gwent", "north-wales"]), 12)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize(("url", "name"), PAGES)
def test_national_and_data_pages_have_no_accessibility_violations(page, demo, url, name):
    page.goto(url)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    assert fits(page)
    screenshot(page, f"{name}-desktop")


@pytest.mark.parametrize(("url", "name"), PAGES)
def test_national_and_data_pages_work_at_320_pixels(narrow_page, demo, url, name):
    narrow_page.goto(url)
    assert axe_violations(narrow_page) == []
    assert fits(narrow_page)
    screenshot(narrow_page, f"{name}-320")


def test_the_return_tracker_has_no_accessibility_violations(browser, live_server, demo, nadia):
    for viewport in ({"width": 1280, "height": 900}, {"width": 320, "height": 720}):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, nadia)
        page.goto("/staff/returns/")
        assert page.locator("h1").inner_text().startswith("Quarterly returns for")
        assert axe_violations(page) == []
        assert fits(page)
        screenshot(page, f"return-tracker-{viewport['width']}")
        context.close()


def test_a_newcomer_sorts_filters_and_downloads_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/national/")
    # Each click loads a new page: wait for it before the next (a click on the page being
    # left would be lost).
    page.get_by_role("link", name="Share complete").click()
    page.wait_for_url("**sort=percent_complete**")
    page.get_by_role("link", name="Share complete").click()
    page.wait_for_url("**sort=-percent_complete**")
    page.get_by_label("Region").select_option("Wales")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**region=Wales**")
    assert "sort=-percent_complete" in page.url
    names = page.locator("tbody th[scope=row]").all_inner_texts()
    assert len(names) == 4
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV file of the national comparison").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == names
    page.goto("/national/compare/")
    page.get_by_label("First force").select_option("dorset")
    page.get_by_label("Second force").select_option("cheshire")
    page.get_by_label("Third force (optional)").select_option("kent")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**forces=**")
    assert page.locator("h1").inner_text() == "Comparing 3 forces"
    context.close()


def test_the_disparity_figures_are_chosen_and_sorted_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/national/disparities/")
    page.get_by_label("Year (April to March)").select_option("2020/21")
    page.get_by_label("Population from").select_option("2011")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**census=2011**")
    assert "year=2020%2F21" in page.url
    assert "7.02 times" in page.locator(".prap-headline").inner_text()
    page.locator("thead").get_by_role("link").first.click()
    page.wait_for_url("**sort=force**")
    assert "census=2011" in page.url
    names = page.locator("tbody th[scope=row]").all_inner_texts()
    assert names[0] == "Avon and Somerset Constabulary" and len(names) == 42
    page.locator("tbody").get_by_role("link", name="Dorset Police").click()
    page.wait_for_url("**/forces/dorset/disparities/**")
    assert page.locator("h1").inner_text() == "Dorset Police: stop and search by ethnic group"
    context.close()
