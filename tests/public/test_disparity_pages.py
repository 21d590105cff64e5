"""The disparity pages: a force's official figures beside its commitments, and every force
compared. Real figures, loaded from the shipped files."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Status
from plans.cache import all_content_changed
from plans.models import Force
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db
OGL = "Open Government Licence v3.0"


def text(response) -> str:
    """The page as a person reads it: tags removed, spaces collapsed."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_force_page_shows_its_rates_ratio_interval_and_counts(client, reference):
    response = client.get("/forces/dorset/disparities/")
    assert response.status_code == 200
    page = text(response)
    # 2022/23, Census 2021 (worked by hand in tests/indicators/test_rates.py):
    # 138 / 5,315 = 25.96 per 1,000; 1,382 / 733,925 = 1.88; ratio 13.79 (11.58 to 16.43).
    assert "2022/23 138 5,315 25.96 1,382 733,925 1.88 13.79 11.58 to 16.43 4.08" in page
    assert "Census 2021" in page
    # The plan's "seven times", over Census 2011, is named with its census.
    assert "for England and Wales it was 7.02" in page
    assert OGL in page
    assert "Home Office" in page and "Office for National Statistics" in page
    assert "explain or reform" in page


def test_a_force_page_draws_the_trend_as_an_accessible_svg_with_the_table_beside(client, reference):
    html = client.get("/forces/dorset/disparities/").content.decode()
    svg = html[
        html.index('<svg class="prap-chart prap-dw"') : html.index(
            "</svg>", html.index("prap-chart prap-dw")
        )
    ]
    assert 'role="img"' in svg and "aria-labelledby=" in svg
    assert "style=" not in html  # the Content Security Policy allows no inline styles
    assert svg.count("<circle") == 5  # one dot a year
    assert "Dorset Police 2022/23: 13.79 times (95% interval 11.58 to 16.43)" in svg


def test_small_counts_and_unknown_figures_are_marked(client, reference):
    page = text(client.get("/forces/dyfed-powys/disparities/"))
    # Dyfed-Powys gives no "Other" count for 2020/21 and 2021/22: unknown, not zero.
    assert "Other unknown 1,907 unknown unknown none The source gives no count" in page
    # 4 "Other" searches in 2022/23: 4 / 1,907 x 1,000 = 2.10 per 1,000; White 7,355 /
    # 501,963 x 1,000 = 14.65; ratio 0.14; sqrt(1/4 + 1/7,355) = 0.5003, x 1.96 = 0.9807:
    # 0.1432 x exp(-0.9807) = 0.05 to 0.1432 x exp(0.9807) = 0.38.
    assert (
        "Other 4 1,907 2.10 0.14 0.05 to 0.38 Fewer than 20 searches: treat with caution." in page
    )


def test_city_of_london_rates_are_not_meaningful_and_not_ranked(client, reference):
    page = text(client.get("/forces/city-of-london/disparities/"))
    assert "Rates per resident are not meaningful here" in page
    assert "not meaningful" in page
    # The arithmetic gives 10.30 "times" in 2022/23; the page does not show it as a finding.
    assert "10.30" not in page
    national = client.get("/national/disparities/?year=2022/23").content.decode()
    table = national[national.index("<table") : national.index("</table>")]
    assert "City of London" not in table
    assert "Not ranked" in national


def test_british_transport_police_has_no_resident_figures(client, reference):
    page = text(client.get("/forces/btp/disparities/"))
    assert "no resident population" in page


def test_use_of_force_shows_the_share_not_reported_with_a_warning_when_large(client, reference):
    page = text(client.get("/forces/avon-and-somerset/disparities/"))
    assert "For 33% of uses of force (6,943 of 21,093) the officer did not report the group" in page
    gloucestershire = text(client.get("/forces/gloucestershire/disparities/"))
    assert "the officer did not report the group" not in gloucestershire
    assert "0% of all 2,136 uses" in gloucestershire


