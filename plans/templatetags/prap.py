"""Template helpers shared by every page."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_item(context, href: str, label: str):
    """A service-navigation item, marked current when the page is in that section."""
    path = context["request"].path
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
    from actions.models import Status

    text = label or Status(status).label
    return format_html('<strong class="prap-status prap-status--{}">{}</strong>', status, text)


@register.filter
def milestone_overdue(milestone, today) -> bool:
    """``{% if milestone|milestone_overdue:today %}``"""
    return milestone.is_overdue(today)
