"""The demonstration panels: four forces' panels with published views on their latest demo
return, some disagreeing, and the forces' replies; cleared with the demo data."""

import io

import pytest
from django.core.management import call_command

from panels.models import Panel, PanelReply, PanelView, Verdict

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_panels_with_published_views_and_replies_and_clear_removes_them(
    client, reference, demo_day
):
    call_command("seed_demo", today=demo_day, stdout=io.StringIO())
    panels = Panel.objects.filter(is_demo=True)
    assert sorted(panels.values_list("force__slug", flat=True)) == [
        "dorset",
        "hertfordshire",
        "suffolk",
        "thames-valley",
    ]
    for panel in panels:
        views = PanelView.objects.filter(panel=panel)
        assert views.statements().standing().count() == 1
        assert views.challenges().filter(verdict=Verdict.DISAGREE).count() == 1
        assert all(view.rule_errors() == {} for view in views)
        assert all(view.published_at.date() <= demo_day for view in views)
    assert PanelReply.objects.filter(is_demo=True).count() == 8  # statement and disagreement
    page = client.get("/forces/hertfordshire/panel/").content.decode()
    assert "Independent Community Panel (demonstration)" in page and "Disagree" in page
    assert "Panel: Disagree" in client.get("/forces/hertfordshire/").content.decode()

    call_command("seed_demo", clear=True, stdout=io.StringIO())
    assert not Panel.objects.exists() and not PanelView.objects.exists()
    assert not PanelView.history.exists() and not PanelReply.objects.exists()
