"""Public pages come from the cache, and the cache never serves a stale page or a draft.

Each test runs with the page cache on, against local memory and against Redis (the Redis on
127.0.0.1, database ``TEST_REDIS_URL``, by default 13: only that database is ever flushed).
Before anything changes, each test shows the page really is answered from the cache (one
query: the content version), so a missing invalidation would fail it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import pytest
import redis
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from actions.models import QuarterlyUpdate, Status
from plans.cache import all_content_changed, content_changed
from plans.models import ContentVersion
from tests.factories import PracticeExampleFactory
from tests.mfa import VerifiedClient
from tests.redis_db import REDIS_URL
from tests.staff_data import ForceData, force_data, return_post, return_url
from workstreams.models import NationalAction, PracticeExample

pytestmark = pytest.mark.django_db

MARKER = "zq-draft-marker-c4e19b"
DONE = "Forty recruits now have a mentor."


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache on, in local memory or in Redis."""
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-cache-tests",
        }
    settings.CACHES = {"default": backend}
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def site(reference, force_a):
    data = force_data(force_a)
    # As every release does (load_reference): the pages have versions, so they are cached.
    all_content_changed()
    return data


@pytest.fixture
def alice_client(alice):
    client = VerifiedClient()
    client.force_login(alice)
    return client


@pytest.fixture
def nadia_client(nadia):
    client = VerifiedClient()
    client.force_login(nadia)
    return client


def text(response) -> str:
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def error_summary(html: str) -> str:
    start = html.find("govuk-error-summary")
    return html[start : start + 1500] if start >= 0 else html[:1500]


def cache_entries() -> list[bytes]:
    """Every value stored in the cache, as stored (pickled), whatever the backend."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return list(backend._cache.values())
    client = backend._cache.get_client()
    return [client.get(key) for key in client.scan_iter()]


def roadmap(data) -> str:
    return f"/forces/{data.force.slug}/"


def deliverable_page(deliverable) -> str:
    return f"/forces/{deliverable.plan.force.slug}/deliverables/{deliverable.pk}/"


def publish(client, update, **fields):
    form = {"status": Status.COMPLETE, "done": DONE, "next": "", "evidence": ""}
    form |= {"action": "publish", "version": update.version, **fields}
    response = client.post(f"/staff/updates/{update.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()


def served_from_cache(path: str, django_assert_num_queries) -> str:
    """The page, asserting it came from the cache: no query but the content version's."""
    anonymous = Client()
    anonymous.get(path)
    with django_assert_num_queries(1):
        return text(anonymous.get(path))


def test_publishing_an_update_changes_the_roadmap_the_national_page_and_the_exports_at_once(
    page_cache, site, alice_client, django_assert_num_queries
):
    anonymous = Client()
    pages = [
        roadmap(site),
        deliverable_page(site.drafted),
        f"/forces/{site.force.slug}/feed/",
        "/national/",
        "/",
    ]
    for path in pages:
        assert DONE not in served_from_cache(path, django_assert_num_queries), path
    national_row = force_row(text(anonymous.get("/national/")), site.force.name)
    assert "0%" in national_row

    publish(alice_client, site.draft_update)

    assert DONE in text(anonymous.get(roadmap(site)))  # under "What we have achieved"
    assert DONE in text(anonymous.get(deliverable_page(site.drafted)))
    assert DONE in text(anonymous.get(f"/forces/{site.force.slug}/feed/"))
    assert "25%" in force_row(text(anonymous.get("/national/")), site.force.name)
    assert DONE in text(anonymous.get("/data/updates.csv"))
    assert f"{site.drafted.pk},{site.force.slug}," in text(anonymous.get("/data/deliverables.csv"))
    deliverable_line = next(
        line
        for line in text(anonymous.get("/data/deliverables.csv")).splitlines()
        if line.startswith(f"{site.drafted.pk},")
    )
    assert ",complete," in deliverable_line
    forces_line = next(
        line
        for line in text(anonymous.get("/data/forces.csv")).splitlines()
        if line.startswith(f"{site.force.slug},")
    )
    assert ",4,1,1,1,0,1,25," in forces_line  # 4 deliverables, 1 complete, ... 25%


def force_row(html: str, name: str) -> str:
    """The national table's row for the force named ``name``."""
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


