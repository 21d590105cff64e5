"""Every pattern the URL resolver knows is walked by a test that checks who may see it.

Public pages by the drafts-never-public walk (``tests/urls_walk.py``), pages under /staff/ and
/accounts/ by the access matrix, and every page under /staff/, /admin/ and /accounts/ by the
second-step walk. A page left out of all of them fails here.
"""

import pytest

from tests.accounts.test_access_matrix import EXPECTED_KIND, staff_url_names
from tests.accounts.test_mfa import BEFORE_THE_SECOND_STEP, private_urls
from tests.urls_walk import (
    PUBLIC_QUERIES,
    Route,
    UnfilledRoute,
    public_routes,
    public_urls,
    site_routes,
)


def test_every_resolver_pattern_is_walked_by_the_drafts_walk_or_the_access_matrix():
    everything = {route.name for route in site_routes()}
    public = {route.name for route in public_routes()}
    matrix = {name for name, _ in staff_url_names()}
    second_step = {name for name, _ in private_urls()} | BEFORE_THE_SECOND_STEP

    assert len(everything) == len(site_routes()), "two patterns share a name"
    assert sorted(everything - public - matrix - second_step) == []
    assert public & matrix == set() and public & second_step == set()
    assert matrix == set(EXPECTED_KIND)
    assert matrix <= second_step
    # Left to the second-step walk alone: the admin, Django's own pages.
    left = [route.path for route in site_routes() if route.name not in public | matrix]
    assert left and all(path.startswith("/admin/") for path in left)


def test_the_public_walk_reaches_the_national_pages_and_the_open_data_files():
    public = {route.name for route in public_routes()}

    assert {"national:compare", "national:coverage", "national:trend"} <= public
    files = {
        f"data:{d}_{f}" for d in ("forces", "deliverables", "updates") for f in ("csv", "json")
    }
    assert files <= public
    assert {"plans:force_feed", "actions:deliverable", "workstreams:detail"} <= public
    assert set(PUBLIC_QUERIES) <= public


SAMPLE = {"forces": "force-a", "deliverables": 7, "workstreams": "involved", "region": "Wales"}


def test_a_public_page_with_a_new_kind_of_argument_fails_the_walk_rather_than_being_skipped():
    engagement = Route(
        "public:engagement_activity",
        "/forces/<slug:slug>/engagement/<int:activity_id>/",
        (),
        {"slug": "forces", "activity_id": "engagement"},
    )

    with pytest.raises(UnfilledRoute, match="engagement/<int:activity_id>/"):
        public_urls([SAMPLE], routes=[engagement])


def test_a_public_page_is_filled_from_the_samples_that_name_its_arguments():
    roadmap, deliverable = (
        Route("plans:force_roadmap", "/forces/<slug:slug>/", (), {"slug": "forces"}),
        Route(
            "actions:deliverable",
            "/forces/<slug:slug>/deliverables/<int:pk>/",
            (),
            {"slug": "forces", "pk": "deliverables"},
        ),
    )
    samples = [SAMPLE, {"forces": "force-b"}]

    assert public_urls(samples, routes=[roadmap, deliverable]) == [
        ("plans:force_roadmap", "/forces/force-a/"),
        ("plans:force_roadmap", "/forces/force-b/"),
        ("actions:deliverable", "/forces/force-a/deliverables/7/"),
    ]


def test_the_collection_of_each_argument_is_the_path_segment_before_it():
    routes = {route.name: route for route in site_routes()}

    assert routes["actions:deliverable"].arguments == {"slug": "forces", "pk": "deliverables"}
    assert routes["workstreams:detail"].arguments == {"slug": "workstreams"}
    assert routes["staff:milestone_edit"].arguments == {"milestone_id": "milestones"}
