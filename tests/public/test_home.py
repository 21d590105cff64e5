import re

import pytest

from plans.quarters import Quarter
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory, QuarterlyUpdateFactory


@pytest.mark.django_db
def test_choosing_a_force_without_javascript_goes_to_its_roadmap(client, reference):
    response = client.get("/", {"force": "dorset"})

    assert response.status_code == 302
    assert response["Location"] == "/forces/dorset/"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "atlantis"])
def test_choosing_no_force_or_an_unknown_one_explains_what_to_do(client, reference, value):
    response = client.get("/", {"force": value})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "There is a problem" in html
    assert '<a href="#id_force">Choose a police force from the list</a>' in html
    assert "govuk-form-group--error" in html


@pytest.mark.django_db
def test_the_home_page_links_every_force_by_region(client, reference):
    html = client.get("/").content.decode()

    assert 'href="/forces/dorset/">Dorset Police</a>' in html
    assert len(set(re.findall(r'class="govuk-link" href="(/forces/[a-z-]+/)"', html))) == 44
    assert '<option value="dorset">Dorset Police</option>' in html


@pytest.mark.django_db
def test_the_home_page_gives_national_headline_figures(client):
    for n, status in enumerate(["complete", "on_track", "complete", "at_risk"]):
        force = ForceFactory()
        deliverable = DeliverableFactory(plan=PlanFactory(force=force))
        QuarterlyUpdateFactory(
            deliverable=deliverable, quarter=Quarter(2024, n % 2 + 1), status=status
        )
    ForceFactory(name="Planless Police")

    html = client.get("/").content.decode()

    assert '<span class="prap-figure__number">4</span>' in html
    assert "of 5 forces have published a plan" in html
    assert "complete (2 of 4)" in html
    assert '<span class="prap-figure__number">50%</span>' in html
    assert "Q2 2024/25</span>" in html
    assert "latest quarter reported, by 2 forces" in html


@pytest.mark.django_db
def test_the_home_page_with_nothing_published_says_so(client, reference):
    html = client.get("/").content.decode()

    assert "None yet" in html
    assert "no force has published an update" in html
