"""Every public page runs a fixed number of queries, whatever the size of the data, and a
single query when it comes from the page cache.

Each page is measured on a small dataset and on one ten times larger (ten times the forces,
deliverables per force, updates per deliverable, milestones and practice examples), against
the same bound.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from engagement.models import Activity, EngagementAction
from indicators.models import Population, Source, StopSearchCount, UseOfForceCount
from panels.models import Panel, PanelReply, PanelView
from plans.cache import all_content_changed
from plans.models import Force, Plan
from plans.quarters import Quarter
from tests.factories import NationalActionFactory, WorkstreamFactory
from workstreams.models import PracticeExample

STATUSES = list(Status.values)


def build_dataset(size: int) -> Force:
    """``2 * size`` forces, each with ``4 * size`` deliverables, each with ``size`` published
    updates, a draft and ``size`` milestones. Returns the first force.
    """
    workstreams = [
        WorkstreamFactory(slug=slug, order=order, name=slug.title())
        for order, slug in enumerate(["represented", "respected", "involved", "protected"], 1)
    ]
    actions = [NationalActionFactory(workstream=w) for w in workstreams]
    forces = Force.objects.bulk_create(
        Force(slug=f"force-{i}", name=f"Force {i}", region=f"Region {i % 3}", country="England")
        for i in range(2 * size)
    )
    plans = Plan.objects.bulk_create(
        Plan(
            force=force,
            title=f"{force.name} plan",
            first_quarter=Quarter(2023, 1),
            last_quarter=Quarter(2026, 4),
            is_published=True,
        )
        for force in forces
    )
    deliverables = Deliverable.objects.bulk_create(
        Deliverable(
            plan=plan,
            workstream=workstreams[j % 4],
            title=f"Deliverable {j} of {plan.force.name}",
            start_quarter=Quarter(2023, 1) + j % 6,
            due_quarter=Quarter(2023, 1) + j % 6 + j % 3,
            order=j,
            withdrawn_at=dt.date(2024, 1, 1) if j % 7 == 6 else None,
            withdrawn_reason="Merged into another deliverable." if j % 7 == 6 else "",
        )
        for plan in plans
        for j in range(4 * size)
    )
    Deliverable.national_actions.through.objects.bulk_create(
        Deliverable.national_actions.through(
            deliverable_id=d.pk, nationalaction_id=actions[i % 4].pk
        )
        for i, d in enumerate(deliverables)
    )
    published = timezone.now() - dt.timedelta(days=3)
    QuarterlyUpdate.objects.bulk_create(
        QuarterlyUpdate(
            deliverable=d,
            quarter=Quarter(2023, 1) + q,
            status=STATUSES[(i + q) % 5],
            done="Done.",
            next="Next.",
            evidence="https://example.org/evidence",
            published_at=None if q == size else published,
        )
        for i, d in enumerate(deliverables)
        for q in range(size + 1)
    )
    Milestone.objects.bulk_create(
        Milestone(deliverable=d, title=f"Milestone {m}", due_quarter=Quarter(2023, 1) + m)
        for d in deliverables
        for m in range(size)
    )
    PracticeExample.objects.bulk_create(
        PracticeExample(
            force=forces[i % len(forces)],
            workstream=workstreams[i % 4],
            title=f"Practice {i}",
            summary="Community panel.",
        )
        for i in range(3 * size)
    )
    build_figures(forces)
    activities = Activity.objects.bulk_create(
        Activity(
            force=force,
            title=f"Meeting {a}",
            held_on=dt.date(2024, 4, 1) + dt.timedelta(days=30 * a),
            kind="community_meeting",
            themes=["stop_and_search", "trust"],
            heard="Heard.",
            attendance=20,
            published_at=None if a == size else published,
        )
        for force in forces
        for a in range(size + 1)
    )
    first_of = {}
    for d in deliverables:
        first_of.setdefault(d.plan.force_id, d)
    EngagementAction.objects.bulk_create(
        EngagementAction(
            activity=activity,
            description="We will.",
            deliverable=first_of[activity.force_id],
            due_quarter=Quarter(2024, 3),
        )
        for activity in activities
    )
    build_panel_views(forces, deliverables, size, published)
    return forces[0]


def build_panel_views(forces, deliverables, size: int, published) -> None:
    """Each force's panel: a statement on each of ``size`` returns, each with the force's
    reply, and a view of each deliverable's first update (every third one disagreeing), each
    deliverable's second a draft."""
    panels = Panel.objects.bulk_create(
        Panel(force=force, name=f"{force.name} panel", description="A panel.") for force in forces
    )
    panel_of = {panel.force_id: panel for panel in panels}
    statements = PanelView.objects.bulk_create(
        PanelView(
            panel=panel_of[force.pk],
            force=force,
            quarter=Quarter(2023, 1) + q,
            verdict="some_concerns",
            reasons="Slow.",
            published_at=published,
        )
        for force in forces
        for q in range(size)
    )
    PanelReply.objects.bulk_create(
        PanelReply(view=view, text="We reply.", published_at=published) for view in statements
    )
    PanelView.objects.bulk_create(
        PanelView(
            panel=panel_of[d.plan.force_id],
            force_id=d.plan.force_id,
            quarter=Quarter(2023, 1) + q,
            deliverable=d,
            verdict="disagree" if i % 3 == 0 else "agree",
            reasons="Not convinced.",
            evidence="https://example.org/panel",
            published_at=published if q == 0 else None,
        )
        for i, d in enumerate(deliverables)
        for q in range(min(size, 2))
    )


