"""Error pages: a lost database is "unavailable" (503, try again), not a fault (500)."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

#: Seconds a client is told to wait before trying again while the database is unreachable.
RETRY_AFTER = 30


def server_error(request) -> HttpResponse:
    """``handler500``: called while the uncaught exception is being handled."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return defaults.server_error(request)
