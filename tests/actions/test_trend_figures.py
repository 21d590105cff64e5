"""The trend's stored figures (``actions.span_models``: each force's status spans and count
of active deliverables), which ``/national/trend/`` reads, are what the updates and
deliverables say after every write that changes them. Each write below runs with the save
signals (the safety net for single saves outside the write paths) switched off, so a write
path that forgot the refresh fails here; ``tests/actions/test_stored_status.py`` checks them
after every other write path too, and ``tests/conftest.py`` after every test.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save

from actions import models as actions_models
from actions.models import (
    Deliverable,
    QuarterlyUpdate,
    Status,
    computed_trend_figures,
    refresh_after_saving,
    refresh_trend_after_saving,
    refresh_trend_figures,
    stale_trend_figures,
    stored_trend_figures,
)
from actions.span_models import RoadmapSize, StatusSpan
from plans.models import Plan
from plans.quarters import Quarter
from tests.public.test_public_cache import Clients, publish_return
from tests.staff_data import (
    PREVIOUS_QUARTER,
    RETURN_QUARTER,
    force_data,
    return_post,
    return_url,
)

pytestmark = pytest.mark.django_db


@contextmanager
def without_the_save_signals():
    post_save.disconnect(refresh_after_saving, sender=QuarterlyUpdate, dispatch_uid="status")
    for model in (Deliverable, Plan):
        post_save.disconnect(refresh_trend_after_saving, sender=model, dispatch_uid="trend")
    try:
        yield
    finally:
        post_save.connect(refresh_after_saving, sender=QuarterlyUpdate, dispatch_uid="status")
        for model in (Deliverable, Plan):
            post_save.connect(refresh_trend_after_saving, sender=model, dispatch_uid="trend")


@pytest.fixture
def site(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def clients(alice, nadia, sam, tmp_path):
    return Clients(alice, nadia, sam, tmp_path)


def stored(force) -> tuple[dict, int]:
    """The force's stored spans ``{(quarter, until, status): n}`` and roadmap size, after
    checking that every force's stored figures are what the data says."""
    assert stale_trend_figures() == []
    return stored_trend_figures([force.pk]).get(force.pk, ({}, 0))


def test_the_stored_figures_are_the_forces_spans_and_active_deliverables(site):
    spans, size = stored(site.force)
    assert size == 4  # reported, drafted, published, silent; not the withdrawn one
    assert spans == {
        (PREVIOUS_QUARTER, None, Status.AT_RISK): 1,
        (RETURN_QUARTER, None, Status.ON_TRACK): 1,
    }


def test_a_published_update_is_in_the_stored_spans(site, clients):
    with without_the_save_signals():
        publish_return(site, clients)

    spans, size = stored(site.force)
    assert size == 4
    assert spans[(RETURN_QUARTER, None, Status.ON_TRACK)] == 2


def test_an_update_for_a_later_quarter_closes_the_earlier_span(site, clients):
    rows = {site.reported: {"status": Status.COMPLETE, "done": "Training done.", "publish": 1}}
    with without_the_save_signals():
        response = clients.alice.post(return_url(site.force), return_post(rows, action="publish"))

    assert response.status_code == 302
    spans, _ = stored(site.force)
    assert (PREVIOUS_QUARTER, RETURN_QUARTER, Status.AT_RISK) in spans
    assert (PREVIOUS_QUARTER, None, Status.AT_RISK) not in spans
    assert spans[(RETURN_QUARTER, None, Status.COMPLETE)] == 1


def test_a_withdrawn_deliverable_leaves_the_stored_figures(site, clients):
    with without_the_save_signals():
        response = clients.alice.post(
            f"/staff/deliverables/{site.published.pk}/withdraw/",
            {"reason": "Folded into the pay review.", "version": site.published.version},
        )

    assert response.status_code == 302
    spans, size = stored(site.force)
    assert size == 3
    assert spans == {(PREVIOUS_QUARTER, None, Status.AT_RISK): 1}


def test_a_new_plan_replacing_the_public_roadmap_replaces_the_stored_figures(site, clients):
    with without_the_save_signals():
        response = clients.alice.post(
            f"/staff/forces/{site.force.slug}/plans/new/",
            {
                "title": "Our plan from 2025",
                "summary": "Our next plan.",
                "first_quarter": "Q1 2025/26",
                "last_quarter": "2027-Q4",
                "version": 0,
            },
        )
        assert response.status_code == 302
        assert stored(site.force)[1] == 4  # a draft plan changes nothing public
        newer = Plan.objects.get(title="Our plan from 2025")
        response = clients.alice.post(
            f"/staff/plans/{newer.pk}/publish/", {"version": newer.version, "publish": "1"}
        )

    assert response.status_code == 302
    assert stored(site.force) == ({}, 0)


