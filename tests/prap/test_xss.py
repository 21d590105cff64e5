"""Hostile text in every free-text field renders as text on every page that shows it.

Hypothesis writes hostile text (script tags, event handlers, attribute break-outs,
``javascript:`` links, Markdown tricks) into every free-text field of one force's data, then
every page that shows those fields is parsed as a browser would: no element or attribute may
come from the text. Elements the narrative filter builds on purpose (paragraphs, lists,
emphasis, web links) are allowed; anything else must be exactly what the page has with plain
text. Each field carries a marker, so the test also proves that the page shows it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.index import rebuild
from tests.factories import PracticeExampleFactory
from tests.mfa import VerifiedClient
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

PIECES = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus '",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<style>*{display:none}</style>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
    "javascript:alert(1)",
    "<!--",
    "]]>",
    "{{ request }}{% debug %}",
    "&lt;b&gt;&amp;",
    "*em* **strong**",
    "- item\n- item",
    "\n\n",
]
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(alphabet="<>\"'&=/ ;:()[]!-*_`\\abcx\n", max_size=12),
    ),
    min_size=1,
    max_size=4,
).map(lambda parts: "".join(parts)[:150])

# What the narrative filter may build from text (actions/templatetags/narrative.py).
NARRATIVE_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "a"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")

# (field, the object it belongs to in the dataset)
FIELDS = [
    "plan.title",
    "plan.summary",
    "deliverable.title",
    "deliverable.description",
    "deliverable.lead",
    "withdrawn.withdrawn_reason",
    "milestone.title",
    "update.done",
    "update.next",
    "update.evidence",
    "practice.title",
    "practice.summary",
    "action.title",
    "action.description",
]


def marker(field: str) -> str:
    return f"XSS{FIELDS.index(field)}Z"


class Page(HTMLParser):
    """Every element and attribute a browser would build, and the text it would show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.text.extend(value or "" for _, value in attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def assert_no_injection(hostile: Page, plain: Page, where: str, *, counts: bool = True) -> None:
    """``counts``: the same number of each element as with plain text (off for the history
    page, whose entries group changes by their values; there each kind of element must
    still be one the plain page has)."""
    for tag, attrs in hostile.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: <{tag} {name}>"
            assert name != "style", f"{where}: <{tag} style>"
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                link = "".join((value or "").split()).lower()
                assert not link.startswith(DANGEROUS_SCHEMES), f"{where}: <{tag} {name}={value}>"
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), f"{where}: inline <script>"

    # Same elements, with the same attributes, as with plain text: apart from what the
    # narrative filter makes (with its own few attributes), nothing came from the text.
    def shapes(page: Page) -> Counter:
        return Counter((tag, tuple(sorted(attrs))) for tag, attrs in page.elements)

    extra = shapes(hostile) - shapes(plain) if counts else set(shapes(hostile)) - set(shapes(plain))
    for tag, names in extra:
        assert tag in NARRATIVE_TAGS, f"{where}: <{tag} {names}> came from the text"
        assert set(names) <= {"class", "start", "href", "rel"}, f"{where}: <{tag} {names}>"
    for tag, attrs in hostile.elements:
        if tag == "a":
            href = (attrs.get("href") or "").strip().lower()
            assert href.startswith(("http://", "https://", "mailto:", "/", "#", "?")), (
                f"{where}: <a href={href}>"
            )


@pytest.fixture
def dataset(reference, force_a, alice):
    data = force_data(force_a)
    action = data.reported.national_actions.get()
    example = PracticeExampleFactory(force=force_a, workstream=data.reported.workstream)
    objects = {
        "plan": data.plan,
        "deliverable": data.reported,
        "withdrawn": data.withdrawn,
        "milestone": data.milestone,
        "update": data.previous_update,
        "practice": example,
        "action": action,
    }
    staff = VerifiedClient()
    staff.force_login(alice)
    return data, objects, staff


def write(objects, texts: dict[str, str]) -> None:
    for field, text in texts.items():
        name, attribute = field.split(".")
        setattr(objects[name], attribute, text)
    for obj in objects.values():
        obj.save()
    rebuild()  # the saves above bypass the site's writes, which keep the index current
    cache.clear()


