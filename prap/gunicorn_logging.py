"""gunicorn's logger for PRAP Tracker: its access line is the request's one line.

Without it, every request answered by gunicorn wrote two lines: gunicorn's access line
(address, bytes sent, time until the last byte) and the application's (``prap.request``:
request id, user, force, time in Django). :class:`RequestLineLogger` (``logger_class`` in
``gunicorn.conf.py``) writes one ``prap.request`` line per request once the response is
sent, with both: the application leaves its fields in the WSGI environ
(``prap.logs.REQUEST_LINE_FIELDS``, by ``prap.middleware.RequestLogMiddleware``) instead of
writing its own line. A request the application did not log (``/healthz``, ``/readyz``,
answered above the request log) has the line too, without a request id, user or force.

Cheaper than gunicorn's own access line as well: that one gathers every request header,
response header and environ entry into a dictionary for its format on each request.
"""

from __future__ import annotations

import logging
import traceback

from gunicorn import glogging

from prap.logs import (
    REQUEST_LINE_CONTEXT,
    REQUEST_LINE_FIELDS,
    REQUEST_LOGGER,
    request_line_level,
    scrub,
    set_server_writes_request_lines,
)


def request_line(status: int, environ: dict, duration_ms: float, sent: int | None):
    """The request's line as a log record: the application's fields when it left them,
    what the server knows otherwise; WARNING for a server error, as the application's."""
    fields = environ.get(REQUEST_LINE_FIELDS)
    method = environ.get("REQUEST_METHOD", "")
    if fields is None:
        fields = dict.fromkeys(REQUEST_LINE_CONTEXT)
        fields["path"] = scrub(environ.get("PATH_INFO", ""))
    record = logging.LogRecord(
        REQUEST_LOGGER,
        request_line_level(status),
        "",
        0,
        f"{method} {fields['path']} {status}",
        None,
        None,
    )
    record.__dict__.update(fields)
    record.method = method
    record.status = status
    record.duration_ms = duration_ms
    record.bytes = sent
    record.remote_addr = environ.get("REMOTE_ADDR")
    return record


class RequestLineLogger(glogging.Logger):
    """gunicorn's logger, but for the access line (see the module docstring). Its handlers,
    format and level are gunicorn's access log's (``logconfig_dict``)."""

    def setup(self, cfg):
        super().setup(cfg)
        set_server_writes_request_lines(self.access_log_enabled)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            duration_ms = round(request_time.total_seconds() * 1000, 1)
            record = request_line(resp.status_code or 0, environ, duration_ms, resp.sent)
            if self.access_log.isEnabledFor(record.levelno):
                self.access_log.handle(record)
        except Exception:
            self.error(traceback.format_exc())
