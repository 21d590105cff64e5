"""Every page of the site, from the URL resolver, for the tests that must reach them all.

The drafts-never-public tests (``read_public_pages``), the access matrix and the second-step test
take their page lists from here, so a page added to a URLconf is covered the day it is
added: it is visited, or the test fails saying what it cannot fill in.

Public pages are filled from samples, each a dict of the collection an argument names (the
path segment before it: ``forces`` in ``/forces/<slug:slug>/``) to a value. A route is visited
with every sample that names all of its collections; a route that no sample fills is an error,
never a page skipped. Pages that take a query string are visited with each of
``PUBLIC_QUERIES`` too, and with every same-page link (``href="?..."``: downloads, sorting,
pages) that they show.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

PRIVATE_PREFIXES = ("/staff/", "/admin/", "/accounts/")

# Query strings each public page is also visited with, filled from the samples like the
# path (``{forces}`` is a force's slug). Names here must be the resolver's.
PUBLIC_QUERIES: dict[str, list[str]] = {
    "plans:force_list": ["region={region}", "country=England"],
    "workstreams:detail": [f"status={status}" for status in ("complete", "on_track", "withdrawn")],
    "workstreams:practice": ["workstream={workstreams}", "q=plan"],
    "national:comparison": [
        "format=csv",
        "format=json",
        "reported=yes",
        "reported=no",
        "workstream={workstreams}",
        "workstream={workstreams}&format=csv",
        "workstream={workstreams}&format=json",
    ],
    "national:compare": ["forces={compared}"],
    "national:trend": ["force={forces}"],
    "national:disparities": [
        "year=2020/21&census=2011",
        "year=2022/23&group=Asian",
        "year=2022/23&census=2011",
        "sort=-rate",
    ],
    "search:page": [
        "q=plan",
        "q=open+meetings",
        "q=%22open+meetings%22+-minutes",
        "q=done&kind=update",
        "q=meetings&force={forces}",
        "q=meetings&workstream={workstreams}",
        "q=meetings&region={region}",
        "q=meetings&status=on_track",
    ],
    "search:json": ["q=plan", "q=open+meetings&force={forces}"],
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced ("plans:force_roadmap"); "<path>" for an unnamed pattern
    path: str  # from the root: "/forces/<slug:slug>/"; regex patterns as their regex
    pieces: tuple  # the patterns from the root down, for callers that fill regexes
    arguments: dict[str, str]  # argument name -> the collection it names ("slug" -> "forces")


def site_routes() -> list[Route]:
    """Every URL pattern the resolver knows, in URLconf order."""
    found = []

    def walk(patterns, pieces: tuple, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                walk(pattern.url_patterns, (*pieces, pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                chain = (*pieces, pattern.pattern)
                path = "/" + "".join(_text(piece) for piece in chain)
                if pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                else:
                    name = f"<{path}>"
                found.append(Route(name, path, chain, _arguments(path)))

    walk(get_resolver().url_patterns, (), "")
    return found


def _text(piece) -> str:
    return str(piece) if isinstance(piece, RoutePattern) else piece.regex.pattern


def _arguments(path: str) -> dict[str, str]:
    """Each argument of a route with the path segment before it: its collection."""
    return {
        match[2]: match[1] or match[2]
        for match in re.finditer(r"(?:([\w-]+)/)?<(?:\w+:)?(\w+)>", path)
    }


def public_routes() -> list[Route]:
    """Every pattern not under /staff/, /admin/ or /accounts/: the pages anyone may read."""
    return [route for route in site_routes() if not route.path.startswith(PRIVATE_PREFIXES)]


def route_names(prefixes: tuple[str, ...]) -> set[str]:
    return {route.name for route in site_routes() if route.path.startswith(prefixes)}


class UnfilledRoute(AssertionError):
    """A route that no sample can fill: a new kind of argument needs a sample."""


def public_urls(samples: list[dict[str, object]], routes=None) -> list[tuple[str, str]]:
    """(route name, URL) for every public route, filled from ``samples``, with the query
    strings of ``PUBLIC_QUERIES``. Raises ``UnfilledRoute`` for a route, or a query, that no
    sample fills."""
    unknown = sorted(set(PUBLIC_QUERIES) - {route.name for route in public_routes()})
    if unknown:
        raise UnfilledRoute(f"PUBLIC_QUERIES names routes that are not public pages: {unknown}")
    urls: list[tuple[str, str]] = []
    for route in public_routes() if routes is None else routes:
        paths = _fill(route.path, route.arguments, samples)
        if not paths:
            needs = ", ".join(f"{arg} ({kind})" for arg, kind in route.arguments.items())
            raise UnfilledRoute(f"no sample fills {route.path} ({route.name}): needs {needs}")
        for path in paths:
            urls.append((route.name, path))
            for query in PUBLIC_QUERIES.get(route.name, []):
                filled = _fill_query(query, samples)
                if not filled:
                    raise UnfilledRoute(f"no sample fills ?{query} of {route.name}")
                urls.extend((route.name, f"{path}?{q}") for q in filled)
    return list(dict.fromkeys(urls))


@dataclass(frozen=True)
class Page:
    name: str  # the route's
    url: str
    status: int
    text: str


def read_public_pages(client, samples: list[dict[str, object]]) -> list[Page]:
    """GET every public URL (``public_urls``) and every same-page link the pages without a
    query string show, as the person with ``client``: each response's status and whole body
    (downloads and feeds included)."""
    pages: dict[str, Page] = {}

    def read(name: str, url: str) -> Page | None:
        if url in pages:
            return None
        response = client.get(url)
        pages[url] = Page(name, url, response.status_code, body(response))
        return pages[url] if response.get("Content-Type", "").startswith("text/html") else None

    links = []
    for name, url in public_urls(samples):
        page = read(name, url)
        if page is not None and "?" not in url:
            links.extend((name, link) for link in same_page_links(url, page.text))
    for name, link in links:
        read(name, link)
    return list(pages.values())


def _fill(path: str, arguments: dict[str, str], samples) -> list[str]:
    if not arguments:
        return [_plain(path)]
    filled = []
    for sample in samples:
        if all(kind in sample for kind in arguments.values()):
            values = {arg: str(sample[kind]) for arg, kind in arguments.items()}
            filled.append(_substitute(path, values))
    return list(dict.fromkeys(filled))


def _substitute(path: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match[1]], path)


def _plain(path: str) -> str:
    """A path without arguments; a regex route's anchors and escapes removed."""
    return path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")


def _fill_query(query: str, samples) -> list[str]:
    kinds = re.findall(r"{(\w+)}", query)
    if not kinds:
        return [query]
    return list(
        dict.fromkeys(
            query.format(**{kind: sample[kind] for kind in kinds})
            for sample in samples
            if all(kind in sample for kind in kinds)
        )
    )


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


SAME_PAGE_LINK = re.compile(r'href="(\?[^"]*)"')


def same_page_links(path: str, text: str) -> list[str]:
    """The page's links to itself with another query string (downloads, sorting, pages)."""
    base = path.split("?")[0]
    return [base + html.unescape(link) for link in SAME_PAGE_LINK.findall(text)]
