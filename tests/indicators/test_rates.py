"""Rates and ratios with their intervals, checked against figures worked by hand."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.rates import RateRatio, rate_per_1000, rate_ratio


def test_rate_per_1000_is_events_over_residents_times_1000():
    # Dorset, 2022/23: 138 searches of Black people; 5,315 Black residents (Census 2021).
    # 138 / 5,315 = 0.025964...; x 1,000 = 25.96 per 1,000.
    assert rate_per_1000(138, 5315) == pytest.approx(25.964, abs=0.001)


@pytest.mark.parametrize("events, population", [(None, 100), (5, None), (5, 0)])
def test_a_rate_with_an_unknown_count_or_no_residents_is_unknown(events, population):
    assert rate_per_1000(events, population) is None


def test_dorset_2022_23_black_white_ratio_and_interval_worked_by_hand():
    # Black:   138 / 5,315   x 1,000 = 25.964 per 1,000
    # White: 1,382 / 733,925 x 1,000 =  1.8830 per 1,000
    # ratio = 25.964 / 1.8830 = 13.789
    # standard error of ln(ratio) = sqrt(1/138 + 1/1,382) = sqrt(0.0072464 + 0.0007236)
    #                             = sqrt(0.0079700) = 0.089275
    # 1.96 x 0.089275 = 0.174975; exp(-0.174975) = 0.83948, exp(0.174975) = 1.19122
    # interval = 13.789 x 0.83948 = 11.575 to 13.789 x 1.19122 = 16.425
    result = rate_ratio(138, 5315, 1382, 733925)
    assert result.ratio == pytest.approx(13.789, abs=0.001)
    assert result.lower == pytest.approx(11.575, abs=0.001)
    assert result.upper == pytest.approx(16.425, abs=0.001)
    assert not result.is_wide  # 16.425 / 11.575 = 1.42


def test_durham_2022_23_small_count_gives_a_wide_interval_worked_by_hand():
    # Black:    15 / 2,441   x 1,000 = 6.1450 per 1,000
    # White: 3,089 / 607,196 x 1,000 = 5.0873 per 1,000
    # ratio = 6.1450 / 5.0873 = 1.2079
    # standard error = sqrt(1/15 + 1/3,089) = sqrt(0.066667 + 0.000324) = 0.258825
    # 1.96 x 0.258825 = 0.507288; exp(-0.507288) = 0.60213, exp(0.507288) = 1.66078
    # interval = 0.7273 to 2.0061: the upper end is 2.76 times the lower, so it is wide,
    # and it includes 1 (no difference).
    result = rate_ratio(15, 2441, 3089, 607196)
    assert result.ratio == pytest.approx(1.2079, abs=0.0001)
    assert result.lower == pytest.approx(0.7273, abs=0.0001)
    assert result.upper == pytest.approx(2.0061, abs=0.0001)
    assert result.is_wide


def test_merseyside_2022_23_worked_by_hand():
    # Black:    987 / 21,902    x 1,000 = 45.064 per 1,000
    # White: 43,431 / 1,304,797 x 1,000 = 33.286 per 1,000
    # ratio = 45.064 / 33.286 = 1.3539
    # standard error = sqrt(1/987 + 1/43,431) = sqrt(0.00101317 + 0.00002303) = 0.032190
    # 1.96 x 0.032190 = 0.063091; interval = 1.3539 x 0.93886 = 1.2711 to 1.3539 x 1.06512 = 1.4420
    result = rate_ratio(987, 21902, 43431, 1304797)
    assert (round(result.ratio, 4), round(result.lower, 4), round(result.upper, 4)) == (
        1.3539,
        1.2711,
        1.4420,
    )


def test_no_searches_in_the_group_gives_a_zero_ratio_without_an_interval():
    result = rate_ratio(0, 300, 1000, 100_000)
    assert result == RateRatio(0.0, None, None)
    assert result.is_wide


@pytest.mark.parametrize(
    "args", [(5, 100, 0, 1000), (5, 100, None, 1000), (None, 100, 5, 1000), (5, 0, 5, 1000)]
)
def test_no_ratio_when_either_rate_is_unknown_or_the_white_rate_is_zero(args):
    assert rate_ratio(*args) is None


@given(st.integers(1, 10**6), st.integers(1, 10**7), st.integers(1, 10**6), st.integers(1, 10**7))
def test_the_interval_surrounds_the_ratio_symmetrically_on_a_log_scale(a, pa, b, pb):
    result = rate_ratio(a, pa, b, pb)
    assert result.lower < result.ratio < result.upper
    assert math.log(result.ratio) - math.log(result.lower) == pytest.approx(
        math.log(result.upper) - math.log(result.ratio)
    )
