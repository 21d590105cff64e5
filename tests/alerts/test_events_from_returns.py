"""The quarterly return page and the return import announce the updates they publish, and
only those."""

import pytest
from django.utils import timezone

from actions.models import Status
from actions.spreadsheets.exports import export_return
from actions.spreadsheets.preview import apply_import
from alerts.models import Event
from tests.actions.conftest import csv_bytes, csv_rows, plan_a, return_a, return_preview  # noqa: F401 - fixtures
from tests.staff_data import force_data, return_post, return_url

pytestmark = pytest.mark.django_db


def test_the_return_page_announces_the_updates_it_publishes(client, reference, force_a, alice):
    data = force_data(force_a)
    client.force_login(alice)
    post = return_post(
        {
            data.reported: {"status": Status.COMPLETE, "done": "All trained.", "publish": True},
            data.drafted: {"status": Status.ON_TRACK, "done": "Draft text, edited."},
        },
        action="publish",
    )

    assert client.post(return_url(force_a), post).status_code == 302

    [event] = Event.objects.all()
    assert event.kind == Event.Kind.RETURN_PUBLISHED
    assert event.force == force_a
    assert f"\u201c{data.reported.title}\u201d: Complete." in event.summary
    assert event.path == data.reported.get_absolute_url()
    assert data.drafted.title not in event.summary


def test_the_return_import_announces_the_updates_it_publishes(plan_a, return_a, alice):  # noqa: F811
    rows = csv_rows(export_return(plan_a, return_a, "csv").data)
    uncoded = plan_a.deliverables.get(reference="")

    apply_import(
        return_preview(plan_a, return_a, csv_bytes(rows), publish=True),
        user=alice,
        now=timezone.now(),
    )

    assert list(Event.objects.values_list("kind", "path")) == [
        (Event.Kind.RETURN_PUBLISHED, uncoded.get_absolute_url())  # the draft it published
    ]
