"""No lost work: a staff form sent after the session ended is kept for its person alone, for
an hour, and given back filled in (not saved) once they have signed in again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from accounts import form_fill, kept_forms
from accounts.models import KeptForm, User
from actions.models import QuarterlyUpdate
from tests.factories import UserFactory
from tests.mfa import VerifiedClient
from tests.staff_data import RETURN_QUARTER, force_data

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
TYPED = "Trained 40 officers in the new stop and search rules & recorded it."


def at(minutes: float):
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def return_url(force) -> str:
    return f"/staff/forces/{force.slug}/return/?quarter={RETURN_QUARTER.compact}"


def signed_in_as(user, browser=None) -> VerifiedClient:
    browser = browser or VerifiedClient()
    browser.force_login(user)
    return browser


def typed_return(data) -> dict[str, str]:
    """The return page's fields for one deliverable, as a coordinator fills them in."""
    prefix = f"d{data.silent.pk}"
    return {
        "return_quarter": RETURN_QUARTER.compact,
        f"{prefix}-version": "0",
        f"{prefix}-status": "on_track",
        f"{prefix}-done": TYPED,
        f"{prefix}-next": "Train the rest.",
        f"{prefix}-evidence": "",
        "action": "save",
    }


@pytest.fixture
def timed_out(reference, force_a, alice):
    """Alice filled in the return, went away for 31 minutes, then pressed Save."""
    data = force_data(force_a)
    with at(0):
        browser = signed_in_as(alice)
        assert browser.get(return_url(force_a)).status_code == 200
    with at(31):
        response = browser.post(return_url(force_a), typed_return(data))
    return browser, data, response


def test_a_form_sent_after_the_time_out_is_kept_not_saved(timed_out, alice, force_a):
    browser, data, response = timed_out

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")
    kept = KeptForm.objects.get()
    assert (kept.user, kept.path) == (alice, return_url(force_a))
    assert kept.values[f"d{data.silent.pk}-done"] == [TYPED]
    assert "csrfmiddlewaretoken" not in kept.values
    assert not QuarterlyUpdate.objects.filter(deliverable=data.silent).exists()
    with at(31.5):
        page = browser.get(response["Location"]).content.decode()
    assert "We have kept what you sent" in page


def test_after_signing_in_again_the_form_comes_back_filled_in_with_a_banner(
    timed_out, alice, force_a
):
    browser, data, _ = timed_out
    with at(35):
        signed_in_as(alice, browser)
        page = browser.get(return_url(force_a)).content.decode()

    assert "We have put back what you sent at 08:31" in page
    assert "It has not been saved yet" in page
    assert (
        "Trained 40 officers in the new stop and search rules &amp; recorded it.</textarea>" in page
    )
    assert not QuarterlyUpdate.objects.filter(deliverable=data.silent).exists()
    assert not KeptForm.objects.exists()  # given back once
    with at(36):
        again = browser.get(return_url(force_a)).content.decode()
    assert "We have put back" not in again


def test_someone_else_signing_in_on_the_same_browser_does_not_get_it(timed_out, force_a, alice):
    browser, _, _ = timed_out
    colleague = UserFactory(
        email="colin@force-a.example", role=User.Role.COORDINATOR, force=force_a
    )
    with at(35):
        signed_in_as(colleague, browser)
        page = browser.get(return_url(force_a)).content.decode()

    assert TYPED not in page and "We have put back" not in page
    assert KeptForm.objects.get().user == alice  # still kept, for Alice alone


def test_a_kept_form_is_forgotten_after_an_hour(timed_out, alice, force_a, bob):
    browser, _, _ = timed_out
    with at(31 + settings.KEPT_FORM_SECONDS / 60 + 1):
        signed_in_as(alice, browser)
        page = browser.get(return_url(force_a)).content.decode()
        assert TYPED not in page
        # Anyone's next kept form deletes every expired one.
        kept_forms.keep(
            bob, "/staff/", _post({"a": "b"}), had_files=False, now=dt.datetime.now(dt.UTC)
        )
    assert list(KeptForm.objects.values_list("user", flat=True)) == [bob.pk]


def test_the_restored_form_still_needs_its_csrf_token_to_save(reference, force_a, alice):
    data = force_data(force_a)
    strict = VerifiedClient(enforce_csrf_checks=True)
    with at(0):
        signed_in_as(alice, strict)
        strict.get(return_url(force_a))

    def with_token(values):
        return {**values, "csrfmiddlewaretoken": strict.cookies[settings.CSRF_COOKIE_NAME].value}

    with at(31):
        assert strict.post(return_url(force_a), with_token(typed_return(data))).status_code == 302
    with at(35):
        signed_in_as(alice, strict)
        page = strict.get(return_url(force_a)).content.decode()
        refused = strict.post(return_url(force_a), typed_return(data))
        saved = strict.post(return_url(force_a), with_token(typed_return(data)))

    assert TYPED.replace("&", "&amp;") in page
    assert refused.status_code == 403
    assert saved.status_code == 302
    assert QuarterlyUpdate.objects.get(deliverable=data.silent).done == TYPED


