import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from accounts.models import User
from actions.models import QuarterlyUpdate, Status
from panels.models import Panel, PanelView, Verdict
from tests.accounts.test_access_matrix import EXPECTED_KIND, KINDS, OK, staff_url_names
from tests.browser.conftest import ERROR_TITLE, axe_violations, screenshot, sign_in
from tests.factories import EngagementActionFactory, PracticeExampleFactory, UserFactory
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db(transaction=True)


def row(page, deliverable):
    return page.locator(f"#deliverable-{deliverable.pk}")


def test_a_coordinator_signs_in_and_publishes_a_quarterly_return(page, reference, force_a, alice):
    data = force_data(force_a)
    page.goto("/staff/")
    assert "/accounts/sign-in/" in page.url
    sign_in(page, alice)
    page.wait_for_url(f"**/staff/forces/{force_a.slug}/")
    assert page.locator("h1").inner_text() == force_a.name

    page.get_by_role("link", name="Fill in the").click()
    page.get_by_label("Quarter").select_option(RETURN_QUARTER.compact)
    page.get_by_role("button", name="Show").click()
    assert page.locator("h1").inner_text().startswith(f"{RETURN_QUARTER} return")
    # "Reform stop and search" was At risk last quarter: pre-filled.
    assert row(page, data.reported).get_by_label("At risk").is_checked()

    silent = row(page, data.silent)
    silent.get_by_label("On track").check()
    silent.get_by_label("What was done").fill("Data collection started in all districts.")
    silent.get_by_label("Evidence links").fill("https://example.org/pay-gap")
    silent.get_by_label("Publish this update").check()
    reported = row(page, data.reported)
    reported.get_by_label("Complete").check()
    reported.get_by_label("Publish this update").check()
    page.get_by_role("button", name="Publish ticked updates").click()

    # Complete needs to say what was done: an error summary, and nothing typed is lost.
    summary = page.locator(".govuk-error-summary")
    assert "Say what was done" in summary.inner_text()
    expect(page).to_have_title(ERROR_TITLE)
    assert (
        row(page, data.silent).get_by_label("What was done").input_value()
        == "Data collection started in all districts."
    )
    assert axe_violations(page) == []
    screenshot(page, "staff-return-errors")
    summary.get_by_role("link").first.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"id_d{data.reported.pk}-done"
    page.keyboard.type("Every officer trained by September.")
    page.get_by_role("button", name="Publish ticked updates").click()

    banner = page.locator(".govuk-notification-banner--success")
    assert "Published 2 updates" in banner.inner_text()
    published = QuarterlyUpdate.objects.filter(quarter=RETURN_QUARTER).published()
    assert set(published.values_list("deliverable_id", "status")) == {
        (data.published.pk, Status.ON_TRACK),
        (data.silent.pk, Status.ON_TRACK),
        (data.reported.pk, Status.COMPLETE),
    }
    assert axe_violations(page) == []
    screenshot(page, "staff-return-published")


PAT = "pat@panel-a.example"


def persona_user(persona: str, alice, nadia):
    """The account of a persona of :func:`staff_pages` (Pat is created there)."""
    return {"alice": alice, "nadia": nadia}.get(persona) or User.objects.get(email=PAT)


def staff_pages(force_a, alice, data) -> dict[str, list[str]]:
    """Every page under /staff/ and /accounts/ that a persona may open, by persona."""
    example = PracticeExampleFactory(force=force_a, workstream=data.reported.workstream)
    engagement_action = EngagementActionFactory(
        activity__force=force_a, deliverable=data.reported, due_quarter=data.reported.due_quarter
    )
    panel = Panel.objects.create(force=force_a, name="Force A Panel", description="A panel.")
    pat = UserFactory(email=PAT, role=User.Role.PANEL, force=force_a)
    view = PanelView(
        panel=panel,
        force=force_a,
        quarter=RETURN_QUARTER,
        deliverable=data.published,
        verdict=Verdict.SOME_CONCERNS,
        reasons="Slow progress.",
    )
    view.save_by(pat, timezone.now(), 0, publish=True)
    arguments = {
        "slug": force_a.slug,
        "quarter": RETURN_QUARTER.compact,
        "view_id": view.pk,
        "plan_id": data.plan.pk,
        "deliverable_id": data.reported.pk,
        "milestone_id": data.milestone.pk,
        "update_id": data.previous_update.pk,
        "action_id": data.reported.national_actions.get().pk,
        "example_id": example.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
        "token": default_token_generator.make_token(alice),
        "upload": "no-such-upload-0123456789",
        "activity_id": engagement_action.activity_id,
        "engagement_action_id": engagement_action.pk,
    }
    pages: dict[str, list[str]] = {"anonymous": [], "alice": [], "nadia": [], "pat": []}
    for name, names in staff_url_names():
        url = reverse(name, kwargs={a: arguments[a] for a in names})
        if EXPECTED_KIND[name] == "force_download":
            continue  # a file, not a page
        outcomes = KINDS[EXPECTED_KIND[name]]
        if outcomes["anonymous"][0] == OK and name != "accounts:password_reset_confirm":
            pages["anonymous"].append(url)
        elif outcomes["alice"][0] == OK and name != "staff:home":
            pages["alice"].append(url)
        elif outcomes["nadia"][0] == OK:
            pages["nadia"].append(url)
        elif outcomes.get("pat", ("",))[0] == OK:
            pages["pat"].append(url)
    pages["alice"].append(f"/staff/forces/{force_a.slug}/return/?quarter={RETURN_QUARTER.compact}")
    pages["anonymous"].append(f"/accounts/password/set/{arguments['uidb64']}/bad-token/")
    return pages


def test_every_staff_page_has_no_accessibility_violations(page, reference, force_a, alice, nadia):
    data = force_data(force_a)
    pages = staff_pages(force_a, alice, data)
    assert len(pages["alice"]) > 12 and len(pages["nadia"]) >= 6
    problems = {}
    for persona, urls in pages.items():
        page.context.clear_cookies()
        if persona != "anonymous":
            sign_in(page, persona_user(persona, alice, nadia))
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            violations = axe_violations(page)
            if violations:
                problems[f"{persona} {url}"] = violations
            if url == "/staff/panels/":
                screenshot(page, "staff-panels-overview")
    assert problems == {}


def test_the_dashboard_and_return_fit_a_320_pixel_screen(narrow_page, reference, force_a, alice):
    force_data(force_a)
    sign_in(narrow_page, alice)
    for url in (
        f"/staff/forces/{force_a.slug}/?quarter={RETURN_QUARTER.compact}",
        f"/staff/forces/{force_a.slug}/return/?quarter={RETURN_QUARTER.compact}",
    ):
        narrow_page.goto(url)
        assert axe_violations(narrow_page) == []
        width = narrow_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, url
    screenshot(narrow_page, "staff-return-320")
