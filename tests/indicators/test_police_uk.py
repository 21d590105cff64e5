"""data.police.uk's monthly stop and search files: counted exactly, checked before anything is
written, loaded only on confirmation."""

import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.loading import REFERENCE
from indicators.models import MonthlyStopSearchCount, StopSearchImport
from indicators.police_uk import HEADER, SELF_DEFINED_GROUPS, load, read_files
from tests.factories import ForceFactory

CITY_FILE = REFERENCE / "data-police-uk" / "2019-01-city-of-london-stop-and-search.csv"
JANUARY = dt.date(2019, 1, 1)
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def city(db):
    return ForceFactory(slug="city-of-london", name="City of London Police")


@pytest.fixture
def dorset(db):
    return ForceFactory(slug="dorset", name="Dorset Police")


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_stop_searches", *args, stdout=out)
    return out.getvalue()


def counts(force, measure) -> dict[str, int]:
    return dict(
        MonthlyStopSearchCount.objects.filter(force=force, measure=measure).values_list(
            "ethnicity", "searches"
        )
    )


def csv_text(rows: list[list[str]], header=HEADER) -> str:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def search_row(date="2019-01-05T10:00:00+00:00", self_defined="", officer="White") -> list[str]:
    row = [""] * len(HEADER)
    row[HEADER.index("Type")] = "Person search"
    row[HEADER.index("Date")] = date
    row[HEADER.index("Self-defined ethnicity")] = self_defined
    row[HEADER.index("Officer-defined ethnicity")] = officer
    return row


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_real_city_of_london_january_2019_file_loads_to_its_exact_counts(city):
    output = run("--force", "city-of-london", str(CITY_FILE), "--confirm")

    assert "153 rows read" in output
    assert counts(city, "officer-defined") == {
        "White": 71,
        "Asian": 37,
        "Black": 36,
        "Other": 3,
        "Mixed": 0,
        "Not stated": 6,
    }
    # Counted by hand from the file's 17 distinct labels: White 19 British + 29 any other +
    # 1 Irish; Asian 14 Bangladeshi + 9 Pakistani + 4 any other + 1 Indian; Black 9 Caribbean
    # + 5 African + 4 any other; Mixed 3 + 3 + 2 + 1; Other 5 any other; Not stated 38
    # "Other ethnic group - Not stated" + 6 blank.
    assert counts(city, "self-defined") == {
        "White": 49,
        "Asian": 28,
        "Black": 18,
        "Mixed": 9,
        "Other": 5,
        "Not stated": 44,
    }
    assert set(MonthlyStopSearchCount.objects.values_list("month", flat=True)) == {JANUARY}
    record = StopSearchImport.objects.get()
    assert (record.force, record.rows_read, record.months) == (city, 153, "2019-01")
    assert record.file_names == "2019-01-city-of-london-stop-and-search.csv"
    assert record.by == "the import_stop_searches command"


def test_without_confirm_it_previews_and_writes_nothing(city):
    output = run("--force", "city-of-london", str(CITY_FILE))

    assert "2019-01  officer-defined" in output
    assert "total 153" in output
    assert "Preview only: nothing was loaded" in output
    assert not MonthlyStopSearchCount.objects.exists()
    assert not StopSearchImport.objects.exists()


def test_a_months_zip_download_loads_its_stop_and_search_file_and_passes_over_the_rest(
    city, tmp_path
):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(CITY_FILE, "2019-01/2019-01-city-of-london-stop-and-search.csv")
        zipped.writestr("2019-01/2019-01-city-of-london-street.csv", "Crime ID,Month\n")

    run("--force", "city-of-london", str(archive), "--confirm")

    assert sum(counts(city, "officer-defined").values()) == 153
    record = StopSearchImport.objects.get()
    assert record.file_names == ("download.zip: 2019-01/2019-01-city-of-london-stop-and-search.csv")


def test_every_one_of_the_19_self_defined_labels_maps_to_a_group():
    assert len(SELF_DEFINED_GROUPS) == 19
    assert SELF_DEFINED_GROUPS["Other ethnic group - Not stated"] == "Not stated"
    assert SELF_DEFINED_GROUPS["Asian/Asian British - Chinese"] == "Asian"
    assert SELF_DEFINED_GROUPS["Other ethnic group - Arab"] == "Other"
    assert SELF_DEFINED_GROUPS["White - Gypsy or Irish Traveller"] == "White"
    assert set(SELF_DEFINED_GROUPS.values()) == {
        "Asian",
        "Black",
        "Mixed",
        "Other",
        "White",
        "Not stated",
    }


def test_another_forces_file_is_refused_naming_whose_it_is(city, dorset):
    with pytest.raises(CommandError) as refused:
        run("--force", "dorset", str(CITY_FILE), "--confirm")

    assert "is City of London Police's file" in str(refused.value)
    assert "not Dorset Police's" in str(refused.value)
    assert not MonthlyStopSearchCount.objects.exists()


