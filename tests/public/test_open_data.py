import csv
import datetime as dt
import io
import json

import pytest

from actions.models import Deliverable, Status
from panels.models import Panel, PanelReply, PanelView
from plans.models import Force
from public.downloads import csv_cell
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    EngagementActionFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
)
from tests.national_data import build_plans, forces
from workstreams.models import NationalAction, Workstream

pytestmark = pytest.mark.django_db
MARKER = "DRAFT-MARKER-51c2"
WELSH_NAME = "Heddlu Gogledd Cymru \u2013 Gwasanaeth \u2018\u0175 \u0177\u2019 Caerdydd"
WELSH_TITLE = "Cynllun Gweithredu Hil yr Heddlu \u2013 \u2018\u0174yl\u2019 \u00e9\u00e8 \u4e2d"
FILES = [
    f"/data/{name}.{fmt}"
    for name in ("forces", "deliverables", "updates")
    for fmt in ("csv", "json")
]


@pytest.fixture
def published(reference):
    dorset = Force.objects.get(slug="dorset")
    plan = PlanFactory(force=dorset)
    deliverable = DeliverableFactory(
        plan=plan,
        workstream=Workstream.objects.get(slug="involved"),
        title='=HYPERLINK("http://evil.example","Click")',
        description="-2+3 looks like a formula",
        lead="@lead\tof\rteams",
        reference="I-01",
    )
    deliverable.national_actions.add(*NationalAction.objects.filter(code__in=["I2", "I1"]))
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter="2024-Q2", status=Status.ON_TRACK, done="+SUM(A1:A2)"
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter="2024-Q3",
        status=Status.COMPLETE,
        published_at=None,
        done=MARKER,
    )
    hidden = PlanFactory(force=Force.objects.get(slug="kent"), is_published=False, title=MARKER)
    QuarterlyUpdateFactory(deliverable=DeliverableFactory(plan=hidden, title=MARKER), done=MARKER)
    welsh = Force.objects.get(slug="north-wales")
    welsh.name = WELSH_NAME
    welsh.save()
    PlanFactory(force=welsh, title=WELSH_TITLE)
    # Engagement: a published activity with an action, a draft, and staff-only contacts.
    meeting = ActivityFactory(
        force=dorset,
        title="Poole community meeting",
        held_on=dt.date(2024, 7, 9),
        partners="Poole Faith Forum\nYouth Voice",
        partner_contacts=MARKER,
        themes=["stop_and_search", "trust"],
        attendance=40,
        attendance_basis="estimate",
        attendance_black=12,
    )
    EngagementActionFactory(activity=meeting, deliverable=deliverable, due_quarter="2024-Q3")
    draft = ActivityFactory(force=dorset, title=MARKER, heard=MARKER, published_at=None)
    EngagementActionFactory(activity=draft, deliverable=deliverable, description=MARKER)
    # Scrutiny: a published panel view (formula-like text) with a reply, and a draft view.
    panel = Panel.objects.create(force=dorset, name="Dorset Panel", description="A panel.")
    at = dt.datetime(2024, 8, 1, tzinfo=dt.UTC)
    view = PanelView.objects.create(
        panel=panel,
        force=dorset,
        quarter="2024-Q2",
        deliverable=deliverable,
        verdict="disagree",
        reasons="=1+1 is not evidence",
        evidence="https://example.org/minutes",
        published_at=at,
    )
    PanelReply.objects.create(view=view, text="We will publish the minutes.", published_at=at)
    PanelView.objects.create(
        panel=panel, force=dorset, quarter="2024-Q2", verdict="agree", reasons=MARKER
    )
    return deliverable


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(client, name):
    response = client.get(f"/data/{name}.csv")
    return list(csv.DictReader(io.StringIO(body(response))))


def read_json(client, name):
    return json.loads(body(client.get(f"/data/{name}.json")))


@pytest.mark.parametrize("url", FILES)
def test_each_file_has_its_content_type_and_file_name(client, published, url):
    response = client.get(url)
    assert response.status_code == 200
    name = url.rsplit("/", 1)[1]
    if name.endswith(".csv"):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
    else:
        assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert MARKER not in body(response)


def test_the_files_join_on_stable_identifiers(client, published):
    forces_rows = {row["slug"]: row for row in read_csv(client, "forces")}
    deliverables = read_csv(client, "deliverables")
    updates = read_csv(client, "updates")
    assert len(forces_rows) == 44
    assert [row["id"] for row in deliverables] == [str(published.pk)]
    deliverable = deliverables[0]
    assert deliverable["force"] == "dorset"
    assert forces_rows[deliverable["force"]]["name"] == "Dorset Police"
    assert deliverable["workstream"] == "involved"
    assert deliverable["national_actions"] == "I1;I2"
    assert deliverable["status"] == "on_track"
    assert deliverable["status_quarter"] == "2024-Q2"
    assert deliverable["url"].endswith(f"/forces/dorset/deliverables/{published.pk}/")
    assert [(row["deliverable_id"], row["quarter"]) for row in updates] == [
        (str(published.pk), "2024-Q2")
    ]
    dorset = forces_rows["dorset"]
    assert (dorset["deliverables"], dorset["on_track"], dorset["percent_complete"]) == (
        "1",
        "1",
        "0",
    )
    assert dorset["has_published_plan"] == "true"
    assert forces_rows["kent"]["has_published_plan"] == "false"
    assert forces_rows["kent"]["deliverables"] == "0"
    assert forces_rows["kent"]["percent_complete"] == ""


