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
