"""The engagement dashboard's figures, against a small log counted by hand."""

import csv
import datetime as dt
import io

import pytest

from engagement.models import Activity
from engagement.reporting import summarise
from tests.clock import on
from tests.factories import ActivityFactory, DeliverableFactory, EngagementActionFactory
from tests.mfa import VerifiedClient

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC)


@pytest.fixture
def log(force_a, force_b):
    """Force A: four activities (one a draft), force B: one.

    | activity | held        | kind              | people | Black | themes                 |
    | meeting  | 10 May 2025 | community_meeting | 40     | 20    | stop_and_search, trust |
    | youth    | 2 Jun 2025  | youth_session     | 15     | 9     | stop_and_search        |
    | survey   | 1 Sep 2025  | survey            | 100 e. | -     | hate_crime, trust      |
    | draft    | 5 Oct 2025  | community_meeting | 7      | -     | custody                |
    Actions: meeting: stop and search (done), trust (promised); youth: stop and search
    (promised); survey: hate crime "no action"; draft: custody (promised).
    """
    deliverable = DeliverableFactory(plan__force=force_a)
    meeting = ActivityFactory(
        force=force_a,
        held_on=dt.date(2025, 5, 10),
        kind="community_meeting",
        attendance=40,
        attendance_black=20,
        themes=["stop_and_search", "trust"],
    )
    youth = ActivityFactory(
        force=force_a,
        held_on=dt.date(2025, 6, 2),
        kind="youth_session",
        attendance=15,
        attendance_black=9,
        themes=["stop_and_search"],
    )
    survey = ActivityFactory(
        force=force_a,
        held_on=dt.date(2025, 9, 1),
        kind="survey",
        attendance=100,
        attendance_basis="estimate",
        themes=["hate_crime", "trust"],
    )
    draft = ActivityFactory(
        force=force_a,
        held_on=dt.date(2025, 10, 5),
        kind="community_meeting",
        attendance=7,
        themes=["custody"],
        published_at=None,
    )
    ActivityFactory(force=force_b, held_on=dt.date(2025, 5, 1), attendance=500)
    linked = {"deliverable": deliverable}
    EngagementActionFactory(
        activity=meeting,
        theme="stop_and_search",
        outcome="Done.",
        done_on=dt.date(2025, 8, 1),
        **linked,
    )
    EngagementActionFactory(activity=meeting, theme="trust", **linked)
    EngagementActionFactory(activity=youth, theme="stop_and_search", **linked)
    EngagementActionFactory(
        activity=survey,
        theme="hate_crime",
        deliverable=None,
        due_quarter=None,
        no_action_reason="Already in hand.",
    )
    EngagementActionFactory(activity=draft, theme="custody", **linked)
    return force_a


def test_the_figures_match_the_hand_count(log):
    summary = summarise(Activity.objects.for_force(log))
    assert (summary.activities, summary.attendance, summary.attendance_black) == (4, 162, 29)
    assert summary.estimated == 1
    assert (summary.promised, summary.done, summary.no_action) == (4, 1, 1)
    assert [(r.label, r.activities, r.attendance) for r in summary.by_quarter] == [
        ("Q1 2025/26", 2, 55),
        ("Q2 2025/26", 1, 100),
        ("Q3 2025/26", 1, 7),
    ]
    assert [(r.label, r.activities) for r in summary.by_kind] == [
        ("Community meeting", 2),
        ("Youth session", 1),
        ("Survey", 1),
    ]
    themes = {r.key: (r.activities, r.promised, r.done) for r in summary.by_theme}
    assert themes["stop_and_search"] == (2, 2, 1)
    assert themes["trust"] == (2, 1, 0)
    assert themes["hate_crime"] == (1, 0, 0)
    assert themes["custody"] == (1, 1, 0)
    assert themes["victims"] == (0, 0, 0)
    assert [r.key for r in summary.themes_without_action] == ["hate_crime"]


def test_published_only_leaves_out_the_draft(log):
    summary = summarise(Activity.objects.for_force(log).published())
    assert (summary.activities, summary.attendance, summary.promised) == (3, 155, 3)
    assert {r.key for r in summary.themes_without_action} == {"hate_crime"}


def test_the_page_shows_the_figures_filters_and_downloads_them(client, alice, log):
    client.force_login(alice)
    url = f"/staff/forces/{log.slug}/engagement/dashboard/"
    with on(TODAY):
        html = client.get(url).content.decode()
        assert 'role="img"' not in html  # the bars are decoration: the figures are text
        assert "Q1 2025/26" in html and "Hate crime: raised at 1 activity" in html
        filtered = client.get(url, {"theme": "trust", "drafts": "no"}).content.decode()
        download = client.get(url, {"theme": "trust", "format": "csv"})
        refused = client.get(url, {"first": "2025-Q3", "last": "2025-Q1"}).content.decode()
    assert '<dd class="prap-figures__value">2</dd>' in filtered  # meeting and survey
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0] == ["table", "row", "figure", "value"]
    assert ["All", "All", "Activities", "2"] in rows
    assert ["Theme", "Trust and confidence", "Actions promised", "1"] in rows
    assert download["Content-Disposition"] == f'attachment; filename="engagement-{log.slug}.csv"'
    assert "The last quarter must be Q3 2025/26 or later" in refused


def test_the_force_dashboard_is_its_coordinators_and_the_national_one_the_national_teams(
    bob, nadia, log
):
    client = VerifiedClient()
    client.force_login(bob)
    assert client.get(f"/staff/forces/{log.slug}/engagement/dashboard/").status_code == 404
    assert client.get("/staff/engagement/dashboard/").status_code == 403
    client.force_login(nadia)
    with on(TODAY):
        html = client.get("/staff/engagement/dashboard/").content.decode()
    assert "Every force" in html
    assert '<dd class="prap-figures__value">5</dd>' in html  # force B's activity too
