from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from search.terms import START, STOP

register = template.Library()


@register.filter
def marked(text: str):
    """Escape ``text`` entirely, then turn the search's match markers into ``<mark>`` tags:
    the only markup a result's words can carry."""
    escaped = str(escape(text or ""))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))
