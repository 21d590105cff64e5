"""The rules of a panel's views and the force's replies, on the models: every write path
(the panel's pages, the admin, the demonstration data) goes through them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from panels import hooks
from panels.models import PanelReply, PanelView, Verdict
from tests.staff_data import PREVIOUS_QUARTER, RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 10, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


def view_of(panel, data, **fields):
    values = {
        "panel": panel,
        "force": data.force,
        "quarter": RETURN_QUARTER,
        "deliverable": data.published,
        "verdict": Verdict.AGREE,
    }
    return PanelView(**{**values, **fields})


def test_some_concerns_and_disagree_need_reasons_agree_does_not(data, panel_a):
    assert view_of(panel_a, data).rule_errors() == {}
    for verdict in (Verdict.SOME_CONCERNS, Verdict.DISAGREE):
        errors = view_of(panel_a, data, verdict=verdict, reasons="  ").rule_errors()
        assert errors == {
            "reasons": [f"Give the panel's reasons: a view of “{verdict.label}” needs them"]
        }


def test_evidence_links_follow_the_update_rule(data, panel_a):
    view = view_of(panel_a, data, evidence="https://example.org/a\nftp://example.org/b")
    assert "line 2" in view.rule_errors()["evidence"][0]
    too_many = "\n".join(f"https://example.org/{n}" for n in range(21))
    assert view_of(panel_a, data, evidence=too_many).rule_errors()["evidence"] == [
        "Enter 20 evidence links or fewer (there are 21)"
    ]


def test_a_panel_answers_only_what_the_force_has_published(data, panel_a):
    # A draft update, and a quarter with no published return, cannot be answered yet.
    draft = view_of(panel_a, data, deliverable=data.drafted).rule_errors()
    assert draft["quarter"][0].startswith("The force has not published this deliverable's update")
    empty = view_of(panel_a, data, deliverable=None, quarter=RETURN_QUARTER + 1).rule_errors()
    assert empty["quarter"][0].startswith("The force has not published its return for Q3")
    # Last quarter's published update can be answered, for last quarter.
    earlier = view_of(panel_a, data, deliverable=data.reported, quarter=PREVIOUS_QUARTER)
    assert earlier.rule_errors() == {}


def test_a_force_panel_scrutinises_only_its_own_force(reference, data, panel_b):
    errors = view_of(panel_b, data).rule_errors()
    assert errors["force"] == ["Force B Scrutiny Panel does not scrutinise this force"]


def test_publishing_calls_the_published_hook_once_and_a_published_view_is_final(data, panel_a, pat):
    heard = []
    hooks.on_published(heard.append)
    try:
        view = view_of(panel_a, data, verdict=Verdict.DISAGREE, reasons="No evidence given.")
        assert view.save_by(pat, NOW, 0) == "draft"
        assert heard == []
        assert view.save_by(pat, NOW, view.version, publish=True) == "published"
        assert heard == [view]
    finally:
        hooks._subscribers.remove(heard.append)
    view.refresh_from_db()
    assert (view.published_at, view.updated_by) == (NOW, pat)
    assert [r.history_change_reason for r in view.history.order_by("history_id")] == [
        "Draft saved",
        "Published",
    ]
    view.reasons = "Changed afterwards."
    with pytest.raises(ValidationError, match="cannot be changed"):
        view.save_by(pat, NOW, view.version)


def test_withdrawal_needs_a_published_view_and_a_reason(data, panel_a, pat, sam):
    view = view_of(panel_a, data)
    view.save_by(pat, NOW, 0)
    with pytest.raises(ValidationError, match="Only a published view"):
        view.withdraw(sam, NOW, "Wrong force.")
    view.save_by(pat, NOW, view.version, publish=True)
    with pytest.raises(ValidationError):
        view.withdraw(sam, NOW, " ")
    view.withdraw(sam, NOW, "It named a member of the public.")
    assert PanelView.objects.standing().count() == 0
    assert PanelView.objects.published().get().withdrawn_reason == (
        "It named a member of the public."
    )


def test_the_force_replies_once_to_a_standing_published_view(data, panel_a, pat, alice):
    view = view_of(panel_a, data, verdict=Verdict.SOME_CONCERNS, reasons="Slow.")
    view.save_by(pat, NOW, 0)
    with pytest.raises(ValidationError, match="published panel view"):
        PanelReply.publish(view, "Thank you.", alice, NOW)
    view.save_by(pat, NOW, view.version, publish=True)
    reply = PanelReply.publish(view, "  We have added staff.  ", alice, NOW)
    assert (reply.text, reply.author, reply.published_at) == ("We have added staff.", alice, NOW)
    with pytest.raises(ValidationError, match="already replied"):
        PanelReply.publish(view, "Again.", alice, NOW)
    assert reply.history.get().history_change_reason == "Reply published"
