"""Narrative text written by forces renders as sanitised Markdown on the public pages."""

import pytest

from tests.factories import DeliverableFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    "We did **three** things:\n\n- trained staff\n- [met the panel](https://example.org/panel)\n"
    '\n<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(2)>'
)


def test_update_text_is_markdown_with_hostile_parts_made_harmless(client):
    deliverable = DeliverableFactory(plan__force__slug="force-a", description=HOSTILE)
    QuarterlyUpdateFactory(deliverable=deliverable, done=HOSTILE, next=HOSTILE)
    html = client.get(f"/forces/force-a/deliverables/{deliverable.pk}/").content.decode()
    assert "<strong>three</strong>" in html
    assert "<li>trained staff</li>" in html
    assert 'href="https://example.org/panel"' in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
