"""A long plan's grid shows the quarters around now, with a way to see them all."""

import datetime as dt

import pytest

from plans.quarters import Quarter
from tests.clock import on
from tests.factories import DeliverableFactory, PlanFactory
from tests.html_tables import parse_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_plan(db):
    plan = PlanFactory(first_quarter=Quarter(2024, 1), last_quarter=Quarter(2027, 4))
    for title, start, due in [
        ("Finished early", Quarter(2024, 1), Quarter(2024, 2)),
        ("Runs through now", Quarter(2025, 1), Quarter(2027, 1)),
        ("Starts late", Quarter(2027, 3), Quarter(2027, 4)),
    ]:
        DeliverableFactory(plan=plan, title=title, start_quarter=start, due_quarter=due)
    return plan


def test_a_long_plan_shows_six_quarters_around_the_current_one(client, long_plan):
    with on(dt.date(2026, 11, 21)):  # Q3 2026/27
        html = client.get(long_plan.force.get_absolute_url()).content.decode()
    table = parse_table(html, "prap-grid")
    shown = [h.text[:10].strip() for h in table.column_headers[1:]]
    assert shown == [
        "Q1 2026/27",
        "Q2 2026/27",
        "Q3 2026/27",
        "Q4 2026/27",
        "Q1 2027/28",
        "Q2 2027/28",
    ]
    assert "Showing 6 of the plan's 16 quarters" in html
    assert "1 deliverable ended before Q1 2026/27 and 1 starts after Q2 2027/28" in html
    assert "&larr; From Q1 2025/26" in html
    assert 'href="?quarters=all#roadmap"' in html
    # Nothing is lost from the page: the list by workstream has every deliverable.
    for title in ("Finished early", "Runs through now", "Starts late"):
        assert title in html


def test_show_all_quarters_gives_the_whole_grid(client, long_plan):
    with on(dt.date(2026, 11, 21)):
        html = client.get(f"{long_plan.force.get_absolute_url()}?quarters=all").content.decode()
    table = parse_table(html, "prap-grid")
    assert len(table.column_headers) == 17
    assert "Showing all 16 quarters" in html
    assert f'href="{long_plan.force.get_absolute_url()}#roadmap"' in html
