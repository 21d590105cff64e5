"""``/data/datapackage.json`` describes every CSV file on ``/data/``, and every file is valid
against it (checked with the Frictionless Framework, as an open data tool would)."""

from __future__ import annotations

import json

import pytest
from frictionless import Package, validate

from public.open_data import DATASETS
from tests.public import test_open_data
from tests.public.test_open_data import body

published = test_open_data.published  # the fixture: a published plan, a draft, hostile text

pytestmark = pytest.mark.django_db


def test_the_package_describes_every_csv_file_with_its_columns_and_licence(client, reference):
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert set(resources) == set(DATASETS)
    for slug, dataset in DATASETS.items():
        resource = resources[slug]
        assert resource["path"] == f"{slug}.csv"
        assert client.get(f"/data/{resource['path']}").status_code == 200
        fields = resource["schema"]["fields"]
        assert [field["name"] for field in fields] == dataset.names
        assert all(field["description"] for field in fields)
    described = Package.validate_descriptor(package)
    assert described.valid, [error.message for error in described.errors]


def test_every_csv_file_is_valid_against_the_package_joins_included(
    client,
    published,
    tmp_path,
):
    (tmp_path / "datapackage.json").write_bytes(client.get("/data/datapackage.json").content)
    for slug in DATASETS:
        (tmp_path / f"{slug}.csv").write_text(body(client.get(f"/data/{slug}.csv")))

    report = validate(str(tmp_path / "datapackage.json"), checks=[])
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, "\n".join(errors)
    assert {task.name: task.stats["rows"] for task in report.tasks} == {
        "forces": 44,
        "deliverables": 1,
        "updates": 1,
        # The official figures: 44 areas x (5 years over Census 2021 + 2020/21 over 2011) x 5.
        "stop-search-rates": 44 * 6 * 5,
        # The shipped data.police.uk month: City of London, 2018-Q4, 2 measures x 6 groups.
        "stop-searches-by-quarter": 12,
        "engagement": 1,
        "engagement-actions": 1,
        "panel-views": 1,
    }


def test_a_file_that_breaks_the_schema_is_caught(client, published, tmp_path):
    """The check can fail: an update of an unknown deliverable with a bad quarter."""
    (tmp_path / "datapackage.json").write_bytes(client.get("/data/datapackage.json").content)
    for slug in DATASETS:
        (tmp_path / f"{slug}.csv").write_text(body(client.get(f"/data/{slug}.csv")))
    updates = tmp_path / "updates.csv"
    updates.write_text(updates.read_text() + "999999,dorset,2024-Q9,on_track,,,,,\n")

    report = validate(str(tmp_path / "datapackage.json"))
    messages = " ".join(error.type for task in report.tasks for error in task.errors)
    assert not report.valid
    assert "constraint-error" in messages
    assert "foreign-key" in messages


def test_a_figures_row_with_an_unknown_census_or_group_is_caught(client, reference, tmp_path):
    (tmp_path / "datapackage.json").write_bytes(client.get("/data/datapackage.json").content)
    for slug in DATASETS:
        (tmp_path / f"{slug}.csv").write_text(body(client.get(f"/data/{slug}.csv")))
    rates = tmp_path / "stop-search-rates.csv"
    rates.write_text(rates.read_text() + "kent,2022/23,2015,Purple,1,1,1,1,1,1,,x\n")

    report = validate(str(tmp_path / "datapackage.json"))
    errors = [error for task in report.tasks for error in task.errors]
    assert not report.valid
    assert {error.type for error in errors} == {"constraint-error"}
    assert len(errors) == 2  # the census and the group


def test_the_demo_data_files_are_valid_against_the_package(client, reference, demo_day, tmp_path):
    """Every kind of row the product makes: withdrawn deliverables, never-reported ones,
    corrected updates, 40-odd forces' plans."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    (tmp_path / "datapackage.json").write_bytes(client.get("/data/datapackage.json").content)
    for slug in DATASETS:
        (tmp_path / f"{slug}.csv").write_text(body(client.get(f"/data/{slug}.csv")))

    report = validate(str(tmp_path / "datapackage.json"))
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, "\n".join(errors[:20])
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert all(rows[name] > 40 for name in ("forces", "deliverables", "updates"))
    # A year of engagement for a few forces (one draft activity is not in the file).
    assert rows["engagement"] >= 14 and rows["engagement-actions"] >= 14
    # Four forces' panels: a statement and up to four views each on their latest return.
    assert 4 * 2 <= rows["panel-views"] <= 4 * 5
