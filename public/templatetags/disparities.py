"""Template filters for the disparity figures: numbers written the same way everywhere."""

from django import template
from django.template.defaultfilters import add
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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


# The rows of the dot-and-whisker chart of every force (national_disparities.html): its
# bands with the forces' names, then each force's whisker and dot. Written here rather than
# in a loop of the template because a loop of a few dozen rows with a dozen numbers in each
# was a fifth of the page's time; the markup is the same as the loop's was, whitespace
# included (tests/public/test_chart_rendering.py keeps the loop to compare).
_BAND = (
    '\n    <g class="prap-dw__row">\n'
    '      <rect class="prap-dw__band" x="0" y="{y}" width="{width}" height="22"></rect>\n'
    '      <text class="prap-dw__row-label" x="{x}" y="{cross}" text-anchor="end" '
    'dominant-baseline="middle">{label}</text>\n'
    "    </g>\n    "
)
_MARK = (
    "\n    \n    <g>\n"
    "      <title>{label}: {times} times (95% interval {interval}), {searches} searches</title>\n"
    "      {whisker}\n"
    "      {cut}\n"
    '      <circle class="prap-dw__dot{caution}" cx="{centre}" cy="{cross}" r="5"></circle>\n'
    "    </g>\n    \n    "
)
_WHISKER = '<line class="prap-dw__whisker" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
_CUT = '<polygon class="prap-dw__cut" points="{},{} {},{} {},{}"></polygon>'


def _whole(value, offset: int) -> str:
    """``value|add:offset|unlocalize``: the ``add`` filter adds whole numbers."""
    return unlocalize(add(value, offset))


@register.simple_tag
def dot_whisker_bands(chart) -> SafeString:
    """Each row's band and the force's name."""
    width, x = unlocalize(chart.width), _whole(chart.plot_left, -10)
    return mark_safe(
        "".join(
            _BAND.format(
                y=_whole(row.cross, -11),
                width=width,
                x=x,
                cross=unlocalize(row.cross),
                label=conditional_escape(row.label),
            )
            for row in chart.rows
        )
    )


@register.simple_tag
def dot_whisker_marks(chart, group: str) -> SafeString:
    """Each row's ratio for ``group``: a dot, its interval as a whisker (cut at the edge of
    the scale with a triangle), and a title that says them in words."""
    right = unlocalize(chart.plot_right)
    past_right = _whole(chart.plot_right, 8)
    marks = []
    for row in chart.rows:
        figure = row.figures.groups.get(group)
        cross = unlocalize(row.cross)
        marks.append(
            _MARK.format(
                label=conditional_escape(row.label),
                times=times(figure.ratio),
                interval=interval(figure.ratio),
                searches=count(figure.searches),
                whisker=(
                    _WHISKER.format(unlocalize(row.low), unlocalize(row.high), cross, cross)
                    if row.has_interval
                    else ""
                ),
                cut=(
                    _CUT.format(
                        right, _whole(row.cross, -5), past_right, cross, right, _whole(row.cross, 5)
                    )
                    if row.cut
                    else ""
                ),
                caution=" prap-dw__dot--caution" if figure.needs_caution else "",
                centre=unlocalize(row.centre),
                cross=cross,
            )
        )
    return mark_safe("".join(marks))