def test_the_force_page_lists_its_published_not_over_policed_deliverables_only(client, reference):
    dorset = Force.objects.get(slug="dorset")
    over_policed = Workstream.objects.get(slug="not-over-policed")
    involved = Workstream.objects.get(slug="involved")
    plan = PlanFactory(force=dorset)
    reform = DeliverableFactory(plan=plan, workstream=over_policed, title="Reform stop and search")
    QuarterlyUpdateFactory(deliverable=reform, status=Status.AT_RISK)
    DeliverableFactory(plan=plan, workstream=involved, title="Youth panel")
    draft_plan = PlanFactory(force=dorset, is_published=False, title="Next plan")
    DeliverableFactory(plan=draft_plan, workstream=over_policed, title="Secret draft work")
    QuarterlyUpdateFactory(
        deliverable=reform, quarter=reform.due_quarter, status=Status.COMPLETE, published_at=None
    )

    page = text(client.get("/forces/dorset/disparities/"))

    section = page[page.index("What Dorset Police committed to do about it") :]
    assert "Reform stop and search At risk" in section
    assert "Youth panel" not in page
    assert "Secret draft work" not in page
    assert "Complete" not in section.split("What these figures mean")[0]


def test_the_force_page_runs_the_same_queries_however_many_deliverables_it_lists(client, reference):
    dorset = Force.objects.get(slug="dorset")
    over_policed = Workstream.objects.get(slug="not-over-policed")
    plan = PlanFactory(force=dorset)

    def queries_listing(count: int) -> int:
        DeliverableFactory.create_batch(count, plan=plan, workstream=over_policed)
        all_content_changed()  # the page is rendered again, not read from the cache
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/forces/dorset/disparities/").content.decode()
        assert html.count("/forces/dorset/deliverables/") >= count
        return len(queries)

    assert queries_listing(2) == queries_listing(18)


def test_the_roadmap_links_to_the_force_figures(client, reference):
    dorset = Force.objects.get(slug="dorset")
    PlanFactory(force=dorset)
    html = client.get("/forces/dorset/").content.decode()
    assert html.count('href="/forces/dorset/disparities/"') >= 2  # the aside and the workstream
    no_plan = client.get("/forces/kent/").content.decode()
    assert 'href="/forces/kent/disparities/"' in no_plan


