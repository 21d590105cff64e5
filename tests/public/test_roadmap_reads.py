"""What a roadmap reads: the same few queries whatever its deliverables are like and however
many of them there are (none for the texts it leaves unread, none per deliverable), and only
its own plan's updates, whatever other forces publish."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Deliverable, Status
from actions.roadmap import build_roadmap
from panels.models import Panel
from plans.cache import all_content_changed
from plans.quarters import Quarter
from tests.clock import on
from tests.factories import (
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)
from tests.panels.panel_data import panel_view

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 1, 15)  # inside the factories' plan period, Q4 2024/25


@pytest.fixture(autouse=True)
def _one_clock():
    with on(DAY):
        yield


@pytest.fixture
def workstream(db):
    return WorkstreamFactory(slug="represented", order=1, name="Represented")


def add_every_kind(plan, workstream, panel, count: int) -> None:
    """``count`` deliverables of each kind a roadmap shows differently: on track, complete
    (an achievement, with what was done), withdrawn, re-planned since first published,
    overdue, and challenged by the panel; plus a draft completion (seen in the preview)."""
    published = timezone.now() - dt.timedelta(days=2)
    for n in range(count):
        on_track = DeliverableFactory(plan=plan, workstream=workstream, title=f"Going {n}")
        QuarterlyUpdateFactory(deliverable=on_track, status=Status.ON_TRACK)
        done = DeliverableFactory(plan=plan, workstream=workstream, title=f"Done {n}")
        QuarterlyUpdateFactory(deliverable=done, status=Status.COMPLETE, done=f"Finished {n}.")
        DeliverableFactory(
            plan=plan,
            workstream=workstream,
            title=f"Dropped {n}",
            withdrawn_at=dt.date(2024, 9, 1),
            withdrawn_reason="Merged into another deliverable.",
        )
        moved = DeliverableFactory(
            plan=plan,
            workstream=workstream,
            title=f"Moved {n}",
            start_quarter=Quarter(2024, 2),
            due_quarter=Quarter(2025, 2),
        )
        Deliverable.objects.filter(pk=moved.pk).update(
            first_published_at=published,
            original_start_quarter=Quarter(2024, 1),
            original_due_quarter=Quarter(2024, 2),
            original_title=f"Moved {n} as first published",
            original_description="We will do it sooner.",
        )
        late = DeliverableFactory(
            plan=plan,
            workstream=workstream,
            title=f"Late {n}",
            start_quarter=Quarter(2024, 1),
            due_quarter=Quarter(2024, 2),
        )
        QuarterlyUpdateFactory(deliverable=late, status=Status.AT_RISK, done="Slipping.")
        challenged = DeliverableFactory(plan=plan, workstream=workstream, title=f"Doubted {n}")
        QuarterlyUpdateFactory(deliverable=challenged, status=Status.ON_TRACK)
        panel_view(panel, challenged, Quarter(2024, 1), published_at=published)
        drafted = DeliverableFactory(plan=plan, workstream=workstream, title=f"Drafted {n}")
        QuarterlyUpdateFactory(
            deliverable=drafted, status=Status.COMPLETE, done="Not yet public.", published_at=None
        )


def queries_for(client, url: str) -> tuple[int, str]:
    all_content_changed()  # rendered, not from the page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def test_the_roadmap_runs_the_same_queries_for_one_or_many_deliverables_of_every_kind(
    client, workstream
):
    plan = PlanFactory()
    panel = Panel.objects.create(force=plan.force, name="Scrutiny panel", description="A panel.")
    add_every_kind(plan, workstream, panel, 1)
    few, html = queries_for(client, plan.force.get_absolute_url())
    # Every kind is on the page, so every field the page shows of them was read.
    for shown in (
        "Finished 0.",
        "Merged into another deliverable.",
        "Due Q2 2025/26, originally Q2 2024/25",
        "Overdue",
        "Panel: Disagree (Q1 2024/25)",
    ):
        assert shown in html, shown
    assert "Not yet public." not in html

    add_every_kind(plan, workstream, panel, 5)
    many, html = queries_for(client, plan.force.get_absolute_url())

    assert many == few
    assert html.count('class="prap-overdue">Overdue</span>') >= 2 * 6  # the grid and the list


def test_the_preview_runs_the_same_queries_for_one_or_many_deliverables_of_every_kind(
    client, alice, workstream
):
    plan = PlanFactory(force=alice.force)
    panel = Panel.objects.create(force=plan.force, name="Scrutiny panel", description="A panel.")
    add_every_kind(plan, workstream, panel, 1)
    client.force_login(alice)
    url = reverse("staff:roadmap_preview", args=[plan.force.slug])
    few, html = queries_for(client, url)
    assert "Not yet public." in html  # the draft completion, an achievement in the preview

    add_every_kind(plan, workstream, panel, 5)
    many, _ = queries_for(client, url)

    assert many == few


def test_another_forces_updates_change_nothing_on_the_roadmap(workstream):
    ours_at = dt.datetime(2024, 12, 16, 9, 0, tzinfo=dt.UTC)
    plan = PlanFactory()
    ours = DeliverableFactory(plan=plan, workstream=workstream)
    QuarterlyUpdateFactory(
        deliverable=ours,
        quarter=Quarter(2024, 1),
        status=Status.COMPLETE,
        done="Ours.",
        published_at=ours_at,
    )
    other = DeliverableFactory(plan=PlanFactory(force=ForceFactory()), workstream=workstream)
    QuarterlyUpdateFactory(
        deliverable=other,
        quarter=Quarter(2024, 2),
        status=Status.COMPLETE,
        done="Theirs.",
        published_at=dt.datetime(2025, 1, 14, 9, 0, tzinfo=dt.UTC),
    )

    roadmap = build_roadmap(plan, DAY)

    assert roadmap.latest_published_at == ours_at
    [achievement] = roadmap.workstreams[0].achievements
    assert (achievement.deliverable, achievement.update.done) == (ours, "Ours.")


def test_a_deliverables_address_is_the_one_its_route_gives(workstream):
    plans = [PlanFactory(), PlanFactory(force=ForceFactory(slug="another-force"))]
    deliverables = [
        DeliverableFactory(plan=plan, workstream=workstream) for plan in plans for _ in range(3)
    ]
    for deliverable in deliverables:
        expected = reverse(
            "actions:deliverable", args=[deliverable.plan.force.slug, deliverable.pk]
        )
        assert deliverable.get_absolute_url() == expected
    # Loaded as a roadmap loads them, every deliverable sharing one plan instance.
    roadmap = build_roadmap(plans[1], DAY)
    shared = roadmap.workstreams[0].deliverables
    assert [d.get_absolute_url() for d in shared] == [
        f"/forces/another-force/deliverables/{d.pk}/" for d in deliverables[3:]
    ]
    # A force whose address changes: its deliverables' addresses follow.
    plans[1].force.slug = "renamed-force"
    assert shared[0].get_absolute_url() == f"/forces/renamed-force/deliverables/{shared[0].pk}/"
