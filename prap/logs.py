"""Structured logging: one JSON object a line, with the context of the request being served.

Every line carries a UTC timestamp, level, logger and message, and while a request is being
served its request id, user id, force and path (set by ``prap.middleware.RequestLogMiddleware``
in a context variable, so lines from any code during that request get them without passing the
request around). Extra fields given with ``logger.info(..., extra={...})`` are included, except
that a value under a key that looks like a secret (password, token, session, cookie, csrf, key,
authorization) is replaced by ``[redacted]``, recursively, and objects such as the request are
never serialised.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import json
import logging
import logging.config
import math
import re
import time
from typing import Any

import orjson

REDACTED = "[redacted]"

# Keys whose values never reach a log line. Matched anywhere in the key, case-insensitively:
# "password1", "new_password", "session_key", "csrfmiddlewaretoken", "HTTP_COOKIE"...
SENSITIVE_KEY = re.compile(
    r"pass(word|wd|phrase)?|secret|token|session|cookie|csrf|authoriz|api.?key|(^|_)otp|"
    r"signature|credential|recovery.?code",
    re.IGNORECASE,
)

# Secrets that travel inside URLs: password-reset, e-mail-confirmation and alert (confirm,
# unsubscribe) links carry a token in the path, and a query string may carry one too.
# Scrubbed from every message and path.
_SECRET_IN_URL = (
    (re.compile(r"(/(?:reset|confirm-email|key|confirm|unsubscribe)/)[^\s\"?#]+"), r"\1[redacted]"),
    (
        re.compile(
            r"([?&](?:[\w-]*(?:token|key|code|password|secret|session|csrf)[\w-]*)=)[^&\s\"#]+",
            re.IGNORECASE,
        ),
        r"\1[redacted]",
    ),
)

#: What a path with a secret in it has (the first pattern above).
_SECRET_PATH_PARTS = ("/reset/", "/confirm-email/", "/key/", "/confirm/", "/unsubscribe/")

# The context of the request being served (or empty outside a request).
request_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "prap_request_context", default=None
)

CONTEXT_FIELDS = ("request_id", "user_id", "force", "method", "path")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}

# Objects Django attaches to records that must never be serialised (they hold cookies, headers
# and the session).
_NEVER_SERIALISE = {"request", "server_time"}


@functools.lru_cache(maxsize=512)
def _is_sensitive(key: str) -> bool:
    return bool(SENSITIVE_KEY.search(key))


def redact(value: Any, key: str = "") -> Any:
    """Return ``value`` fit for a log line: secrets under sensitive keys replaced, containers
    walked, anything that is not plain data turned into its type name."""
    if key and _is_sensitive(key):
        return REDACTED
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return f"<{type(value).__name__}>"


def scrub(text: str) -> str:
    """``text`` with tokens in password-reset links and secret query parameters redacted."""
    (path_secret, path_redacted), (query_secret, query_redacted) = _SECRET_IN_URL
    # Every request's path and log line comes here: the patterns run only where they can
    # match (a link with a secret in its path, a query).
    if any(part in text for part in _SECRET_PATH_PARTS):
        text = path_secret.sub(path_redacted, text)
    if "?" in text or "&" in text:
        text = query_secret.sub(query_redacted, text)
    return text


def resolved_user(request) -> Any:
    """The signed-in user if something in this request already loaded them, else ``None``:
    logging never costs a session or user query of its own."""
    lazy = getattr(request, "user", None)
    if lazy is None:
        return None
    user = lazy.__dict__.get("_wrapped", lazy)
    if getattr(user, "is_authenticated", False) is True:
        return user
    return None


def current_context() -> dict[str, Any]:
    """The current request's log fields (empty outside a request)."""
    context = request_context.get()
    if not context:
        return {}
    if context.get("user_id") is None and context.get("_request") is not None:
        user = resolved_user(context["_request"])
        if user is not None:
            context["user_id"] = user.pk
    return context


def update_context(**fields: Any) -> None:
    """Add fields (such as ``force="dorset"``) to every later line of the current request."""
    context = request_context.get()
    if context is not None:
        context.update(fields)


