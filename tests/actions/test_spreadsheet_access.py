"""Who may download and upload which force's spreadsheets.

A coordinator uploads into their own force's plan only: for Bob, force A's upload, preview,
confirmation and cancel pages do not exist (404), even with an upload token from his own
session. The national team and administrators may download any force's files but never
upload (403).
"""

import pytest

from tests.actions.conftest import database_state
from tests.actions.spreadsheet_pages import (
    confirm,
    plan_import_url,
    plan_workbook,
    preview_url,
    return_csv,
    return_import_url,
    set_cell,
    upload_plan,
    upload_return,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


def force_a_pages(plan, upload="no-such-upload-0123456789"):
    return [
        plan_import_url(plan),
        return_import_url(plan),
        f"{plan_import_url(plan)}{upload}/",
        f"{return_import_url(plan)}{upload}/",
    ]


def edited(plan, title="Taken over by force B"):
    workbook = plan_workbook(plan)
    set_cell(workbook["Plan"], "R-01", "Title", title)
    set_cell(workbook["Plan"], "R-01", "Reason for change", "Renamed.")
    return workbook_bytes(workbook)


def test_bob_gets_404_for_every_upload_page_of_force_a(client, bob, plan_a, plan_b):
    client.force_login(bob)
    before = database_state()

    for url in force_a_pages(plan_a):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert upload_plan(client, plan_a, edited(plan_a)).status_code == 404
    cancel = f"/staff/plans/{plan_a.pk}/import/cancel/no-such-upload-0123456789/"
    assert client.post(cancel).status_code == 404
    assert database_state() == before


def test_bob_cannot_confirm_into_force_a_with_a_token_from_his_own_session(
    client, bob, plan_a, plan_b
):
    client.force_login(bob)
    workbook = plan_workbook(plan_b)
    set_cell(workbook["Plan"], "R-01", "Title", "Changed by Bob")
    set_cell(workbook["Plan"], "R-01", "Reason for change", "Renamed.")
    own_preview_url = preview_url(upload_plan(client, plan_b, workbook_bytes(workbook)))
    preview = client.get(own_preview_url)
    token = own_preview_url.rstrip("/").rsplit("/", 1)[1]
    before = database_state()

    # The same token and fingerprints, sent to force A's addresses.
    form = preview.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    for url in force_a_pages(plan_a, token):
        assert client.post(url, data).status_code == 404, url
    cancel = client.post(f"/staff/plans/{plan_a.pk}/import/cancel/{token}/")
    assert cancel.status_code == 404

    assert database_state() == before
    assert plan_a.deliverables.get(reference="R-01").title == "Recruit and retain Black officers"
    assert confirm(client, preview).status_code == 302  # his own upload still works
    assert plan_b.deliverables.get(reference="R-01").title == "Changed by Bob"


def test_an_upload_belongs_to_the_session_that_made_it(client, alice, bob, plan_a, plan_b):
    """Alice cannot use a token she did not upload, even one for her own plan's address."""
    client.force_login(alice)
    url = preview_url(upload_plan(client, plan_a, edited(plan_a, "Alice's change")))
    token = url.rstrip("/").rsplit("/", 1)[1]
    client.logout()
    client.force_login(alice)  # a new session
    before = database_state()

    response = client.post(url, {"fingerprint": "0" * 64})

    assert response.status_code == 302 and response["Location"] == plan_import_url(plan_a)
    assert database_state() == before
    # The upload is still the first session's, and nothing waits for the new one.
    from actions.upload_models import StoredUpload

    assert StoredUpload.objects.filter(token=token).count() == 1
    assert client.session.session_key not in {"", None}


def test_a_plan_upload_cannot_be_confirmed_as_a_return_or_for_another_plan(
    client, alice, plan_a, force_a
):
    from tests.factories import PlanFactory

    other_plan = PlanFactory(force=force_a, title="Older plan")
    client.force_login(alice)
    url = preview_url(upload_plan(client, plan_a, edited(plan_a, "Alice's change")))
    token = url.rstrip("/").rsplit("/", 1)[1]

    assert client.get(f"{return_import_url(plan_a)}{token}/")["Location"] == return_import_url(
        plan_a
    )
    assert client.get(f"{plan_import_url(other_plan)}{token}/")["Location"] == plan_import_url(
        other_plan
    )


@pytest.mark.parametrize("persona", ["nadia", "sam"])
def test_the_national_team_and_administrators_may_not_upload(
    client, request, persona, plan_a, return_a
):
    client.force_login(request.getfixturevalue(persona))
    before = database_state()

    for url in force_a_pages(plan_a):
        assert client.get(url).status_code == 403, url
    assert upload_plan(client, plan_a, edited(plan_a)).status_code == 403
    assert upload_return(client, plan_a, return_a, return_csv(plan_a, return_a)).status_code == 403
    assert database_state() == before


@pytest.mark.parametrize("persona", ["nadia", "sam"])
def test_the_national_team_and_administrators_may_download_any_force(
    client, request, persona, plan_a, plan_b, return_a
):
    client.force_login(request.getfixturevalue(persona))

    for plan in (plan_a, plan_b):
        for name in ("plan.xlsx", "plan.csv", "milestones.csv", "return.xlsx", "return.csv"):
            response = client.get(f"/staff/plans/{plan.pk}/download/{name}")
            assert response.status_code == 200, name


def test_the_dashboard_offers_downloads_to_the_national_team_but_no_upload(client, nadia, plan_a):
    client.force_login(nadia)

    content = client.get(f"/staff/forces/{plan_a.force.slug}/").content.decode()

    assert f"/staff/plans/{plan_a.pk}/download/plan.xlsx" in content
    assert f"/staff/plans/{plan_a.pk}/download/return.csv?quarter=" in content
    assert "/import/" not in content


def test_the_dashboard_offers_a_coordinator_downloads_and_uploads(client, alice, plan_a):
    client.force_login(alice)

    content = client.get(f"/staff/forces/{plan_a.force.slug}/?quarter=2024-Q3").content.decode()

    for name in ("plan.xlsx", "plan.csv", "milestones.csv"):
        assert f"/staff/plans/{plan_a.pk}/download/{name}" in content
    for name in ("return.xlsx", "return.csv"):
        assert f"/staff/plans/{plan_a.pk}/download/{name}?quarter=2024-Q3" in content
    assert plan_import_url(plan_a) in content
    assert f"{return_import_url(plan_a)}?quarter=2024-Q3" in content


def test_bob_cannot_download_force_as_files(client, bob, plan_a):
    client.force_login(bob)

    for name in ("plan.xlsx", "plan.csv", "milestones.csv", "return.xlsx", "return.csv"):
        assert client.get(f"/staff/plans/{plan_a.pk}/download/{name}").status_code == 404


def test_the_plan_and_return_pages_offer_the_spreadsheets(client, alice, plan_a, return_a):
    client.force_login(alice)

    plan_page = client.get(f"/staff/plans/{plan_a.pk}/edit/").content.decode()
    return_page = client.get(
        f"/staff/forces/{plan_a.force.slug}/return/?quarter={return_a.compact}"
    ).content.decode()

    assert f"/staff/plans/{plan_a.pk}/download/plan.xlsx" in plan_page
    assert plan_import_url(plan_a) in plan_page
    assert f"/staff/plans/{plan_a.pk}/download/return.xlsx?quarter=2024-Q3" in return_page
    assert f"{return_import_url(plan_a)}?quarter=2024-Q3" in return_page
