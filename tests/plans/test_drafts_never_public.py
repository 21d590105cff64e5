"""Rule that never bends: a draft never appears on any public page, feed or count."""

import pytest

from plans.quarters import Quarter
from tests.factories import (
    DeliverableFactory,
    ForceFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)

MARKER = "zq-draft-marker-7f3c"
UNPUBLISHED_MARKER = "zq-unpublished-plan-91ab"


@pytest.fixture
def force_with_a_draft(db):
    workstream = WorkstreamFactory(slug="involved", order=3, name="Involved")
    force = ForceFactory(slug="draftshire", name="Draftshire Police", region="Eastern")
    plan = PlanFactory(force=force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4))
    deliverable = DeliverableFactory(plan=plan, workstream=workstream, title="Open meetings")
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 1), status="on_track", done="Published."
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter=Quarter(2024, 2),
        status="complete",
        done=f"Done {MARKER}",
        next=f"Next {MARKER}",
        evidence=f"https://example.org/{MARKER}",
        published_at=None,
    )
    hidden = PlanFactory(
        force=ForceFactory(slug="hiddenshire", name="Hiddenshire Police"),
        title=f"Plan {UNPUBLISHED_MARKER}",
        is_published=False,
    )
    secret = DeliverableFactory(
        plan=hidden, workstream=workstream, title=f"Deliverable {UNPUBLISHED_MARKER}"
    )
    QuarterlyUpdateFactory(deliverable=secret, status="complete", done=UNPUBLISHED_MARKER)
    return deliverable


PUBLIC_PAGES = [
    "/",
    "/forces/",
    "/forces/?region=Eastern",
    "/forces/draftshire/",
    "/forces/draftshire/feed/",
    "/forces/hiddenshire/",
    "/forces/hiddenshire/feed/",
    "/workstreams/",
    "/workstreams/involved/",
    "/workstreams/involved/?status=complete",
    "/practice/",
    "/accessibility/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_draft_update_appears_on_no_public_page_or_feed(client, force_with_a_draft, url):
    response = client.get(url)

    assert response.status_code == 200
    assert MARKER not in response.content.decode()
    assert UNPUBLISHED_MARKER not in response.content.decode()


def test_a_draft_update_is_not_on_its_deliverables_page(client, force_with_a_draft):
    html = client.get(force_with_a_draft.get_absolute_url()).content.decode()

    assert "Published." in html
    assert MARKER not in html
    assert "Q2 2024/25" not in html[html.index('id="updates"') :]


def test_a_deliverable_of_an_unpublished_plan_is_a_404(client, force_with_a_draft):
    from actions.models import Deliverable

    secret = Deliverable.objects.get(plan__is_published=False)
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_a_draft_status_counts_nowhere(client, force_with_a_draft):
    home = client.get("/").content.decode()
    directory = client.get("/forces/").content.decode()
    roadmap = client.get("/forces/draftshire/").content.decode()
    workstream = client.get("/workstreams/involved/?status=complete").content.decode()
    workstreams = client.get("/workstreams/").content.decode()

    # The draft says complete; the published status is on track.
    assert "complete (0 of 1)" in home
    assert "Q1 2024/25</span>" in home  # latest quarter reported: the published one
    assert "0%<span" in directory
    assert "Q1 2024/25" in directory and "Q2 2024/25" not in directory
    assert "0 complete (0%)" in roadmap
    assert "On track" in roadmap
    assert "Nothing under this workstream has been reported complete yet." in roadmap
    assert "No deliverables matching the filters" in workstream
    assert "<strong>0%</strong> complete" in workstreams