class RequestContextFilter(logging.Filter):
    """Copy the current request's context onto each record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_context()
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, context.get(field))
        return True


def _gunicorn_access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """The structured fields of a gunicorn access line (its message keeps the whole line)."""
    request_id = atoms.get("{x-request-id}o")
    fields: dict[str, Any] = {
        "request_id": request_id if request_id not in (None, "-") else None,
        "method": atoms.get("m"),
        "path": scrub(str(atoms.get("U", ""))),
        "remote_addr": atoms.get("h"),
    }
    try:
        fields["status"] = int(atoms.get("s"))
        fields["duration_ms"] = int(atoms.get("M"))
    except (TypeError, ValueError):
        pass
    return fields


#: Where the application leaves its part of a request's line (request id, user, force, path)
#: for the server that writes the line (:mod:`prap.gunicorn_logging`): the WSGI environ,
#: which gunicorn hands to its access logger once the response is sent.
REQUEST_LINE_FIELDS = "prap.request_line"

#: The logger of each request's one line, whoever writes it.
REQUEST_LOGGER = "prap.request"

#: The fields the application leaves there (the rest of the line is the server's).
REQUEST_LINE_CONTEXT = ("request_id", "user_id", "force", "path")


def request_line_level(status: int) -> int:
    """The level of a request's line: WARNING for a server error, INFO otherwise."""
    return logging.WARNING if status >= 500 else logging.INFO


_server_writes_request_lines = False


def server_writes_request_lines() -> bool:
    """Whether the server this process runs under writes one line per request with the
    application's fields (gunicorn with ``prap.gunicorn_logging.RequestLineLogger``, as
    ``gunicorn.conf.py`` sets): the application then leaves them to it (``REQUEST_LINE_FIELDS``)
    instead of writing a line of its own, and every request has one line, not two."""
    return _server_writes_request_lines


def set_server_writes_request_lines(writes: bool) -> None:
    """Said by the server's logger when it is set up (in gunicorn's master, before the
    workers fork: each worker inherits it)."""
    global _server_writes_request_lines
    _server_writes_request_lines = writes


#: Everything on a record that is not an extra field of its own (``extra=``).
_NOT_EXTRA = _RECORD_ATTRIBUTES | set(CONTEXT_FIELDS) | _NEVER_SERIALISE


#: For what orjson refuses (a lone surrogate in a string, an integer over 64 bits).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _encode(entry: dict[str, Any]) -> str:
    """The line's JSON, with orjson (a tenth of the time of ``json.dumps``: every response
    writes a line); anything else is written as ``str()`` writes it."""
    try:
        return orjson.dumps(entry, default=str).decode()
    except TypeError:  # orjson.JSONEncodeError
        return _ENCODER.encode(entry)


class _Timestamps:
    """``created`` (seconds since the epoch) as ``2026-12-07T11:13:00.409Z``, as
    ``datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`` writes it,
    with the date and time worked out once a second (every line has one)."""

    def __init__(self):
        self._last = (None, "")

    def __call__(self, created: float) -> str:
        # Rounded to the microsecond as datetime does, then cut to the millisecond.
        fraction, whole = math.modf(created)
        second, micro = int(whole), round(fraction * 1_000_000)
        if micro >= 1_000_000:
            second, micro = second + 1, micro - 1_000_000
        last = self._last  # one tuple, replaced whole: safe in every thread
        if last[0] != second:
            last = self._last = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        return f"{last[1]}.{micro // 1000:03d}Z"


_timestamp = _Timestamps()


class JsonFormatter(logging.Formatter):
    """One JSON object a line: timestamp (UTC, ISO 8601), level, logger, message, the request
    context, extra fields (redacted) and the exception, if any.

    Every response writes a line, so this is on the path of a page answered from the cache:
    the request's context is looked up only for fields the record does not carry already
    (:class:`RequestContextFilter` copies them), and the encoder and the sensitive-key
    checks are made once."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        attributes = record.__dict__
        context = None
        for field in CONTEXT_FIELDS:
            value = attributes.get(field)
            if value is None:
                if context is None:
                    context = current_context()
                value = context.get(field)
            entry[field] = value
        # The extra fields by name: the record's other attributes left out in one set
        # operation rather than one test each.
        for key in sorted(attributes.keys() - _NOT_EXTRA):
            if not key.startswith("_"):
                entry[key] = redact(attributes[key], key)
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_gunicorn_access_fields(record.args))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return _encode(entry)


def configure(logging_settings: dict[str, Any]) -> None:
    """``LOGGING_CONFIG``: Django's ``dictConfig`` of ``LOGGING``, with the records made
    without what no line here shows: the caller's file, line and function (a walk up the
    stack for every record; the logging HOWTO's "Optimization"), the thread, the process id
    and the multiprocessing process name."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging.config.dictConfig(logging_settings)
