"""Each deliverable's stored published status (``Deliverable.published_status`` and
``published_status_quarter``), which the public pages read, is what its updates say after
every write path: each write below runs with the save signal (the safety net for single saves
outside the write paths) switched off, so a path that forgot to refresh the stored values
fails here. Every other test checks it too, after whatever it wrote (``tests/conftest.py``).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from actions.models import (
    Deliverable,
    QuarterlyUpdate,
    Status,
    refresh_trend_figures,
    stale_trend_figures,
)
from plans.quarters import Quarter
from tests.actions.test_trend_figures import without_the_save_signals
from tests.clock import DEMO_TODAY, on
from tests.national_data import current_status_from_rows
from tests.public.test_public_cache import WRITES, Clients, publish_return
from tests.staff_data import PREVIOUS_QUARTER, RETURN_QUARTER, force_data, return_post, return_url

pytestmark = pytest.mark.django_db


#: The save signals off too, so that a write path that forgot to refresh the trend's stored
#: figures fails here as well (tests/actions/test_trend_figures.py).
without_the_save_signal = without_the_save_signals


def stored(deliverable: Deliverable) -> tuple[str, Quarter | None]:
    deliverable.refresh_from_db(fields=["published_status", "published_status_quarter"])
    return deliverable.published_status, deliverable.published_status_quarter


def assert_stored_equals_computed() -> None:
    """Stored equals computed for every deliverable, both by the database's subquery and
    row by row in Python (``current_status_from_rows``)."""
    assert Deliverable.objects.stale_published_status() == []
    for deliverable in Deliverable.objects.prefetch_related("updates"):
        assert deliverable.published_status == current_status_from_rows(deliverable)
        published = [u.quarter for u in deliverable.updates.all() if u.is_published]
        assert deliverable.published_status_quarter == (max(published) if published else None)


@pytest.fixture
def site(reference, force_a):
    return force_data(force_a)


def update_page(data, clients, *, update, action, **form):
    values = {"status": update.status, "done": update.done, "next": "", "evidence": ""}
    values |= {"version": update.version, "action": action, **form}
    return clients.alice.post(f"/staff/updates/{update.pk}/edit/", values)


def admin_form(update, **changes):
    form = {
        "deliverable": update.deliverable_id,
        "quarter": str(update.quarter),
        "status": update.status,
        "done": update.done,
        "next": update.next,
        "evidence": update.evidence,
        "published_at_0": "",
        "published_at_1": "",
    }
    if update.published_at is not None:
        form["published_at_0"] = update.published_at.strftime("%Y-%m-%d")
        form["published_at_1"] = update.published_at.strftime("%H:%M:%S")
    return form | changes


def admin_unpublish(data, clients):
    update = data.published_update
    return clients.sam.post(
        f"/admin/actions/quarterlyupdate/{update.pk}/change/",
        admin_form(update, published_at_0="", published_at_1=""),
    )


def admin_publish_a_draft(data, clients):
    update = data.draft_update
    return clients.sam.post(
        f"/admin/actions/quarterlyupdate/{update.pk}/change/",
        admin_form(update, published_at_0="2025-10-02", published_at_1="09:00:00"),
    )


def admin_delete(data, clients):
    update = data.published_update
    return clients.sam.post(f"/admin/actions/quarterlyupdate/{update.pk}/delete/", {"post": "yes"})


def admin_revert(data, clients):
    """Back to the version before it was published (django-simple-history's revert)."""
    update = data.draft_update
    clients.alice.post(
        f"/staff/updates/{update.pk}/edit/",
        {
            "status": Status.AT_RISK,
            "done": "Slipped.",
            "next": "",
            "evidence": "",
            "version": update.version,
            "action": "publish",
        },
    )
    first = update.history.order_by("history_date", "history_id").first()
    update.refresh_from_db()
    return clients.sam.post(
        f"/admin/actions/quarterlyupdate/{update.pk}/history/{first.history_id}/",
        admin_form(
            update, status=first.status, done=first.done, published_at_0="", published_at_1=""
        ),
    )


def import_return(data, clients):
    path = clients.tmp_path / "return.csv"
    quarter = RETURN_QUARTER.compact
    call_command(
        "export_return",
        "--force",
        data.force.slug,
        "--quarter",
        quarter,
        "-o",
        str(path),
        stdout=io.StringIO(),
    )
    text = path.read_text(encoding="utf-8-sig").replace("Not started", "Off track", 1)
    path.write_text(text, encoding="utf-8-sig")
    call_command(
        "import_return",
        "--force",
        data.force.slug,
        "--quarter",
        quarter,
        str(path),
        "--publish",
        stdout=io.StringIO(),
    )


def return_page_earlier_quarter(data, clients):
    """An update for a quarter before the latest published one: the status stays."""
    rows = {
        data.published: {
            "quarter": PREVIOUS_QUARTER,
            "status": Status.OFF_TRACK,
            "done": "Stalled at first.",
            "publish": 1,
        }
    }
    form = return_post(rows, action="publish") | {"return_quarter": PREVIOUS_QUARTER.compact}
    return clients.alice.post(return_url(data.force, PREVIOUS_QUARTER), form)


def seed_demo(*options):
    def act(data, clients):
        with on(DEMO_TODAY):
            call_command("seed_demo", *options, stdout=io.StringIO())

    return act


def load_reference(data, clients):
    call_command("load_reference", stdout=io.StringIO())


STATUS_WRITES = {
    "a draft published on the update page": lambda d, c: update_page(
        d, c, update=d.draft_update, action="publish"
    ),
    "a draft saved on the update page": lambda d, c: update_page(
        d, c, update=d.draft_update, action="save", status=Status.OFF_TRACK
    ),
    "a published update's status corrected": lambda d, c: update_page(
        d, c, update=d.published_update, action="save", status=Status.COMPLETE, done="Done."
    ),
    "an update published in the admin": admin_publish_a_draft,
    "an update unpublished in the admin": admin_unpublish,
    "an update deleted in the admin": admin_delete,
    "an update reverted in the admin's history": admin_revert,
    "a return imported and published": import_return,
    "an earlier quarter's return published": return_page_earlier_quarter,
    "demonstration data loaded at scale 2": seed_demo("--scale", "2"),
    "demonstration data loaded then removed": lambda d, c: (
        seed_demo()(d, c),
        seed_demo("--clear")(d, c),
    )[-1],
    "reference data loaded again": load_reference,
}


@pytest.mark.parametrize("write", [*WRITES, *STATUS_WRITES])
def test_every_write_leaves_the_stored_status_and_trend_what_the_updates_say(
    site, alice, nadia, sam, tmp_path, write
):
    assert_stored_equals_computed()
    act = WRITES[write].act if write in WRITES else STATUS_WRITES[write]
    if write in WRITES and WRITES[write].setup is not None:
        WRITES[write].setup(site)

    with without_the_save_signal():
        response = act(site, Clients(alice, nadia, sam, tmp_path))

    if response is not None:
        assert response.status_code == 302, response.content.decode()[:2000]
    assert_stored_equals_computed()
    assert stale_trend_figures() == []


def test_publishing_and_unpublishing_change_the_stored_status(site, alice, nadia, sam, tmp_path):
    clients = Clients(alice, nadia, sam, tmp_path)
    assert stored(site.silent) == (Status.NOT_STARTED, None)
    assert stored(site.reported) == (Status.AT_RISK, PREVIOUS_QUARTER)

    with without_the_save_signal():
        publish_return(site, clients)
        assert stored(site.silent) == (Status.ON_TRACK, RETURN_QUARTER)
        update = site.published_update
        clients.alice.post(f"/staff/updates/{update.pk}/unpublish/", {"version": update.version})
        assert stored(site.published) == (Status.NOT_STARTED, None)


def test_a_write_that_forgets_the_refresh_is_caught(site):
    """The check above is not vacuous: a bulk write that refreshes nothing leaves the stored
    status behind, and the check names the deliverable."""
    QuarterlyUpdate.objects.filter(pk=site.published_update.pk).update(status=Status.COMPLETE)
    assert Deliverable.objects.stale_published_status() == [site.published.pk]

    assert Deliverable.objects.filter(pk=site.published.pk).refresh_published_status() == 1
    assert stored(site.published) == (Status.COMPLETE, RETURN_QUARTER)
    assert Deliverable.objects.stale_published_status() == []
    refresh_trend_figures([site.force.pk])  # the trend's figures are checked after every test


def test_the_refresh_writes_nothing_when_nothing_changed(site, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Deliverable.objects.refresh_published_status() == 0


def test_public_reads_use_the_stored_values_and_the_preview_counts_drafts(site):
    public = Deliverable.objects.with_current_status().get(pk=site.drafted.pk)
    preview = Deliverable.objects.with_current_status(include_drafts=True).get(pk=site.drafted.pk)
    assert (public.current_status, public.current_quarter) == (Status.NOT_STARTED, None)
    assert (preview.current_status, preview.current_quarter) == (Status.ON_TRACK, RETURN_QUARTER)
    assert "published_status" in str(Deliverable.objects.with_current_status().query)
    assert "quarterlyupdate" not in str(Deliverable.objects.with_current_status().query)


def test_verify_derived_reports_stale_statuses(site):
    out = io.StringIO()
    call_command("verify_derived", stdout=out)
    assert "every deliverable's stored status is right" in out.getvalue()

    QuarterlyUpdate.objects.filter(pk=site.published_update.pk).update(published_at=None)
    with pytest.raises(CommandError, match="1 deliverables"):
        call_command("verify_derived", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("verify_derived", "--fix", stdout=io.StringIO())
    assert stored(site.published) == (Status.NOT_STARTED, None)
    assert Deliverable.objects.stale_published_status() == []