def test_a_draft_never_enters_a_public_cache_entry(page_cache, site, alice_client):
    drafts = {site.silent: {"status": Status.AT_RISK, "done": MARKER}}
    assert alice_client.post(return_url(site.force), return_post(drafts)).status_code == 302
    assert not QuarterlyUpdate.objects.get(done=MARKER).is_published
    paths = public_paths(site)

    for client in (Client(), alice_client):  # the public, and the coordinator signed in
        for path in paths:
            assert MARKER not in text(client.get(path)), path
    assert cache_entries(), "the pages should be in the cache"
    assert not [entry for entry in cache_entries() if MARKER.encode() in entry]

    # Once published, the text is public and cached: the search above can find it.
    published = {site.silent: {"status": Status.AT_RISK, "done": MARKER, "publish": True}}
    alice_client.post(return_url(site.force), return_post(published, action="publish"))
    assert MARKER in text(Client().get(deliverable_page(site.silent)))
    assert [entry for entry in cache_entries() if MARKER.encode() in entry]

    # Back to draft: no page the public is served shows it again.
    update = QuarterlyUpdate.objects.get(done=MARKER)
    alice_client.post(f"/staff/updates/{update.pk}/unpublish/", {"version": update.version})
    for path in paths:
        assert MARKER not in text(Client().get(path)), path


def public_paths(data) -> list[str]:
    return [
        "/",
        "/forces/",
        roadmap(data),
        deliverable_page(data.silent),
        f"/forces/{data.force.slug}/feed/",
        "/workstreams/",
        f"/workstreams/{data.silent.workstream.slug}/",
        "/practice/",
        "/national/",
        "/national/coverage/",
        "/national/trend/",
        f"/national/compare/?forces={data.force.slug}&forces=dorset",
        "/data/",
        "/data/updates.csv",
        "/data/deliverables.json",
        "/accessibility/",
    ]


def test_a_conditional_get_is_not_modified_until_something_is_published(
    page_cache, site, alice_client
):
    anonymous = Client()
    paths = [roadmap(site), deliverable_page(site.drafted), "/national/", "/data/updates.csv"]
    tags = {}
    for path in paths:
        first = anonymous.get(path)
        tags[path] = first["ETag"]
        assert tags[path].startswith('W/"'), path
        assert first["Cache-Control"] == "public, max-age=60", path
        again = anonymous.get(path, headers={"If-None-Match": tags[path]})
        assert again.status_code == 304, path
        assert again["ETag"] == tags[path]
        assert again["Cache-Control"] == "public, max-age=60"
        assert again.content == b""
    dorset = anonymous.get("/forces/dorset/")["ETag"]

    publish(alice_client, site.draft_update)

    for path in paths:
        response = anonymous.get(path, headers={"If-None-Match": tags[path]})
        assert response.status_code == 200, path
        assert response["ETag"] != tags[path], path
    # Another force's pages did not change: their tag still holds.
    assert anonymous.get("/forces/dorset/", headers={"If-None-Match": dorset}).status_code == 304


def test_a_cached_page_answers_every_precondition_as_the_page_itself_would(page_cache, site):
    """A page from the cache answers If-Match and If-Unmodified-Since (412) and If-Modified-
    Since as well as If-None-Match, the same as the first time it was rendered."""
    anonymous = Client()
    path = roadmap(site)
    first = anonymous.get(path)
    assert first.status_code == 200
    assert anonymous.get(path).status_code == 200  # from the cache from here on
    failed = anonymous.get(path, headers={"If-Match": '"another-version"'})
    assert failed.status_code == 412
    # If-Match compares strongly, and the page's tag is weak: only "*" matches it.
    assert anonymous.get(path, headers={"If-Match": first["ETag"]}).status_code == 412
    matched = anonymous.get(path, headers={"If-Match": "*"})
    assert matched.status_code == 200
    assert matched.content == first.content
    not_modified = anonymous.get(path, headers={"If-None-Match": f'"x", {first["ETag"]}'})
    assert not_modified.status_code == 304
    modified = anonymous.get(path, headers={"If-None-Match": '"another-version"'})
    assert modified.status_code == 200
    assert modified.content == first.content


