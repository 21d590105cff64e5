"""The official figures load from the shipped files, once, whatever the number of runs."""

import io
import shutil

import pytest
from django.core.management import call_command

from indicators.loading import REFERENCE, load_indicators
from indicators.models import (
    Population,
    RecordedSearch,
    Source,
    StopSearchCount,
    UseOfForceCount,
)

MODELS = (Source, StopSearchCount, Population, UseOfForceCount, RecordedSearch)


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_every_shipped_dataset_is_loaded_with_its_publisher_period_and_licence(reference):
    assert row_counts() == {
        "Source": 5,
        # 43 forces x 5 years x 5 groups, less Dyfed-Powys's two missing "Other" rows.
        "StopSearchCount": 43 * 5 * 5 - 2,
        # Two censuses x 43 force areas x 5 groups.
        "Population": 2 * 43 * 5,
        # 43 forces x (5 groups + not reported).
        "UseOfForceCount": 43 * 6,
        "RecordedSearch": 153,
    }
    census = Source.objects.get(slug="census-2021")
    assert (census.publisher, census.census) == ("Office for National Statistics", 2021)
    assert {source.licence for source in Source.objects.all()} == {"Open Government Licence v3.0"}
    assert Source.objects.get(slug="stop-search").period.startswith("April 2020 to March 2025")


def test_figures_are_matched_to_forces_through_the_crosswalk(reference):
    # Spelled "Metropolitan Police" by the Home Office, "Metropolitan" in Census 2011,
    # E23000001 in Census 2021, "London, City of" for the City.
    met = StopSearchCount.objects.get(force__slug="metropolitan", year="2020/21", ethnicity="Black")
    assert met.searches > 50_000
    assert Population.objects.filter(force__slug="metropolitan").count() == 10
    assert StopSearchCount.objects.filter(force__slug="city-of-london").count() == 25
    assert not StopSearchCount.objects.filter(force__slug="btp").exists()


def test_census_2011_counts_chinese_residents_within_asian(reference):
    # Avon & Somerset, Census 2011: Asian 33,005 + Chinese 8,976.
    avon = Population.objects.get(census=2011, force__slug="avon-and-somerset", ethnicity="Asian")
    assert avon.residents == 33_005 + 8_976


def test_dyfed_powys_missing_other_rows_stay_missing_not_zero(reference):
    other = StopSearchCount.objects.filter(force__slug="dyfed-powys", ethnicity="Other")
    assert sorted(other.values_list("year", flat=True)) == ["2022/23", "2023/24", "2024/25"]
    assert not StopSearchCount.objects.filter(searches=0, force__slug="dyfed-powys").exists()


def test_use_of_force_keeps_the_not_reported_count(reference):
    avon = UseOfForceCount.objects.get(force__slug="avon-and-somerset", ethnicity="Not reported")
    assert avon.times == 6943


def test_loading_twice_changes_nothing(reference):
    before = row_counts()
    ids = list(StopSearchCount.objects.order_by("pk").values_list("pk", "searches"))
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert row_counts() == before
    assert list(StopSearchCount.objects.order_by("pk").values_list("pk", "searches")) == ids
    assert "stop and search counts: 0 created, 0 updated" in out.getvalue()
    assert "census populations: 0 created, 0 updated" in out.getvalue()


def test_a_changed_figure_is_corrected_in_place_and_a_dropped_one_removed(reference, tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE, directory)
    name = directory / "stop-search-by-force-and-ethnicity-2020-21-to-2024-25.csv"
    lines = name.read_text().splitlines()
    kept = [line for line in lines if not line.startswith("2024/25,Wiltshire,Other,")]
    kept = [
        "2022/23,Surrey,Black,999" if line.startswith("2022/23,Surrey,Black,") else line
        for line in kept
    ]
    assert len(kept) == len(lines) - 1
    name.write_text("\n".join(kept) + "\n")
    surrey = StopSearchCount.objects.get(force__slug="surrey", year="2022/23", ethnicity="Black")

    report = load_indicators(directory)

    assert report["stop and search counts"] == (0, 1, 1)
    surrey.refresh_from_db()
    assert surrey.searches == 999  # the same row, updated
    assert not StopSearchCount.objects.filter(
        force__slug="wiltshire", year="2024/25", ethnicity="Other"
    ).exists()


def test_a_file_naming_an_unknown_force_is_refused(reference, tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE, directory)
    name = directory / "stop-search-by-force-and-ethnicity-2020-21-to-2024-25.csv"
    name.write_text(name.read_text() + "2024/25,Atlantis,White,5\n")
    with pytest.raises(ValueError, match="Atlantis"):
        load_indicators(directory)
