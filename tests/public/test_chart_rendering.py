"""The rows of the chart of every force's ratio, written by the ``dot_whisker_bands`` and
``dot_whisker_marks`` tags, are exactly what the template's loops wrote for them."""

import pytest
from django.template import Context, Template

from indicators.charts import dot_whisker_chart
from indicators.figures import Area, StopSearchFigures

# The loops national_disparities.html had for the rows before the tags, whitespace included.
BANDS_LOOP = Template(
    "{% load l10n %}{% for row in chart.rows %}\n"
    '    <g class="prap-dw__row">\n'
    '      <rect class="prap-dw__band" x="0" y="{{ row.cross|add:-11|unlocalize }}" '
    'width="{{ chart.width|unlocalize }}" height="22"></rect>\n'
    '      <text class="prap-dw__row-label" x="{{ chart.plot_left|add:-10|unlocalize }}" '
    'y="{{ row.cross|unlocalize }}" text-anchor="end" dominant-baseline="middle">'
    "{{ row.label }}</text>\n"
    "    </g>\n"
    "    {% endfor %}"
)
MARKS_LOOP = Template(
    "{% load l10n disparities %}{% for row in chart.rows %}\n"
    "    {% with figure=row.figures.groups|get_group:group %}\n"
    "    <g>\n"
    "      <title>{{ row.label }}: {{ figure.ratio|times }} times (95% interval "
    "{{ figure.ratio|interval }}), {{ figure.searches|count }} searches</title>\n"
    '      {% if row.has_interval %}<line class="prap-dw__whisker" '
    'x1="{{ row.low|unlocalize }}" x2="{{ row.high|unlocalize }}" '
    'y1="{{ row.cross|unlocalize }}" y2="{{ row.cross|unlocalize }}"></line>{% endif %}\n'
    '      {% if row.cut %}<polygon class="prap-dw__cut" '
    'points="{{ chart.plot_right|unlocalize }},{{ row.cross|add:-5|unlocalize }} '
    "{{ chart.plot_right|add:8|unlocalize }},{{ row.cross|unlocalize }} "
    '{{ chart.plot_right|unlocalize }},{{ row.cross|add:5|unlocalize }}"></polygon>{% endif %}\n'
    '      <circle class="prap-dw__dot{% if figure.needs_caution %} prap-dw__dot--caution'
    '{% endif %}" cx="{{ row.centre|unlocalize }}" cy="{{ row.cross|unlocalize }}" r="5">'
    "</circle>\n"
    "    </g>\n"
    "    {% endwith %}\n"
    "    {% endfor %}"
)
TAGS = Template(
    "{% load disparities %}{% dot_whisker_bands chart %}|{% dot_whisker_marks chart group %}"
)


def assert_tags_write_the_loops(chart, group):
    context = Context({"chart": chart, "group": group})
    by_loops = BANDS_LOOP.render(context) + "|" + MARKS_LOOP.render(context)
    assert TAGS.render(context) == by_loops


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, group",
    [
        ("/national/disparities/", "Black"),
        # Census 2011: the one figure whose interval runs past the scale.
        ("/national/disparities/?year=2020/21&census=2011&group=Black", "Black"),
        ("/national/disparities/?year=2022/23&group=Mixed&sort=force", "Mixed"),
        ("/national/disparities/?year=2024/25&group=Other", "Other"),
    ],
)
def test_the_chart_of_every_force_is_written_as_its_loops_wrote_it(client, reference, url, group):
    chart = client.get(url).context["chart"]

    assert len(chart.rows) > 40
    assert_tags_write_the_loops(chart, group)


def test_a_ratio_without_an_interval_past_the_scale_and_a_name_to_escape_are_written_alike():
    areas = [Area("a", "Avon & <Somerset>"), Area("b", "Big Police"), Area("c", "Calm")]
    counts = [
        ("a", "2024/25", "Black", 0),  # a ratio of 0, no interval
        ("a", "2024/25", "White", 50),
        ("b", "2024/25", "Black", 30),  # far past the scale, its whisker cut
        ("b", "2024/25", "White", 10),
        ("c", "2024/25", "Black", 12),  # few searches: a dot to treat with caution
        ("c", "2024/25", "White", 400),
    ]
    populations = [
        (2021, slug, group, n)
        for slug in ("a", "b", "c")
        for group, n in (("Black", 1_000), ("White", 100_000), ("Asian", 5), ("Mixed", 5))
    ] + [(2021, slug, "Other", 5) for slug in ("a", "b", "c")]
    figures = StopSearchFigures.build(areas, counts, populations)
    rows = figures.forces("2024/25", 2021)
    chart = dot_whisker_chart(rows, "Black", figures.national("2024/25", 2021))

    assert [row.has_interval for row in chart.rows] == [False, True, True]
    assert [row.cut for row in chart.rows] == [False, True, False]
    assert "&amp; &lt;Somerset&gt;" in TAGS.render(Context({"chart": chart, "group": "Black"}))
    assert_tags_write_the_loops(chart, "Black")
