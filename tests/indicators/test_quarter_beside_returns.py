"""A force's data.police.uk searches for a quarter, beside that quarter's return: on the
coordinator's return page, the panel's page of the return and the public panel page."""

import datetime as dt
import html
import io
import re

import pytest
from django.test import Client

from accounts.models import User
from indicators.figures import (
    QuarterFigures,
    stop_searches_by_quarter,
    stop_searches_in_quarter,
)
from indicators.models import Population
from indicators.police_uk import HEADER, load, read_files
from panels.models import Panel, PanelView, Verdict
from plans.models import Force
from plans.quarters import Quarter
from tests.factories import UserFactory
from tests.staff_data import PREVIOUS_QUARTER, RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)
RETURN = RETURN_QUARTER.compact  # Q2 2025/26: July to September 2025


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def month_file(month: str, people: list[tuple[str, str]]) -> tuple[str, io.BytesIO]:
    """A data.police.uk file of ``month`` (``2025-07``): one search per (self-defined label,
    officer-defined label)."""
    lines = [",".join(HEADER)]
    for self_defined, officer in people:
        row = [""] * len(HEADER)
        row[HEADER.index("Type")] = "Person search"
        row[HEADER.index("Date")] = f"{month}-05T10:00:00+00:00"
        row[HEADER.index("Self-defined ethnicity")] = self_defined
        row[HEADER.index("Officer-defined ethnicity")] = officer
        lines.append(",".join(row))
    data = ("\r\n".join(lines) + "\r\n").encode()
    return f"{month}-dorset-stop-and-search.csv", io.BytesIO(data)


BLACK = "Black/African/Caribbean/Black British - Caribbean"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"


def load_months(force, *files) -> None:
    reading = read_files(force, files)
    assert reading.is_valid, reading.messages()
    load(reading, by=None, now=NOW)


@pytest.fixture
def dorset(reference):
    return Force.objects.get(slug="dorset")


@pytest.fixture
def data(dorset):
    return force_data(dorset)


@pytest.fixture
def two_months(dorset):
    """July and August 2025 (two of the quarter's three months): 3 Black and 6 White people
    by their own account, one who did not say; the officers recorded 4 Black and 6 White."""
    load_months(
        dorset,
        month_file("2025-07", [(BLACK, "Black"), (BLACK, "Black"), (WHITE, "White")]),
        month_file(
            "2025-08",
            [(BLACK, "Black"), ("", "Black")] + [(WHITE, "White")] * 5,
        ),
    )


def residents(force, group) -> int:
    return Population.objects.get(force=force, census=2021, ethnicity=group).residents


def test_a_quarters_searches_are_summed_by_measure_with_annualised_rates(
    dorset, two_months, django_assert_num_queries
):
    with django_assert_num_queries(2):
        figures = stop_searches_in_quarter(dorset, RETURN_QUARTER)

    self_defined, officer = figures.measures
    assert (self_defined.measure, officer.measure) == ("self-defined", "officer-defined")
    assert self_defined.months == 2 and self_defined.is_part
    assert self_defined.searches == {
        "Asian": 0, "Black": 3, "Mixed": 0, "Other": 0, "White": 6, "Not stated": 1
    }  # fmt: skip
    assert officer.searches["Black"] == 4 and officer.not_stated == 0
    assert self_defined.total == officer.total == 10
    # Two months of searches, annualised: per 1,000 residents x 12 / 2.
    black, white = residents(dorset, "Black"), residents(dorset, "White")
    assert self_defined.black_rate == pytest.approx(3 / black * 1000 * 6)
    assert self_defined.white_rate == pytest.approx(6 / white * 1000 * 6)
    assert self_defined.ratio.ratio == pytest.approx((3 / black) / (6 / white))


def test_a_quarter_with_no_month_loaded_has_no_figures_and_other_quarters_do_not_leak_in(
    dorset, two_months, django_assert_num_queries
):
    load_months(dorset, month_file("2025-06", [(BLACK, "Black")]))  # Q1's last month
    with django_assert_num_queries(2):
        found = stop_searches_by_quarter(dorset, [PREVIOUS_QUARTER, RETURN_QUARTER + 1])
    assert found[RETURN_QUARTER + 1].measures == []
    june = found[PREVIOUS_QUARTER].self_defined
    assert (june.months, june.total, june.searches["Black"]) == (1, 1, 1)
    # Another force's months are not this force's.
    other = Force.objects.get(slug="hampshire")
    assert stop_searches_in_quarter(other, RETURN_QUARTER).measures == []


