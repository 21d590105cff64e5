"""What the national team's panel overview counts (panels/reporting.py): which views are
challenges, which wait for the force's reply, in which quarters, and for which panel."""

import datetime as dt

import pytest

from panels.models import Panel, Verdict
from panels.reporting import (
    challenged_by_quarter,
    not_replied_by_force,
    overview,
    quarters_with_views,
    waiting_for_reply,
)
from tests.factories import ForceFactory
from tests.panels.panel_data import PUBLISHED, Q1, Q2, Q3, Q4, deliverable_of, panel_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_panel(db):
    return Panel.objects.create(name="National Scrutiny Board", description="Every force.")


# Challenges: distinct deliverables per panel per quarter.


def test_a_panel_counts_each_deliverable_it_challenged_once_in_each_quarter(force_a, panel_a):
    first, second = deliverable_of(force_a), deliverable_of(force_a)
    panel_view(panel_a, first, Q1, Verdict.SOME_CONCERNS)
    panel_view(panel_a, first, Q2, Verdict.DISAGREE)
    panel_view(panel_a, second, Q2, Verdict.SOME_CONCERNS)
    assert challenged_by_quarter([Q1, Q2, Q3]) == {panel_a.pk: [1, 2, 0]}


@pytest.mark.parametrize(
    "not_a_challenge",
    ["agree", "draft", "withdrawn", "statement", "unpublished plan", "outside the quarters"],
)
def test_only_standing_challenging_views_on_deliverables_count(force_a, panel_a, not_a_challenge):
    panel_view(panel_a, deliverable_of(force_a), Q2, Verdict.DISAGREE)
    other = {
        "agree": lambda: panel_view(panel_a, deliverable_of(force_a), Q2, Verdict.AGREE),
        "draft": lambda: panel_view(panel_a, deliverable_of(force_a), Q2, published_at=None),
        "withdrawn": lambda: panel_view(panel_a, deliverable_of(force_a), Q2, withdrawn=True),
        "statement": lambda: panel_view(panel_a, None, Q2, force=force_a),
        "unpublished plan": lambda: panel_view(
            panel_a, deliverable_of(force_a, plan_published=False), Q2
        ),
        "outside the quarters": lambda: panel_view(panel_a, deliverable_of(force_a), Q3),
    }
    other[not_a_challenge]()
    assert challenged_by_quarter([Q1, Q2]) == {panel_a.pk: [0, 1]}


def test_each_force_row_counts_its_own_panel_and_the_national_panel_has_its_own_row(
    force_a, force_b, panel_a, panel_b, national_panel
):
    on_a = deliverable_of(force_a)
    panel_view(panel_a, on_a, Q2, Verdict.DISAGREE)
    panel_view(national_panel, on_a, Q2, Verdict.DISAGREE)  # another panel, same deliverable
    panel_view(national_panel, deliverable_of(force_a), Q2, Verdict.SOME_CONCERNS)
    panel_view(panel_b, deliverable_of(force_b), Q1, Verdict.DISAGREE)
    report = overview([Q1, Q2])
    rows = {row.force: row for row in report.forces}
    assert (rows[force_a].panel, rows[force_a].challenged) == (panel_a, [0, 1])
    assert (rows[force_b].panel, rows[force_b].challenged) == (panel_b, [1, 0])
    assert [(row.panel, row.challenged) for row in report.national_panels] == [
        (national_panel, [0, 2])
    ]


def test_a_force_without_a_panel_or_with_a_stopped_one_has_no_active_panel(
    force_a, force_b, panel_a
):
    panel_a.is_active = False
    panel_a.save()
    rows = {row.force: row for row in overview([Q2]).forces}
    assert (rows[force_a].panel, rows[force_a].has_active_panel) == (panel_a, False)
    assert (rows[force_b].panel, rows[force_b].has_active_panel) == (None, False)
    assert rows[force_b].challenged == [0]


