"""Rule that never bends: a draft never appears on any public page, feed, download or count.

The public pages are every pattern the URL resolver knows outside /staff/, /admin/ and
/accounts/ (``tests/urls_walk.py``), filled with this test's forces, deliverables and
workstream, with their query-string variants and the same-page links they show: a new public
page is walked the day it is added, or the walk fails saying which argument it cannot fill.
"""

import datetime as dt
import html
import json
from functools import partial
from urllib.parse import quote_plus

import pytest
from django.utils import timezone

from panels.models import Panel, PanelReply, PanelView
from plans.quarters import Quarter
from search.index import rebuild
from tests.factories import (
    ActivityFactory,
    DeliverableFactory,
    EngagementActionFactory,
    ForceFactory,
    MilestoneFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
    WorkstreamFactory,
)
from tests.urls_walk import public_routes, read_public_pages

MARKER = "zq-draft-marker-7f3c"
UNPUBLISHED_MARKER = "zq-unpublished-plan-91ab"
DRAFT_PLAN_MARKER = "zq-draft-plan-c40e"
MARKERS = (MARKER, UNPUBLISHED_MARKER, DRAFT_PLAN_MARKER)


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
    MilestoneFactory(deliverable=secret, title=f"Milestone {UNPUBLISHED_MARKER}")
    # Engagement: a draft activity, an action of a published one linked to the unpublished
    # plan's deliverable, and the staff-only partner contacts of a published one.
    draft_activity = ActivityFactory(
        force=force,
        title=f"Meeting {MARKER}",
        heard=f"Heard {MARKER}",
        partners=f"Group {MARKER}",
        published_at=None,
    )
    EngagementActionFactory(activity=draft_activity, deliverable=deliverable, description=MARKER)
    published = ActivityFactory(
        force=force, title="Open engagement meeting", partner_contacts=f"Contact {MARKER}"
    )
    EngagementActionFactory(activity=published, deliverable=deliverable, description="We will.")
    hidden_activity = ActivityFactory(force=hidden.force, title="Hiddenshire meeting")
    EngagementActionFactory(
        activity=hidden_activity, deliverable=secret, description="Part of the hidden plan."
    )
    # Scrutiny panel: a draft view, a withdrawn view (its words are no longer public, only
    # the reason), a published view with the force's reply, and a published view of the
    # unpublished plan's deliverable.
    panel = Panel.objects.create(force=force, name="Draftshire Panel", description="A panel.")
    view = partial(PanelView.objects.create, panel=panel, force=force, verdict="disagree")
    at = dt.datetime(2024, 8, 1, tzinfo=dt.UTC)
    view(quarter=Quarter(2024, 2), deliverable=deliverable, reasons=f"Draft view {MARKER}")
    view(
        quarter=Quarter(2024, 1),
        reasons=f"Withdrawn words {MARKER}",
        evidence=f"https://example.org/{MARKER}",
        published_at=at,
        withdrawn_at=at,
        withdrawn_reason="Withdrawn by the administrator.",
    )
    shown = view(
        quarter=Quarter(2024, 1),
        deliverable=deliverable,
        reasons="The panel disagrees with the force.",
        published_at=at,
    )
    PanelReply.objects.create(view=shown, text="The force replies.", published_at=at)
    hidden_panel = Panel.objects.create(force=hidden.force, name="Hiddenshire Panel")
    PanelView.objects.create(
        panel=hidden_panel,
        force=hidden.force,
        quarter=Quarter(2024, 1),
        deliverable=secret,
        verdict="disagree",
        reasons=f"About {UNPUBLISHED_MARKER}",
        published_at=at,
    )
    return deliverable


@pytest.fixture
def next_plan_in_draft(force_with_a_draft):
    """Draftshire's next plan, being written: not published, so not public."""
    plan = PlanFactory(
        force=force_with_a_draft.plan.force,
        title=f"Next plan {DRAFT_PLAN_MARKER}",
        summary=f"Summary {DRAFT_PLAN_MARKER}",
        first_quarter=Quarter(2026, 1),
        last_quarter=Quarter(2027, 4),
        is_published=False,
    )
    drafted = DeliverableFactory(
        plan=plan,
        workstream=force_with_a_draft.workstream,
        title=f"Deliverable {DRAFT_PLAN_MARKER}",
        start_quarter=Quarter(2026, 1),
        due_quarter=Quarter(2026, 4),
    )
    QuarterlyUpdateFactory(
        deliverable=drafted, quarter=Quarter(2026, 1), status="complete", done=DRAFT_PLAN_MARKER
    )
    MilestoneFactory(deliverable=drafted, title=f"Milestone {DRAFT_PLAN_MARKER}")
    return drafted


