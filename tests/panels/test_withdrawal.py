"""Only an administrator, in the Django admin, withdraws a published panel view, with a
reason the public sees in its place."""

import datetime as dt

import pytest

from panels.models import PanelView, Verdict
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def view(reference, force_a, panel_a, pat):
    data = force_data(force_a)
    item = PanelView(
        panel=panel_a,
        force=force_a,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict=Verdict.DISAGREE,
        reasons="Words to withdraw.",
    )
    item.save_by(pat, NOW, 0, publish=True)
    return item


def admin_url(view) -> str:
    return f"/admin/panels/panelview/{view.pk}/change/"


def test_an_administrator_withdraws_a_published_view_with_a_public_reason(client, view, sam):
    client.force_login(sam)
    assert client.get(admin_url(view)).status_code == 200
    response = client.post(
        admin_url(view),
        # The view's own fields are read-only here: a changed verdict is ignored.
        {"withdrawn_reason": "It named a member of the public.", "verdict": "agree"},
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.is_withdrawn and view.verdict == Verdict.DISAGREE
    assert view.withdrawn_reason == "It named a member of the public."
    assert view.history.first().history_change_reason == "Withdrawn"
    page = client.get(view.deliverable.get_absolute_url()).content.decode()
    assert "It named a member of the public." in page and "Words to withdraw." not in page


def test_the_admin_cannot_add_or_delete_panel_views(client, view, sam):
    client.force_login(sam)
    assert client.get("/admin/panels/panelview/add/").status_code == 403
    assert client.post(f"/admin/panels/panelview/{view.pk}/delete/").status_code == 403
    assert PanelView.objects.filter(pk=view.pk).exists()


def test_nobody_but_an_administrator_reaches_the_admin(client, view, alice, pat):
    for person in (alice, pat):
        client.force_login(person)
        assert client.get(admin_url(view)).status_code in (302, 403)
        client.post(admin_url(view), {"withdrawn_reason": "Not mine to withdraw."})
        view.refresh_from_db()
        assert not view.is_withdrawn
