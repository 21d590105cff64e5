import datetime as dt

import pytest

from alerts.models import Subscription
from tests.factories import DeliverableFactory, PlanFactory

MOMENT = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def deliverable(force_a):
    return DeliverableFactory(plan=PlanFactory(force=force_a), title="Reform stop and search")


@pytest.fixture
def follower(force_a):
    """Dana follows force A: confirmed an hour before MOMENT."""
    return Subscription.objects.create(
        email="dana@example.org",
        force=force_a,
        created_at=MOMENT - dt.timedelta(hours=2),
        confirmed_at=MOMENT - dt.timedelta(hours=1),
    )