def test_the_national_page_shows_every_force_with_its_interval_highest_first(client, reference):
    response = client.get("/national/disparities/?year=2022/23")
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    rows = re.findall(r'<a class="govuk-link" href="/forces/([a-z-]+)/disparities/">', table)
    assert len(rows) == 42  # 43 forces less City of London
    assert rows[0] == "dorset"  # 13.79, the highest in 2022/23
    page = text(response)
    assert "Dorset Police 138 5,315 25.96 1.88 13.79 11.58 to 16.43 +1.69" in page
    assert "4.08 times" in page  # England and Wales
    assert OGL in page
    # The dot-and-whisker chart: one row per ranked force.
    chart = html[html.index('aria-labelledby="dw-title dw-summary"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count("<circle") == 42


def test_the_national_table_sorts_by_a_column_heading(client, reference):
    html = client.get("/national/disparities/?year=2022/23&sort=force").content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    rows = re.findall(r'href="/forces/([a-z-]+)/disparities/"', table)
    assert rows[:2] == ["avon-and-somerset", "bedfordshire"]
    assert 'aria-sort="ascending"' in table


def test_the_national_page_reproduces_the_plans_seven_times_over_census_2011(client, reference):
    page = text(client.get("/national/disparities/?year=2020/21&census=2011"))
    assert "Black people were stopped and searched 7.02 times as often as White people" in page
    assert "(Census 2011)" in page
    assert "95,962 searches of 1,864,890 Black residents" in page


def test_census_2011_for_a_later_year_is_refused_with_a_message(client, reference):
    response = client.get("/national/disparities/?year=2022/23&census=2011")
    assert response.status_code == 200
    assert "Census 2011 figures are given for 2020/21 only" in text(response)
    assert "govuk-error-summary" in response.content.decode()


def test_another_group_can_be_compared(client, reference):
    page = text(client.get("/national/disparities/?year=2022/23&group=Asian"))
    assert "Asian people were stopped and searched 1.43 times" in page


def test_the_open_data_file_has_a_row_per_force_year_census_and_group(client, reference):
    response = client.get("/data/stop-search-rates.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 44 * 6 * 5
    by_key = {(r["force"], r["year"], r["census"], r["ethnicity"]): r for r in rows}
    dorset = by_key[("dorset", "2022/23", "2021", "Black")]
    assert dorset | {"source": ""} == {
        "force": "dorset",
        "year": "2022/23",
        "census": "2021",
        "ethnicity": "Black",
        "searches": "138",
        "population": "5315",
        "rate_per_1000": "25.9643",
        "ratio_to_white": "13.7886",
        "ratio_lower_95": "11.5752",
        "ratio_upper_95": "16.4252",
        "caution": "",
        "source": "",
    }
    assert "OGL v3.0" in dorset["source"]
    seven = by_key[("england-and-wales", "2020/21", "2011", "Black")]
    assert seven["ratio_to_white"] == "7.0170"
    unknown = by_key[("dyfed-powys", "2020/21", "2021", "Other")]
    assert (unknown["searches"], unknown["rate_per_1000"], unknown["caution"]) == (
        "",
        "",
        "unknown",
    )
    assert by_key[("city-of-london", "2022/23", "2021", "Black")]["caution"] == "not-meaningful"
    white = by_key[("dorset", "2022/23", "2021", "White")]
    assert (white["ratio_to_white"], white["ratio_lower_95"]) == ("1.0000", "")


def test_the_json_file_credits_the_sources_and_licence(client, reference):
    data = json.loads(b"".join(client.get("/data/stop-search-rates.json").streaming_content))
    assert OGL in data["credit"]
    assert data["licence"]["name"] == OGL
    assert len(data["rows"]) == 44 * 6 * 5
    row = next(
        r
        for r in data["rows"]
        if r["force"] == "dorset" and r["year"] == "2022/23" and r["ethnicity"] == "Black"
    )
    assert row["rate_per_1000"] == 25.9643  # a number in JSON


def test_the_data_page_documents_the_file_with_its_credit(client, reference):
    page = text(client.get("/data/"))
    assert "Stop and search rates by ethnic group" in page
    assert "stop-search-rates.csv" in page
    assert "ratio_lower_95" in page
    assert (
        "Contains public sector information licensed under the Open Government Licence v3.0" in page
    )


def test_the_pages_are_cached_and_renewed_by_a_reference_load(
    client, reference, django_assert_num_queries
):
    from plans.cache import all_content_changed

    all_content_changed()
    client.get("/forces/dorset/disparities/")
    with django_assert_num_queries(1):
        client.get("/forces/dorset/disparities/")
    call_command("load_reference", stdout=io.StringIO())
    with django_assert_num_queries(11):  # rendered again
        client.get("/forces/dorset/disparities/")


def test_the_not_over_policed_workstream_links_to_the_figures(client, reference):
    assert (
        'href="/national/disparities/"'
        in client.get("/workstreams/not-over-policed/").content.decode()
    )
    assert (
        'href="/national/disparities/"' not in client.get("/workstreams/involved/").content.decode()
    )


def test_an_unknown_force_is_not_found(client, reference):
    assert client.get("/forces/atlantis/disparities/").status_code == 404


def test_an_unknown_year_gets_a_message_saying_what_is_wrong(client, reference):
    response = client.get("/national/disparities/?year=1999/00&group=Purple")
    page = text(response)
    assert "There are no figures for that year. Choose one." in page
    assert "Choose Black, Asian, Mixed or Other." in page
    assert "2024/25" in page  # the newest year is shown meanwhile


def test_city_of_london_shows_its_data_police_uk_month_by_officer_defined_ethnicity(
    client, reference
):
    page = text(client.get("/forces/city-of-london/disparities/"))
    assert "Searches in January 2019 by officer-defined ethnicity (data.police.uk)" in page
    counts = [
        int(n)
        for n in re.findall(
            r"(?:White|Black|Asian|Other|Not recorded) (\d+)",
            page[
                page.index("Searches in January 2019") : page.index(
                    "What City of London Police committed"
                )
            ],
        )
    ]
    assert sum(counts) == 153


def test_the_force_page_says_how_the_force_compares_with_england_and_wales(client, reference):
    # 2024/25: Dorset 8.53 (6.92 to 10.51) against England and Wales 3.65.
    page = text(client.get("/forces/dorset/disparities/"))
    assert "Higher than England and Wales: the whole 95% interval lies above" in page
    merseyside = text(client.get("/forces/merseyside/disparities/"))
    assert "Lower than England and Wales" in merseyside
