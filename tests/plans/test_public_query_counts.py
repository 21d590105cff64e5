"""Every public page runs a fixed number of queries, whatever the size of the data.

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
    return forces[0]


PAGES = {
    "home": (lambda force: "/", 6),
    "find a force": (lambda force: f"/?force={force.slug}", 1),
    "directory": (lambda force: "/forces/", 6),
    "directory filtered": (lambda force: "/forces/?region=Region+1&country=England", 6),
    "roadmap": (lambda force: force.get_absolute_url(), 8),
    "deliverable": (
        lambda force: Deliverable.objects.filter(plan__force=force).first().get_absolute_url(),
        6,
    ),
    "feed": (lambda force: f"/forces/{force.slug}/feed/", 2),
    "workstreams": (lambda force: "/workstreams/", 3),
    "workstream": (lambda force: "/workstreams/represented/", 8),
    "workstream filtered": (
        lambda force: "/workstreams/represented/?region=Region+0&status=on_track&page=1",
        8,
    ),
    "practice": (lambda force: "/practice/", 7),
    "practice search": (lambda force: "/practice/?q=community+panel&workstream=involved", 8),
    "accessibility": (lambda force: "/accessibility/", 1),
}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize("page", PAGES)
def test_each_public_page_runs_the_same_bounded_number_of_queries_at_any_size(client, page, size):
    force = build_dataset(size)
    url_for, bound = PAGES[page]
    url = url_for(force)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code in (200, 302), url
    assert len(queries) <= bound, "\n".join(q["sql"] for q in queries.captured_queries)
