"""Staff pages at 320 px: nothing scrolls sideways (WCAG 1.4.10 Reflow) and every link,
button and field is a target of at least 24 by 24 CSS pixels, or has room for a 24 px circle
around its centre that touches no other target (WCAG 2.5.8 Target Size, its spacing
exception)."""

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.factories import PracticeExampleFactory
from tests.staff_data import force_data

pytestmark = pytest.mark.django_db(transaction=True)

# Every visible target with its box; a target smaller than 24 px either way passes only if
# a 24 px circle centred on it reaches no other target's box (WCAG 2.5.8's spacing exception).
# Targets inside a sentence (links in running text) are excepted by the criterion ("inline").
SMALL_TARGETS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + 'label[for]';
  const targets = [...document.querySelectorAll(selector)].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      && !el.closest('.govuk-visually-hidden, [hidden]');
  });
  const boxes = targets.map((el) => el.getBoundingClientRect());
  // A link inside a sentence is excepted by the criterion ("inline").
  const inline = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement;
    const text = block.textContent.replace(/\\s+/g, ' ').trim();
    return ['P', 'LI', 'DD', 'TD', 'SPAN'].includes(block.tagName)
      && text.length > el.textContent.trim().length + 20;
  };
  // A GOV.UK radio or checkbox: the 40 px box drawn by its label is the target.
  const govukChoice = (el) => (el.tagName === 'LABEL' || ['radio', 'checkbox'].includes(el.type))
    && el.closest('.govuk-radios__item, .govuk-checkboxes__item');
  const distance = (x, y, b) => Math.hypot(
    Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
  const undersized = (b) => b.width < 23.5 || b.height < 23.5;
  const problems = [];
  targets.forEach((el, i) => {
    const b = boxes[i];
    if (!undersized(b) || inline(el) || govukChoice(el)) return;
    const x = b.left + b.width / 2, y = b.top + b.height / 2;
    const clash = boxes.some((other, j) => {
      if (j === i || targets[j].contains(el) || el.contains(targets[j])) return false;
      if (distance(x, y, other) < 12) return true;  // the circle reaches the other target
      const ox = other.left + other.width / 2, oy = other.top + other.height / 2;
      return undersized(other) && Math.hypot(x - ox, y - oy) < 24;  // the two circles meet
    });
    const name = (el.textContent || el.name || '').trim().slice(0, 40);
    const size = `${Math.round(b.width)}x${Math.round(b.height)}`;
    if (clash) problems.push(`${el.tagName} "${name}" ${size}`);
  });
  return problems;
}"""


@pytest.fixture
def staff_site(reference, force_a):
    data = force_data(force_a)
    PracticeExampleFactory(force=force_a, workstream=data.reported.workstream)
    return data


def visit_at_320(narrow_page, data, alice, nadia, sam, measure) -> dict[str, object]:
    """``measure(page)`` on each audited staff page at 320 px, signed in as whoever may open
    it; the URLs where it found something."""
    pages = {
        alice: [
            f"/staff/deliverables/{data.reported.pk}/",
            f"/staff/deliverables/{data.reported.pk}/withdraw/",
        ],
        nadia: ["/staff/practice/"],
        sam: ["/admin/accounts/user/"],
    }
    found = {}
    for person, urls in pages.items():
        narrow_page.context.clear_cookies()
        sign_in(narrow_page, person)
        for url in urls:
            response = narrow_page.goto(url)
            assert response.status == 200, url
            result = measure(narrow_page)
            if result:
                found[url] = result
            screenshot(narrow_page, "320-" + url.strip("/").replace("/", "-"))
    return found


def test_staff_pages_do_not_scroll_sideways_at_320_pixels(
    narrow_page, staff_site, alice, nadia, sam
):
    def too_wide(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        return width if width > 320 else None

    assert visit_at_320(narrow_page, staff_site, alice, nadia, sam, too_wide) == {}


def test_every_target_on_staff_pages_is_big_enough_at_320_pixels(
    narrow_page, staff_site, alice, nadia, sam
):
    def small_targets(page):
        return page.evaluate(SMALL_TARGETS)

    assert visit_at_320(narrow_page, staff_site, alice, nadia, sam, small_targets) == {}
