import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import trend
from actions.models import Deliverable, QuarterlyUpdate, Status
from actions.progress import STATUS_ORDER, StatusCounts
from plans.models import Force
from plans.quarters import Quarter
from tests.factories import DeliverableFactory, PlanFactory, QuarterlyUpdateFactory
from tests.national_data import build_plans, forces, latest

START = Quarter(2024, 1)


def naive_mix(histories, quarter):
    """Each deliverable's status at ``quarter`` from its own (quarter, status) list."""
    statuses = []
    for history in histories:
        reported = [(q, s) for q, s in history if q <= quarter]
        statuses.append(max(reported)[1] if reported else "not_started")
    return StatusCounts.from_statuses(statuses)


def spans_of(histories):
    """What ``QuarterlyUpdate.objects.status_spans()`` returns for these histories."""
    grouped = {}
    for history in histories:
        ordered = sorted(history)
        for index, (quarter, status) in enumerate(ordered):
            until = ordered[index + 1][0] if index + 1 < len(ordered) else None
            grouped[(quarter, until, status)] = grouped.get((quarter, until, status), 0) + 1
    return [{"quarter": q, "until": u, "status": s, "n": n} for (q, u, s), n in grouped.items()]


histories = st.lists(
    st.dictionaries(st.integers(0, 7), st.sampled_from(STATUS_ORDER), max_size=6).map(
        lambda updates: [(START + offset, status) for offset, status in updates.items()]
    ),
    max_size=15,
)


@given(histories)
def test_the_status_mix_equals_the_status_of_each_deliverable_at_each_quarter(histories):
    quarters = Quarter.range(START, START + 8)
    mixes = trend.status_mix(spans_of(histories), len(histories), quarters)
    assert [mix.quarter for mix in mixes] == quarters
    for mix in mixes:
        assert mix.counts == naive_mix(histories, mix.quarter)


def test_trend_quarters_run_from_the_first_report_to_the_quarter_just_ended():
    spans = [{"quarter": Quarter(2024, 2), "until": None, "status": "complete", "n": 1}]
    assert trend.trend_quarters(spans, Quarter(2024, 4)) == Quarter.range(
        Quarter(2024, 2), Quarter(2024, 4)
    )
    assert trend.trend_quarters([], Quarter(2024, 4)) == []
    assert len(trend.trend_quarters(spans, Quarter(2030, 1), limit=5)) == 5


def test_the_chart_stacks_every_status_to_the_full_height():
    mix = trend.QuarterMix(Quarter(2024, 1), StatusCounts(complete=1, on_track=3))
    chart = trend.stacked_chart([mix], plot_height=200)
    blocks = chart.columns[0].blocks
    assert [(b.status, b.height) for b in blocks] == [("complete", 50), ("on_track", 150)]
    assert blocks[-1].y == chart.plot_top


@pytest.mark.django_db
def test_status_spans_pair_each_published_update_with_the_next_one():
    deliverable = DeliverableFactory()
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 1), status="on_track")
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 2), status="complete", published_at=None
    )
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 3), status="at_risk")
    spans = QuarterlyUpdate.objects.status_spans()
    assert sorted(spans, key=lambda s: s["quarter"]) == [
        {"quarter": Quarter(2024, 1), "until": Quarter(2024, 3), "status": "on_track", "n": 1},
        {"quarter": Quarter(2024, 3), "until": None, "status": "at_risk", "n": 1},
    ]


@pytest.fixture
def reported(reference):
    now = latest()
    plan = PlanFactory(force=Force.objects.get(slug="dorset"))
    first = DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(deliverable=first, quarter=now - 2, status=Status.ON_TRACK)
    QuarterlyUpdateFactory(deliverable=first, quarter=now - 1, status=Status.COMPLETE)
    second = DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(deliverable=second, quarter=now - 1, status=Status.AT_RISK)
    QuarterlyUpdateFactory(
        deliverable=second, quarter=now, status=Status.COMPLETE, published_at=None
    )
    DeliverableFactory(plan=plan)
    QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=PlanFactory(force=Force.objects.get(slug="kent"))),
        quarter=now,
        status=Status.COMPLETE,
    )


def rows(html):
    import re

    body = html[html.index("Figures for each quarter") :]
    return re.findall(
        r'<th scope="row" class="govuk-table__header">(Q\d \d{4}/\d\d) .*?<strong>(\d+)%</strong>',
        body,
        re.S,
    )


@pytest.mark.django_db
def test_the_national_trend_shows_share_complete_for_each_quarter(client, reported):
    now = latest()
    html = client.get("/national/trend/").content.decode()
    assert rows(html) == [(str(now - 2), "0"), (str(now - 1), "25"), (str(now), "50")]
    assert '<svg class="prap-chart"' in html
    assert "Status of 4 deliverables" in html


@pytest.mark.django_db
def test_a_forces_trend_counts_only_its_deliverables(client, reported):
    now = latest()
    html = client.get("/national/trend/?force=dorset").content.decode()
    assert "Trend: Dorset Police" in html
    assert rows(html) == [(str(now - 2), "0"), (str(now - 1), "33"), (str(now), "33")]
    assert "Status of 3 deliverables" in html


@pytest.mark.django_db
def test_an_unknown_force_gets_a_message_and_the_national_trend(client, reported):
    html = client.get("/national/trend/?force=atlantis").content.decode()
    assert "There is no such force. Choose one from the list." in html
    assert "Status of 4 deliverables" in html


@pytest.mark.django_db
def test_a_force_without_published_updates_has_no_trend(client, reported):
    html = client.get("/national/trend/?force=gwent").content.decode()
    assert "Gwent Police has no published quarterly updates yet" in html


@pytest.mark.django_db
def test_trend_runs_the_same_number_of_queries_at_ten_times_the_data(
    client, reference, django_assert_max_num_queries
):
    build_plans(forces(3), 4)
    client.get("/national/trend/")
    with django_assert_max_num_queries(5):
        client.get("/national/trend/")
    with django_assert_max_num_queries(7):
        client.get("/national/trend/?force=" + forces(1)[0].slug)
    build_plans(forces(30)[3:], 40, seed=5)
    assert Deliverable.objects.count() >= 10 * 12
    with django_assert_max_num_queries(5):
        client.get("/national/trend/")
    with django_assert_max_num_queries(7):
        client.get("/national/trend/?force=" + forces(1)[0].slug)