def test_unpublishing_takes_updates_and_plans_out_of_the_stored_figures(site, clients):
    update = site.published_update
    with without_the_save_signals():
        clients.alice.post(f"/staff/updates/{update.pk}/unpublish/", {"version": update.version})
        assert stored(site.force) == ({(PREVIOUS_QUARTER, None, Status.AT_RISK): 1}, 4)

        site.plan.refresh_from_db()
        response = clients.alice.post(
            f"/staff/plans/{site.plan.pk}/publish/", {"version": site.plan.version, "publish": "0"}
        )

    assert response.status_code == 302
    assert stored(site.force) == ({}, 0)
    assert not StatusSpan.objects.filter(force=site.force).exists()
    assert not RoadmapSize.objects.filter(force=site.force).exists()


def test_the_trend_page_reads_the_stored_figures(site, client):
    """What the page shows comes from the stored rows: changed behind the refresh's back,
    the page follows them (and the check names the force)."""
    RoadmapSize.objects.filter(force=site.force).update(deliverables=40)
    assert stale_trend_figures() == [site.force.pk]

    html = client.get(f"/national/trend/?force={site.force.slug}").content.decode()
    assert "Status of 40 deliverables" in html

    assert refresh_trend_figures([site.force.pk]) == 1
    assert stale_trend_figures() == []


def test_a_write_that_forgets_the_refresh_is_caught(site):
    QuarterlyUpdate.objects.filter(pk=site.published_update.pk).update(status=Status.COMPLETE)
    assert stale_trend_figures() == [site.force.pk]

    assert refresh_trend_figures([site.force.pk]) == 1
    assert stored(site.force)[0][(RETURN_QUARTER, None, Status.COMPLETE)] == 1
    Deliverable.objects.filter(pk=site.published.pk).refresh_published_status()


def test_the_refresh_reads_and_writes_nothing_more_when_nothing_changed(
    site, django_assert_num_queries
):
    with django_assert_num_queries(4):
        assert refresh_trend_figures([site.force.pk]) == 0
    with django_assert_num_queries(0):
        assert refresh_trend_figures([]) == 0


def test_the_stored_figures_add_up_to_the_spans_computed_from_every_update(site, force_b):
    force_data(force_b, label="Force B")
    national = {}
    for spans, _ in computed_trend_figures().values():
        for key, n in spans.items():
            national[key] = national.get(key, 0) + n
    stored_rows = StatusSpan.objects.all().spans()
    assert {(r["quarter"], r["until"], r["status"]): r["n"] for r in stored_rows} == national
    assert RoadmapSize.objects.total() == 8
    assert national[(Quarter(2025, 2), None, Status.ON_TRACK)] == 2


def test_verify_derived_reports_stale_trend_figures(site):
    out = io.StringIO()
    call_command("verify_derived", stdout=out)
    assert "and so are the trend figures" in out.getvalue()

    StatusSpan.objects.filter(force=site.force).delete()
    with pytest.raises(CommandError, match="trend figures of 1 forces"):
        call_command("verify_derived", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("verify_derived", "--fix", stdout=io.StringIO())
    assert stale_trend_figures() == []


def test_a_write_path_refreshes_the_figures_once_not_again_from_the_save_signal(site, clients):
    """The safety net stands aside inside a write of ``plans.versioning``, which refreshes
    the figures for the same force before it commits (four queries a save, not eight)."""
    calls = []
    original = actions_models.refresh_trend_figures

    def counted(force_ids):
        calls.append(list(force_ids))
        return original(force_ids)

    with mock.patch.object(actions_models, "refresh_trend_figures", counted):
        response = clients.alice.post(
            f"/staff/deliverables/{site.published.pk}/withdraw/",
            {"reason": "Folded into the pay review.", "version": site.published.version},
        )
        assert response.status_code == 302
        assert calls == []  # only the write's own hook ran (registered before the patch)
        assert stored(site.force)[1] == 3

        # A single save outside the write paths (the shell, a test's data): the net catches it.
        Deliverable.objects.get(pk=site.drafted.pk).save()
        assert calls == [[site.force.pk]]
    assert stale_trend_figures() == []
