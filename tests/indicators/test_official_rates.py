"""The product's 2022/23 rates against the Home Office's own published ones.

``data/official-stop-search-rates-2022-23.csv`` is the "Stop and search by police force area"
table of GOV.UK's Ethnicity facts and figures (year ending March 2023, rates per 1,000 people
over Census 2021 populations, self-defined ethnicity), as published: Crown copyright, Open
Government Licence v3.0. The product works its rates out from the shipped counts and
populations; they must agree with the published rates to 0.1 per 1,000 in every force and
group but a handful. The Home Office revised North Yorkshire's and Surrey's 2022/23 counts
after this table was published, so those forces may differ; nothing else may.
"""

import csv
from pathlib import Path

import pytest

from indicators.figures import StopSearchFigures
from indicators.loading import REFERENCE

PUBLISHED = Path(__file__).parent / "data" / "official-stop-search-rates-2022-23.csv"
GROUPS = ["Asian", "Black", "Mixed", "White", "Other"]
NATIONAL_ROW = "All - excluding BTP"
# Forces whose 2022/23 counts the Home Office revised after publishing this table.
REVISED = {"north-yorkshire", "surrey"}
# "A handful": at most this many force x group cells may disagree (the revised forces' five
# groups each), all of them in the revised forces.
HANDFUL = 2 * 5
TOLERANCE = 0.1
# Published as N/A: the City of London (few residents) and British Transport Police (none).
NOT_RATED = {"city-of-london", "btp"}


def published_rates() -> dict[str, dict[str, float | None]]:
    with PUBLISHED.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    header, rows = rows[0], rows[2:]
    return {
        row[0]: {
            group: None if value == "N/A" else float(value)
            for group, value in zip(header[1:], row[1:], strict=True)
        }
        for row in rows
    }


def home_office_names() -> dict[str, str]:
    with (REFERENCE / "force-codes.csv").open(newline="", encoding="utf-8") as file:
        return {row["slug"]: row["home_office_name"] for row in csv.DictReader(file)}


@pytest.fixture
def figures(reference):
    return StopSearchFigures.load()


def disagreements(figures, published) -> list[tuple[str, str, float, float]]:
    """Every force and group whose rate is more than 0.1 per 1,000 from the published one."""
    found = []
    for slug, name in home_office_names().items():
        if slug not in NOT_RATED and name in published:
            ours = figures.get(slug, "2022/23", 2021)
            for group in GROUPS:
                theirs = published[name][group]
                rate = ours.groups[group].rate
                if rate is None or abs(rate - theirs) > TOLERANCE:
                    found.append((slug, group, theirs, rate))
    return found


def test_every_force_agrees_with_the_published_rates_but_the_two_revised_ones(figures):
    found = disagreements(figures, published_rates())
    assert {slug for slug, *_ in found} <= REVISED, found
    assert len(found) <= HANDFUL


def test_the_comparison_covers_every_territorial_force_and_group(figures):
    # 43 territorial forces less the City of London (published as N/A): 42 x 5 cells, of which
    # all but the revised forces' agree. A comparison that silently skipped forces would pass
    # the test above, so count what it compared.
    published = published_rates()
    compared = [name for slug, name in home_office_names().items() if slug not in NOT_RATED]
    assert len(compared) == 42
    assert all(name in published for name in compared)
    agreeing = 42 * len(GROUPS) - len(disagreements(figures, published))
    assert agreeing >= 40 * len(GROUPS)


def test_the_check_would_catch_a_wrong_rate(figures):
    published = published_rates()
    published["Dorset"]["Black"] += 0.2
    assert ("dorset", "Black") in {
        (slug, group) for slug, group, *_ in disagreements(figures, published)
    }


def test_england_and_wales_agrees_with_the_published_total_excluding_btp(figures):
    national = figures.national("2022/23", 2021)
    for group in GROUPS:
        theirs = published_rates()[NATIONAL_ROW][group]
        assert abs(national.groups[group].rate - theirs) <= TOLERANCE, group


def test_the_city_of_london_is_not_rated_as_the_home_office_does_not(figures):
    published = published_rates()
    assert set(published["London, City of"].values()) == {None}
    assert set(published["British Transport Police"].values()) == {None}
    assert figures.get("city-of-london", "2022/23", 2021).not_meaningful
