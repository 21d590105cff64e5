"""The Home Office's yearly stop and search table: forces matched whatever the spelling,
every bad cell named by row and column, a year loaded before replaced only on confirm, and
who loaded what kept."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.home_office import name_key
from indicators.models import OfficialTableImport, StopSearchCount
from tests.clock import DEMO_MOMENT, on

pytestmark = pytest.mark.django_db
HEADER = "financial_year,police_force,ethnicity,total_searches\n"


def run(path, *args) -> str:
    out = io.StringIO()
    with on(DEMO_MOMENT):  # 21 November 2026: 2026/27 has begun, 2027/28 has not
        call_command("import_home_office_stop_searches", str(path), *args, stdout=out)
    return out.getvalue()


def table(tmp_path, text: str, name="stop-search.csv"):
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def searches(slug, year, group):
    return StopSearchCount.objects.get(force__slug=slug, year=year, ethnicity=group).searches


@pytest.mark.parametrize(
    "spelling",
    [
        "Avon & Somerset",
        "Avon and Somerset",
        "avon and somerset constabulary",
        "AVON & SOMERSET POLICE",
        "E23000036",
    ],
)
def test_a_force_is_matched_whatever_the_spelling(reference, spelling):
    from indicators.home_office import force_names

    assert force_names()[name_key(spelling)].slug == "avon-and-somerset"


def test_the_city_of_london_is_matched_either_way_round(reference):
    from indicators.home_office import force_names

    names = force_names()
    assert names[name_key("London, City of")].slug == "city-of-london"
    assert names[name_key("City of London Police")].slug == "city-of-london"
    assert names[name_key("Metropolitan Police")].slug == "metropolitan"


def test_a_new_year_loads_on_confirm_and_records_who_and_what(reference, tmp_path):
    path = table(
        tmp_path,
        '2025/26,Avon & Somerset,Black,900\n2025/26,Avon and Somerset,White,"6,100"\n'
        '2025/26,"London, City of",Black,250\n',
    )

    preview = run(path)

    assert "3 rows read" in preview and "2025/26: 2 forces, 7250 searches" in preview
    assert not StopSearchCount.objects.filter(year="2025/26").exists()

    run(path, "--confirm")

    assert searches("avon-and-somerset", "2025/26", "White") == 6100
    assert searches("city-of-london", "2025/26", "Black") == 250
    record = OfficialTableImport.objects.get()
    assert (record.years, record.rows_read, record.by) == ("2025/26", 3, "a management command")
    history = StopSearchCount.history.filter(year="2025/26", history_type="+")
    assert history.count() == 3


def test_a_year_loaded_before_is_shown_old_to_new_and_replaced_only_on_confirm(reference, tmp_path):
    before = searches("dorset", "2024/25", "Black")
    path = table(tmp_path, f"2024/25,Dorset,Black,{before + 5}\n2024/25,Dorset,White,1000\n")

    preview = run(path)

    assert "Year 2024/25 is already loaded: --confirm replaces it." in preview
    assert f"2024/25 dorset Black: {before} → {before + 5}" in preview
    # The year is replaced: figures not in the table go.
    assert "2024/25 kent White: " in preview and " → (none)" in preview
    assert searches("dorset", "2024/25", "Black") == before

    run(path, "--confirm")

    assert searches("dorset", "2024/25", "Black") == before + 5
    assert StopSearchCount.objects.filter(year="2024/25").count() == 2
    assert StopSearchCount.history.filter(year="2024/25", history_type="~").count() == 2
    assert f"2024/25 dorset Black: {before} → {before + 5}" in (
        OfficialTableImport.objects.get().changes
    )
    # A reference load after it keeps the year as loaded.
    call_command("load_reference", stdout=io.StringIO())
    assert searches("dorset", "2024/25", "Black") == before + 5
    assert StopSearchCount.objects.filter(year="2024/25").count() == 2


def test_bad_cells_are_refused_with_their_row_and_column(reference, tmp_path):
    path = table(
        tmp_path,
        "2025/26,Gotham,Black,1\n"
        "2025/26,Dorset,Purple,1\n"
        "2025/27,Dorset,Black,1\n"
        "2027/28,Dorset,Black,1\n"
        "2025/26,Dorset,White,-4\n"
        "2025/26,Dorset,Asian,lots\n"
        "2025/26,Dorset,Mixed,1\n"
        "2025/26,Dorset,Mixed,2\n",
    )

    with pytest.raises(CommandError) as refused:
        run(path, "--confirm")

    message = str(refused.value)
    assert "Row 2, column police_force: no force called “Gotham”" in message
    assert "Row 3, column ethnicity: “Purple” is not one of Asian, Black, Mixed, Other, White" in (
        message
    )
    assert "Row 4, column financial_year: “2025/27” is not a financial year like 2024/25" in (
        message
    )
    assert "Row 5, column financial_year: 2027/28 has not begun" in message
    assert "Row 6, column total_searches: -4 is negative" in message
    assert "Row 7, column total_searches: “lots” is not a whole number" in message
    assert "Row 9: Dorset Police, 2025/26, Mixed is given twice" in message
    assert not StopSearchCount.objects.filter(year="2025/26").exists()
    assert not OfficialTableImport.objects.exists()


def test_a_wrong_header_names_the_missing_and_unexpected_columns(reference, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("year,police_force,ethnicity,total_searches\n2025/26,Dorset,Black,1\n")

    with pytest.raises(CommandError) as refused:
        run(path)

    assert "missing columns: financial_year; unexpected columns: year" in str(refused.value)


POPULATION_HEADER = "census,force_area,ethnicity,population\n"


def run_population(path, *args) -> str:
    out = io.StringIO()
    with on(DEMO_MOMENT):
        call_command("import_population", str(path), *args, stdout=out)
    return out.getvalue()


def residents(slug, census, group):
    from indicators.models import Population

    return Population.objects.get(force__slug=slug, census=census, ethnicity=group).residents


def test_a_population_table_replaces_its_census_on_confirm_by_code_or_name(reference, tmp_path):
    from indicators.models import Population

    before = residents("dorset", 2021, "Black")
    path = tmp_path / "population.csv"
    path.write_text(
        POPULATION_HEADER + f"2021,E23000039,Black,{before + 10}\n2021,Dorset Police,White,700000\n"
    )

    preview = run_population(path)

    assert "Census 2021 is already loaded: --confirm replaces it." in preview
    assert f"2021 dorset Black: {before} → {before + 10}" in preview
    assert residents("dorset", 2021, "Black") == before

    run_population(path, "--confirm")

    assert residents("dorset", 2021, "Black") == before + 10
    assert Population.objects.filter(census=2021).count() == 2
    assert Population.objects.filter(census=2011).count() == 43 * 5  # another census: untouched
    assert OfficialTableImport.objects.get().kind == "population"
    assert Population.history.filter(census=2021, history_type="~").count() == 2
    call_command("load_reference", stdout=io.StringIO())
    assert residents("dorset", 2021, "Black") == before + 10


def test_a_population_table_refuses_unknown_censuses_areas_groups_and_counts(reference, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(
        POPULATION_HEADER
        + "2031,Dorset,Black,1\n2021,E99999999,Black,1\n"
        + "2021,Dorset,Purple,1\n2021,Dorset,Black,-1\n"
    )

    with pytest.raises(CommandError) as refused:
        run_population(path, "--confirm")

    message = str(refused.value)
    assert "Row 2, column census: Census 2031 is not one this site knows (2011, 2021)" in message
    assert "Row 3, column force_area: no force called “E99999999”" in message
    assert "Row 4, column ethnicity: “Purple”" in message
    assert "Row 5, column population: -1 is negative" in message