def test_forces_come_by_region_then_name(db):
    ForceFactory(slug="z", name="Zed Police", region="East")
    ForceFactory(slug="b", name="Bee Police", region="West")
    ForceFactory(slug="a", name="Ay Police", region="West")
    assert [row.force.slug for row in overview([]).forces] == ["z", "a", "b"]


# Not replied to: standing views of any panel about the force without its reply.


@pytest.mark.parametrize(
    ("state", "counted"),
    [
        ("standing", 1),
        ("replied", 0),
        ("draft", 0),
        ("withdrawn", 0),
        ("unpublished plan", 0),
    ],
)
def test_a_view_waits_for_a_reply_only_while_it_stands_unanswered(force_a, panel_a, state, counted):
    fields = {
        "standing": {},
        "replied": {"replied": True},
        "draft": {"published_at": None},
        "withdrawn": {"withdrawn": True},
    }
    deliverable = deliverable_of(force_a, plan_published=state != "unpublished plan")
    panel_view(panel_a, deliverable, Q2, Verdict.AGREE, **fields.get(state, {}))
    assert not_replied_by_force().get(force_a.pk, 0) == counted
    assert len(waiting_for_reply()) == counted


def test_every_panels_views_about_the_force_wait_for_its_reply_and_no_other_forces(
    force_a, force_b, panel_a, panel_b, national_panel
):
    panel_view(panel_a, None, Q2, Verdict.AGREE, force=force_a)  # a statement waits too
    panel_view(national_panel, deliverable_of(force_a), Q2)
    panel_view(panel_b, deliverable_of(force_b), Q2)
    assert not_replied_by_force() == {force_a.pk: 2, force_b.pk: 1}
    rows = {row.force: row.not_replied for row in overview([Q2]).forces}
    assert (rows[force_a], rows[force_b]) == (2, 1)


def test_the_views_waiting_longest_come_first_and_a_force_can_be_chosen(
    force_a, force_b, panel_a, panel_b
):
    later = panel_view(panel_a, deliverable_of(force_a), published_at=PUBLISHED)
    earlier = panel_view(
        panel_a, deliverable_of(force_a), published_at=PUBLISHED - dt.timedelta(days=30)
    )
    other_force = panel_view(
        panel_b, deliverable_of(force_b), published_at=PUBLISHED - dt.timedelta(days=60)
    )
    assert list(waiting_for_reply()) == [other_force, earlier, later]
    assert list(waiting_for_reply(force_a)) == [earlier, later]


def test_days_waiting_count_from_the_local_day_of_publication(force_a, panel_a):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    view = panel_view(
        panel_a,
        deliverable_of(force_a),
        published_at=dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC),
    )
    assert view.days_waiting(dt.date(2025, 7, 1)) == 0
    assert view.days_waiting(dt.date(2025, 7, 31)) == 30


# Quarters.


def test_the_quarters_are_those_of_standing_views_oldest_first(force_a, panel_a):
    panel_view(panel_a, deliverable_of(force_a), Q3, Verdict.AGREE)
    panel_view(panel_a, None, Q1, Verdict.AGREE, force=force_a)
    panel_view(panel_a, deliverable_of(force_a), Q3)
    panel_view(panel_a, deliverable_of(force_a), Q2, published_at=None)  # a draft
    panel_view(panel_a, deliverable_of(force_a), Q4, withdrawn=True)
    assert quarters_with_views() == [Q1, Q3]


def test_the_overview_takes_four_queries_whatever_the_number_of_forces_and_views(
    force_a, force_b, panel_a, panel_b, national_panel, django_assert_num_queries
):
    for quarter in (Q1, Q2, Q3, Q4):
        panel_view(panel_a, deliverable_of(force_a), quarter)
        panel_view(panel_b, deliverable_of(force_b), quarter, replied=True)
        panel_view(national_panel, deliverable_of(force_b), quarter)
    for n in range(5):
        ForceFactory(slug=f"more-{n}")
    with django_assert_num_queries(4):
        report = overview([Q1, Q2, Q3, Q4])
        assert len(report.forces) == 7
