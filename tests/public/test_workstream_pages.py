import datetime as dt

import pytest

from public.workstream_views import DELIVERABLES_PER_PAGE
from tests.factories import (
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    PracticeExampleFactory,
    QuarterlyUpdateFactory,
)
from workstreams.models import Workstream


@pytest.fixture
def involved(reference):
    return Workstream.objects.get(slug="involved")


def test_the_workstreams_index_lists_the_four_in_order_with_progress(client, involved):
    plan = PlanFactory(force=ForceFactory(slug="dorset"))
    QuarterlyUpdateFactory(
        deliverable=DeliverableFactory(plan=plan, workstream=involved), status="complete"
    )

    html = client.get("/workstreams/").content.decode()

    names = ["Represented", "Not over-policed", "Involved", "Not under-protected"]
    positions = [
        html.index(f'href="/workstreams/{w.slug}/">{w.name}</a>') for w in Workstream.objects.all()
    ]
    assert positions == sorted(positions)
    assert [w.name for w in Workstream.objects.all()] == names
    assert "<strong>1</strong> deliverables across forces, <strong>100%</strong> complete" in html


def test_a_workstream_page_gives_its_names_aim_and_national_actions(client, involved):
    html = client.get("/workstreams/involved/").content.decode()

    assert '<h1 class="govuk-heading-xl">Involved</h1>' in html
    assert involved.national_name in html
    assert "Community engagement" in html
    assert involved.aim in html
    for action in involved.national_actions.all():
        assert action.code in html


def test_a_workstream_page_lists_every_forces_deliverables_with_status(client, involved):
    dorset = PlanFactory(force=ForceFactory(slug="dorset-x", name="Dorset X", region="South West"))
    gwent = PlanFactory(force=ForceFactory(slug="gwent-x", name="Gwent X", region="Wales"))
    mine = DeliverableFactory(plan=dorset, workstream=involved, title="Community panels")
    QuarterlyUpdateFactory(deliverable=mine, status="at_risk")
    DeliverableFactory(
        plan=gwent,
        workstream=involved,
        title="Dropped forum",
        withdrawn_at=dt.date(2024, 1, 1),
        withdrawn_reason="Replaced by panels.",
    )
    DeliverableFactory(plan=gwent, title="Other workstream")

    html = client.get("/workstreams/involved/").content.decode()

    assert f'href="{mine.get_absolute_url()}">Community panels</a>' in html
    assert 'prap-status--at_risk">At risk</strong>' in html
    assert "Withdrawn: Replaced by panels." in html
    assert "Other workstream" not in html
    assert "Showing 1 to 2 of 2 deliverables" in html


def test_a_workstream_page_filters_deliverables_by_region_and_status(client, involved):
    for name, region, status in [
        ("South One", "South West", "complete"),
        ("South Two", "South West", "on_track"),
        ("Welsh One", "Wales", "complete"),
    ]:
        plan = PlanFactory(force=ForceFactory(name=f"{name} Police", region=region))
        QuarterlyUpdateFactory(
            deliverable=DeliverableFactory(plan=plan, workstream=involved, title=name),
            status=status,
        )

    html = client.get(
        "/workstreams/involved/", {"region": "South West", "status": "complete"}
    ).content.decode()

    assert ">South One</a>" in html
    assert ">South Two</a>" not in html
    assert ">Welsh One</a>" not in html
    assert "of 1 deliverable matching the filters" in html


def test_a_workstream_page_is_paginated_keeping_the_filters(client, involved):
    plan = PlanFactory(force=ForceFactory(region="Wales"))
    for n in range(DELIVERABLES_PER_PAGE + 3):
        DeliverableFactory(plan=plan, workstream=involved, title=f"Item {n:02d}", order=n)

    first = client.get("/workstreams/involved/", {"region": "Wales"}).content.decode()
    second = client.get("/workstreams/involved/", {"region": "Wales", "page": 2}).content.decode()

    assert "Showing 1 to 25 of 28" in first
    assert 'href="?region=Wales&amp;page=2"' in first
    assert "Showing 26 to 28 of 28" in second
    assert ">Item 27</a>" in second and ">Item 00</a>" not in second
    assert "(page 2)" in second


def test_a_workstream_page_shows_its_practice_examples(client, involved):
    PracticeExampleFactory(workstream=involved, title="Community leaders forum")
    PracticeExampleFactory(title="Unrelated practice")

    html = client.get("/workstreams/involved/").content.decode()

    assert "Community leaders forum" in html
    assert "Unrelated practice" not in html


def test_an_unknown_workstream_is_a_404(client, reference):
    assert client.get("/workstreams/over-policed-and-under-protected/").status_code == 404


def test_a_workstream_page_shows_a_few_practice_examples_and_links_to_the_rest(client, involved):
    from public.workstream_views import PRACTICE_ON_WORKSTREAM_PAGE

    for n in range(PRACTICE_ON_WORKSTREAM_PAGE + 1):
        PracticeExampleFactory(workstream=involved, title=f"Example {n:02d}")

    html = client.get("/workstreams/involved/").content.decode()

    assert html.count('class="prap-practice"') == PRACTICE_ON_WORKSTREAM_PAGE
    assert 'href="/practice/?workstream=involved">See all practice examples under Involved' in html
