"""Project middleware: health probes, the request log, no-store on private pages, and the
field limit of the one form that needs more than Django's (the quarterly return)."""

import logging
import os
import re
import time
import uuid
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousOperation, TooManyFieldsSent
from django.db import connections
from django.http import HttpResponse, QueryDict
from django.utils.cache import add_never_cache_headers
from django.utils.datastructures import MultiValueDict

from prap.logs import (
    REQUEST_LINE_CONTEXT,
    REQUEST_LINE_FIELDS,
    REQUEST_LOGGER,
    request_context,
    request_line_level,
    resolved_user,
    scrub,
    server_writes_request_lines,
)
from prap.security import DeniedAsNotFound, log_event

request_logger = logging.getLogger(REQUEST_LOGGER)
health_logger = logging.getLogger("prap.health")

# An X-Request-ID from the proxy is kept when it looks like an id (so a line in the proxy's
# log and ours can be matched); anything else is replaced, so nobody can write into our logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

# Pages that show private data: never stored by the browser or any cache on the way.
NO_STORE_PREFIXES = ("/staff/", "/accounts/", "/admin/")


def _text(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Answered above CommonMiddleware, which sets it on every other response: without it
    # the server would send these few bytes chunked.
    response["Content-Length"] = str(len(response.content))
    return response


def readiness_problem() -> str | None:
    """Why this instance cannot serve pages now (``None`` when it can): only the database
    counts. Short reasons only: the probe is reachable without authentication, so it says
    nothing about versions or addresses; the cause goes to the log."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        health_logger.warning(
            "readiness check: database unavailable", extra={"error": type(error).__name__}
        )
        return "database unavailable"
    return None


def cache_works() -> bool:
    """Whether the cache keeps a value now. Without it pages are slower, not missing: every
    instance shares the one cache, so a failing cache must not take them all out of the
    load balancer (``/readyz`` stays 200 and says "cache degraded")."""
    key = f"prap:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=30)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as error:
        health_logger.warning(
            "readiness check: cache unavailable", extra={"error": type(error).__name__}
        )
        return False
    if answered != "ok":
        health_logger.warning("readiness check: cache did not keep a value")
        return False
    return True


class HealthCheckMiddleware:
    """Answer the probes first, before host validation, HTTPS redirects, sessions and the
    request log: a load balancer or container health check calls them by IP over plain HTTP.

    - ``/healthz`` (liveness): the process answers. Never touches the database.
    - ``/readyz`` (readiness): 200 ``ready`` when the database answers ``SELECT 1`` and the
      cache keeps a value; 200 ``ready, cache degraded`` when only the cache fails (pages are
      slower, not missing); 503 ``database unavailable`` otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _text("ok")
        if request.path == "/readyz":
            problem = readiness_problem()
            if problem:
                return _text(problem, status=503)
            return _text("ready" if cache_works() else "ready, cache degraded")
        return self.get_response(request)


def _force_slug(request, user) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        if "force_slug" in match.kwargs:
            return str(match.kwargs["force_slug"])
        if match.route.startswith("forces/") and "slug" in match.kwargs:
            return str(match.kwargs["slug"])
    if user is not None:
        force = getattr(user, "_state", None) and user._state.fields_cache.get("force")
        if force is not None:
            return force.slug
    return None


def _end_request_context() -> None:
    """Lines written from now on belong to no request (set, not reset: a response nobody
    closed must not leave its request's context behind for the next one to restore)."""
    request_context.set(None)


class RequestLogMiddleware:
    """Give every request an id (``X-Request-ID``, propagated from the proxy when sensible),
    make it and the request's path available to every log line written while serving it, and
    write one line per response: method, path, status, duration, user id and force. Under
    gunicorn with ``prap.gunicorn_logging`` the server writes that line once the response is
    sent, with these fields and its own (bytes, address): one line per request, not two.

    Refusals are security events: a 403, and a 404 raised as ``DeniedAsNotFound``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # 128 random bits in hex, as uuid4().hex but without building a UUID on every request.
        request_id = incoming if REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()
        request.request_id = request_id
        context = {
            "request_id": request_id,
            "method": request.method,
            "path": scrub(request.path),
            "user_id": None,
            "force": None,
            "_request": request,
        }
        request_context.set(context)
        try:
            response = self.get_response(request)
            user = resolved_user(request)
            context["user_id"] = user.pk if user is not None else None
            context["force"] = context["force"] or _force_slug(request, user)
            if response.status_code == 403 and not getattr(request, "_prap_refusal_logged", False):
                log_event("permission_denied", request, level=logging.WARNING, status=403)
            response["X-Request-ID"] = request_id
            if server_writes_request_lines():
                # One line per request: the server writes it once the response is sent.
                request.META[REQUEST_LINE_FIELDS] = {
                    field: context[field] for field in REQUEST_LINE_CONTEXT
                }
            else:
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                status = response.status_code
                request_logger.log(
                    request_line_level(status),
                    f"{request.method} {context['path']} {status}",
                    extra={"status": status, "duration_ms": duration_ms},
                )
        except BaseException:
            _end_request_context()
            raise
        # Django writes its line for a response of 400 or more ("Service Unavailable: /path",
        # django.request) once the middleware have returned it (BaseHandler.get_response):
        # the request's context stays until the response is closed, so that line has it too.
        response._resource_closers.append(_end_request_context)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DeniedAsNotFound):
            reason = str(exception) or "not this person's object"
            log_event("access_denied", request, level=logging.WARNING, status=404, reason=reason)
            request._prap_refusal_logged = True
        elif isinstance(exception, PermissionDenied):
            reason = str(exception) or "permission denied"
            log_event(
                "permission_denied", request, level=logging.WARNING, status=403, reason=reason
            )
            request._prap_refusal_logged = True
        return None


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and no-cache, private) on every response under the staff
    pages, sign-in and the admin, whatever the view did, error pages included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(NO_STORE_PREFIXES):
            add_never_cache_headers(response)
        return response


class NullCharacterInQuery(SuspiciousOperation):
    """A NUL character in the query string: no page takes one, and a database refuses it."""


class RefuseNullCharactersMiddleware:
    """400 Bad Request for a query string with a NUL character (``%00``) in any name or value,
    before any view reads it. Django's text fields refuse it, but choice and model-choice
    fields, filters and hand-read parameters do not, and PostgreSQL raises on it (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            raise NullCharacterInQuery("A NUL character in the address or query string.")
        return self.get_response(request)


def accepts_form_fields(limit: int):
    """Let a view take a form of up to ``limit`` fields instead of Django's usual 1,000
    (``DATA_UPLOAD_MAX_NUMBER_FIELDS``), read by :class:`LargeFormMiddleware`. The size of
    the request stays limited by ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""

    def decorator(view):
        view.max_form_fields = limit
        return view

    return decorator


class LargeFormMiddleware:
    """Read the form sent to a view marked :func:`accepts_form_fields` with that view's
    limit on the number of fields, before the CSRF middleware reads it with the usual one
    (which would answer 400 Bad Request). Only URL-encoded forms: a multipart form (a file
    upload) keeps Django's limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_form_fields", None)
        if (
            limit is not None
            and request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and not hasattr(request, "_post")
        ):
            request._post = _form_fields(request, limit)
            request._files = MultiValueDict()
        return None


def _form_fields(request, limit: int) -> QueryDict:
    encoding = request.encoding or settings.DEFAULT_CHARSET
    # request.body refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, as for any form.
    text = request.body.decode(encoding, errors="replace")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=limit)
    except ValueError as error:
        raise TooManyFieldsSent(
            f"The number of GET/POST parameters exceeded this form's limit of {limit}."
        ) from error
    form = QueryDict(mutable=True, encoding=encoding)
    for name, value in pairs:
        form.appendlist(name, value)
    form._mutable = False
    return form