def build_figures(forces) -> None:
    """Official figures for every force: two years of searches, a census, use of force."""
    source = Source.objects.create(slug="figures", title="Figures", publisher="Home Office")
    groups = ["Asian", "Black", "Mixed", "Other", "White"]
    Population.objects.bulk_create(
        Population(source=source, census=2021, force=force, ethnicity=group, residents=10_000)
        for force in forces
        for group in groups
    )
    StopSearchCount.objects.bulk_create(
        StopSearchCount(source=source, force=force, year=year, ethnicity=group, searches=50 + i)
        for i, force in enumerate(forces)
        for year in ("2020/21", "2021/22")
        for group in groups
    )
    UseOfForceCount.objects.bulk_create(
        UseOfForceCount(source=source, force=force, year="2019/20", ethnicity=group, times=9)
        for force in forces
        for group in [*groups, "Not reported"]
    )


# Queries when the page is rendered (the cache empty): the first is always the read of the
# content version (plans.cache). From the cache, a page costs that one query alone.
PAGES = {
    "home": (lambda force: "/", 5),
    "find a force": (lambda force: f"/?force={force.slug}", 2),
    "directory": (lambda force: "/forces/", 6),
    "directory filtered": (lambda force: "/forces/?region=Region+1&country=England", 7),
    # The panel: its page and latest statement (one query), the roadmap's marks (one).
    "roadmap": (lambda force: force.get_absolute_url(), 11),
    "deliverable": (
        lambda force: Deliverable.objects.filter(plan__force=force).first().get_absolute_url(),
        9,  # the panel's views, with their replies
    ),
    # With the stop and searches of the quarters it answered (two queries).
    "panel": (lambda force: f"/forces/{force.slug}/panel/", 7),
    "you said, we did": (lambda force: f"/forces/{force.slug}/engagement/", 5),
    "feed": (lambda force: f"/forces/{force.slug}/feed/", 5),  # with the panel's views
    "workstreams": (lambda force: "/workstreams/", 4),
    "workstream": (lambda force: "/workstreams/represented/", 9),
    "workstream filtered": (
        lambda force: "/workstreams/represented/?region=Region+0&status=on_track&page=1",
        9,
    ),
    "practice": (lambda force: "/practice/", 8),
    "practice search": (lambda force: "/practice/?q=community+panel&workstream=involved", 9),
    "accessibility": (lambda force: "/accessibility/", 2),
    # One grouped query per figure (latest quarter, engagement, panels; status and re-planning).
    "national comparison": (lambda force: "/national/", 12),
    "national comparison filtered": (
        lambda force: "/national/?region=Region+1&workstream=involved&sort=-percent_complete",
        14,
    ),
    "national comparison download": (lambda force: "/national/?format=csv", 10),
    "compare forces": (lambda force: f"/national/compare/?forces={force.slug}&forces=force-1", 9),
    "coverage": (lambda force: "/national/coverage/", 5),
    "trend": (lambda force: "/national/trend/", 5),
    "trend of a force": (lambda force: f"/national/trend/?force={force.slug}", 6),
    "search": (lambda force: "/search/?q=deliverable", 9),
    "search filtered": (
        lambda force: (
            "/search/?q=deliverable+-zzz&kind=deliverable&region=Region+1"
            "&workstream=involved&status=on_track&quarter=2023-Q2&page=2"
        ),
        9,
    ),
    "search with nothing typed": (lambda force: "/search/", 6),
    "search close matches": (lambda force: "/search/?q=delivrable", 10),
    "search.json": (lambda force: "/search.json?q=community+panel&force=force-1", 8),
    "open data": (lambda force: "/data/", 13),  # with the panel views' count
    "forces.csv": (lambda force: "/data/forces.csv", 4),  # the latest quarters grouped apart
    "deliverables.csv": (lambda force: "/data/deliverables.csv", 2),
    "updates.csv": (lambda force: "/data/updates.csv", 2),
    "forces.json": (lambda force: "/data/forces.json", 4),
    "deliverables.json": (lambda force: "/data/deliverables.json", 2),
    "updates.json": (lambda force: "/data/updates.json", 2),
    "panel-views.csv": (lambda force: "/data/panel-views.csv", 2),
    "force disparities": (lambda force: f"/forces/{force.slug}/disparities/", 11),
    "national disparities": (lambda force: "/national/disparities/", 6),
    "national disparities filtered": (
        lambda force: "/national/disparities/?year=2020/21&group=Asian&sort=-rate",
        6,
    ),
    "stop-search-rates.csv": (lambda force: "/data/stop-search-rates.csv", 4),
    "stop-search-rates.json": (lambda force: "/data/stop-search-rates.json", 4),
    "stop-searches-by-quarter.csv": (lambda force: "/data/stop-searches-by-quarter.csv", 2),
    "stop-searches-by-quarter.json": (lambda force: "/data/stop-searches-by-quarter.json", 2),
}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize("page", PAGES)
def test_each_public_page_runs_the_same_bounded_number_of_queries_at_any_size(client, page, size):
    force = build_dataset(size)
    all_content_changed()  # as on a live site: the pages have versions and are cached
    url_for, bound = PAGES[page]
    url = url_for(force)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body(response)

    assert response.status_code in (200, 302), url
    assert len(queries) <= bound, "\n".join(q["sql"] for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as again:
        body(client.get(url))
    if response.status_code == 200 and not response.streaming:
        assert len(again) == 1, "\n".join(q["sql"] for q in again.captured_queries)
    else:  # redirects and downloads are not kept: they run their queries again
        assert len(again) <= bound
