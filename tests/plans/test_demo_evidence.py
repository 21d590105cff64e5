"""The demonstration data backs most "complete" claims with evidence, as a good return does."""

import io

import pytest
from django.core.management import call_command

from actions.models import QuarterlyUpdate, Status

pytestmark = pytest.mark.django_db


def test_the_demo_links_evidence_on_a_good_share_of_updates_and_most_complete_ones(
    reference, demo_day
):
    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    published = QuarterlyUpdate.objects.public()
    complete = published.filter(status=Status.COMPLETE)

    assert published.exclude(evidence="").count() / published.count() > 0.3
    assert complete.exclude(evidence="").count() / complete.count() > 0.5
    links = [link for update in published.exclude(evidence="") for link in update.evidence_links]
    assert all(link.startswith("https://www.") and ".police.uk/" in link for link in links)
    assert not published.filter(status=Status.NOT_STARTED).exclude(evidence="").exists()
