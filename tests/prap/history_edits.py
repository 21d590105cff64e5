"""Edits that leave django-simple-history rows of every kind (created, changed, deleted, with
an author and an m2m snapshot), for the backup and restore tests. Runs in the test process or
in ``manage.py shell -c`` against another database."""

from accounts.models import User
from actions.models import Deliverable, Milestone, QuarterlyUpdate
from indicators.models import Population, StopSearchCount
from plans.models import Plan
from workstreams.models import NationalAction, PracticeExample

HISTORY_MODELS = (Plan, Deliverable, Milestone, QuarterlyUpdate, NationalAction, PracticeExample)


def make_small_dataset() -> None:
    """A few plans with deliverables, milestones, updates and practice examples, saved one by
    one (so each has its "created" history row). Needs the reference data."""
    from plans.models import Force
    from tests.factories import (
        EngagementActionFactory,
        MilestoneFactory,
        PracticeExampleFactory,
        QuarterlyUpdateFactory,
    )
    from workstreams.models import Workstream

    for force in Force.objects.order_by("pk")[:3]:
        for workstream in Workstream.objects.all():
            update = QuarterlyUpdateFactory(
                deliverable__plan__force=force, deliverable__workstream=workstream
            )
            MilestoneFactory(deliverable=update.deliverable)
        PracticeExampleFactory(force=force, workstream=workstream)
        EngagementActionFactory(activity__force=force, deliverable=update.deliverable)
    # A scrutiny panel with a published view and the force's reply, saved one by one.
    from panels.models import Panel, PanelReply, PanelView

    panel = Panel(force=force, name="Independent Community Panel")
    panel.save()
    view = PanelView(
        panel=panel,
        force=force,
        quarter=update.quarter,
        deliverable=update.deliverable,
        verdict="disagree",
        reasons="No evidence was given.",
        published_at=update.published_at,
    )
    view.save()
    PanelReply(view=view, text="The report is now linked.", published_at=update.published_at).save()


def make_history() -> dict[str, int]:
    editor = User.objects.create_user(
        "editor@backup.example", "a long backup password", role=User.Role.NATIONAL
    )
    deliverable = Deliverable.objects.order_by("pk").first()
    deliverable._history_user = editor
    deliverable.title = f"{deliverable.title} (revised)"
    deliverable.save()
    deliverable.national_actions.add(*NationalAction.objects.order_by("pk")[:2])

    milestone = Milestone(
        deliverable=deliverable, title="Brief every sergeant", due_quarter=deliverable.due_quarter
    )
    milestone._history_user = editor
    milestone.save()
    milestone.delete()

    # The official figures are loaded in bulk (no history); a correction made one by one has.
    for model in (
        Plan,
        QuarterlyUpdate,
        PracticeExample,
        NationalAction,
        StopSearchCount,
        Population,
    ):
        row = model.objects.order_by("pk").first()
        row._history_user = editor
        row.save()
    return {model.__name__: model.history.count() for model in HISTORY_MODELS}
