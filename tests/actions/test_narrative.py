"""The narrative filter: simple Markdown in, sanitised HTML out, whatever anyone types."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.templatetags.narrative import render_narrative

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "a"}
ALLOWED_ATTRIBUTES = {"class", "href", "rel", "start"}

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=//evil.example></iframe>",
    '<p style="background:url(javascript:alert(1))">',
    "<style>body{display:none}</style>",
    "[click](javascript:alert(1))",
    "[click](JavaScript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](https://ok.example/ onmouseover=alert(1))",
    '[click](https://ok.example/"onmouseover="alert(1))',
    "<javascript:alert(1)>",
    "![image](https://evil.example/track.png)",
    "<!-- comment --><b onmouseover=alert(1)>bold</b>",
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<script>`",
    "*emphasis* **strong** _under_",
    "- item\n- item\n\n1. one\n2. two",
    "[fine](https://example.org/path?a=1&b=2)",
    "<https://example.org>",
    "[mail](mailto:team@example.org)",
    "\n\n",
]


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_sanitised(html: str) -> None:
    assert "<script" not in html.lower()
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ALLOWED_ATTRIBUTES, attrs
        assert not any(name.startswith("on") for name in attrs)
        if tag == "a":
            href = (attrs.get("href") or "").strip().lower()
            assert href.startswith(("http://", "https://", "mailto:")), href
            assert attrs.get("rel") == "nofollow noopener"


hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)), min_size=1, max_size=8
).map("".join)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_hostile_text_never_becomes_script_handlers_or_javascript_links(text):
    assert_sanitised(render_narrative(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_each_known_attack_is_rendered_harmless(text):
    assert_sanitised(render_narrative(text))


def test_typed_html_is_shown_as_text():
    html = render_narrative("Use <script>alert(1)</script> and <b>bold</b>")
    assert html == (
        '<p class="govuk-body">Use &lt;script&gt;alert(1)&lt;/script&gt; and '
        "&lt;b&gt;bold&lt;/b&gt;</p>"
    )


def test_a_javascript_link_stays_plain_text():
    html = render_narrative("[Read the report](javascript:alert(document.cookie))")
    assert "<a" not in html
    assert "[Read the report](javascript:alert(document.cookie))" in html


@pytest.mark.parametrize(
    "text",
    [
        "[report](/forces/dorset/)",
        "[report](ftp://files.example.org/report.pdf)",
        "[report](data:text/html,hello)",
    ],
)
def test_only_web_and_mail_links_are_made(text):
    assert "<a" not in render_narrative(text)


def test_lists_emphasis_and_links_render_with_house_classes():
    html = render_narrative(
        "We have:\n\n- trained *all* sergeants\n- published the **data**\n\n"
        "See [our report](https://police.example/report) or "
        "[write to us](mailto:prap@police.example)."
    )
    assert html == (
        '<p class="govuk-body">We have:</p>\n'
        '<ul class="govuk-list govuk-list--bullet">\n'
        "<li>trained <em>all</em> sergeants</li>\n"
        "<li>published the <strong>data</strong></li>\n"
        "</ul>\n"
        '<p class="govuk-body">See <a href="https://police.example/report" class="govuk-link" '
        'rel="nofollow noopener">our report</a> or <a href="mailto:prap@police.example" '
        'class="govuk-link" rel="nofollow noopener">write to us</a>.</p>'
    )


def test_line_breaks_are_kept_and_numbered_lists_keep_their_start():
    html = render_narrative("Line one\nLine two\n\n3. third\n4. fourth")
    assert "Line one<br>\nLine two" in html
    assert '<ol start="3" class="govuk-list govuk-list--number">' in html


@pytest.mark.parametrize("text", [None, ""])
def test_empty_text_renders_nothing(text):
    assert render_narrative(text) == ""


def test_the_filter_is_used_from_a_template_without_double_escaping():
    template = Template("{% load narrative %}<div>{{ text|narrative }}</div>")
    html = template.render(Context({"text": "Fish & chips <3 *today*"}))
    assert html == '<div><p class="govuk-body">Fish &amp; chips &lt;3 <em>today</em></p></div>'


def test_a_text_shown_again_is_converted_once_and_stays_the_same():
    from actions.templatetags.narrative import _sanitised_html

    text = "Shown *again* on [our page](https://example.org/again)"
    first = render_narrative(text)
    hits = _sanitised_html.cache_info().hits
    again = render_narrative(text)
    assert _sanitised_html.cache_info().hits == hits + 1
    assert again == first
    assert "<em>again</em>" in again and 'rel="nofollow noopener"' in again
    assert render_narrative(text + " (edited)") != first
