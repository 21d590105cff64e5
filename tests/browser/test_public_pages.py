"""The public pages in a real browser, on the demo data: accessibility audit at desktop and
320 px, keyboard use of the roadmap, no sideways scrolling, no JavaScript, print layout.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.models import Deliverable
from plans.models import Force
from tests.browser.conftest import SCREENSHOTS, axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(reference):
    """The demo data, plus one withdrawn deliverable (Cheshire) so that state is audited."""
    # As of the system's today: chromium keeps the system clock, so the server does too
    # (tests/clock.py); CI moves both with libfaketime.
    today = timezone.localdate()
    call_command("seed_demo", today=today, stdout=io.StringIO())
    withdrawn = Deliverable.objects.filter(plan__force__slug="cheshire").first()
    withdrawn.withdrawn_at = today - dt.timedelta(days=30)
    withdrawn.withdrawn_reason = "Merged into the force's wider community engagement plan."
    withdrawn.save()
    no_plan = Force.objects.exclude(plans__is_published=True).order_by("name").first()
    dorset_deliverable = Deliverable.objects.filter(plan__force__slug="dorset").first()
    replanned = Deliverable.objects.get(
        title="Develop community engagement contracts with our Black communities"
    )
    return {
        "home": "/",
        "home with an error": "/?force=",
        "directory": "/forces/",
        "directory filtered": "/forces/?country=Wales",
        "directory with an error": "/forces/?region=Atlantis",
        "roadmap": "/forces/dorset/",
        "roadmap with a withdrawn deliverable": "/forces/cheshire/",
        "roadmap without a plan": no_plan.get_absolute_url(),
        "deliverable": dorset_deliverable.get_absolute_url(),
        "withdrawn deliverable": withdrawn.get_absolute_url(),
        "re-planned deliverable": replanned.get_absolute_url(),
        "workstreams": "/workstreams/",
        "workstream": "/workstreams/involved/",
        "workstream filtered": "/workstreams/not-over-policed/?status=on_track&page=2",
        "practice": "/practice/",
        "practice search": "/practice/?q=community&workstream=involved",
        "accessibility statement": "/accessibility/",
        "force disparities": "/forces/dorset/disparities/",
        "national disparities": "/national/disparities/",
        "you said, we did": "/forces/dorset/engagement/",
        "deliverable with engagement that led to it": Deliverable.objects.filter(
            plan__force__slug="dorset", engagement_actions__activity__published_at__isnull=False
        )
        .first()
        .get_absolute_url(),
        "independent scrutiny": "/forces/hertfordshire/panel/",
        "roadmap with panel marks": "/forces/hertfordshire/",
        "deliverable with a panel view and reply": Deliverable.objects.filter(
            panel_views__verdict="disagree", panel_views__published_at__isnull=False
        )
        .first()
        .get_absolute_url(),
        "not found": "/forces/atlantis/",
    }


def audit(page, urls: dict[str, str]) -> dict[str, list[str]]:
    problems = {}
    for name, url in urls.items():
        page.goto(url)
        violations = axe_violations(page)
        if violations:
            problems[name] = violations
    return problems


def test_every_public_page_type_has_no_accessibility_violations_on_desktop(page, demo_site):
    assert audit(page, demo_site) == {}

    page.goto("/")
    screenshot(page, "home-desktop")
    page.goto("/forces/")
    screenshot(page, "forces-desktop")
    page.goto(demo_site["deliverable"])
    screenshot(page, "deliverable-desktop")
    # docs/screenshots/panel.png and engagement.png in the README are copies of these two.
    page.goto(demo_site["independent scrutiny"])
    screenshot(page, "panel-desktop")
    page.goto(demo_site["you said, we did"])
    clip = {"x": 0, "y": 0, "width": 1280, "height": 1500}  # the summary and two activities
    page.screenshot(path=str(SCREENSHOTS / "engagement-desktop.png"), full_page=True, clip=clip)
    page.goto("/forces/dorset/")
    screenshot(page, "roadmap-dorset-desktop")
    # docs/screenshots/roadmap.png in the README is a copy of this one: the grid alone.
    grid = page.locator(".prap-roadmap-tabs")
    assert grid.locator("table caption").inner_text().startswith("Dorset Police roadmap")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    grid.screenshot(path=str(SCREENSHOTS / "roadmap-grid.png"))


def test_every_public_page_type_has_no_violations_and_no_sideways_scroll_at_320px(
    narrow_page, demo_site
):
    assert audit(narrow_page, demo_site) == {}

    too_wide = {}
    for name, url in demo_site.items():
        narrow_page.goto(url)
        width = narrow_page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[name] = width
    assert too_wide == {}

    narrow_page.goto("/forces/dorset/")
    grid = narrow_page.locator(".prap-grid-scroll")
    # The grid scrolls inside its own container, which is a labelled, focusable region.
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth")
    assert grid.get_attribute("role") == "region"
    assert grid.get_attribute("tabindex") == "0"
    screenshot(narrow_page, "roadmap-dorset-mobile")
    narrow_page.goto("/")
    screenshot(narrow_page, "home-mobile")


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    href: el.getAttribute('href'),
    tag: el.tagName,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && style.outlineColor !== 'rgba(0, 0, 0, 0)',
    shadow: style.boxShadow !== 'none',
    background: style.backgroundColor,
  };
}"""


def test_keyboard_users_reach_every_roadmap_deliverable_with_a_visible_focus(page, demo_site):
    page.goto("/forces/dorset/")
    wanted = set(
        page.locator(".prap-grid a.prap-grid__link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    )
    assert len(wanted) == 20

    reached, invisible = set(), []
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["href"] in wanted:
            reached.add(focused["href"])
            # GOV.UK focus style: yellow background with a thick dark underline.
            if not (focused["shadow"] or focused["outline"]):
                invisible.append(focused["href"])
        if reached == wanted:
            break

    assert reached == wanted
    assert invisible == []


def test_the_grid_scroll_container_shows_keyboard_focus(page, demo_site):
    page.goto("/forces/avon-and-somerset/")
    page.locator(".prap-grid-scroll").focus()
    focused = page.evaluate(FOCUSED)

    assert focused["tag"] == "DIV"
    assert focused["outline"] or focused["shadow"]


def test_the_public_pages_work_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        page.select_option("#id_force", "dorset")
        page.get_by_role("button", name="Show roadmap").click()
        page.wait_for_url("**/forces/dorset/")
        assert page.locator("h1").inner_text() == "Dorset Police"
        # Without JavaScript both views of the roadmap are on the page.
        assert page.locator(".prap-grid").is_visible()
        assert page.locator("#by-workstream").is_visible()
        page.locator("#by-workstream a").first.click()
        assert "/deliverables/" in page.url
        assert page.locator("#updates").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("slug", ["dorset", "avon-and-somerset"])
def test_the_roadmap_grid_fits_landscape_a4_when_printed(browser, live_server, demo_site, slug):
    # A4 landscape less 10 mm margins each side: 277 mm at 96 dpi.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1047, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"/forces/{slug}/")
        page.emulate_media(media="print")
        grid = page.locator(".prap-grid")
        assert grid.is_visible()
        assert grid.evaluate("el => el.getBoundingClientRect().right") <= 1047
        assert page.evaluate("document.documentElement.scrollWidth") <= 1047
        assert not page.locator(".govuk-header").is_visible()
        assert not page.locator("#by-workstream").is_visible()
        assert page.locator("#achieved").is_visible()
    finally:
        context.close()
