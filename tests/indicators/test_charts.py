"""The geometry of the ratio charts."""

import pytest

from indicators.charts import AXIS_CAP, dot_whisker_chart, nice_axis, trend_chart
from indicators.figures import Area, StopSearchFigures


@pytest.mark.parametrize(
    "value, axis",
    [
        (0.4, (2, 0.5)),
        (3.7, (4, 0.5)),
        (7.1, (8, 1)),
        (13.8, (14, 2)),
        (16.4, (20, 5)),
        (95, (20, 5)),
    ],
)
def test_the_axis_runs_to_a_round_number_with_at_most_eight_steps_and_a_cap(value, axis):
    assert nice_axis(value) == axis
    top, step = nice_axis(value)
    assert top / step <= 8
    assert top <= AXIS_CAP


def figures():
    areas = [Area("big", "Big Police"), Area("small", "Small Police"), Area("city", "City")]
    counts = [
        ("big", "2020/21", "Black", 400),
        ("big", "2020/21", "White", 2000),
        ("small", "2020/21", "Black", 3),
        ("small", "2020/21", "White", 100),
        ("big", "2021/22", "Black", 300),
        ("big", "2021/22", "White", 2000),
    ]
    populations = [
        (2021, slug, group, n)
        for slug in ("big", "small")
        for group, n in (("Black", 10_000), ("White", 200_000))
    ] + [
        (2021, slug, group, 5) for slug in ("big", "small") for group in ("Asian", "Mixed", "Other")
    ]
    return StopSearchFigures.build(areas, counts, populations)


def test_each_force_is_a_row_with_its_dot_inside_its_whisker_and_cut_when_past_the_axis():
    data = figures()
    # big: (400 / 10,000) / (2,000 / 200,000) = 4.0; small: (3 / 10,000) / (100 / 200,000) = 0.6
    rows = data.forces("2020/21", 2021)
    chart = dot_whisker_chart(rows, "Black", data.national("2020/21", 2021))
    assert [row.label for row in chart.rows] == ["Big Police", "Small Police"]
    for row in chart.rows:
        assert chart.plot_left <= row.low < row.centre < row.high <= chart.plot_right
    assert chart.rows[0].cross < chart.rows[1].cross
    assert chart.one < chart.rows[0].centre
    # small's interval (0.19 to 1.88) stays inside; none is cut.
    assert not any(row.cut for row in chart.rows)
    # England and Wales: (403 / 20,000) / (2,100 / 400,000) = 3.84.
    assert chart.national_label == "3.8"


def test_the_trend_places_each_year_left_to_right_with_england_and_wales_beside_it():
    data = figures()
    chart = trend_chart(data.for_area("big"), data.for_area("england-and-wales"), "Black")
    assert [w.label for w in chart.force] == ["2020/21", "2021/22"]
    assert chart.force[0].cross < chart.force[1].cross
    # A higher ratio sits higher on the chart (a smaller y): 4.0 in 2020/21, 3.0 in 2021/22.
    assert chart.force[0].centre < chart.force[1].centre
    assert chart.national_points.count(",") == 2


def test_no_chart_without_any_ratio():
    data = figures()
    assert trend_chart(data.for_area("city"), data.for_area("england-and-wales"), "Black") is None
    assert dot_whisker_chart([], "Black", None) is None
