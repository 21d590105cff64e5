"""``{{ text|narrative }}``: free text written by a force, shown as safe, simple HTML.

People write progress the way they would in an e-mail: paragraphs, lists, *emphasis* and
links. The text is read as Markdown (markdown-it-py) with raw HTML turned off, so ``<b>`` or
``<script>`` typed by someone shows as text; links are made only for ``http:``, ``https:``
and ``mailto:`` addresses (``javascript:`` and relative links stay as plain text). The HTML is
then cleaned again with nh3 (the Ammonia sanitiser) against a short allowlist of tags and
attributes, which also marks every link ``rel="nofollow noopener"``: two independent layers.

Usage, in any template::

    {% load narrative %}
    <div class="prap-narrative">{{ update.done|narrative }}</div>
"""

from __future__ import annotations

import functools
import re

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def _is_allowed_link(url: str) -> bool:
    match = _SCHEME.match(url.strip())
    return match is not None and match.group(1).lower() in LINK_SCHEMES


_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["list", "emphasis", "link", "autolink", "newline", "escape", "entity"]
)
_markdown.validateLink = _is_allowed_link

_cleaner = nh3.Cleaner(
    tags={"p", "br", "ul", "ol", "li", "em", "strong", "a"},
    attributes={"a": {"href"}, "ol": {"start"}},
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow noopener",
    strip_comments=True,
    set_tag_attribute_values={
        "p": {"class": "govuk-body"},
        "ul": {"class": "govuk-list govuk-list--bullet"},
        "ol": {"class": "govuk-list govuk-list--number"},
        "a": {"class": "govuk-link"},
    },
)


def render_narrative(text: str | None) -> SafeString:
    """Markdown (lists, emphasis, http/https/mailto links, line breaks) to sanitised HTML."""
    if not text:
        return SafeString("")
    # Safe because nh3 has cleaned it against the allowlist above.
    return mark_safe(_sanitised_html(str(text)))  # nosec B308, B703


@functools.lru_cache(maxsize=2048)
def _sanitised_html(text: str) -> str:
    """The same text always gives the same HTML: a page rendered again after a change
    converts only the texts that changed (a roadmap shows dozens). At most 2,048 texts are
    kept in each process, the least recently shown dropped first."""
    return _cleaner.clean(_markdown.render(text)).strip()


@register.filter(is_safe=True)
def narrative(text: str | None) -> SafeString:
    """``{{ update.done|narrative }}``: see the module docstring."""
    return render_narrative(text)
