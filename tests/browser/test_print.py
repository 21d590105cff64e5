"""The printed roadmap is compact: landscape A4, no near-empty pages."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)


# Dorset's demo roadmap carries its scrutiny panel's statement, with the force's reply, above
# the grid, and the panel's marks in it: two pages more than without them.
@pytest.mark.parametrize(("slug", "most_pages"), [("dorset", 5), ("essex", 4)])
def test_a_roadmap_prints_on_a_few_landscape_pages(page, reference, slug, most_pages):
    call_command("seed_demo", today=timezone.localdate(), stdout=io.StringIO())
    page.goto(f"/forces/{slug}/")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= most_pages
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)", pdf)
    assert sizes and all(float(w) > float(h) for w, h in sizes)  # landscape


PRINTED_STYLES = """() => {
  const style = (element) => getComputedStyle(element);
  const headings = [...document.querySelectorAll("main h1, main h2, main h3")];
  const cells = [...document.querySelectorAll("main td, main th, .prap-evidence li")];
  const statuses = [...document.querySelectorAll("main .prap-status")];
  return {
    headings: headings.map(
      (h) => [h.textContent.trim(), style(h).breakAfter, style(h).breakInside]),
    following: headings.filter((h) => h.nextElementSibling).map(
      (h) => [h.textContent.trim(), style(h.nextElementSibling).breakBefore]),
    statusPixels: statuses.map((s) => parseFloat(style(s).fontSize)),
    cells: cells.map((c) => [style(c).overflowWrap, style(c).wordBreak, style(c).hyphens]),
  };
}"""


def test_printed_pages_keep_headings_with_their_content_and_text_readable(page, reference):
    """Headings never end a page away from their content, the status is at least 9 pt, and
    narrow cells wrap between words (hyphenated), never mid-word by rule."""
    call_command("seed_demo", today=timezone.localdate(), stdout=io.StringIO())
    page.goto("/forces/dorset/?quarters=all")
    link = page.locator(".prap-grid__link").first.get_attribute("href")
    for url in ("/forces/dorset/?quarters=all", link, "/national/"):
        page.goto(url)
        page.emulate_media(media="print")
        printed = page.evaluate(PRINTED_STYLES)
        assert printed["headings"], url
        assert all(
            after == "avoid" and inside == "avoid" for _, after, inside in printed["headings"]
        )
        assert all(before == "avoid" for _, before in printed["following"]), url
        nine_points = 12  # CSS px
        assert all(size >= nine_points for size in printed["statusPixels"]), url
        assert printed["cells"] or url == link
        assert all(c == ["break-word", "normal", "auto"] for c in printed["cells"]), url
        page.emulate_media(media="screen")
    page.goto(link)
    page.emulate_media(media="print")
    assert page.evaluate(PRINTED_STYLES)["statusPixels"]  # the deliverable's own status
