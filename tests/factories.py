import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User
from actions.models import Deliverable, Milestone, QuarterlyUpdate, Status
from engagement.models import Activity, EngagementAction
from plans.models import Force, Plan
from plans.quarters import Quarter
from workstreams.models import NationalAction, PracticeExample, Workstream


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"force-{n}")
    name = factory.Sequence(lambda n: f"Test Force {n} Police")
    region = "South West"
    country = Force.Country.ENGLAND


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"workstream-{n}")
    order = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Workstream {n}")
    national_name = factory.Sequence(lambda n: f"National workstream {n}")
    aim = "An aim."


class NationalActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalAction

    code = factory.Sequence(lambda n: f"X{n}")
    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"National action {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    force = factory.SubFactory(ForceFactory)
    title = factory.LazyAttribute(lambda o: f"{o.force.name} race action plan")
    summary = "Our plan."
    first_quarter = Quarter(2024, 1)
    last_quarter = Quarter(2025, 4)
    is_published = True


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"Deliverable {n}")
    description = "We will do it."
    lead = "Head of Inclusion"
    start_quarter = Quarter(2024, 1)
    due_quarter = Quarter(2024, 2)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    deliverable = factory.SubFactory(DeliverableFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_quarter = Quarter(2024, 2)


class QuarterlyUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyUpdate

    deliverable = factory.SubFactory(DeliverableFactory)
    quarter = Quarter(2024, 1)
    status = Status.ON_TRACK
    done = "Work was done."
    next = "More work."
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class PracticeExampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeExample

    force = factory.SubFactory(ForceFactory)
    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"Practice {n}")
    summary = "A summary."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@police.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = User.Role.NATIONAL
    force = None
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    force = factory.SubFactory(ForceFactory)
    title = factory.Sequence(lambda n: f"Community meeting {n}")
    held_on = dt.date(2024, 5, 14)
    kind = "community_meeting"
    place = "Town hall"
    partners = "African Caribbean Community Group"
    attendance = 30
    themes = factory.LazyFunction(lambda: ["stop_and_search"])
    heard = "People asked why stop and search falls on young Black men."
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class EngagementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementAction

    activity = factory.SubFactory(ActivityFactory)
    theme = "stop_and_search"
    description = "Publish stop and search figures every quarter."
    deliverable = factory.SubFactory(
        DeliverableFactory, plan__force=factory.SelfAttribute("...activity.force")
    )
    due_quarter = Quarter(2024, 3)
