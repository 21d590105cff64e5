"""Public pages served from a cache without ever serving a stale page or a draft.

What the public sees has versions (``plans.models.ContentVersion``): one per force, for its
roadmap, deliverable pages and feed, and one national, for every other public page. Every
write that can change a public page renews them inside its own transaction, as its last
statement: the versions change when, and only when, the write commits, in every server
process at once. The saves of ``plans.versioning`` do it for the object they save
(:func:`object_changed`, from the object's ``content_forces``) and for writes of many rows
(``writing_content(force)``), so a page cannot forget it; demo data, reference data, restores
and the admin call :func:`all_content_changed` themselves. With a shared cache (Redis,
``PUBLIC_VERSIONS_IN_CACHE``) the versions are also kept there, set when the write commits,
so a page from the cache costs no database query (:func:`_read_shared_versions`).

:func:`public_page` wraps each public view:

- A visitor without a session or messages cookie (not signed in, no message waiting) gets
  the page everyone gets: from the cache, under the release, the version read *before*
  anything else (so a page is never stored under a newer version than the data it shows),
  today's date (pages show what is overdue and the current quarter) and the address with
  only the query parameters the page reads (:func:`normalise_query`); or rendered and stored
  there. The response says ``Cache-Control: public, max-age=PUBLIC_MAX_AGE`` and carries a
  weak ``ETag`` made of the same things, so a conditional GET gets 304 Not Modified until
  the content changes, without rendering anything. ``Vary: Cookie`` warns shared caches
  that a request with cookies may get another page. A client that accepts gzip (every
  browser) gets the page gzip-compressed, compressed once per stored page and kept beside
  it (:class:`StoredPage`), with ``Vary: Accept-Encoding``: a public page carries no
  secret, so compressing it cannot leak one (BREACH).
- Anyone else (signed in, the header links to the staff pages; or a message to show) gets
  the page rendered afresh, ``Cache-Control: private, no-cache``: no shared cache keeps it
  and nobody else ever receives it.

Public views render published content only, so a draft never reaches a cached page; a
response that is streamed, sets a cookie or is not a 200 is never stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, QueryDict
from django.http.cookie import SimpleCookie
from django.http.response import ResponseHeaders
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from plans.models import ContentVersion, Force
from prap import release

outage_logger = logging.getLogger("prap.outage")
_VERSIONS = ContentVersion._meta.db_table
_FORCES = Force._meta.db_table
PAGE_KEY_PREFIX = "prap:page"
LATEST_KEY_PREFIX = "prap:latest"
VERSION_KEY_PREFIX = "prap:version"
#: In every page (base.html); replaced by a notice when a copy is served during an outage.
OUTAGE_PLACEHOLDER = b"<!--prap:outage-notice-->"
DEMO_FLAG_KEY_PREFIX = "prap:demo-data-loaded"
#: zlib's default level: a 50 KB page to about a sixth of its size in about a millisecond.
GZIP_LEVEL = 6


class StoredPage(NamedTuple):
    """A public page as the cache keeps it: its bytes and the headers it was sent with, and
    the same bytes gzip-compressed once a client that accepts gzip has asked for it (None
    until then)."""

    content: bytes
    headers: dict
    compressed: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.content) + len(self.compressed or b"")


class _EveryForce:
    def __repr__(self) -> str:
        return "EVERY_FORCE"


#: ``content_forces`` of an object that may show on any public page (a national action is
#: listed on every deliverable page that serves it).
EVERY_FORCE = _EveryForce()


def object_changed(obj) -> None:
    """The public pages that show ``obj`` changed. ``obj.content_forces`` names them: the ids
    of the forces whose pages show it (the national pages always change too), or
    :data:`EVERY_FORCE`."""
    pages_changed(obj.content_forces)


def pages_changed(forces) -> None:
    """The public pages of ``forces`` (ids) changed, or every page with :data:`EVERY_FORCE`."""
    if forces is EVERY_FORCE:
        all_content_changed()
    else:
        content_changed(*forces)


def content_changed(*forces: Force | int) -> None:
    """Public content changed: the national pages, and the pages of ``forces`` (instances
    or ids). Call it inside the transaction of the change, after the change's own writes.
    """
    _give_new_versions(sorted({getattr(force, "pk", force) for force in forces}))


def all_content_changed() -> None:
    """Every public page may have changed: reference data, national actions, demo data
    loaded or removed, a restore, an edit in the admin."""
    _give_new_versions(list(Force.objects.order_by("pk").values_list("pk", flat=True)))


#: Called as ``hook(force_ids)`` inside the transaction of every content change, after the
#: new versions: derived data that must change with the public pages (the deliverables'
#: stored statuses, the search index) registers here, from its app's ``ready()``, since this
#: lowest layer imports nothing above it.
_content_hooks: list = []
#: The hooks registered with ``first=True``, run before the others.
_first_hooks: list = []


def on_content_change(hook, *, first: bool = False) -> None:
    """Run ``hook(force_ids)`` in every write that changes public pages, with the ids of the
    forces whose pages changed (every force for :func:`all_content_changed`; none when only
    the national pages did). It runs in the write's transaction: a rolled-back write leaves
    what the hook wrote unwritten too. ``first``: before every hook registered without it,
    for derived data that those read (the search index reads the stored statuses)."""
    hooks = _first_hooks if first else _content_hooks
    if hook not in hooks:
        hooks.append(hook)


def _give_new_versions(force_ids: list[int]) -> None:
    rows = [ContentVersion(force_id=None), *(ContentVersion(force_id=pk) for pk in force_ids)]
    ContentVersion.objects.bulk_create(rows, ignore_conflicts=True)
    version = secrets.randbits(62)
    # The national row first, in every write: writers queue for that one row before locking
    # any other (the inserts above only add missing rows), so two writes cannot each hold a
    # row the other one waits for.
    ContentVersion.objects.filter(force__isnull=True).update(version=version)
    if force_ids:
        ContentVersion.objects.filter(force_id__in=force_ids).update(version=version)
    if settings.PUBLIC_VERSIONS_IN_CACHE:
        slugs = Force.objects.filter(pk__in=force_ids).values_list("slug", flat=True)
        keys = [_version_key(None), *(_version_key(slug) for slug in slugs)]
        transaction.on_commit(lambda: _share_versions(keys, version))
    for hook in (*_first_hooks, *_content_hooks):
        hook(force_ids)


def _version_key(force_slug: str | None) -> str:
    if force_slug is None:
        return f"{VERSION_KEY_PREFIX}:national"
    return f"{VERSION_KEY_PREFIX}:force:{force_slug}"


def _share_versions(keys: list[str], version: int) -> None:
    """After the write committed: the new versions in the shared cache, where every
    process reads them (see :func:`_read_shared_versions`)."""
    cache.set_many(dict.fromkeys(keys, version), settings.PUBLIC_VERSION_CACHE_SECONDS)


def _read_versions(request, force_slug: str | None) -> tuple[int | None, int | None]:
    """(national version, version of the force with ``force_slug``), None where there is no
    row yet; read once per request, from the shared cache (``PUBLIC_VERSIONS_IN_CACHE``) or
    in one query."""
    memo = getattr(request, "_prap_content_versions", None)
    if memo is not None and (force_slug is None or memo[0] == force_slug):
        return memo[1], memo[2]
    if settings.PUBLIC_VERSIONS_IN_CACHE:
        national, force = _read_shared_versions(force_slug)
    else:
        national, force = _read_database_versions(force_slug)
    if request is not None:
        request._prap_content_versions = (force_slug, national, force)
    return national, force


def _read_shared_versions(force_slug: str | None) -> tuple[int | None, int | None]:
    """The versions from the shared cache, without a database query; from the database
    when the cache does not have them all (flushed, restarted, expired, unreachable), and
    put back with ``add``, so that a version a write has just set after its commit is never
    replaced by an older one read before it. They expire after
    ``PUBLIC_VERSION_CACHE_SECONDS``, which bounds how long a version the cache missed (a
    write whose update of the cache failed) can stand."""
    keys = [_version_key(None)] + ([_version_key(force_slug)] if force_slug is not None else [])
    found = cache.get_many(keys)
    if len(found) == len(keys):
        return found[keys[0]], found.get(keys[-1]) if force_slug is not None else None
    national, force = _read_database_versions(force_slug)
    for key, version in zip(keys, (national, force), strict=False):
        if version is not None and key not in found:
            cache.add(key, version, settings.PUBLIC_VERSION_CACHE_SECONDS)
    return national, force


def _read_database_versions(force_slug: str | None) -> tuple[int | None, int | None]:
    # Plain SQL: every public request runs it, and building it with the ORM would cost more
    # than the query itself (see the README's "Performance").
    sql = f"SELECT force_id, version FROM {_VERSIONS} WHERE force_id IS NULL"  # noqa: S608
    params: list[str] = []
    if force_slug is not None:
        sql += f" OR force_id = (SELECT id FROM {_FORCES} WHERE slug = %s)"  # noqa: S608
        params.append(force_slug)
    rows = dict(_fetch_checking_the_connection(sql, params))
    national = rows.pop(None, None)
    force = next(iter(rows.values()), None)
    return national, force


def _fetch_checking_the_connection(sql: str, params: list) -> list[tuple]:
    """Run the version query, which doubles as the request's connection health check.

    With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` on a reused connection before a
    request's first query, to replace a connection the database dropped. For a page answered
    from the cache that would be a second round trip for a one-query request, so the version
    query is that check: if it fails on a broken connection, the connection is closed and the
    query runs once more on a new one, as the check would have done.
    """
    checking = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
    )
    if checking:
        connection.health_check_done = True
    try:
        return _fetch(sql, params)
    except (InterfaceError, OperationalError):
        if not checking:
            raise
        connection.close()
        return _fetch(sql, params)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def national_version(request=None) -> int | None:
    return _read_versions(request, None)[0]


def demo_data_loaded(request=None) -> bool:
    """Whether demonstration data is loaded: cached under the national version, which
    loading or removing it changes."""
    from plans.models import Plan

    def loaded() -> bool:
        return Plan.objects.filter(is_demo=True).exists()

    version = national_version(request)
    if version is None:
        return loaded()
    key = f"{DEMO_FLAG_KEY_PREFIX}:{version}"
    return cache.get_or_set(key, loaded, settings.PUBLIC_PAGE_CACHE_SECONDS)


def is_shared_visit(request) -> bool:
    """True when the page is the same as for everyone: no session (so nobody signed in)
    and no message waiting to be shown."""
    if not request.META.get("HTTP_COOKIE"):
        return True  # no cookie at all (most visits): nothing to parse
    cookies = request.COOKIES
    return not cookies.get(settings.SESSION_COOKIE_NAME) and not cookies.get(
        CookieStorage.cookie_name
    )


def public_page(
    view=None,
    *,
    force_kwarg: str | None = None,
    query: tuple[str, ...] = (),
    kept_empty: tuple[str, ...] = (),
):
    """Cache a public view's page and answer conditional GETs (see the module docstring).

    ``force_kwarg`` names the URL argument holding the force's slug for a force's pages;
    other pages are national. ``query`` names the query parameters the page reads: the view
    sees only those (see :func:`normalise_query`), so nothing else in an address makes
    another page or another cache entry. ``kept_empty`` names those among them whose
    presence means something even when empty (a form sent without a choice says so).
    """
    parameters = QueryParameters(frozenset(query), frozenset(kept_empty))

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            normalise_query(request, parameters)
            if not is_shared_visit(request):
                return _private(view(request, *args, **kwargs))
            if not settings.PUBLIC_PAGE_CACHE:
                return _public(view(request, *args, **kwargs), etag=None)
            answer, key, etag = _look_up(request, force_kwarg, kwargs)
            if answer is not None:
                return answer
            try:
                response = view(request, *args, **kwargs)
            except (OperationalError, InterfaceError):
                # The versions came from the shared cache, but not the page: its last copy.
                copy = _copy_during_outage(request)
                if copy is None:
                    raise
                return copy
            if key is not None and _storable(request, response):
                # Stored by PublicPageCacheMiddleware on the way out, once the middleware
                # below it has added the security headers: a page from the cache is answered
                # above them, with the headers it was first sent with.
                response._prap_store = (key, _latest_key(request))
            return _public(response, etag)

        wrapped.public_page_force_kwarg = force_kwarg
        wrapped.public_page_query = parameters
        return wrapped

    return decorator(view) if view is not None else decorator


class PublicPageCacheMiddleware:
    """Answer a public page that is in the cache (or a conditional GET for it) right below
    the request log, before every other middleware and the view's decorators run: for a
    visitor without cookies they would do nothing but add the same headers again, so the
    page is kept with the headers it was first sent with (security headers, Content-Security-
    Policy, caching) and answered with them. Everything else (misses, signed-in visitors,
    other pages) goes on to the rest of the stack and :func:`public_page`, and a page that
    :func:`public_page` marks as storable is stored here on its way out, with its final
    headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer = self._answer(request)
        if answer is not None:
            return answer
        response = self.get_response(request)
        store = getattr(response, "_prap_store", None)
        if store is not None:
            return _store(request, response, *store)
        return response

    @staticmethod
    def _answer(request):
        if request.method not in ("GET", "HEAD") or not settings.PUBLIC_PAGE_CACHE:
            return None
        if not is_shared_visit(request) or _has_null_character(request):
            return None
        match = _public_match(request.path_info)
        if match is None:
            return None
        normalise_query(request, match.func.public_page_query)
        answer, key, _ = _look_up(request, match.func.public_page_force_kwarg, match.kwargs)
        if answer is None:
            return None
        if answer.status_code == 304:
            # With the headers the page was sent with; without the page at hand, the rest
            # of the stack answers and adds them.
            page = _cached_page(request, key) if key is not None else None
            if page is None:
                return None
            for name, value in page.headers.items():
                if name.lower() not in ("content-type", "content-length"):
                    answer.headers.setdefault(name, value)
        request.resolver_match = match  # for the request log
        return answer


def _has_null_character(request) -> bool:
    """A NUL character in the address: the rest of the stack refuses it (400,
    ``RefuseNullCharactersMiddleware``), even where the page would not read that parameter."""
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in request.path or "%00" in query or "\x00" in query


def _public_match(path: str):
    """The URL match of a public page at ``path``, or None (another page, or none)."""
    return _public_match_in(get_resolver(get_urlconf()), path)


@functools.lru_cache(maxsize=4096)
def _public_match_in(resolver, path: str):
    """Remembered by path (and URL configuration: a new one is a new resolver): matching
    an address against every pattern costs more than the rest of a page from the cache."""
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    if getattr(match.func, "login_required", True):
        return None
    if getattr(match.func, "public_page_force_kwarg", _NOT_PUBLIC) is _NOT_PUBLIC:
        return None
    return match


def _store(request, response, key: str, latest_key: str):
    """Keep the page under ``key`` with the headers it is sent with, and where the address
    last stored its page (``latest_key``), for a database outage; the response, compressed
    for a client that accepts gzip (as it will be from the cache)."""
    compressed = accepts_gzip(request)
    page = StoredPage(
        response.content,
        dict(response.headers),
        _compress(response.content) if compressed else None,
    )
    latest = (key, timezone.now().isoformat(timespec="seconds"))
    cache.set_many({key: page, latest_key: latest}, settings.PUBLIC_PAGE_CACHE_SECONDS)
    _pages_in_memory.put(key, page)
    return _page_response(key, page, compressed=True) if compressed else response


class PagesInMemory:
    """The pages this process last answered, by cache key, up to ``limit`` bytes of content,
    compressed copies included (``PUBLIC_PAGE_MEMORY_BYTES``), least recently used dropped first.

    A page's key holds everything the page depends on (release, content version, date,
    address), so what is under a key never changes: a page found here is the page the shared
    cache holds under that key, without fetching its bytes from Redis on every request. The
    content version is still read for each request (from the shared cache or the database),
    so a write is seen at the very next request as before. Entries expire with the shared
    cache's (``PUBLIC_PAGE_CACHE_SECONDS``). Off (0) with the local-memory cache, which is in
    the process already.
    """

    def __init__(self):
        self._pages: OrderedDict[str, tuple[float, StoredPage]] = OrderedDict()
        self._size = 0

    def get(self, key: str):
        entry = self._pages.get(key)
        if entry is None:
            return None
        expires, page = entry
        if expires < time.monotonic():
            self._drop(key)
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, key: str, page: StoredPage) -> None:
        limit = settings.PUBLIC_PAGE_MEMORY_BYTES
        if limit <= 0 or page.size > limit:
            return
        self._drop(key)
        self._pages[key] = (time.monotonic() + settings.PUBLIC_PAGE_CACHE_SECONDS, page)
        self._size += page.size
        while self._size > limit:
            self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        self._pages.clear()
        self._size = 0

    def _drop(self, key: str) -> None:
        entry = self._pages.pop(key, None)
        if entry is not None:
            self._size -= entry[1].size


_pages_in_memory = PagesInMemory()


def forget_pages_in_memory() -> None:
    """Empty this process's copies of pages (:class:`PagesInMemory`): with the shared cache
    emptied too, the next request renders the page (the benchmark's uncached figures)."""
    _pages_in_memory.clear()


_NOT_PUBLIC = object()


@dataclass(frozen=True)
class QueryParameters:
    """The query parameters a public page reads (``names``), and those among them that
    count even when empty (``kept_empty``)."""

    names: frozenset[str]
    kept_empty: frozenset[str]


def normalise_query(request, parameters: QueryParameters) -> None:
    """Leave in the request's query only what the page reads, in one spelling.

    Parameters the page does not read are dropped, and so are empty values (a filter form
    sends every field, chosen or not), except for a ``kept_empty`` parameter sent with
    nothing in it, kept once as ``name=``; the rest are sorted by name, each name's values
    in the order given (the order of the forces compared is the order of the columns).
    The view and its template then see exactly what the cache key is made of, so
    ``/national/?x=random`` is the page ``/national/`` from the same entry, and no link on a
    stored page repeats what one visitor put in the address.
    """
    if getattr(request, "_prap_query_normalised", False):
        return
    request._prap_query_normalised = True
    if not request.META.get("QUERY_STRING"):
        return  # nothing to leave out (most requests)
    # As WSGIRequest.GET reads it: the bytes of the query, decoded with the request's encoding.
    given = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
    normalised = _normalised_query(given, request.encoding, parameters)
    if normalised != request.META["QUERY_STRING"]:
        request.META["QUERY_STRING"] = normalised
        request.__dict__.pop("GET", None)  # read again, from what is left, if it is read


@functools.lru_cache(maxsize=1024)
def _normalised_query(given: bytes, encoding: str | None, parameters: QueryParameters) -> str:
    """The query string :func:`normalise_query` leaves, remembered for the addresses asked
    for most (parsing and writing a query costs more than the rest of a page from the cache).
    """
    asked = QueryDict(given, encoding=encoding)
    query = QueryDict(mutable=True, encoding=encoding)
    for name in sorted(set(asked) & parameters.names):
        values = [value for value in asked.getlist(name) if value != ""]
        if not values and name in parameters.kept_empty:
            values = [""]
        if values:
            query.setlist(name, values)
    return query.urlencode()


#: The request headers get_conditional_response reads.
_CONDITIONS = frozenset(
    ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
)


def _look_up(request, force_kwarg: str | None, kwargs: dict):
    """``(answer, key, etag)``: the answer is a 304 or the page from the cache, or None;
    key and etag are None when the page has no content version yet (not cached)."""
    force_slug = kwargs[force_kwarg] if force_kwarg else None
    try:
        national, force = _read_versions(request, force_slug)
    except (OperationalError, InterfaceError):
        copy = _copy_during_outage(request)
        if copy is None:
            raise
        return copy, None, None
    version = force if force_kwarg else national
    if version is None:
        return None, None, None
    key = _page_key(request, version)
    etag = f'W/"{key.rsplit(":", 1)[1]}"'
    # Only a request with a condition can be answered 304 (or 412).
    conditional = not _CONDITIONS.isdisjoint(request.META)
    not_modified = get_conditional_response(request, etag=etag) if conditional else None
    if not_modified is not None:
        return _public(not_modified, etag), key, etag
    page = _cached_page(request, key)
    if page is not None:
        # Stored with the caching headers it was sent with (public_page).
        return _from_cache(request, key, page), key, etag
    return None, key, etag


def _cached_page(request, key: str):
    """The page under ``key``: from this process's memory, or from the shared cache (and
    then kept in memory); looked up once per request."""
    if getattr(request, "_prap_page_missed", None) == key:
        return None
    page = _pages_in_memory.get(key)
    if page is None:
        page = cache.get(key)
        if page is None:
            request._prap_page_missed = key
            return None
        _pages_in_memory.put(key, page)
    return page


def _from_cache(request, key: str, page: StoredPage) -> HttpResponse:
    """The stored page as the response to ``request``: gzip-compressed for a client that
    accepts it (compressed now, and kept, if nobody had asked for it that way before)."""
    if not accepts_gzip(request):
        return _page_response(key, page, compressed=False)
    if page.compressed is None:
        page = page._replace(compressed=_compress(page.content))
        _keep(key, page)
    return _page_response(key, page, compressed=True)


def _page_response(key: str, page: StoredPage, compressed: bool) -> HttpResponse:
    """The page under ``key`` as a response, plain or gzip-compressed."""
    content = page.compressed if compressed else page.content
    return StoredPageResponse(content, _header_store(key, page, compressed))


def _compressed_store(page: StoredPage) -> dict:
    headers = {**page.headers, "Content-Length": str(len(page.compressed))}
    headers["Content-Encoding"] = "gzip"
    return _store_of(headers)


def _store_of(headers: dict) -> dict:
    # As ResponseHeaders keeps them: (name as given, value) by lower-case name.
    return {name.lower(): (name, value) for name, value in headers.items()}


#: The headers of each stored page as a response keeps them, plain and compressed, by page
#: key (which names the page's content: what is under a key never changes).
_header_stores: dict[tuple[str, bool], dict] = {}


def _header_store(key: str, page: StoredPage, compressed: bool) -> dict:
    """A copy of the headers of the page under ``key``, as a response keeps them: worked
    out once per page and process, not for every request."""
    store = _header_stores.get((key, compressed))
    if store is None:
        store = _compressed_store(page) if compressed else _store_of(page.headers)
        if len(_header_stores) >= 1024:
            _header_stores.clear()
        _header_stores[(key, compressed)] = store
    return store.copy()


class _StoredHeaders(ResponseHeaders):
    """A stored page's headers: kept as given (Django checked each name and value when the
    page was first sent), and listed for the server as they are kept."""

    def items(self):
        # The (name, value) pairs Mapping.items() would make one lookup at a time.
        return list(self._store.values())


class StoredPageResponse(HttpResponse):
    """A page from the cache: an ``HttpResponse`` with the stored content and headers.

    It is made as ``HttpResponse(content)`` makes itself, but with its headers given as they
    were stored (``_store``, see :class:`_StoredHeaders`), without checking each name and
    value again and without working out a default ``Content-Type`` first: this is most of
    what a page from the cache costs above ``/healthz``. Every attribute ``HttpResponse``
    sets is set (``tests/public/test_compressed_pages.py`` compares them), so the middleware
    above and the server treat it as any other response.
    """

    def __init__(self, content: bytes, store: dict):
        headers = _StoredHeaders.__new__(_StoredHeaders)
        headers._store = store
        self.headers = headers
        self._charset = None
        self._resource_closers = []
        self._handler_class = None
        self.cookies = SimpleCookie()
        self.closed = False
        self._reason_phrase = None
        self._container = [content]


def _compress(content: bytes) -> bytes:
    # mtime=0: the same page compresses to the same bytes in every process.
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip(request) -> bool:
    """Whether the request's ``Accept-Encoding`` accepts gzip: named (or ``x-gzip``), or
    covered by ``*``, with a quality above 0 (RFC 9110, 12.5.3)."""
    return _accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))


@functools.lru_cache(maxsize=256)
def _accepts_gzip(header: str) -> bool:
    named = anything = None
    for item in header.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding in ("gzip", "x-gzip"):
            named = quality if named is None else max(named, quality)
        elif coding == "*":
            anything = quality
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def _keep(key: str, page: StoredPage) -> None:
    """Keep ``page`` under ``key`` in the shared cache and this process's memory."""
    cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
    _pages_in_memory.put(key, page)


def _latest_key(request) -> str:
    address = f"{release.current()}|{request.build_absolute_uri()}"
    return f"{LATEST_KEY_PREFIX}:{hashlib.sha256(address.encode()).hexdigest()[:40]}"


def _copy_during_outage(request) -> HttpResponse | None:
    """The last page stored for this address, while the database cannot say whether it is
    current: said on the page ("may be out of date"), never stored by a shared cache, and
    logged. None when there is no copy (the request then fails as it would have)."""
    latest = cache.get(_latest_key(request))
    page = cache.get(latest[0]) if latest else None
    if page is None:
        return None
    content = page.content
    # Sent as it was, but never as a page a shared cache may keep or revalidate by tag.
    headers = {
        name: value
        for name, value in page.headers.items()
        if name.lower() not in ("cache-control", "etag", "content-length")
    }
    stored_at = dt.datetime.fromisoformat(latest[1])
    notice = render_to_string("includes/_outage_notice.html", {"stored_at": stored_at})
    content = content.replace(OUTAGE_PLACEHOLDER, notice.encode(), 1)
    response = HttpResponse(content, headers=headers)
    response["Content-Length"] = str(len(content))
    patch_cache_control(response, no_cache=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])
    response["X-PRAP-Copy-From"] = latest[1]
    outage_logger.warning(
        "database unavailable: served the copy of a public page stored at %s",
        latest[1],
        extra={"event": "stale_page_served", "stored_at": latest[1]},
    )
    return response


class _Today:
    """Today's date in the site's time zone (``TIME_ZONE``), as ``timezone.localdate()``
    gives it, worked out again only once the day it found has ended (or the time zone
    setting changed): every page from the cache needs it for its key."""

    def __init__(self):
        self._zone = None
        self._starts = self._ends = 0.0
        self._day = ""

    def __call__(self) -> str:
        now = time.time()
        zone = timezone.get_default_timezone()
        if zone is not self._zone or not self._starts <= now < self._ends:
            day = dt.datetime.fromtimestamp(now, zone).date()
            starts = dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()
            ends = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
            ends = ends.timestamp()
            if not starts <= now < ends:  # a midnight the clocks skip: ask again next time
                starts = ends = now
            self._zone, self._starts, self._ends, self._day = zone, starts, ends, day.isoformat()
            return self._day
        return self._day


_today = _Today()


def _page_key(request, version: int) -> str:
    """The cache key of the page: the release, content version, today's date and the full
    address (scheme, host, path and the query as :func:`normalise_query` left it: feeds write
    absolute links)."""
    # build_absolute_uri() without resolving the address against itself (urljoin): the
    # host validated as it does, the path escaped and the query as get_full_path gives them.
    address = f"{request.scheme}://{_host(request)}{request.get_full_path()}"
    today = _today()
    key = f"{release.current()}|{version}|{today}|{address}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{PAGE_KEY_PREFIX}:{digest}"


def _host(request) -> str:
    """``request.get_host()``: the host checked against ``ALLOWED_HOSTS`` by Django (a
    disallowed one raises ``DisallowedHost``, 400 Bad Request), a host that passed the check
    remembered with the settings it passed under: it runs for every page from the cache."""
    host = request._get_raw_host()
    passed = (host, tuple(settings.ALLOWED_HOSTS), settings.DEBUG)
    if passed not in _hosts_allowed:
        host = request.get_host()  # raises for a host not allowed
        if len(_hosts_allowed) >= 64:
            _hosts_allowed.clear()
        _hosts_allowed.add(passed)
    return host


#: (host, ALLOWED_HOSTS, DEBUG) for the hosts that passed Django's check (:func:`_host`).
_hosts_allowed: set[tuple] = set()


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that rendered a CSRF token would carry one visitor's token to the next.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def _public(response, etag: str | None):
    if response.status_code not in (200, 304):
        return response
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
    # Cookie: a visitor with one may get another page; Accept-Encoding: a page from the
    # cache is gzip-compressed for a client that accepts it (_from_cache).
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    if etag is not None:
        response["ETag"] = etag
    return response


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
