"""The printed roadmap is compact: landscape A4, no near-empty pages."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("slug", "most_pages"), [("dorset", 3), ("essex", 4)])
def test_a_roadmap_prints_on_a_few_landscape_pages(page, reference, slug, most_pages):
    call_command("seed_demo", today=timezone.localdate(), stdout=io.StringIO())
    page.goto(f"/forces/{slug}/")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= most_pages
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)", pdf)
    assert sizes and all(float(w) > float(h) for w, h in sizes)  # landscape
