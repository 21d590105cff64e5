from django import template

register = template.Library()


@register.filter
def panel_challenge(challenges: dict, deliverable):
    """The panel view that challenges ``deliverable`` (Some concerns or Disagree), or None."""
    return (challenges or {}).get(deliverable.pk)
