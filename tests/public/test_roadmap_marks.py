"""What the roadmap says beside a deliverable's title (``{% roadmap_marks %}``): its status
in words, or Withdrawn, then Overdue, Past its original due quarter and the panel's challenge
as they apply; made once per deliverable and page, so the grid and the list say the same."""

import datetime as dt
import re

import pytest
from django.template import Context, Template

from actions.models import Status
from panels.models import PanelView, Verdict
from plans.quarters import Quarter
from tests.factories import DeliverableFactory

pytestmark = pytest.mark.django_db

Q4 = Quarter(2024, 4)
MARKS = Template("{% load roadmap_marks %}{% roadmap_marks deliverable challenges %}")


def deliverable(status=Status.ON_TRACK, *, overdue=False, past_original_due=False, **fields):
    made = DeliverableFactory(**fields)
    made.current_status = status
    made.overdue = overdue
    made.past_original_due = past_original_due
    return made


def marks(made, challenges=None) -> list[str]:
    html = MARKS.render(Context({"deliverable": made, "challenges": challenges}))
    return [re.sub(r"<[^>]+>", "", line) for line in html.splitlines()]


def challenge(made, verdict=Verdict.DISAGREE, quarter=Q4) -> dict:
    return {made.pk: PanelView(deliverable=made, verdict=verdict, quarter=quarter)}


def test_status_alone_when_nothing_else_applies():
    assert marks(deliverable(Status.AT_RISK)) == ["At risk"]


def test_every_mark_in_order():
    made = deliverable(Status.OFF_TRACK, overdue=True, past_original_due=True)
    assert marks(made, challenge(made, Verdict.SOME_CONCERNS)) == [
        "Off track",
        "Overdue",
        "Past its original due quarter",
        "Panel: Some concerns (Q4 2024/25)",
    ]


def test_withdrawn_says_withdrawn_not_its_last_status():
    made = deliverable(
        Status.COMPLETE,
        withdrawn_at=dt.date(2024, 9, 1),
        withdrawn_reason="Merged into another deliverable.",
    )
    assert marks(made) == ["Withdrawn"]


def test_status_is_shown_in_colour_as_well_as_words():
    html = MARKS.render(Context({"deliverable": deliverable(Status.COMPLETE), "challenges": {}}))
    assert html == '<strong class="prap-status prap-status--complete">Complete</strong>'


def test_another_forces_challenge_is_not_this_deliverables():
    made, other = deliverable(), deliverable()
    assert marks(made, challenge(other)) == ["On track"]


def test_made_again_for_another_pages_challenges():
    """Kept on the deliverable for the page that made it, not for another set of views."""
    made = deliverable()
    assert marks(made, {}) == ["On track"]
    assert marks(made, challenge(made)) == ["On track", "Panel: Disagree (Q4 2024/25)"]