def pages(data, objects) -> dict[str, tuple[str, set[str]]]:
    """Every page that shows these fields, and the fields each must show."""
    force, deliverable = data.force, objects["deliverable"]
    workstream = deliverable.workstream
    return {
        "roadmap": (
            f"/forces/{force.slug}/",
            {"plan.title", "plan.summary", "deliverable.title", "withdrawn.withdrawn_reason"},
        ),
        "deliverable": (
            deliverable.get_absolute_url(),
            {
                "plan.title",
                "deliverable.title",
                "deliverable.description",
                "deliverable.lead",
                "milestone.title",
                "update.done",
                "update.next",
                "update.evidence",
                "action.title",
            },
        ),
        "withdrawn deliverable": (
            objects["withdrawn"].get_absolute_url(),
            {"plan.title", "withdrawn.withdrawn_reason"},
        ),
        "workstream": (
            f"/workstreams/{workstream.slug}/",
            {
                "deliverable.title",
                "action.title",
                "action.description",
                "practice.title",
                "practice.summary",
            },
        ),
        "practice": ("/practice/", {"practice.title", "practice.summary"}),
        "search": (
            f"/search/?q={marker('deliverable.title')}",
            {"deliverable.title", "deliverable.description"},
        ),
        "search for an update": (
            f"/search/?q={marker('update.done')}",
            {"deliverable.title", "update.done"},
        ),
        "compare": (f"/national/compare/?forces={force.slug},dorset", {"action.title"}),
        "coverage": ("/national/coverage/", {"action.title"}),
        "staff dashboard": (
            f"/staff/forces/{force.slug}/?quarter={RETURN_QUARTER.compact}",
            {"plan.title", "deliverable.title", "milestone.title"},
        ),
        "staff deliverable": (
            f"/staff/deliverables/{deliverable.pk}/",
            {
                "plan.title",
                "deliverable.title",
                "deliverable.description",
                "deliverable.lead",
                "milestone.title",
                "action.title",
            },
        ),
        "history": (
            f"/staff/deliverables/{deliverable.pk}/history/",
            {"deliverable.title", "milestone.title"},
        ),
        "return": (
            f"/staff/forces/{force.slug}/return/?quarter={RETURN_QUARTER.compact}",
            {"deliverable.title", "deliverable.lead", "update.next"},
        ),
    }


def render_all(data, objects, staff) -> dict[str, Page]:
    public = Client()
    rendered = {}
    for name, (url, _) in pages(data, objects).items():
        client = staff if url.startswith("/staff/") else public
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        rendered[name] = parse(response.content.decode())
    return rendered


def plain_texts() -> dict[str, str]:
    return {field: f"{marker(field)} plain words" for field in FIELDS}


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.fixed_dictionaries(dict.fromkeys(FIELDS, hostile_text)))
def test_hostile_text_in_every_free_text_field_renders_as_text_everywhere(dataset, texts):
    data, objects, staff = dataset
    hostile_texts = {field: f"{marker(field)} {text}" for field, text in texts.items()}
    write(objects, hostile_texts)
    hostile = render_all(data, objects, staff)
    # The same pages with plain text, rendered after (so the history page has at least as
    # many changes to show).
    write(objects, plain_texts())
    plain = render_all(data, objects, staff)
    write(objects, hostile_texts)
    for name, (url, shown) in pages(data, objects).items():
        assert_no_injection(hostile[name], plain[name], f"{name} ({url})", counts=name != "history")
        page_text = "".join(hostile[name].text)
        for field in shown:
            assert marker(field) in page_text, f"{name} does not show {field}"

    # The feed: valid XML whatever the text, and the HTML a feed reader renders from it is
    # as safe as the page's.
    feed = Client().get(f"/forces/{data.force.slug}/feed/")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own output
    # Text elements (titles) are text to a feed reader; HTML ones it renders.
    html_elements = [
        element
        for element in root.iter()
        if element.get("type") == "html" or element.tag.endswith("description")
    ]
    assert html_elements
    html = "".join(element.text or "" for element in html_elements)
    for tag, attrs in parse(html).elements:
        # The feed's headings, and the narrative's own short allowlist (actions.templatetags.
        # narrative: the feed renders narrative exactly as the deliverable page does).
        assert tag in {"h3", "p", "br", "ul", "ol", "li", "em", "strong", "a"}, f"feed: <{tag}>"
        assert not any(name.startswith("on") for name in attrs), f"feed: <{tag} {attrs}>"
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://", "mailto:")), attrs
    assert marker("update.done") in html

    # Open data: the text is data, exactly as written, never markup.
    downloads = Client().get("/data/deliverables.json")
    assert downloads["Content-Type"].startswith("application/json")
    assert downloads["X-Content-Type-Options"] == "nosniff"
    rows = json.loads(b"".join(downloads.streaming_content))["rows"]
    titles = {row["title"] for row in rows}
    assert hostile_texts["deliverable.title"] in titles
    csv = Client().get("/data/deliverables.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv["X-Content-Type-Options"] == "nosniff"


def test_the_hostile_page_check_would_catch_an_injected_element():
    plain = parse('<p class="x">XSS0Z words</p>')
    assert_no_injection(
        parse('<p class="x">XSS0Z &lt;img src=x onerror=alert(1)&gt;</p>'), plain, "ok"
    )
    for injected in (
        '<p class="x">XSS0Z <img src=x onerror=alert(1)></p>',
        '<p class="x" onmouseover="alert(1)">XSS0Z</p>',
        '<p class="x">XSS0Z <a href="javascript:alert(1)">x</a></p>',
        '<p class="x">XSS0Z <input autofocus></p>',
    ):
        with pytest.raises(AssertionError):
            assert_no_injection(parse(injected), plain, "example")
