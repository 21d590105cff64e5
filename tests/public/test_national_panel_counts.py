"""The national comparison says which forces have an active panel, how many deliverables
the panel challenged and how many panel views the force has not replied to."""

import csv
import datetime as dt
import io

import pytest

from panels.models import PanelReply, PanelView, Verdict
from tests.staff_data import PREVIOUS_QUARTER, RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)


def test_the_comparison_and_its_csv_count_panels_challenges_and_unanswered_views(
    client, reference, force_a, force_b, panel_a, pat, alice, sam
):
    data = force_data(force_a)
    force_data(force_b, label="B")

    def view(deliverable, quarter, verdict, *, publish=True):
        item = PanelView(
            panel=panel_a,
            force=force_a,
            quarter=quarter,
            deliverable=deliverable,
            verdict=verdict,
            reasons="Reasons.",
        )
        item.save_by(pat, NOW, 0, publish=publish)
        return item

    challenged = view(data.published, RETURN_QUARTER, Verdict.DISAGREE)
    view(data.reported, PREVIOUS_QUARTER, Verdict.SOME_CONCERNS)
    view(None, RETURN_QUARTER, Verdict.AGREE)  # a statement: no challenge, not replied to
    withdrawn = view(None, PREVIOUS_QUARTER, Verdict.DISAGREE)
    withdrawn.withdraw(sam, NOW, "Withdrawn.")
    PanelReply.publish(challenged, "We disagree.", alice, NOW)

    response = client.get("/national/?format=csv")
    rows = {
        row["Force id"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert (
        rows["force-a"]["Scrutiny panel"],
        rows["force-a"]["Challenged by the panel"],
        rows["force-a"]["Panel views not replied to"],
    ) == ("Yes", "2", "2")
    assert (
        rows["force-b"]["Scrutiny panel"],
        rows["force-b"]["Challenged by the panel"],
        rows["force-b"]["Panel views not replied to"],
    ) == ("No", "0", "0")
    page = client.get("/national/").content.decode()
    assert "Challenged by the panel" in page and "Panel views not replied to" in page


def test_a_deliverable_two_panels_challenge_in_a_quarter_counts_once(force_a, panel_a):
    from panels.models import Panel, panel_counts_by_force
    from tests.panels.panel_data import Q1, Q2, deliverable_of, panel_view

    national = Panel.objects.create(name="National Scrutiny Board", description="Every force.")
    both = deliverable_of(force_a)
    panel_view(panel_a, both, Q2, Verdict.DISAGREE)
    panel_view(national, both, Q2, Verdict.SOME_CONCERNS, replied=True)
    panel_view(panel_a, both, Q1, Verdict.DISAGREE)  # another quarter: counted again
    panel_view(national, deliverable_of(force_a), Q2, Verdict.DISAGREE)

    figures = panel_counts_by_force()[force_a.pk]

    assert figures == {"has_panel": True, "panel_challenges": 3, "panel_unanswered": 3}
