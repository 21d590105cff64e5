"""The warning before a staff session's idle time-out (``static/js/session-timeout.js``)."""

from django import template
from django.conf import settings

register = template.Library()

MIN_WARNING_SECONDS = 20


@register.inclusion_tag("accounts/includes/_session_timeout.html", takes_context=True)
def session_timeout_warning(context):
    """The dialog, closed, with the time-out and how long before it to warn as data for the
    script: at least ``MIN_WARNING_SECONDS`` (WCAG 2.2.1 asks for 20 seconds to respond),
    never longer than the time-out itself."""
    idle = settings.SESSION_IDLE_SECONDS
    warning = max(settings.SESSION_WARNING_SECONDS, MIN_WARNING_SECONDS)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "idle_seconds": idle,
        "warning_seconds": min(warning, idle),
        "idle_minutes": idle // 60,
    }