def test_a_cached_page_is_kept_per_host_and_refused_to_a_host_not_allowed(
    page_cache, site, settings
):
    """The key holds the validated host: the feed's absolute links name the host asked for,
    and a host outside ALLOWED_HOSTS gets 400 even for a page in the cache."""
    settings.ALLOWED_HOSTS = ["testserver", "prap.example"]
    anonymous = Client()
    path = f"/forces/{site.force.slug}/feed/"
    first = anonymous.get(path)
    assert first.status_code == 200
    assert anonymous.get(path).content == first.content  # from the cache
    other = anonymous.get(path, HTTP_HOST="prap.example")
    assert other.status_code == 200
    assert b"http://prap.example/" in other.content
    assert b"http://prap.example/" not in first.content
    assert anonymous.get(path, HTTP_HOST="evil.example").status_code == 400
    # The check of a host is remembered for the setting it was made with, not past it.
    settings.ALLOWED_HOSTS = ["testserver"]
    assert anonymous.get(path, HTTP_HOST="prap.example").status_code == 400
    assert anonymous.get(path).content == first.content


def test_staff_pages_never_get_public_cache_headers(page_cache, site, alice_client, nadia_client):
    for client, path in [
        (alice_client, f"/staff/forces/{site.force.slug}/"),
        (alice_client, return_url(site.force)),
        (alice_client, f"/staff/deliverables/{site.drafted.pk}/"),
        (nadia_client, "/staff/returns/"),
        (Client(), "/accounts/sign-in/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"], path
        assert not response.has_header("ETag"), path


def test_signed_in_people_get_private_pages_and_the_public_never_gets_their_header(
    page_cache, site, alice_client
):
    signed_in = alice_client.get(roadmap(site))
    assert 'href="/staff/"' in text(signed_in)
    assert signed_in["Cache-Control"] == "private, no-cache"
    assert not signed_in.has_header("ETag")
    assert "Cookie" in signed_in["Vary"]

    public = Client().get(roadmap(site))
    assert 'href="/staff/"' not in text(public)
    assert public["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in public["Vary"]
    # And the other way round: the signed-in coordinator is not given the public copy.
    assert 'href="/staff/"' in text(alice_client.get(roadmap(site)))


def test_a_page_from_the_cache_carries_the_same_headers_as_a_rendered_one(
    page_cache, site, django_assert_num_queries
):
    anonymous = Client()
    rendered = anonymous.get(roadmap(site))
    with django_assert_num_queries(1):
        cached = anonymous.get(roadmap(site))

    assert cached.content == rendered.content
    volatile = {"X-Request-ID"}
    assert {k: v for k, v in cached.items() if k not in volatile} == {
        k: v for k, v in rendered.items() if k not in volatile
    }
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert cached.has_header(header), header
    assert cached["Content-Length"] == str(len(rendered.content))


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
    reason="connection health checks (CONN_HEALTH_CHECKS) are on with PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)
def test_a_cached_page_is_served_after_the_database_dropped_the_connection(page_cache, reference):
    all_content_changed()
    anonymous = Client()
    assert anonymous.get("/national/").status_code == 200  # now in the cache
    assert connection.health_check_enabled
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    connection.health_check_done = False  # as at the start of every request

    response = anonymous.get("/national/")

    assert response.status_code == 200
    assert "Bedfordshire Police" in text(response)


def test_a_rolled_back_change_keeps_the_versions_and_a_committed_one_renews_them(site):
    before = dict(ContentVersion.objects.values_list("force_id", "version"))

    with pytest.raises(RuntimeError), transaction.atomic():
        content_changed(site.force)
        raise RuntimeError("the change failed")
    assert dict(ContentVersion.objects.values_list("force_id", "version")) == before

    content_changed(site.force)
    after = dict(ContentVersion.objects.values_list("force_id", "version"))
    changed = {force for force, version in after.items() if version != before[force]}
    assert changed == {None, site.force.pk}  # the national pages and this force's only


# Every way public content changes, and a page that shows it -------------------------------


class Clients:
    def __init__(self, alice, nadia, sam, tmp_path):
        self.alice_user, self.tmp_path = alice, tmp_path
        self.alice, self.nadia, self.sam = VerifiedClient(), VerifiedClient(), VerifiedClient()
        self.alice.force_login(alice)
        self.nadia.force_login(nadia)
        self.sam.force_login(sam)


@dataclass(frozen=True)
class Write:
    page: Callable[[ForceData], str]
    act: Callable[[ForceData, Clients], object]
    shown: str | None = None  # on the page after the change, not before
    gone: str | None = None  # on the page before the change, not after
    setup: Callable[[ForceData], object] | None = None


def edit_deliverable(data, clients):
    deliverable = data.reported
    form = {
        "workstream": deliverable.workstream_id,
        "reference": "",
        "title": "Stop and search reformed with the community",
        "description": deliverable.description,
        "lead": deliverable.lead,
        "start_quarter": str(deliverable.start_quarter),
        "due_quarter": str(deliverable.due_quarter),
        "national_actions": [a.pk for a in deliverable.national_actions.all()],
        "version": deliverable.version,
        "replanning_reason": "Renamed after listening to the community.",
    }
    return clients.alice.post(f"/staff/deliverables/{deliverable.pk}/edit/", form)


def add_deliverable(data, clients):
    form = {
        "workstream": data.silent.workstream_id,
        "reference": "",
        "title": "Independent scrutiny of use of force",
        "description": "We will.",
        "lead": "Chief Inspector",
        "start_quarter": "Q1 2025/26",
        "due_quarter": "Q2 2025/26",
        "version": 0,
    }
    return clients.alice.post(f"/staff/plans/{data.plan.pk}/deliverables/new/", form)


def correct_update(data, clients):
    update = data.published_update
    form = {"status": Status.ON_TRACK, "done": "Review finished early.", "next": "", "evidence": ""}
    return clients.alice.post(
        f"/staff/updates/{update.pk}/edit/", {**form, "version": update.version}
    )


def publish_return(data, clients):
    rows = {
        data.silent: {"status": Status.ON_TRACK, "done": "Pay gap data gathered.", "publish": 1}
    }
    return clients.alice.post(return_url(data.force), return_post(rows, action="publish"))


def edit_plan(data, clients):
    form = {
        "title": "Our anti-racist policing plan",
        "summary": "Our plan.",
        "first_quarter": "Q1 2024/25",
        "last_quarter": "Q4 2026/27",
        "version": data.plan.version,
    }
    return clients.alice.post(f"/staff/plans/{data.plan.pk}/edit/", form)


def edit_national_action(data, clients):
    action = NationalAction.objects.get(code="P2")
    form = {"code": "P2", "workstream": action.workstream_id, "title": "Renewed stop and search"}
    return clients.nadia.post(f"/staff/national-actions/{action.pk}/edit/", form)


def add_practice_example(data, clients):
    form = {
        "force": data.force.pk,
        "workstream": data.silent.workstream_id,
        "title": "Residents review body-worn video",
        "summary": "A panel meets monthly.",
        "link": "",
    }
    return clients.nadia.post("/staff/practice/new/", form)


def import_plan(data, clients):
    exported = clients.tmp_path / "plan.csv"
    call_command(
        "export_plan", "--force", data.force.slug, "-o", str(exported), stdout=io.StringIO()
    )
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    for row in rows:
        if "Pay gap report" in row[2]:
            row[2] = row[2].replace("Pay gap report", "Pay gap report published yearly")
            row[rows[0].index("Reason for change")] = "We will publish it every year."
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    exported.write_text(buffer.getvalue(), "utf-8-sig")
    user = clients.alice_user.email
    call_command("import_plan", "--force", data.force.slug, str(exported), "--user", user)


def edit_force_in_the_admin(data, clients):
    force = data.force
    form = {"slug": force.slug, "name": "Force A Constabulary", "region": force.region}
    form |= {"country": force.country, "website": ""}
    return clients.sam.post(f"/admin/plans/force/{force.pk}/change/", form)


def load_demo_data(data=None, clients=None):
    """The demo data as of the day it is loaded, as ``make run`` does (one clock: the test's)."""
    call_command("seed_demo", stdout=io.StringIO())


def post(path_of, form_of, persona="alice"):
    """A staff POST: ``path_of(data)`` with ``form_of(data)``."""

    def act(data, clients):
        return getattr(clients, persona).post(path_of(data), form_of(data))

    return act


WRITES = {
    "a deliverable edited": Write(
        roadmap, edit_deliverable, shown="Stop and search reformed with the community"
    ),
    "a deliverable added": Write(
        roadmap, add_deliverable, shown="Independent scrutiny of use of force"
    ),
    "a deliverable withdrawn": Write(
        roadmap,
        post(
            lambda d: f"/staff/deliverables/{d.silent.pk}/withdraw/",
            lambda d: {"reason": "Folded into the pay review.", "version": d.silent.version},
        ),
        shown="Folded into the pay review.",
    ),
    "a deliverable reinstated": Write(
        roadmap,
        post(
            lambda d: f"/staff/deliverables/{d.withdrawn.pk}/reinstate/",
            lambda d: {"version": d.withdrawn.version},
        ),
        gone="Merged.",
    ),
    "a deliverable moved": Write(
        roadmap,
        post(
            lambda d: f"/staff/plans/{d.plan.pk}/order/",
            lambda d: {"deliverable": d.silent.pk, "direction": "up"},
        ),
    ),
    "a published update corrected": Write(
        lambda d: deliverable_page(d.published), correct_update, shown="Review finished early."
    ),
    "a published update unpublished": Write(
        lambda d: deliverable_page(d.published),
        post(
            lambda d: f"/staff/updates/{d.published_update.pk}/unpublish/",
            lambda d: {"version": d.published_update.version},
        ),
        gone="Review under way.",
    ),
    "a quarterly return published": Write(
        lambda d: deliverable_page(d.silent), publish_return, shown="Pay gap data gathered."
    ),
    "a milestone added": Write(
        lambda d: deliverable_page(d.reported),
        post(
            lambda d: f"/staff/deliverables/{d.reported.pk}/milestones/new/",
            lambda d: {
                "title": "Community panel reviews footage",
                "due_quarter": "Q4 2025/26",
                "version": 0,
            },
        ),
        shown="Community panel reviews footage",
    ),
    "a milestone edited": Write(
        lambda d: deliverable_page(d.reported),
        post(
            lambda d: f"/staff/milestones/{d.milestone.pk}/edit/",
            lambda d: {"title": "Pilot in the west", "due_quarter": "Q3 2024/25", "version": 1},
        ),
        shown="Pilot in the west",
    ),
    "a milestone ticked off": Write(
        lambda d: deliverable_page(d.reported),
        post(
            lambda d: f"/staff/milestones/{d.milestone.pk}/done/",
            lambda d: {"done": "on", "version": d.milestone.version},
        ),
        shown='prap-status--complete">Done</strong>',
    ),
    "the plan edited": Write(roadmap, edit_plan, shown="Our anti-racist policing plan"),
    "the plan unpublished": Write(
        roadmap,
        post(
            lambda d: f"/staff/plans/{d.plan.pk}/publish/",
            lambda d: {"version": d.plan.version, "publish": "0"},
        ),
        shown="No published plan yet",
    ),
    "a national action edited": Write(
        lambda d: deliverable_page(d.reported),
        edit_national_action,
        shown="Renewed stop and search",
    ),
    "a practice example added": Write(
        lambda d: "/practice/", add_practice_example, shown="Residents review body-worn video"
    ),
    "a practice example removed": Write(
        lambda d: "/practice/",
        post(
            lambda d: f"/staff/practice/{PracticeExample.objects.get().pk}/delete/",
            lambda d: {},
            persona="nadia",
        ),
        gone="Scrutiny panel",
        setup=lambda d: PracticeExampleFactory(
            force=d.force, workstream=d.silent.workstream, title="Scrutiny panel"
        ),
    ),
    "a plan imported": Write(roadmap, import_plan, shown="Pay gap report published yearly"),
    "a force renamed in the admin": Write(
        roadmap, edit_force_in_the_admin, shown="Force A Constabulary"
    ),
    "demonstration data loaded": Write(roadmap, load_demo_data, shown="Demonstration data"),
    "demonstration data removed": Write(
        roadmap,
        lambda data, clients: call_command("seed_demo", "--clear", stdout=io.StringIO()),
        gone="Demonstration data",
        setup=load_demo_data,
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_change_shows_on_the_public_page_at_the_very_next_request(
    page_cache, site, alice, nadia, sam, write, tmp_path, django_assert_num_queries
):
    change = WRITES[write]
    if change.setup is not None:
        change.setup(site)
        all_content_changed()
    path = change.page(site)
    before = served_from_cache(path, django_assert_num_queries)

    response = change.act(site, Clients(alice, nadia, sam, tmp_path))

    if response is not None:
        assert response.status_code == 302, error_summary(response.content.decode())
    after = text(Client().get(path))
    assert after != before
    if change.shown is not None:
        assert change.shown not in before
        assert change.shown in after
    if change.gone is not None:
        assert change.gone in before
        assert change.gone not in after
