"""Template helpers shared by every page."""

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from actions.progress import DISPLAY_ORDER, STATUS_LABELS, StatusCounts

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_item(context, href: str, label: str):
    """A service-navigation item, marked current when the page is in that section.

    Works without a request in the context (the 500 page renders without one).
    """
    request = context.get("request")
    path = request.path if request else ""
    current = path == href or (href != "/" and path.startswith(href))
    if current:
        return format_html(
            '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
            '<a class="govuk-service-navigation__link" href="{}" aria-current="true">'
            '<strong class="govuk-service-navigation__active-fallback">{}</strong></a></li>',
            href,
            label,
        )
    return format_html(
        '<li class="govuk-service-navigation__item">'
        '<a class="govuk-service-navigation__link" href="{}">{}</a></li>',
        href,
        label,
    )


@register.filter
def status_tag(status: str, label: str = ""):
    """A status shown in words and colour: ``{{ deliverable.current_status|status_tag }}``."""
    return _status_tag(status, str(label), get_language())


@lru_cache(maxsize=64)
def _status_tag(status: str, label: str, language: str | None):
    """The tag of ``status`` in ``language``, made once: a roadmap shows hundreds of them,
    all among half a dozen."""
    from actions.models import Status

    text = label or Status(status).label
    return format_html('<strong class="prap-status prap-status--{}">{}</strong>', status, text)


@register.simple_tag
def status_bar(counts: StatusCounts | None):
    """A small stacked bar of deliverables by status, drawn in SVG (no inline styles).

    Decorative: the page always gives the same numbers in text beside it.
    """
    counts = counts or StatusCounts()
    total = counts.total
    segments = []
    x = 0.0
    for status in DISPLAY_ORDER:
        count = getattr(counts, status)
        if not count:
            continue
        width = 100 * count / total
        segments.append((status, f"{x:.3f}", f"{width:.3f}"))
        x += width
    return format_html(
        '<svg class="prap-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">'
        '<rect class="prap-bar__track" x="0" y="0" width="100" height="10"></rect>{}</svg>',
        format_html_join(
            "",
            '<rect class="prap-bar__segment prap-bar__segment--{}" x="{}" y="0" '
            'width="{}" height="10"></rect>',
            segments,
        ),
    )


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, "Withdrawn" if status == "withdrawn" else status)


@register.filter
def web_address(url: str) -> bool:
    """Whether ``url`` is safe to link to: only http and https addresses become links."""
    return url.lower().startswith(("https://", "http://"))


@register.filter
def milestone_overdue(milestone, today) -> bool:
    """``{% if milestone|milestone_overdue:today %}``"""
    return milestone.is_overdue(today)


@register.filter
def machine_datetime(moment) -> str:
    """A moment for ``<time datetime="...">``: ISO 8601 in UTC to the second, with no
    microseconds (the HTML standard allows at most three fraction digits; a published
    update's real ``published_at`` has six)."""
    if not moment:
        return ""
    from datetime import UTC

    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
