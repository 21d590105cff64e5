"""``{% roadmap_marks deliverable panel_challenges %}``: what the roadmap says of a
deliverable beside its title, in the grid and in the list by workstream alike.

Its status in words and colour (or Withdrawn), then as they apply: Overdue, Past its original
due quarter, and the panel's challenge (Some concerns or Disagree, with its quarter). Made
once per deliverable and page: the list says the same as the grid, and a large roadmap shows
hundreds of deliverables (a tag written in the template cost about 12 us a deliverable each
time it was said).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from public.templatetags.prap import status_tag

register = template.Library()

OVERDUE = '<span class="prap-overdue">Overdue</span>'
PAST_ORIGINAL_DUE = '<span class="prap-overdue">Past its original due quarter</span>'


@register.simple_tag
def roadmap_marks(deliverable, challenges: dict | None) -> SafeString:
    """The marks of ``deliverable`` (a roadmap's, with ``overdue`` and ``past_original_due``
    set by :func:`actions.roadmap.build_roadmap`); ``challenges`` is ``{deliverable id: panel
    view}`` of the views that challenge one (:func:`panels.models.latest_challenges`)."""
    kept = deliverable.__dict__.get("_roadmap_marks")
    if kept is not None and kept[0] is challenges:
        return kept[1]
    marks = [
        status_tag("withdrawn", "Withdrawn")
        if deliverable.is_withdrawn
        else status_tag(deliverable.current_status)
    ]
    if deliverable.overdue:
        marks.append(OVERDUE)
    if deliverable.past_original_due:
        marks.append(PAST_ORIGINAL_DUE)
    challenge = (challenges or {}).get(deliverable.pk)
    if challenge:
        marks.append(
            format_html(
                '<span class="prap-panel-mark">Panel: {} ({})</span>',
                challenge.get_verdict_display().lower().capitalize(),
                challenge.quarter,
            )
        )
    # Safe: the status tags and the panel's mark are escaped by format_html, the rest is
    # fixed text.
    html = mark_safe("\n".join(marks))  # nosec B308, B703
    deliverable.__dict__["_roadmap_marks"] = (challenges, html)
    return html
