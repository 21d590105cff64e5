"""The quarter's stop and search figures beside a return, as a coordinator and the public
see them: no accessibility violation, readable at 320 pixels."""

import pytest

from accounts.models import User
from panels.models import Panel, PanelView, Verdict
from plans.models import Force
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import UserFactory
from tests.indicators.test_quarter_beside_returns import BLACK, NOW, WHITE, load_months, month_file
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dorset(reference):
    force = Force.objects.get(slug="dorset")
    force_data(force)
    load_months(
        force,
        month_file("2025-07", [(BLACK, "Black"), (WHITE, "White"), ("", "Asian")]),
        month_file("2025-08", [(BLACK, "Black")] + [(WHITE, "White")] * 4),
        month_file("2025-09", [(WHITE, "White")] * 3),
    )
    return force


def test_the_coordinator_opens_the_quarters_figures_on_the_return_page(page, dorset):
    sign_in(page, UserFactory(role=User.Role.COORDINATOR, force=dorset))
    page.goto(f"/staff/forces/dorset/return/?quarter={RETURN_QUARTER.compact}")

    figures = page.locator("#stop-searches")
    figures.get_by_text("Stop and search in Q2 2025/26, from data.police.uk").click()

    table = figures.get_by_role("table")
    assert table.is_visible()
    assert "the person gave it" in table.inner_text()
    assert "Dorset Police recorded 11 stop and searches in Jul-Sep 2025." in figures.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "return-quarter-figures")


def test_the_public_panel_page_shows_the_figures_at_320_pixels(narrow_page, dorset):
    panel = Panel.objects.create(force=dorset, name="Dorset Scrutiny Panel", description="Us.")
    PanelView.objects.create(
        panel=panel,
        force=dorset,
        quarter=RETURN_QUARTER,
        deliverable=None,
        verdict=Verdict.DISAGREE,
        reasons="No figures were given.",
        published_at=NOW,
    )
    narrow_page.goto("/forces/dorset/panel/")

    assert narrow_page.get_by_role("heading", name="Stop and search in Q2 2025/26").is_visible()
    assert axe_violations(narrow_page) == []
    assert narrow_page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(narrow_page, "panel-quarter-figures-320")