def test_a_month_loaded_before_is_shown_old_to_new_and_replaced_only_on_confirm(city, tmp_path):
    run("--force", "city-of-london", str(CITY_FILE), "--confirm")
    lines = CITY_FILE.read_text(encoding="utf-8-sig").splitlines()
    # The same month without its first search (officer-defined Black, self-defined Mixed).
    fewer = write(tmp_path, CITY_FILE.name, "\r\n".join([lines[0], *lines[2:]]) + "\r\n")

    preview = run("--force", "city-of-london", fewer)

    assert "January 2019 is already loaded: --confirm replaces it." in preview
    assert "2019-01 officer-defined Black: 36 → 35" in preview
    assert "2019-01 self-defined Mixed: 9 → 8" in preview
    assert counts(city, "officer-defined")["Black"] == 36

    run("--force", "city-of-london", fewer, "--confirm")

    assert counts(city, "officer-defined")["Black"] == 35
    assert MonthlyStopSearchCount.objects.filter(force=city).count() == 12
    latest = StopSearchImport.objects.first()
    assert latest.rows_read == 152
    assert "2019-01 officer-defined Black: 36 → 35" in latest.replaced


def test_a_wrong_header_names_the_missing_and_unexpected_columns(city, tmp_path):
    header = [c for c in HEADER if c != "Officer-defined ethnicity"] + ["Force"]
    path = write(tmp_path, CITY_FILE.name, csv_text([], header=header))

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", path)

    message = str(refused.value)
    assert "missing columns: “Officer-defined ethnicity”" in message
    assert "unexpected columns: “Force”" in message


def test_a_file_that_is_not_csv_is_refused(city, tmp_path):
    path = tmp_path / CITY_FILE.name
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", str(path))

    assert "is not a CSV file: it is not UTF-8 text" in str(refused.value)


def test_a_zip_without_a_stop_and_search_file_is_refused(city, tmp_path):
    archive = tmp_path / "street.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("2019-01/2019-01-city-of-london-street.csv", "Crime ID\n")

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", str(archive))

    assert "street.zip holds no stop and search file" in str(refused.value)


def test_a_file_over_the_size_limit_is_refused_saying_the_limit(city, settings):
    settings.STOP_SEARCH_MAX_BYTES = 10_000

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", str(CITY_FILE))

    assert "the largest file accepted is 0.0 MB (STOP_SEARCH_MAX_BYTES)" in str(refused.value)


def test_a_row_dated_outside_the_files_month_is_refused_with_its_row(city, tmp_path):
    rows = [search_row(), search_row(date="2019-02-01T00:10:00+00:00")]
    path = write(tmp_path, CITY_FILE.name, csv_text(rows))

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", path, "--confirm")

    assert (
        "row 3, column Date: 2019-02-01T00:10:00+00:00 is not in January 2019, the month of "
        "the file"
    ) in str(refused.value)
    assert not MonthlyStopSearchCount.objects.exists()


def test_an_unknown_ethnicity_label_is_refused_with_its_row_and_column(city, tmp_path):
    rows = [search_row(self_defined="Martian"), search_row(officer="Purple")]
    path = write(tmp_path, CITY_FILE.name, csv_text(rows))

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", path)

    message = str(refused.value)
    assert "row 2, column Self-defined ethnicity: “Martian”" in message
    assert "row 3, column Officer-defined ethnicity: “Purple”" in message


def test_a_file_name_without_its_month_is_refused(city, tmp_path):
    path = write(tmp_path, "searches.csv", csv_text([search_row()]))

    with pytest.raises(CommandError) as refused:
        run("--force", "city-of-london", path)

    assert "the name does not say the file's month and force" in str(refused.value)


def test_one_bad_file_among_good_ones_loads_nothing(city, tmp_path):
    bad = write(
        tmp_path,
        "2019-02-city-of-london-stop-and-search.csv",
        csv_text([search_row(date="2019-03-01T00:00:00+00:00")]),
    )

    with pytest.raises(CommandError):
        run("--force", "city-of-london", str(CITY_FILE), bad, "--confirm")

    assert not MonthlyStopSearchCount.objects.exists()
    assert not StopSearchImport.objects.exists()


def test_load_refuses_a_reading_with_problems(city, tmp_path):
    path = Path(write(tmp_path, CITY_FILE.name, csv_text([search_row(officer="Purple")])))
    with path.open("rb") as file:
        reading = read_files(city, [(path.name, file)])

    with pytest.raises(ValueError, match="Purple"):
        load(reading, by=None, now=NOW)
    assert not MonthlyStopSearchCount.objects.exists()


def test_a_large_file_is_read_in_bounded_memory(city):
    row = ",".join(search_row(self_defined="White - Irish")) + "\r\n"
    rows = 40_000
    data = io.BytesIO((",".join(HEADER) + "\r\n" + row * rows).encode())
    assert data.getbuffer().nbytes > 2_500_000

    tracemalloc.start()
    try:
        reading = read_files(city, [(CITY_FILE.name, data)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert reading.rows_read == rows
    assert reading.counts[(JANUARY, "self-defined", "White")] == rows
    # Reading every row into a list would hold tens of megabytes of Python strings.
    assert peak < 1_000_000
