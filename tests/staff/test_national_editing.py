import pytest

from tests.factories import PracticeExampleFactory
from workstreams.models import NationalAction, PracticeExample

pytestmark = pytest.mark.django_db


@pytest.fixture
def nadia_client(client, nadia):
    client.force_login(nadia)
    return client


def test_the_national_team_adds_and_edits_a_national_action(nadia_client, reference):
    workstream = NationalAction.objects.get(code="P1").workstream
    response = nadia_client.post(
        "/staff/national-actions/new/",
        {
            "code": "p6",
            "workstream": workstream.pk,
            "title": "Review strip search",
            "description": "",
        },
    )
    assert response["Location"] == "/staff/national-actions/"
    action = NationalAction.objects.get(code="P6")
    nadia_client.post(
        f"/staff/national-actions/{action.pk}/edit/",
        {"code": "P6", "workstream": workstream.pk, "title": "Review strip searches"},
    )
    action.refresh_from_db()
    assert action.title == "Review strip searches"
    assert "P6" in nadia_client.get("/staff/national-actions/").content.decode()


def test_national_action_codes_are_unique(nadia_client, reference):
    workstream = NationalAction.objects.get(code="P1").workstream
    response = nadia_client.post(
        "/staff/national-actions/new/",
        {"code": "p1", "workstream": workstream.pk, "title": "Duplicate"},
    )
    assert "There is already a national action P1" in response.content.decode()


def test_the_national_team_adds_edits_and_removes_practice_examples(
    nadia_client, reference, force_a
):
    workstream = NationalAction.objects.get(code="P1").workstream
    refused = nadia_client.post(
        "/staff/practice/new/",
        {
            "force": force_a.pk,
            "workstream": workstream.pk,
            "title": "Scrutiny panel",
            "summary": "Residents review body-worn video.",
            "link": "javascript:alert(1)",
        },
    )
    assert "Enter a full web address starting with http:// or https://" in (
        refused.content.decode()
    )
    nadia_client.post(
        "/staff/practice/new/",
        {
            "force": force_a.pk,
            "workstream": workstream.pk,
            "title": "Scrutiny panel",
            "summary": "Residents review body-worn video.",
            "link": "https://example.org/panel",
        },
    )
    example = PracticeExample.objects.get(title="Scrutiny panel")
    assert example.force == force_a
    nadia_client.post(f"/staff/practice/{example.pk}/delete/")
    assert not PracticeExample.objects.filter(pk=example.pk).exists()
    assert example.history.filter(history_type="-").get().history_user.email == (
        "nadia@national.example"
    )


def test_coordinators_cannot_change_national_data(client, alice, reference, force_a):
    example = PracticeExampleFactory(force=force_a)
    action = NationalAction.objects.get(code="P1")
    client.force_login(alice)
    assert client.get("/staff/national-actions/").status_code == 403
    response = client.post(
        f"/staff/national-actions/{action.pk}/edit/",
        {"code": "P1", "workstream": action.workstream_id, "title": "Changed"},
    )
    assert response.status_code == 403
    assert client.post(f"/staff/practice/{example.pk}/delete/").status_code == 403
    assert NationalAction.objects.get(pk=action.pk).title != "Changed"
    assert PracticeExample.objects.filter(pk=example.pk).exists()
