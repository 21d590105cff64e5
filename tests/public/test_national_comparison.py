import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Deliverable, QuarterlyUpdate, Status
from plans.cache import all_content_changed
from plans.models import Force
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory
from tests.national_data import build_plans, current_status_from_rows, forces, latest
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db
MARKER = "DRAFT-MARKER-7f3a"
NO_DELIVERABLES = (
    '<span aria-hidden="true">&ndash;</span><span class="govuk-visually-hidden">none</span>'
)


def ws(slug):
    return Workstream.objects.get(slug=slug)


def force(slug):
    return Force.objects.get(slug=slug)


@pytest.fixture
def scenario(reference):
    """Dorset and Kent report; Cheshire has only an unpublished plan; Gwent has no plan."""
    now = latest()
    dorset = PlanFactory(force=force("dorset"))
    done = DeliverableFactory(plan=dorset, workstream=ws("represented"))
    QuarterlyUpdateFactory(deliverable=done, quarter=now - 1, status=Status.ON_TRACK)
    QuarterlyUpdateFactory(deliverable=done, quarter=now, status=Status.COMPLETE)
    risky = DeliverableFactory(plan=dorset, workstream=ws("represented"))
    QuarterlyUpdateFactory(deliverable=risky, quarter=now - 1, status=Status.AT_RISK)
    QuarterlyUpdateFactory(
        deliverable=risky, quarter=now, status=Status.COMPLETE, published_at=None, done=MARKER
    )
    DeliverableFactory(plan=dorset, workstream=ws("involved"))
    withdrawn = DeliverableFactory(
        plan=dorset,
        workstream=ws("involved"),
        withdrawn_at=dt.date(2024, 5, 1),
        withdrawn_reason="Merged into another deliverable.",
    )
    QuarterlyUpdateFactory(deliverable=withdrawn, quarter=now - 2, status=Status.COMPLETE)
    late = DeliverableFactory(plan=dorset, workstream=ws("not-over-policed"))
    QuarterlyUpdateFactory(deliverable=late, quarter=now - 1, status=Status.OFF_TRACK)

    kent = PlanFactory(force=force("kent"))
    QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=kent, workstream=ws("represented")),
        quarter=now - 2,
        status=Status.COMPLETE,
    )
    QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=kent, workstream=ws("not-under-protected")),
        quarter=now - 1,
        status=Status.ON_TRACK,
    )
    hidden = PlanFactory(force=force("kent"), is_published=False, title=MARKER)
    QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=hidden, title=MARKER, workstream=ws("involved")),
        quarter=now,
        status=Status.COMPLETE,
    )
    cheshire = PlanFactory(force=force("cheshire"), is_published=False)
    QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=cheshire, workstream=ws("involved")),
        quarter=now,
        status=Status.COMPLETE,
    )


def half_up(part, whole):
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def expected_rows():
    """Every force's figures, worked out from the rows one by one."""
    deliverables = list(
        Deliverable.objects.select_related("plan", "workstream").prefetch_related("updates")
    )
    expected = {}
    for each in Force.objects.all():
        counted = [
            d
            for d in deliverables
            if d.plan.force_id == each.pk and d.plan.is_published and d.withdrawn_at is None
        ]
        statuses = Counter(current_status_from_rows(d) for d in counted)
        public_quarters = [
            u.quarter
            for d in deliverables
            if d.plan.force_id == each.pk and d.plan.is_published
            for u in d.updates.all()
            if u.published_at is not None
        ]
        by_workstream = {}
        for workstream in Workstream.objects.all():
            mine = [d for d in counted if d.workstream_id == workstream.pk]
            complete = sum(current_status_from_rows(d) == Status.COMPLETE for d in mine)
            by_workstream[f"ws_{workstream.slug}"] = half_up(complete, len(mine)) if mine else None
        expected[each.slug] = {
            "force": each.name,
            "region": each.region,
            "deliverables": len(counted),
            "complete": statuses[Status.COMPLETE],
            "on_track": statuses[Status.ON_TRACK],
            "at_risk": statuses[Status.AT_RISK],
            "off_track": statuses[Status.OFF_TRACK],
            "not_started": statuses[Status.NOT_STARTED],
            "percent_complete": (
                half_up(statuses[Status.COMPLETE], len(counted)) if counted else None
            ),
            "latest_quarter": max(public_quarters).compact if public_quarters else None,
            **by_workstream,
        }
    return expected


