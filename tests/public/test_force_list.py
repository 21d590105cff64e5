import pytest

from plans.quarters import Quarter
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory, QuarterlyUpdateFactory


@pytest.mark.django_db
def test_the_directory_lists_all_44_forces_grouped_by_region(client, reference):
    html = client.get("/forces/").content.decode()

    assert "<strong>44</strong> forces." in html
    assert html.count('<th scope="row" class="govuk-table__header"><a') == 44
    assert html.index(">East Midlands</caption>") < html.index(">Wales</caption>")
    assert "No published plan yet" in html


@pytest.mark.django_db
def test_each_force_shows_its_deliverables_share_complete_and_latest_quarter(client):
    force = ForceFactory(name="Northshire Police")
    plan = PlanFactory(force=force)
    for quarter, status in [(Quarter(2024, 1), "complete"), (Quarter(2024, 3), "on_track")]:
        QuarterlyUpdateFactory(
            deliverable=DeliverableFactory(plan=plan), quarter=quarter, status=status
        )
    DeliverableFactory(plan=plan, withdrawn_at="2024-05-01", withdrawn_reason="Dropped.")

    html = client.get("/forces/").content.decode()
    row = html[html.index("Northshire Police") :]
    row = row[: row.index("</tr>")]

    assert 'data-label="Deliverables">2</td>' in row
    assert "50%<span" in row
    assert "Q3 2024/25" in row


@pytest.mark.django_db
def test_the_directory_filters_by_region_and_country(client, reference):
    wales = client.get("/forces/", {"country": "Wales"}).content.decode()
    eastern = client.get("/forces/", {"region": "Eastern"}).content.decode()

    assert "<strong>4</strong> forces match the filters" in wales
    assert "Gwent Police" in wales and "Dorset Police" not in wales
    assert "Essex Police" in eastern and "Gwent Police" not in eastern
    assert '<option value="Eastern" selected>' in eastern
    assert "Clear filters" in eastern


@pytest.mark.django_db
def test_an_unknown_filter_value_is_explained_not_ignored_silently(client, reference):
    response = client.get("/forces/", {"region": "Atlantis"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select a valid choice" in html
    assert "<title>Error: " in html
