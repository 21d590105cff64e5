import datetime as dt

import pytest
from django.utils import timezone

from plans.quarters import Quarter
from tests.factories import (
    DeliverableFactory,
    MilestoneFactory,
    NationalActionFactory,
    PlanFactory,
    QuarterlyUpdateFactory,
)


@pytest.fixture
def deliverable(db):
    deliverable = DeliverableFactory(
        plan=PlanFactory(first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4)),
        title="Reform use of stop and search",
        description="We will tighten supervision.\n\nAnd publish the data.",
        lead="Chief Inspector, Stop and Search",
        reference="NOP-1",
        start_quarter=Quarter(2024, 1),
        due_quarter=Quarter(2024, 3),
    )
    deliverable.national_actions.add(NationalActionFactory(code="P2", title="Stop and search"))
    return deliverable


def page(client, deliverable):
    response = client.get(deliverable.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_deliverable_page_shows_every_field(client, deliverable):
    html = page(client, deliverable)

    assert (
        '<h1 class="govuk-heading-xl prap-deliverable-title">Reform use of stop and search</h1>'
        in html
    )
    assert (
        '<p class="govuk-body">We will tighten supervision.</p>\n'
        '<p class="govuk-body">And publish the data.</p>' in html
    )
    assert "Chief Inspector, Stop and Search" in html
    assert 'Q1 2024/25 <span class="prap-muted">(Apr-Jun 2024)</span>' in html
    assert 'Q3 2024/25 <span class="prap-muted">(Oct-Dec 2024)</span>' in html
    assert '<strong class="prap-code">P2</strong> Stop and search' in html
    assert "NOP-1" in html
    assert deliverable.workstream.get_absolute_url() in html
    assert f"<title>Reform use of stop and search: {deliverable.plan.force.name}" in html


def test_milestones_are_shown_as_done_due_or_overdue(client, deliverable):
    MilestoneFactory(deliverable=deliverable, title="Scope agreed", done_on=dt.date(2024, 5, 1))
    MilestoneFactory(deliverable=deliverable, title="Pilot finished", due_quarter=Quarter(2024, 2))
    future = Quarter.containing(timezone.localdate()) + 2
    MilestoneFactory(deliverable=deliverable, title="Roll-out", due_quarter=future)

    html = page(client, deliverable)

    def state(title):
        row = html[html.index(title) :]
        return row[: row.index("</tr>")]

    assert "Done</strong>" in state("Scope agreed")
    assert "Overdue</strong>" in state("Pilot finished")
    assert ">Due</strong>" in state("Roll-out")


def test_the_timeline_shows_published_updates_newest_first_with_evidence(client, deliverable):
    QuarterlyUpdateFactory(
        deliverable=deliverable, quarter=Quarter(2024, 1), status="on_track", done="Started."
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter=Quarter(2024, 2),
        status="at_risk",
        done="Delayed by recruitment.",
        next="Hire two analysts.",
        evidence="https://example.org/board-paper.pdf\nnot a link",
    )
    QuarterlyUpdateFactory(
        deliverable=deliverable,
        quarter=Quarter(2024, 3),
        status="complete",
        done="Secret draft.",
        published_at=None,
    )

    html = page(client, deliverable)
    timeline = html[html.index('id="updates"') :]

    assert timeline.index("Q2 2024/25") < timeline.index("Q1 2024/25")
    assert 'id="update-2024-Q2"' in timeline
    assert '<p class="govuk-body">Delayed by recruitment.</p>' in timeline
    assert '<p class="govuk-body">Hire two analysts.</p>' in timeline
    assert '<a class="govuk-link" href="https://example.org/board-paper.pdf"' in timeline
    assert "<li>not a link</li>" in timeline
    assert "Secret draft." not in html
    assert "Q3 2024/25" not in timeline
    # The current status is that of the latest published update.
    assert 'prap-status--at_risk">At risk</strong>' in html[: html.index('id="updates"')]


def test_a_deliverable_past_its_due_quarter_and_not_complete_is_marked_overdue(client, deliverable):
    QuarterlyUpdateFactory(deliverable=deliverable, quarter=Quarter(2024, 3), status="on_track")

    assert "Overdue: due by the end of Q3 2024/25" in page(client, deliverable)


def test_a_withdrawn_deliverable_says_so_with_its_reason(client, deliverable):
    deliverable.withdrawn_at = dt.date(2024, 10, 2)
    deliverable.withdrawn_reason = "Replaced by the national scheme."
    deliverable.save()

    html = page(client, deliverable)

    assert "This deliverable was withdrawn on 2 October 2024" in html
    assert "<p>Replaced by the national scheme.</p>" in html
    assert 'prap-status--withdrawn">Withdrawn</strong>' in html
    assert "Overdue" not in html


def test_another_forces_deliverable_under_this_forces_slug_is_a_404(client, deliverable):
    other = DeliverableFactory()
    url = f"/forces/{deliverable.plan.force.slug}/deliverables/{other.pk}/"

    assert client.get(url).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 200


def test_unknown_deliverables_and_forces_are_404(client, deliverable):
    assert (
        client.get(f"/forces/{deliverable.plan.force.slug}/deliverables/999999/").status_code == 404
    )
    assert client.get(f"/forces/atlantis/deliverables/{deliverable.pk}/").status_code == 404
    too_big = f"/forces/{deliverable.plan.force.slug}/deliverables/{10**30}/"
    assert client.get(too_big).status_code == 404


def test_a_deliverable_of_an_earlier_plan_says_so_and_links_the_current_roadmap(client, db):
    old = DeliverableFactory(
        plan=PlanFactory(first_quarter=Quarter(2022, 1), last_quarter=Quarter(2023, 4))
    )
    PlanFactory(force=old.plan.force, first_quarter=Quarter(2024, 1), last_quarter=Quarter(2025, 4))

    html = page(client, old)

    assert "part of an earlier plan" in html


def test_a_deliverables_address_follows_its_forces_slug(deliverable):
    force = deliverable.plan.force
    assert deliverable.get_absolute_url() == f"/forces/{force.slug}/deliverables/{deliverable.pk}/"
    assert deliverable.get_absolute_url() == deliverable.get_absolute_url()
    force.slug = "renamed-force"
    assert deliverable.get_absolute_url() == f"/forces/renamed-force/deliverables/{deliverable.pk}/"