def download(client, query=""):
    response = client.get(f"/national/?{query}&format=json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))["rows"]


def table_slugs(html):
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return re.findall(r'<a class="govuk-link" href="/forces/([a-z0-9-]+)/">', body)


def test_comparison_figures_equal_figures_worked_out_from_the_rows(client, scenario):
    rows = download(client)
    expected = expected_rows()
    assert len(rows) == 44
    for row in rows:
        wanted = expected[row["slug"]]
        assert {key: row[key] for key in wanted} == wanted, row["slug"]
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["dorset"]["deliverables"] == 4
    assert by_slug["dorset"]["percent_complete"] == 25
    assert by_slug["gwent"]["deliverables"] == 0
    assert by_slug["cheshire"]["deliverables"] == 0
    assert by_slug["cheshire"]["latest_quarter"] is None


def test_figures_still_match_the_rows_on_generated_data(client, reference):
    build_plans(forces(6), 12, seed=7)
    rows = download(client)
    expected = expected_rows()
    for row in rows:
        assert {key: row[key] for key in expected[row["slug"]]} == expected[row["slug"]]


def test_the_page_shows_every_force_with_its_share_and_heat_map_cells(client, scenario):
    response = client.get("/national/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(table_slugs(html)) == 44
    assert "Gwent Police" in html
    assert 'prap-heat prap-heat--2">50%' in html  # Dorset, Represented: 1 of 2 complete
    assert "0-19% complete" in html  # the legend
    assert "[invalid name]" not in html
    assert 'aria-label="1 complete, 1 at risk, 1 off track, 1 not started"' in html


def test_a_forces_row_has_a_heat_cell_per_workstream_and_its_status_bar(client, scenario):
    html = client.get("/national/").content.decode()
    start = html.index('<a class="govuk-link" href="/forces/dorset/">')
    row = html[start : html.index("</tr>", start)]

    heat = (
        '<td class="govuk-table__cell govuk-table__cell--numeric prap-heat prap-heat--{}">{}</td>'
    )
    assert heat.format("2", "50%") in row  # Represented: 1 of 2 complete
    assert row.count(heat.format("0", "0%")) == 2  # Involved, Not over-policed: none complete
    assert heat.format("none", NO_DELIVERABLES) in row  # Not under-protected: no deliverables
    assert row.count("prap-heat--") == 4
    bar = (
        '<td class="govuk-table__cell"><svg class="prap-bar" viewBox="0 0 100 10" '
        'preserveAspectRatio="none" role="img" '
        'aria-label="1 complete, 1 at risk, 1 off track, 1 not started" focusable="false">'
        '<rect class="prap-fill--complete" x="0.0" y="0" width="25.0" height="10"></rect>'
        '<rect class="prap-fill--at_risk" x="25.0" y="0" width="25.0" height="10"></rect>'
        '<rect class="prap-fill--off_track" x="50.0" y="0" width="25.0" height="10"></rect>'
        '<rect class="prap-fill--not_started" x="75.0" y="0" width="25.0" height="10"></rect>'
        "</svg>\n</td>"
    )
    assert bar in row


def test_a_force_without_deliverables_has_no_bar_and_dashes_for_heat(client, scenario):
    html = client.get("/national/").content.decode()
    start = html.index('<a class="govuk-link" href="/forces/gwent/">')
    row = html[start : html.index("</tr>", start)]

    dash = '<td class="govuk-table__cell govuk-table__cell--numeric prap-heat prap-heat--none">'
    assert row.count(dash + NO_DELIVERABLES + "</td>") == 4
    assert (
        '<td class="govuk-table__cell"><span class="govuk-body-s prap-muted">No deliverables'
        "</span>\n</td>"
    ) in row


def test_filtering_by_region_keeps_only_that_regions_forces(client, scenario):
    html = client.get("/national/?region=Wales").content.decode()
    slugs = table_slugs(html)
    assert sorted(slugs) == sorted(
        Force.objects.filter(region="Wales").values_list("slug", flat=True)
    )
    assert "dorset" not in slugs


def test_filtering_by_country(client, scenario):
    rows = download(client, "country=Great Britain")
    assert [row["slug"] for row in rows] == ["btp"]


def test_filtering_by_reported_in_the_latest_quarter(client, scenario):
    reported = {row["slug"] for row in download(client, "reported=yes")}
    assert reported == {"dorset"}
    not_reported = {row["slug"] for row in download(client, "reported=no")}
    assert "kent" in not_reported
    assert "gwent" in not_reported
    assert len(not_reported) == 43


def test_choosing_a_workstream_counts_only_its_deliverables(client, scenario):
    rows = {row["slug"]: row for row in download(client, "workstream=represented")}
    assert rows["dorset"]["deliverables"] == 2
    assert rows["dorset"]["complete"] == 1
    assert rows["dorset"]["percent_complete"] == 50
    assert rows["kent"]["deliverables"] == 1
    assert "ws_involved" not in rows["dorset"]
    assert len(rows) == 44


def test_sorting_by_share_complete_orders_the_rows(client, scenario):
    html = client.get("/national/?sort=-percent_complete").content.decode()
    slugs = table_slugs(html)
    assert slugs[:2] == ["kent", "dorset"]  # 50% then 25%
    assert 'aria-sort="descending"' in html
    ascending = table_slugs(client.get("/national/?sort=percent_complete").content.decode())
    assert ascending[-2:] == ["dorset", "kent"]


def test_sorting_by_name_descending_reverses_the_default_order(client, scenario):
    default = table_slugs(client.get("/national/").content.decode())
    reverse = table_slugs(client.get("/national/?sort=-force").content.decode())
    assert reverse == list(reversed(default))


def test_csv_download_is_the_filtered_and_sorted_table(client, scenario):
    query = "region=South West&sort=-deliverables"
    html = client.get(f"/national/?{query}").content.decode()
    response = client.get(f"/national/?{query}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="national-comparison.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Force id"] for row in rows] == table_slugs(html)
    assert rows[0]["Force"] == "Dorset Police"
    assert rows[0]["Deliverables"] == "4"
    assert rows[0]["Share complete"] == "25"
    assert rows[0]["Represented"] == "50"
    assert rows[0]["Latest quarter reported"] == latest().compact
    assert {row["Region"] for row in rows} == {"South West"}


def test_json_download_is_the_filtered_and_sorted_table(client, scenario):
    query = "region=South East&sort=-complete"
    html = client.get(f"/national/?{query}").content.decode()
    response = client.get(f"/national/?{query}&format=json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="national-comparison.json"'
    data = json.loads(b"".join(response.streaming_content))
    assert [row["slug"] for row in data["rows"]] == table_slugs(html)
    assert data["filters"] == {"region": "South East", "sort": "-complete"}
    assert data["rows"][0]["slug"] == "kent"


def test_download_links_carry_the_filters_and_sorting(client, scenario):
    html = client.get("/national/?region=Wales&sort=region").content.decode()
    assert 'href="?region=Wales&amp;sort=region&amp;format=csv"' in html
    assert 'href="?region=Wales&amp;sort=region&amp;format=json"' in html


def test_a_filter_value_that_does_not_exist_gets_a_clear_message(client, scenario):
    response = client.get("/national/?region=Atlantis")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select a valid choice. Atlantis is not one of the available choices." in html
    assert len(table_slugs(html)) == 44


def test_drafts_and_unpublished_plans_are_never_counted_or_shown(client, scenario):
    for url in [
        "/national/",
        "/national/?format=csv",
        "/national/?format=json",
        "/national/compare/?forces=dorset,kent,cheshire",
        "/national/coverage/",
        "/national/trend/",
        "/national/trend/?force=kent",
    ]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert MARKER not in body.decode(), url
    rows = {row["slug"]: row for row in download(client)}
    assert rows["kent"]["deliverables"] == 2  # not the deliverable of the unpublished plan
    assert rows["dorset"]["at_risk"] == 1  # the draft "complete" does not count


def rendered_queries(client, url: str) -> int:
    """Queries of one uncached rendering of ``url`` (an address not read before)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


NATIONAL_PAGES = [
    "/national/?sort=-percent_complete",
    "/national/?region=Wales&workstream=involved&reported=no",
    "/national/?region=Wales&workstream=involved&format=csv",
]


def test_the_national_page_runs_the_same_number_of_queries_at_ten_times_the_data(client, reference):
    """One grouped query per figure, whatever the number of forces, deliverables, updates,
    engagement activities and panel views: the count is the same at both sizes."""
    build_plans(forces(4), 5)
    client.get("/national/")  # warm the demo-data flag cache, as on a live site
    small = [rendered_queries(client, url) for url in NATIONAL_PAGES]
    build_plans(Force.objects.filter(plans__isnull=True).order_by("slug")[:36], 50, seed=2)
    assert Deliverable.objects.count() >= 10 * 20
    all_content_changed()  # new versions: every page is rendered again
    client.get("/national/")  # and the demo-data flag read again once
    large = [rendered_queries(client, url) for url in NATIONAL_PAGES]
    assert large == small
    assert max(large) <= 14


def test_published_updates_are_public_only_once_published(client, scenario):
    """An update published after the draft was saved starts counting straight away."""
    draft = QuarterlyUpdate.objects.get(done=MARKER)
    draft.published_at = timezone.now()
    draft.save()
    rows = {row["slug"]: row for row in download(client)}
    assert rows["dorset"]["complete"] == 2
    assert rows["dorset"]["at_risk"] == 0
