"""The saves of ``plans.versioning`` renew the public pages they change by themselves: no
write path has to remember to call ``plans.cache.content_changed``."""

from __future__ import annotations

import pytest
from django.test import Client

from actions.models import Deliverable, Milestone
from plans.models import ContentVersion, Force
from plans.quarters import Quarter
from plans.versioning import (
    EditConflict,
    claim_versions,
    delete_content,
    save_content,
    save_versioned,
    writing_content,
)
from tests.factories import PracticeExampleFactory
from tests.public import test_public_cache as public_cache
from tests.public.test_public_cache import deliverable_page, served_from_cache, text
from workstreams.models import NationalAction

pytestmark = pytest.mark.django_db

# The page cache on (locmem and Redis), and a force with published content.
page_cache = public_cache.page_cache
site = public_cache.site


def versions() -> dict[int | None, int]:
    return dict(ContentVersion.objects.values_list("force_id", "version"))


def renewed(before: dict[int | None, int]) -> set[int | None]:
    return {force for force, version in versions().items() if version != before.get(force)}


def test_a_versioned_save_renews_the_page_that_shows_it(
    page_cache, site, django_assert_num_queries
):
    page = deliverable_page(site.reported)
    assert site.reported.title in served_from_cache(page, django_assert_num_queries)

    deliverable = Deliverable.objects.select_related("plan").get(pk=site.reported.pk)
    deliverable.title = "Mentoring for every new recruit"
    save_versioned(deliverable, deliverable.version)

    assert "Mentoring for every new recruit" in text(Client().get(page))


def test_a_new_milestone_renews_its_deliverables_page(page_cache, site, django_assert_num_queries):
    page = deliverable_page(site.silent)
    served_from_cache(page, django_assert_num_queries)

    save_content(
        Milestone(deliverable=site.silent, title="Panel chosen", due_quarter=Quarter(2025, 1))
    )

    assert "Panel chosen" in text(Client().get(page))


def test_a_versioned_save_renews_the_national_pages_and_its_force_only(site, force_b):
    force_b_version = ContentVersion.objects.create(force=force_b, version=1)
    before = versions()

    plan = site.plan
    plan.title = "A new title"
    save_versioned(plan, plan.version)

    assert renewed(before) == {None, site.force.pk}
    assert ContentVersion.objects.get(pk=force_b_version.pk).version == 1


def test_a_refused_save_renews_nothing(site):
    before = versions()
    stale = Deliverable.objects.select_related("plan").get(pk=site.reported.pk)
    stale.title = "Somebody else's change"

    with pytest.raises(EditConflict):
        save_versioned(stale, stale.version - 1)

    assert renewed(before) == set()


def test_removing_a_practice_example_renews_the_national_pages_only(site):
    example = PracticeExampleFactory(force=site.force)
    before = versions()

    delete_content(example)

    assert renewed(before) == {None}


def test_a_national_action_renews_every_forces_pages(site):
    before = versions()
    action = NationalAction.objects.first()
    action.title = "A national action, renamed"

    save_content(action)

    assert renewed(before) == {None, *Force.objects.values_list("pk", flat=True)}


def test_a_write_of_many_rows_renews_its_force_when_it_succeeds_and_nothing_when_it_fails(site):
    before = versions()
    with pytest.raises(RuntimeError), writing_content(site.force):
        claim_versions(Deliverable, {site.reported.pk: site.reported.version})
        raise RuntimeError("the write failed")
    assert renewed(before) == set()

    with writing_content(site.force):
        claim_versions(Deliverable, {site.reported.pk: site.reported.version})
    assert renewed(before) == {None, site.force.pk}


def test_versions_are_claimed_only_in_a_write_that_renews_the_pages(site):
    with pytest.raises(RuntimeError, match="writing_content"):
        claim_versions(Deliverable, {site.reported.pk: site.reported.version})
