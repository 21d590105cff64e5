"""A roadmap wider than the screen: keyboard focus never hides behind the workstream column
(WCAG 2.4.11), and at 320-640 px (200-400 % zoom) the workstream column and the caption stay
in view (WCAG 1.4.10)."""

import pytest

from plans.quarters import Quarter
from tests.browser.conftest import screenshot
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db(transaction=True)

# Where the focused element is, and whether the sticky workstream column covers any of it.
FOCUS_COVERED = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const el = document.activeElement;
  const grid = el.closest('.prap-grid-scroll');
  if (!grid || el === grid) return null;
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  const sticky = [...grid.querySelectorAll('.prap-grid__ws, .prap-grid__corner')]
    .map((cell) => cell.getBoundingClientRect())
    .filter((cell) => cell.top < box.bottom && cell.bottom > box.top);
  const stickyRight = Math.max(grid.getBoundingClientRect().left, ...sticky.map((c) => c.right));
  return {
    href: el.getAttribute('href'),
    centreShowsIt: hit !== null && (hit === el || el.contains(hit)),
    leftEdgeClear: box.left >= stickyRight - 1,
    scrolled: grid.scrollLeft,
  };
}"""


WIDE = "/forces/wideshire/?quarters=all"


@pytest.fixture
def wide_plan(reference):
    """A four-year plan: 16 quarters, with deliverables of every length in every workstream
    (titles long enough to wrap), so the grid is far wider than the screen."""
    force = ForceFactory(slug="wideshire", name="Wideshire Police")
    plan = PlanFactory(force=force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2027, 4))
    for number, workstream in enumerate(Workstream.objects.order_by("order")):
        for start in range(number, 16, 3):
            first = Quarter(2024, 1) + start
            DeliverableFactory(
                plan=plan,
                workstream=workstream,
                title=f"{workstream.name}: commitment starting {first}",
                start_quarter=first,
                due_quarter=first + (start % 3),
            )
    return plan


@pytest.fixture
def wide_roadmap(page, wide_plan):
    page.goto(WIDE)
    grid = page.locator(".prap-grid-scroll")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth + 200"), "does not scroll"
    return grid


def test_tabbing_through_a_wide_roadmap_never_hides_focus_under_the_workstream_column(
    page, wide_roadmap
):
    links = page.locator(".prap-grid a.prap-grid__link").count()
    wide_roadmap.focus()
    seen, hidden, scrolled = 0, [], 0
    for _ in range(links * 2):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUS_COVERED)
        if where is None:
            break
        seen += 1
        scrolled = max(scrolled, where["scrolled"])
        if not (where["centreShowsIt"] and where["leftEdgeClear"]):
            hidden.append(where)
    # ...and back again, which scrolls the other way.
    for _ in range(links * 2):
        page.keyboard.press("Shift+Tab")
        where = page.evaluate(FOCUS_COVERED)
        if where is None:
            break
        if not (where["centreShowsIt"] and where["leftEdgeClear"]):
            hidden.append(where)
    assert seen == links > 10
    assert scrolled > 0  # the grid really scrolled sideways on the way
    assert hidden == []
    screenshot(page, "roadmap-wide-focus")


NARROW_GRID = """() => {
  const grid = document.querySelector('.prap-grid-scroll');
  grid.scrollLeft = grid.scrollWidth;  // as far right as it goes
  const scrolled = grid.scrollLeft;
  const names = [...grid.querySelectorAll('.prap-grid__ws')].map((cell) => {
    window.scrollBy(0, cell.getBoundingClientRect().top - 50);  // into view, top to bottom
    const box = cell.getBoundingClientRect();
    const area = grid.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + 10, box.top + 10);
    return box.left >= area.left - 1 && box.right <= area.right && cell.contains(hit);
  });
  window.scrollTo(0, 0);
  const titles = [...document.querySelectorAll('#grid-caption, .prap-grid-title')]
    .map((el) => el.getBoundingClientRect())
    .filter((box) => box.width > 1 && box.height > 1);
  return {
    scrolled,
    namesInView: names,
    titlesFit: titles.map((box) => box.left >= 0 && box.right <= window.innerWidth),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.parametrize("width", [320, 640])
def test_at_200_to_400_percent_zoom_the_workstream_column_and_caption_stay_in_view(
    browser, live_server, wide_plan, width
):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, base_url=live_server.url
    )
    page = context.new_page()
    try:
        for url in (WIDE, "/forces/wideshire/"):
            page.goto(url)
            page.locator(".prap-grid-scroll").scroll_into_view_if_needed()
            grid = page.evaluate(NARROW_GRID)
            assert grid["scrolled"] > 100, url  # the quarters scrolled sideways...
            assert grid["namesInView"] and all(grid["namesInView"]), url  # ...not the names
            assert grid["titlesFit"] == [True], url  # one visible title, all on screen
            assert grid["pageWidth"] <= width, url
        screenshot(page, f"roadmap-scrolled-{width}")
    finally:
        context.close()
