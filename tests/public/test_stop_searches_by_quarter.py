"""``/data/stop-searches-by-quarter.csv`` and ``.json``: the loaded data.police.uk months,
summed by force, police financial-year quarter, measure and group."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from indicators.loading import REFERENCE
from indicators.police_uk import HEADER
from tests.factories import ForceFactory
from tests.public.test_disparity_pages import text

pytestmark = pytest.mark.django_db
CITY_FILE = REFERENCE / "data-police-uk" / "2019-01-city-of-london-stop-and-search.csv"


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def loaded(tmp_path):
    """The real January 2019, a made-up February 2019 (two Black searches by both measures)
    and a made-up April 2019, the first month of the next financial year."""
    ForceFactory(slug="city-of-london", name="City of London Police")

    def month_file(month: str, rows: int) -> str:
        row = [""] * len(HEADER)
        row[HEADER.index("Date")] = f"{month}-03T10:00:00+00:00"
        row[HEADER.index("Self-defined ethnicity")] = (
            "Black/African/Caribbean/Black British - African"
        )
        row[HEADER.index("Officer-defined ethnicity")] = "Black"
        path = tmp_path / f"{month}-city-of-london-stop-and-search.csv"
        path.write_text("\n".join([",".join(HEADER)] + [",".join(row)] * rows) + "\n")
        return str(path)

    call_command(
        "import_stop_searches",
        "--force",
        "city-of-london",
        str(CITY_FILE),
        month_file("2019-02", 2),
        month_file("2019-04", 1),
        "--confirm",
        stdout=io.StringIO(),
    )


def test_the_csv_has_a_row_per_force_quarter_measure_and_group(client, loaded):
    response = client.get("/data/stop-searches-by-quarter.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == ["force", "quarter", "measure", "ethnicity", "searches", "months"]
    # Two quarters x two measures x six groups.
    assert len(rows) == 24
    by_key = {(r["quarter"], r["measure"], r["ethnicity"]): r for r in rows}
    # January (36) and February (2), the same financial-year quarter: 2018-Q4.
    assert by_key[("2018-Q4", "officer-defined", "Black")] == {
        "force": "city-of-london",
        "quarter": "2018-Q4",
        "measure": "officer-defined",
        "ethnicity": "Black",
        "searches": "38",
        "months": "2",
    }
    assert by_key[("2018-Q4", "self-defined", "Not stated")]["searches"] == "44"
    assert by_key[("2018-Q4", "officer-defined", "Mixed")]["searches"] == "0"
    assert by_key[("2019-Q1", "self-defined", "Black")]["searches"] == "1"
    assert by_key[("2019-Q1", "self-defined", "White")]["months"] == "1"


def test_the_json_file_credits_data_police_uk_and_the_licence(client, loaded):
    data = json.loads(body(client.get("/data/stop-searches-by-quarter.json")))

    assert "Open Government Licence v3.0" in data["credit"]
    assert "data.police.uk" in data["credit"]
    assert data["sources"][0]["path"] == "https://data.police.uk/data/"
    row = data["rows"][0]
    assert (row["force"], row["quarter"], row["measure"]) == (
        "city-of-london",
        "2018-Q4",
        "self-defined",
    )
    assert row["searches"] == 28  # Asian, the first group; a number in JSON


def test_the_data_page_documents_the_file_and_its_source(client, loaded):
    page = text(client.get("/data/"))

    assert "Stop and searches by quarter and ethnic group" in page
    assert "stop-searches-by-quarter.csv" in page
    assert "24 rows" in page
    assert "data.police.uk: stop and search data by force and month" in page
