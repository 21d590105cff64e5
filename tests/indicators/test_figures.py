"""The disparity figures from the real shipped data."""

import pytest

from indicators.figures import (
    NATIONAL_SLUG,
    StopSearchFigures,
    use_of_force,
    use_of_force_beside_national,
)
from plans.models import Force


@pytest.fixture
def figures(reference):
    return StopSearchFigures.load()


def test_the_plans_seven_times_is_2020_21_searches_over_census_2011(figures):
    # England and Wales, 2020/21, the sum of the 43 territorial forces:
    # Black:  95,962 searches / 1,864,890 residents (Census 2011) x 1,000 = 51.46 per 1,000
    # White: 353,531 searches / 48,209,395 residents                x 1,000 =  7.33 per 1,000
    # ratio = 51.457 / 7.3332 = 7.02: "seven times more likely".
    national = figures.national("2020/21", 2011)
    assert (national.black.searches, national.black.population) == (95_962, 1_864_890)
    assert (national.white.searches, national.white.population) == (353_531, 48_209_395)
    assert national.black.rate == pytest.approx(51.457, abs=0.001)
    assert national.white.rate == pytest.approx(7.333, abs=0.001)
    assert round(national.black.ratio.ratio) == 7
    assert national.black.ratio.ratio == pytest.approx(7.017, abs=0.001)
    # sqrt(1/95,962 + 1/353,531) = 0.0036400; x 1.96 = 0.0071342:
    # 7.0170 x exp(-0.0071342) = 6.967; 7.0170 x exp(0.0071342) = 7.067.
    assert national.black.ratio.lower == pytest.approx(6.967, abs=0.001)
    assert national.black.ratio.upper == pytest.approx(7.067, abs=0.001)


def test_the_same_searches_over_census_2021_give_a_lower_ratio(figures):
    # Census 2021 counts 2,409,283 Black and 48,699,231 White residents:
    # (95,962 / 2,409,283) / (353,531 / 48,699,231) = 39.830 / 7.2595 = 5.49.
    national = figures.national("2020/21", 2021)
    assert national.black.ratio.ratio == pytest.approx(5.487, abs=0.001)
    assert national.black.ratio.ratio < figures.national("2020/21", 2011).black.ratio.ratio


def test_census_2011_is_worked_out_for_2020_21_only(figures):
    assert figures.get("dorset", "2022/23", 2011) is None
    assert [f.year for f in figures.for_area("dorset", 2011)] == ["2020/21"]
    assert [f.year for f in figures.for_area("dorset", 2021)] == [
        "2020/21",
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
    ]


def test_a_force_figure_matches_the_hand_worked_one(figures):
    # Dorset 2022/23 (test_rates worked it through): 138 / 5,315 and 1,382 / 733,925.
    dorset = figures.get("dorset", "2022/23", 2021)
    assert (dorset.black.searches, dorset.black.population) == (138, 5315)
    assert round(dorset.black.rate, 2) == 25.96
    assert round(dorset.white.rate, 2) == 1.88
    assert round(dorset.black.ratio.ratio, 2) == 13.79
    assert (round(dorset.black.ratio.lower, 2), round(dorset.black.ratio.upper, 2)) == (
        11.58,
        16.43,
    )
    assert not dorset.black.needs_caution


def test_the_change_since_2020_21_is_on_the_same_census(figures):
    # Dorset 2020/21 over Census 2021: (178 / 5,315) / (2,032 / 733,925) = 33.490 / 2.7687
    # = 12.096; 2022/23: 13.789; change +1.69.
    dorset = figures.get("dorset", "2022/23", 2021)
    assert dorset.change == pytest.approx(13.789 - 12.096, abs=0.001)
    assert figures.get("dorset", "2020/21", 2021).change is None


def test_dyfed_powys_missing_other_group_is_unknown_not_zero(figures):
    dyfed = figures.get("dyfed-powys", "2020/21", 2021)
    other = dyfed.groups["Other"]
    assert other.is_unknown
    assert (other.searches, other.rate, other.ratio) == (None, None, None)
    assert other.population == 1907  # the residents are known; the searches are not
    assert not other.needs_caution
    # England and Wales adds up the forces that give a figure, residents included.
    national = figures.national("2020/21", 2021)
    known = [
        f.groups["Other"]
        for f in figures.forces("2020/21", 2021)
        if f.groups["Other"].searches is not None
    ]
    assert len(known) == 42
    assert national.groups["Other"].searches == sum(g.searches for g in known)
    assert national.groups["Other"].population == sum(g.population for g in known)
    # In 2022/23 Dyfed-Powys gives 4 searches: a small count, flagged.
    other_2022 = figures.get("dyfed-powys", "2022/23", 2021).groups["Other"]
    assert other_2022.searches == 4
    assert other_2022.is_small and other_2022.needs_caution


def test_city_of_london_rates_are_marked_not_meaningful(figures):
    city = figures.get("city-of-london", "2022/23", 2021)
    assert "not a meaningful rate" in city.not_meaningful
    assert figures.get("dorset", "2022/23", 2021).not_meaningful == ""


def test_england_and_wales_is_the_sum_of_the_43_territorial_forces(figures):
    forces = figures.forces("2024/25", 2021)
    assert len(forces) == 43
    assert "btp" not in {f.area.slug for f in forces}
    national = figures.national("2024/25", 2021)
    assert national.area.slug == NATIONAL_SLUG
    assert national.white.searches == sum(f.white.searches for f in forces)


