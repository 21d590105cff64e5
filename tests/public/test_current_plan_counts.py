"""Every page that counts a force's deliverables counts the same ones: those of its newest
published plan. An older published plan stays readable but is not double-counted."""

import csv
import io
import json

import pytest

from actions.models import Status
from plans.quarters import Quarter
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory, QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def force_with_two_plans(reference):
    force = ForceFactory(slug="dorset")
    old = PlanFactory(force=force, first_quarter=Quarter(2022, 1), last_quarter=Quarter(2023, 4))
    new = PlanFactory(force=force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4))
    for _ in range(3):
        QuarterlyUpdateFactory(deliverable=DeliverableFactory(plan=old), status=Status.COMPLETE)
    QuarterlyUpdateFactory(deliverable=DeliverableFactory(plan=new), status=Status.COMPLETE)
    DeliverableFactory(plan=new)
    return force, old, new


def test_national_table_and_forces_file_count_only_the_newest_published_plan(
    client, force_with_two_plans
):
    response = client.get("/national/", {"format": "json"})
    national = json.loads(b"".join(response.streaming_content))
    dorset = next(row for row in national["rows"] if "dorset" in json.dumps(row))
    assert dorset["deliverables"] == 2
    assert dorset["complete"] == 1
    assert dorset["percent_complete"] == 50  # 1 of 2 complete, not 4 of 5

    forces_csv = client.get("/data/forces.csv")
    text = b"".join(forces_csv.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == "dorset")
    assert (row["deliverables"], row["complete"]) == ("2", "1")


def test_the_roadmap_and_directory_agree(client, force_with_two_plans):
    roadmap = client.get("/forces/dorset/").content.decode()
    assert "1 of 2" in roadmap or "50%" in roadmap
    directory = client.get("/forces/").content.decode()
    assert "50%" in directory


def test_an_older_published_plans_deliverable_stays_reachable(client, force_with_two_plans):
    _, old, _ = force_with_two_plans
    deliverable = old.deliverables.first()
    assert client.get(f"/forces/dorset/deliverables/{deliverable.pk}/").status_code == 200