def test_no_draft_is_on_any_public_page_download_or_feed(
    client, force_with_a_draft, next_plan_in_draft
):
    from actions.models import Deliverable
    from alerts.models import Subscription

    secret = Deliverable.objects.get(plan__force__slug="hiddenshire")
    # The alert pages reached from e-mails: confirm a sign-up, stop the updates.
    sign_up = Subscription.objects.create(
        email="reader@example.org", force=force_with_a_draft.plan.force, created_at=timezone.now()
    )
    not_public = {secret.get_absolute_url(), next_plan_in_draft.get_absolute_url()}
    samples = [
        {
            "forces": "draftshire",
            "deliverables": force_with_a_draft.pk,
            "workstreams": "involved",
            "region": "Eastern",
            "compared": "draftshire,hiddenshire",
        },
        {"forces": "draftshire", "deliverables": next_plan_in_draft.pk},
        {"forces": "hiddenshire", "deliverables": secret.pk, "compared": "hiddenshire,draftshire"},
        {"confirm": sign_up.token, "unsubscribe": sign_up.token},
    ]

    rebuild()  # the search index as the site's writes keep it (the factories bypass them)
    pages = read_public_pages(client, samples)

    assert {page.name for page in pages} == {route.name for route in public_routes()}
    assert {"national:compare", "national:coverage", "national:trend"} <= {p.name for p in pages}
    wrong = [
        f"{page.url}: {page.status}"
        for page in pages
        if page.status != (404 if page.url in not_public else 200)
    ]
    assert wrong == []
    shown = [
        f"{page.url} shows {marker}" for page in pages for marker in MARKERS if marker in page.text
    ]
    assert shown == []
    # The walk reads what is public: the published update, and the files and feed in full.
    texts = {page.url: page.text for page in pages}
    assert "Published." in texts[force_with_a_draft.get_absolute_url()]
    assert "Published." in texts["/data/updates.csv"]
    assert "Published." in texts["/forces/draftshire/feed/"]
    assert "Open engagement meeting" in texts["/forces/draftshire/engagement/"]
    assert "We will." in texts[force_with_a_draft.get_absolute_url()]
    assert "Part of a plan not yet published" in texts["/forces/hiddenshire/engagement/"]
    assert (
        "/national/?format=csv" in texts
        and "/national/compare/?forces=draftshire,hiddenshire" in texts
    )
    assert f'href="{force_with_a_draft.get_absolute_url()}"' in texts["/search/?q=open+meetings"]
    for url in (force_with_a_draft.get_absolute_url(), "/forces/draftshire/panel/"):
        assert "The panel disagrees with the force." in texts[url]
        assert "The force replies." in texts[url]
    assert "Withdrawn by the administrator." in texts["/forces/draftshire/panel/"]


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


def test_no_search_finds_a_drafts_words(client, force_with_a_draft, next_plan_in_draft):
    from plans.cache import all_content_changed

    all_content_changed()  # as after any write: the search index is written with it
    queries = [
        *MARKERS,
        *(f'"{marker}"' for marker in MARKERS),
        "zq",
        "7f3c",
        "91ab",
        "c40e",
        "Done",
        "Next",
        "Plan",
        "Summary",
        "Milestone",
        "Deliverable",
        "complete",
    ]
    for query in queries:
        for path in ("/search/", "/search.json"):
            for kind in ("", "update", "deliverable", "engagement", "panel"):
                response = client.get(path, {"q": query, "kind": kind})
                assert response.status_code == 200, (path, query)
                # The page says what was searched for: look at everything but that.
                text = response.content.decode()
                echoes = (query, html.escape(query), json.dumps(query)[1:-1], quote_plus(query))
                for echo in echoes:
                    text = text.replace(echo, "")
                assert not [marker for marker in MARKERS if marker in text], (path, query)
                assert "91ab" not in text and "c40e" not in text and "7f3c" not in text
    # A draft's status counts nowhere: the only update found is the published one.
    found = client.get("/search.json", {"q": "published"}).json()
    assert found["kinds"] == {
        "deliverable": 0,
        "update": 1,
        "practice": 0,
        "engagement": 0,
        "panel": 0,
    }
    # The published activity is found; the draft one and the private contacts are not.
    meetings = client.get("/search.json", {"q": "meeting", "kind": "engagement"}).json()
    assert sorted(r["title"] for r in meetings["results"]) == [
        "Hiddenshire meeting",
        "Open engagement meeting",
    ]
    assert [result["status"] for result in found["results"]] == ["on_track"]
    assert client.get("/search.json", {"q": "zq draft marker"}).json()["count"] == 0
    assert client.get("/search.json", {"q": "open", "status": "complete"}).json()["count"] == 0
    assert client.get("/search.json", {"q": "open", "status": "on_track"}).json()["count"] == 1