def test_drafts_and_unpublished_plans_are_never_exported(client, published):
    for url in FILES:
        assert MARKER not in body(client.get(url)), url
    assert len(read_json(client, "updates")["rows"]) == 1


def test_spreadsheet_formulas_are_neutralised(client, published):
    deliverable = read_csv(client, "deliverables")[0]
    assert deliverable["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert deliverable["description"] == "'-2+3 looks like a formula"
    assert deliverable["lead"] == "'@lead\tof\rteams"
    assert read_csv(client, "updates")[0]["done"] == "'+SUM(A1:A2)"
    assert read_json(client, "deliverables")["rows"][0]["title"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (-3, "-3"),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cells_that_look_like_formulas_are_prefixed(value, cell):
    assert csv_cell(value) == cell


def test_non_ascii_names_survive_a_csv_round_trip(client, published):
    rows = {row["slug"]: row for row in read_csv(client, "forces")}
    assert rows["north-wales"]["name"] == WELSH_NAME
    assert rows["north-wales"]["plan_title"] == WELSH_TITLE
    json_rows = {row["slug"]: row for row in read_json(client, "forces")["rows"]}
    assert json_rows["north-wales"]["name"] == WELSH_NAME


def test_json_files_carry_the_licence_the_time_and_the_columns(client, published):
    data = read_json(client, "deliverables")
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["generated_at"][:2] == "20"
    assert [column["name"] for column in data["columns"]][:3] == ["id", "force", "workstream"]
    assert data["rows"][0]["start_quarter"] == "2024-Q1"
    assert data["rows"][0]["withdrawn_on"] is None


def test_the_data_page_explains_every_file_and_column(client, published):
    response = client.get("/data/")
    html = response.content.decode()
    assert response.status_code == 200
    for url in FILES:
        assert f'href="{url}"' in html
    for column in ("percent_complete", "national_actions", "deliverable_id", "published_at"):
        assert f">{column}</dt>" in html
    assert "Open Government Licence v3.0" in html
    assert "This page was generated on" in html
    assert MARKER not in html


def test_the_deliverables_file_reads_in_chunks_with_a_bounded_number_of_queries(
    client, reference, django_assert_max_num_queries
):
    build_plans(forces(3), 10)
    with django_assert_max_num_queries(3):
        rows = body(client.get("/data/deliverables.csv")).splitlines()
    assert len(rows) == 31
    build_plans(forces(30)[3:], 10, seed=8)
    with django_assert_max_num_queries(3):
        rows = body(client.get("/data/deliverables.csv")).splitlines()
    assert len(rows) == 301


def test_each_deliverable_line_carries_its_own_national_actions_and_status(client, reference):
    build_plans(forces(12), 30, seed=3)
    one = Deliverable.objects.filter(plan__is_published=True).order_by("pk").first()
    one.national_actions.clear()  # a deliverable that serves no national action
    lines = list(csv.DictReader(io.StringIO(body(client.get("/data/deliverables.csv")))))

    expected = {
        d.pk: (";".join(sorted(a.code for a in d.national_actions.all())), d.current_status)
        for d in Deliverable.objects.public().with_current_status()
    }
    assert len(lines) == len(expected) == 360
    assert {int(line["id"]): (line["national_actions"], line["status"]) for line in lines} == (
        expected
    )
    assert expected[one.pk][0] == ""


def test_the_data_page_runs_a_fixed_number_of_queries(
    client, reference, django_assert_max_num_queries
):
    build_plans(forces(3), 4)
    client.get("/data/")
    with django_assert_max_num_queries(4):
        client.get("/data/")
    build_plans(forces(30)[3:], 40, seed=6)
    with django_assert_max_num_queries(4):
        client.get("/data/")


def test_the_engagement_files_hold_published_activities_and_actions_only(client, published):
    activities = read_csv(client, "engagement")
    actions = read_csv(client, "engagement-actions")
    assert [row["title"] for row in activities] == ["Poole community meeting"]
    row = activities[0]
    assert (row["force"], row["date"], row["quarter"], row["kind"]) == (
        "dorset",
        "2024-07-09",
        "2024-Q2",
        "community_meeting",
    )
    assert row["partners"] == "Poole Faith Forum;Youth Voice"
    assert (row["attendance"], row["attendance_basis"], row["attendance_black"]) == (
        "40",
        "estimate",
        "12",
    )
    assert row["themes"] == "stop_and_search;trust"
    assert "partner_contacts" not in row
    assert [(a["activity_id"], a["deliverable_id"]) for a in actions] == [
        (row["id"], str(published.pk))
    ]
    for name in ("engagement", "engagement-actions"):
        assert MARKER not in body(client.get(f"/data/{name}.csv"))
        assert MARKER not in body(client.get(f"/data/{name}.json"))


def test_the_panel_views_file_holds_published_views_with_replies_safe_in_a_spreadsheet(
    client, published
):
    rows = read_csv(client, "panel-views")
    assert len(rows) == 1
    row = rows[0]
    assert (row["force"], row["quarter"], row["verdict"]) == ("dorset", "2024-Q2", "disagree")
    assert row["deliverable_id"] == str(published.pk)
    assert row["reasons"] == "'=1+1 is not evidence"  # a formula is neutralised
    assert row["reply"] == "We will publish the minutes."
    assert row["url"].endswith(f"/forces/dorset/deliverables/{published.pk}/#update-2024-Q2")
    assert read_json(client, "panel-views")["rows"][0]["reasons"] == "=1+1 is not evidence"