def test_the_city_of_london_gets_counts_without_rates(reference):
    city = Force.objects.get(slug="city-of-london")
    name, file = month_file("2019-01", [(BLACK, "Black"), (WHITE, "White")])
    load_months(city, (name.replace("dorset", "city-of-london"), file))
    figures = stop_searches_in_quarter(city, Quarter(2018, 4))
    assert figures.not_meaningful and figures.self_defined.total == 2


def test_the_coordinators_return_page_shows_the_quarters_searches(client, data, two_months):
    client.force_login(UserFactory(role=User.Role.COORDINATOR, force=data.force))

    page = text(client.get(f"/staff/forces/dorset/return/?quarter={RETURN}"))

    assert "Stop and search in Q2 2025/26, from data.police.uk" in page
    assert "Dorset Police recorded 10 stop and searches in Jul-Sep 2025" in page
    assert "(2 of the 3 months loaded so far)" in page
    # Self-defined, then officer-defined: Asian, Black, Mixed, Other, White, Not stated, All.
    assert "the person gave it 0 3 0 0 6 1 10" in page
    assert "the officer recorded it 0 4 0 0 6 0 10" in page


def test_a_return_quarter_without_months_says_so_and_offers_the_upload(client, data, two_months):
    client.force_login(UserFactory(role=User.Role.COORDINATOR, force=data.force))

    response = client.get(f"/staff/forces/dorset/return/?quarter={PREVIOUS_QUARTER.compact}")

    page = text(response)
    assert "No data.police.uk month of Q1 2025/26 (Apr-Jun 2025) is loaded yet" in page
    assert 'href="/staff/forces/dorset/stop-searches/"' in response.content.decode()


def test_the_panels_page_of_the_return_shows_the_quarters_searches(client, data, two_months):
    panel = Panel.objects.create(force=data.force, name="Dorset Scrutiny Panel", description=".")
    client.force_login(UserFactory(role=User.Role.PANEL, force=data.force))

    response = client.get(f"/staff/panel/forces/dorset/{RETURN}/")

    assert response.status_code == 200, panel
    page = text(response)
    assert "Stop and search in Q2 2025/26" in page
    assert "the person gave it 0 3 0 0 6 1 10" in page
    # A panel member is not offered the upload, which is not theirs.
    assert "/stop-searches/" not in response.content.decode()


def test_the_public_panel_page_shows_each_answered_quarters_searches(data, two_months):
    panel = Panel.objects.create(force=data.force, name="Dorset Scrutiny Panel", description=".")
    PanelView.objects.create(
        panel=panel,
        force=data.force,
        quarter=RETURN_QUARTER,
        deliverable=None,
        verdict=Verdict.SOME_CONCERNS,
        reasons="Slow progress.",
        published_at=NOW,
    )

    page = text(Client().get("/forces/dorset/panel/"))

    section = page[page.index("Q2 2025/26 Jul-Sep 2025") :]
    assert "Stop and search in Q2 2025/26" in section
    assert "the officer recorded it 0 4 0 0 6 0 10" in section
    assert "Every quarter and year of Dorset Police's figures" in section


def quarter_of(black: int, white: int) -> QuarterFigures:
    searches = {"Asian": 0, "Black": black, "Mixed": 0, "Other": 0, "White": white}
    populations = {"Black": 10_000, "White": 500_000}
    return QuarterFigures(
        RETURN_QUARTER, "self-defined", 3, {**searches, "Not stated": 0}, populations
    )


def test_a_quarters_ratio_from_few_searches_says_to_treat_it_with_caution():
    assert quarter_of(19, 400).caution == (
        "Fewer than 20 searches of Black people: treat with caution."
    )
    assert quarter_of(5, 3).caution == (
        "Fewer than 20 searches of Black or White people: treat with caution."
    )
    # 20 and 400 are not few, but the interval (1.57 to 3.98) spans more than twice over.
    assert quarter_of(20, 400).caution == "Wide interval: treat with caution."
    assert quarter_of(100, 2000).caution == ""  # 2.5, interval about 2.0 to 3.1


def test_the_caution_shows_beside_the_quarters_ratio(client, data, two_months):
    client.force_login(UserFactory(role=User.Role.COORDINATOR, force=data.force))
    page = text(client.get(f"/staff/forces/dorset/return/?quarter={RETURN}"))
    assert (
        "Treat with caution Fewer than 20 searches of Black or White people: treat with caution."
        in page
    )
