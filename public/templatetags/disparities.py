"""Template filters for the disparity figures: numbers written the same way everywhere."""

from django import template

register = template.Library()


@register.filter
def rate(value) -> str:
    """A rate per 1,000 to two decimals, or "unknown"."""
    return "unknown" if value is None else f"{value:,.2f}"


@register.filter
def times(ratio) -> str:
    """A ``RateRatio`` as "4.08", or "unknown"."""
    return "unknown" if ratio is None else f"{ratio.ratio:.2f}"


@register.filter
def interval(ratio) -> str:
    """A ``RateRatio``'s 95% interval as "4.04 to 4.12", or "none"."""
    if ratio is None or ratio.lower is None:
        return "none"
    return f"{ratio.lower:.2f} to {ratio.upper:.2f}"


@register.filter
def count(value) -> str:
    """A count with thousands separated, or "unknown" (a missing figure is never zero)."""
    return "unknown" if value is None else f"{value:,}"


@register.filter
def signed(value) -> str:
    return "" if value is None else f"{value:+.2f}"


@register.filter
def share(value) -> str:
    """0.329 as "33%"."""
    return f"{value * 100:.0f}%"


@register.filter
def get_group(groups: dict, group: str):
    """``groups[group]``: one group's ``GroupFigure`` from an ``AreaFigures``."""
    return groups.get(group)


@register.filter
def times_of(figure) -> str:
    """A ``GroupFigure``'s ratio as "4.08", or "unknown"."""
    return times(figure.ratio if figure else None)
