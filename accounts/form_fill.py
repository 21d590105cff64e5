"""Fill a page's HTML forms with values sent earlier: a pure function over the page's text.

When a form was sent after its person's session had ended, what they sent is kept
(``accounts.kept_forms``); once they have signed in again, the page they were on is rendered
as usual and then filled with it here, so every staff form gets its typed work back without
each view knowing. Only the fields of ``<form method="post">`` elements whose action is the
page itself are touched; everything else in the page is left byte for byte as it was.

``values`` maps a field's name to the list of values sent for it, as a ``QueryDict`` does.
Never filled: the CSRF token (the page's own, new one stands), passwords, files and buttons.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

NEVER = {"csrfmiddlewaretoken"}
NOT_FILLED_TYPES = {"password", "file", "submit", "button", "image", "reset"}


def fill_forms(page: str, path: str, values: dict[str, list[str]]) -> str:
    """``page`` with the fields of its forms that post to ``path`` set to ``values``."""
    finder = _Finder(page, path, values)
    finder.feed(page)
    finder.close()
    out, last = [], 0
    for start, end, text in sorted(finder.edits):
        out.append(page[last:start])
        out.append(text)
        last = end
    out.append(page[last:])
    return "".join(out)


def _posts_to(attrs: dict[str, str | None], path: str) -> bool:
    if (attrs.get("method") or "get").lower() != "post":
        return False
    action = attrs.get("action") or ""
    return action == "" or urlsplit(action).path in ("", path)


def _tag(name: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> str:
    parts = [name]
    for key, value in attrs:
        parts.append(key if value is None else f'{key}="{escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if self_closing else ">")


class _Finder(HTMLParser):
    def __init__(self, page: str, path: str, values: dict[str, list[str]]):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.path = path
        self.values = {k: list(v) for k, v in values.items() if k not in NEVER}
        self.line_starts = [0]
        for index, char in enumerate(page):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.edits: list[tuple[int, int, str]] = []
        self.in_form = False
        self.used: dict[str, int] = {}  # text-like fields sharing a name take values in turn
        self.select: str | None = None
        self.textarea: tuple[str, int] | None = None  # name, where its content starts

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag, attrs, *, self_closing):
        found = dict(attrs)
        if tag == "form":
            self.in_form = _posts_to(found, self.path)
            return
        if not self.in_form:
            return
        start = self.position()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        name = found.get("name")
        if tag == "input" and name and name not in NEVER:
            kind = (found.get("type") or "text").lower()
            if kind in NOT_FILLED_TYPES:
                return
            sent = self.values.get(name)
            if kind in ("checkbox", "radio"):
                on = sent is not None and (found.get("value") or "on") in sent
                attrs = [(k, v) for k, v in attrs if k != "checked"] + (
                    [("checked", None)] if on else []
                )
            elif sent is None:
                return
            else:
                index = self.used.get(name, 0)
                self.used[name] = index + 1
                value = sent[index] if index < len(sent) else ""
                attrs = [(k, v) for k, v in attrs if k != "value"] + [("value", value)]
            self.edits.append((start, end, _tag(tag, attrs, self_closing)))
        elif tag == "select":
            self.select = name if name in self.values else None
        elif tag == "option" and self.select:
            value = found.get("value")
            on = value is not None and value in self.values[self.select]
            attrs = [(k, v) for k, v in attrs if k != "selected"] + (
                [("selected", None)] if on else []
            )
            self.edits.append((start, end, _tag(tag, attrs, self_closing)))
        elif tag == "textarea" and name in self.values:
            self.textarea = (name, end)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, content_start = self.textarea
            self.textarea = None
            index = self.used.get(name, 0)
            self.used[name] = index + 1
            sent = self.values[name]
            value = sent[index] if index < len(sent) else ""
            # A newline straight after <textarea> is dropped by the parser: keep one.
            self.edits.append((content_start, self.position(), "\n" + escape(value, quote=False)))
