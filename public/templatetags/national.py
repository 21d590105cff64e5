"""Template helpers for the national comparison, return tracker and open data pages."""

from django import forms, template

from actions.comparison import in_display_order

register = template.Library()


@register.filter
def govuk_widget(field):
    """Render a form field's widget with GOV.UK classes and its hint and error described."""
    widget = field.field.widget
    css = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        css += f" {css}--error"
        described.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


NATIONAL_SECTIONS = [
    ("/national/", "All forces"),
    ("/national/compare/", "Compare forces"),
    ("/national/coverage/", "National actions coverage"),
    ("/national/trend/", "Trend"),
    ("/national/disparities/", "Stop and search disparities"),
]


@register.inclusion_tag("plans/includes/_national_nav.html", takes_context=True)
def national_nav(context):
    return {"request": context["request"], "national_sections": NATIONAL_SECTIONS}


@register.simple_tag(takes_context=True)
def table_head(context, table):
    """A ``public.tables.GovukTable``'s header cells, sorting links from the request's."""
    return table.head(context["request"])


@register.filter
def status_items(counts):
    """``(status, label, count)`` of a StatusCounts in display order, complete first."""
    return in_display_order(counts)
