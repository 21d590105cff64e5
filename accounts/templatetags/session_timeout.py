"""The warning before a staff session's idle time-out (``static/js/session-timeout.js``)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/includes/_session_timeout.html", takes_context=True)
def session_timeout_warning(context):
    """The dialog, closed, with the time-out and how long before it to warn (never longer
    than the time-out itself) as data for the script."""
    idle = settings.SESSION_IDLE_SECONDS
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "idle_seconds": idle,
        "warning_seconds": min(settings.SESSION_WARNING_SECONDS, idle),
        "idle_minutes": idle // 60,
    }