def test_a_post_without_a_valid_csrf_token_after_the_time_out_is_not_kept(
    reference, force_a, alice
):
    data = force_data(force_a)
    browser = VerifiedClient(enforce_csrf_checks=True)
    with at(0):
        signed_in_as(alice, browser)
    with at(31):
        response = browser.post(return_url(force_a), typed_return(data))
    assert response.status_code == 403
    assert not KeptForm.objects.exists()


def test_passwords_files_and_pages_outside_staff_are_never_kept(alice):
    post = _post(
        {"title": "x", "password": "secret", "new_password1": "s", "csrfmiddlewaretoken": "t"}
    )
    kept = kept_forms.keep(alice, "/staff/x/", post, had_files=True, now=START)

    assert kept.values == {"title": ["x"]}
    assert kept.files_left_out
    assert not kept_forms.keepable("/accounts/password/change/")
    assert not kept_forms.keepable("/admin/accounts/user/1/change/")


def _post(values: dict[str, str]):
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    for name, value in values.items():
        post[name] = value
    return post


FORM = """<main id="main-content"><form method="post" action="/staff/p/?quarter=1">
<input type="hidden" name="csrfmiddlewaretoken" value="new">
<input type="hidden" name="version" value="3">
<input type="text" name="title" value="old">
<input type="password" name="password">
<input type="radio" name="status" value="on_track" checked>
<input type="radio" name="status" value="at_risk">
<input type="checkbox" name="publish" checked>
<select name="quarter"><option value="q1" selected>Q1</option><option value="q2">Q2</option>
</select>
<textarea name="done">
old text</textarea>
</form><form method="get"><input name="q" value="keep"></form></main>"""


def test_the_filler_sets_every_kind_of_field_of_the_form_that_posts_to_the_page():
    filled = form_fill.fill_forms(
        FORM,
        "/staff/p/",
        {
            "csrfmiddlewaretoken": ["old"],
            "version": ["2"],
            "title": ['New "title" <b>'],
            "password": ["secret"],
            "status": ["at_risk"],
            "quarter": ["q2"],
            "done": ["line one\nline <two>"],
            "q": ["changed"],
        },
    )
    assert 'name="csrfmiddlewaretoken" value="new"' in filled
    assert 'name="version" value="2"' in filled
    assert 'value="New &quot;title&quot; &lt;b&gt;"' in filled
    assert "secret" not in filled
    assert '<input type="radio" name="status" value="on_track">' in filled
    assert '<input type="radio" name="status" value="at_risk" checked>' in filled
    assert '<input type="checkbox" name="publish">' in filled  # not sent: unticked
    assert '<option value="q1">Q1</option><option value="q2" selected>Q2</option>' in filled
    assert '<textarea name="done">\nline one\nline &lt;two&gt;</textarea>' in filled
    assert '<input name="q" value="keep">' in filled  # another form: left alone


def test_stay_signed_in_starts_the_idle_clock_again(reference, force_a, alice):
    with at(0):
        browser = signed_in_as(alice)
    with at(29):
        assert browser.post("/accounts/session/keep-alive/").status_code == 204
    with at(29 + 29):
        assert browser.get(f"/staff/forces/{force_a.slug}/").status_code == 200


def test_staff_pages_carry_the_time_out_warning_with_the_configured_times(
    client, reference, force_a, alice, settings
):
    settings.SESSION_IDLE_SECONDS = 900
    settings.SESSION_WARNING_SECONDS = 60
    client.force_login(alice)
    page = client.get(f"/staff/forces/{force_a.slug}/").content.decode()

    assert '<dialog class="prap-timeout" id="session-timeout"' in page
    assert 'data-idle-seconds="900" data-warning-seconds="60"' in page
    assert 'src="/static/js/session-timeout.js"' in page
    assert "session-timeout" not in client.get("/").content.decode()  # public pages: none

    settings.SESSION_WARNING_SECONDS = 5  # too short to respond: 20 seconds at least
    page = client.get(f"/staff/forces/{force_a.slug}/").content.decode()
    assert 'data-idle-seconds="900" data-warning-seconds="20"' in page


def test_the_return_page_can_be_saved_from_the_top(reference, force_a, alice):
    force_data(force_a)
    page = signed_in_as(alice).get(return_url(force_a)).content.decode()
    form = page[page.index('<form method="post" action="/staff/') :]

    assert form.index('value="save"') < form.index('class="prap-return-item"')