def test_every_row_covers_each_area_year_census_and_group(figures):
    rows = list(figures.every_row())
    # 44 areas (43 forces and England and Wales) x (5 years over 2021 + 1 over 2011) x 5.
    assert len(rows) == 44 * 6 * 5
    assert rows[0][0].area.slug == NATIONAL_SLUG


def test_use_of_force_shows_the_share_not_reported_and_warns_when_large(reference):
    # Avon and Somerset 2019/20: 6,943 of 21,093 uses had no group reported: 32.9%.
    avon = use_of_force(Force.objects.get(slug="avon-and-somerset"))
    assert avon.total == 21_093
    assert avon.share_not_reported == pytest.approx(6943 / 21093)
    assert avon.many_not_reported
    # Gloucestershire: 1 of 2,136.
    assert not use_of_force(Force.objects.get(slug="gloucestershire")).many_not_reported


def test_use_of_force_rates_per_1000_over_census_2011(reference):
    # Dorset 2019/20: 768 uses on people perceived Black / 3,208 Black residents (Census
    # 2011) x 1,000 = 239.4; White: 11,240 / 714,637 x 1,000 = 15.73; ratio 15.2.
    dorset = use_of_force(Force.objects.get(slug="dorset"))
    rates = {g.ethnicity: g.rate for g in dorset.groups}
    assert rates["Black"] == pytest.approx(239.40, abs=0.01)
    assert rates["White"] == pytest.approx(15.728, abs=0.001)
    assert dorset.black_to_white == pytest.approx(15.22, abs=0.01)


def test_national_use_of_force_equals_the_published_england_and_wales_total(reference):
    # The published "Total England and Wales" row: White 508,663, Black 111,252, Asian
    # 45,719, Mixed 15,871, Other 16,000, not reported 17,771, all 715,276.
    national = use_of_force()
    times = {g.ethnicity: g.times for g in national.groups}
    assert times == {
        "White": 508_663,
        "Black": 111_252,
        "Asian": 45_719,
        "Mixed": 15_871,
        "Other": 16_000,
    }
    assert (national.not_reported, national.total) == (17_771, 715_276)


def test_a_force_is_compared_with_england_and_wales_by_its_interval(figures):
    national = figures.national("2022/23", 2021)  # 4.08
    # Dorset 11.58 to 16.43: wholly above. Merseyside 1.27 to 1.44: wholly below.
    assert figures.get("dorset", "2022/23", 2021).compared_with(national) == "higher"
    assert figures.get("merseyside", "2022/23", 2021).compared_with(national) == "lower"
    # Derbyshire: 4.45, interval 3.59 to 5.52, includes 4.08: not clearly different.
    derbyshire = figures.get("derbyshire", "2022/23", 2021)
    assert derbyshire.black.ratio.lower < 4.08 < derbyshire.black.ratio.upper
    assert derbyshire.compared_with(national) == "similar"
    assert figures.get("dorset", "2022/23", 2021).compared_with(None) == ""


def test_use_of_force_beside_national_is_the_force_and_england_and_wales_alike(
    reference, django_assert_num_queries
):
    # Avon and Somerset's 21,093 uses (6,943 not reported) beside the published England
    # and Wales total of 715,276 (17,771 not reported).
    avon = Force.objects.get(slug="avon-and-somerset")
    with django_assert_num_queries(2):
        mine, every = use_of_force_beside_national(avon)
    assert (mine.total, mine.not_reported) == (21_093, 6943)
    assert (every.total, every.not_reported) == (715_276, 17_771)
    assert (mine.area.slug, every.area.slug) == ("avon-and-somerset", NATIONAL_SLUG)
    assert mine == use_of_force(avon)
    assert every == use_of_force()


def test_use_of_force_beside_national_has_none_for_a_force_without_figures(reference):
    transport = Force.objects.get(slug="btp")
    mine, every = use_of_force_beside_national(transport)
    assert mine is None
    assert every.total == 715_276


def test_a_force_pages_figures_are_its_own_and_england_and_wales_as_in_every_forces(
    figures, django_assert_num_queries
):
    dorset = Force.objects.get(slug="dorset")
    with django_assert_num_queries(2):
        own = StopSearchFigures.load(dorset)
    assert [a.slug for a in own.areas] == ["dorset"]
    assert own.years == figures.years
    # England and Wales still adds up all 43 forces: 95,962 Black searches in 2020/21.
    assert own.national("2020/21", 2011).black.searches == 95_962
    for census in (2021, 2011):
        assert own.for_area("dorset", census) == figures.for_area("dorset", census)
        assert own.for_area(NATIONAL_SLUG, census) == figures.for_area(NATIONAL_SLUG, census)
    assert own.get("merseyside", "2022/23", 2021) is None


def test_figures_are_worked_out_once_and_only_for_a_year_the_census_gives(figures):
    dorset = figures.get("dorset", "2022/23", 2021)
    assert figures.get("dorset", "2022/23", 2021) is dorset
    assert figures.get("dorset", "2022/23", 2011) is None  # Census 2011: 2020/21 only
    assert figures.get("dorset", "2022/23", 2001) is None  # no such census
    assert figures.get("dorset", "1999/00", 2021) is None
    assert figures.get("atlantis", "2022/23", 2021) is None
    # British Transport Police has no residents, so no figures.
    assert figures.get("btp", "2022/23", 2021) is None
