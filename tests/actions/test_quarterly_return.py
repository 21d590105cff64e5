import re

import pytest
from django.utils import timezone

from actions.models import QuarterlyUpdate, Status
from plans.quarters import quarter_just_ended
from tests.staff_data import (
    PREVIOUS_QUARTER,
    RETURN_QUARTER,
    force_data,
    return_post,
    return_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference, force_a):
    return force_data(force_a)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def update_of(deliverable, quarter=RETURN_QUARTER):
    return QuarterlyUpdate.objects.filter(deliverable=deliverable, quarter=quarter).first()


def test_the_return_lists_every_active_deliverable_that_is_due(alice_client, data):
    html = alice_client.get(return_url(data.force)).content.decode()
    for deliverable in data.active:
        assert deliverable.title in html
    assert data.withdrawn.title not in html
    assert "1 of 4" in html  # published of due


def test_the_return_defaults_to_the_quarter_just_ended(alice_client, data):
    response = alice_client.get(f"/staff/forces/{data.force.slug}/return/")
    expected = quarter_just_ended(timezone.localdate())
    assert response.context["quarter"] == expected
    assert f"{expected} return" in response.content.decode()


def test_a_missing_update_is_prefilled_with_the_last_published_status(alice_client, data):
    response = alice_client.get(return_url(data.force))
    html = response.content.decode()
    prefix = f"d{data.reported.pk}"
    checked = re.search(rf'<input[^>]*name="{prefix}-status"[^>]*value="at_risk"[^>]*>', html)
    assert checked and "checked" in checked.group(0)
    assert "Restart the training in the autumn." in html  # last quarter's "what is next"
    silent = re.findall(rf'<input[^>]*name="d{data.silent.pk}-status"[^>]*>', html)
    assert silent and not any("checked" in tag for tag in silent)


def test_save_drafts_saves_every_changed_row_as_a_draft(alice_client, data, alice):
    post = return_post(
        {
            data.reported: {"status": Status.AT_RISK, "done": "Trainers recruited."},
            data.drafted: {"status": Status.OFF_TRACK, "done": "Mentors left."},
            data.silent: {"status": Status.NOT_STARTED},
        }
    )
    response = alice_client.post(return_url(data.force), post)
    assert response.status_code == 302
    reported, drafted, silent = (
        update_of(data.reported),
        update_of(data.drafted),
        update_of(data.silent),
    )
    assert (reported.status, reported.done, reported.published_at) == (
        Status.AT_RISK,
        "Trainers recruited.",
        None,
    )
    assert (drafted.status, drafted.done, drafted.published_at) == (
        Status.OFF_TRACK,
        "Mentors left.",
        None,
    )
    assert silent.status == Status.NOT_STARTED and not silent.is_published
    assert {reported.author, drafted.author, silent.author} == {alice}
    assert drafted.version == 2
    followed = alice_client.get(response["Location"]).content.decode()
    assert "Saved 3 drafts" in followed


def test_untouched_prefilled_rows_are_not_saved(alice_client, data):
    post = return_post({data.silent: {"status": Status.ON_TRACK}})
    # The pre-filled row for "reported" is submitted exactly as shown.
    post.update(
        {
            f"d{data.reported.pk}-version": "0",
            f"d{data.reported.pk}-status": Status.AT_RISK,
        }
    )
    alice_client.post(return_url(data.force), post)
    assert update_of(data.silent) is not None
    assert update_of(data.reported) is None


def test_publish_publishes_only_the_ticked_rows_and_saves_the_rest_as_drafts(alice_client, data):
    post = return_post(
        {
            data.reported: {"status": Status.COMPLETE, "done": "All trained.", "publish": True},
            data.drafted: {"status": Status.ON_TRACK, "done": "Draft text, edited."},
        },
        action="publish",
    )
    response = alice_client.post(return_url(data.force), post)
    assert response.status_code == 302
    assert update_of(data.reported).is_published
    assert update_of(data.reported).status == Status.COMPLETE
    assert not update_of(data.drafted).is_published
    assert update_of(data.drafted).done == "Draft text, edited."
    followed = alice_client.get(response["Location"]).content.decode()
    assert "Published 1 update and saved 1 draft" in followed


def test_an_existing_draft_can_be_published_unchanged_by_ticking_it(alice_client, data):
    post = return_post(
        {data.drafted: {"status": Status.ON_TRACK, "done": "Draft text.", "publish": True}},
        action="publish",
    )
    alice_client.post(return_url(data.force), post)
    assert update_of(data.drafted).is_published


def test_publishing_needs_at_least_one_ticked_update(alice_client, data):
    post = return_post({data.silent: {"status": Status.ON_TRACK}}, action="publish")
    response = alice_client.post(return_url(data.force), post)
    assert response.status_code == 200
    assert "Tick \u201cPublish this update\u201d" in response.content.decode()
    assert update_of(data.silent) is None


@pytest.mark.parametrize("status", [Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETE])
def test_publishing_at_risk_off_track_or_complete_needs_what_was_done(alice_client, data, status):
    post = return_post(
        {
            data.silent: {"status": status, "next": "Keep my next steps.", "publish": True},
            data.reported: {"status": Status.ON_TRACK, "done": "Keep this too."},
        },
        action="publish",
    )
    response = alice_client.post(return_url(data.force), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say what was done" in html
    assert "Keep my next steps." in html and "Keep this too." in html  # nothing lost
    assert update_of(data.silent) is None and update_of(data.reported) is None  # nothing saved
    assert f'href="#id_d{data.silent.pk}-done"' in html  # the summary links to the field
    assert 'class="govuk-error-summary"' in html
    assert response.context["errors"]


def test_a_draft_may_be_at_risk_without_saying_what_was_done_yet(alice_client, data):
    post = return_post({data.silent: {"status": Status.AT_RISK}})
    alice_client.post(return_url(data.force), post)
    assert update_of(data.silent).status == Status.AT_RISK


def test_a_status_is_required(alice_client, data):
    post = return_post({data.silent: {"status": "", "done": "Some text"}})
    response = alice_client.post(return_url(data.force), post)
    html = response.content.decode()
    assert "Choose a status" in html
    assert f'href="#id_d{data.silent.pk}-status_0"' in html
    assert "Some text" in html


def test_evidence_links_must_be_web_addresses_one_per_line(alice_client, data):
    post = return_post(
        {
            data.silent: {
                "status": Status.ON_TRACK,
                "evidence": "https://example.org/report\n\njavascript:alert(1)\nwww.example.org",
            }
        }
    )
    response = alice_client.post(return_url(data.force), post)
    html = response.content.decode()
    assert "line 3" in html and "line 4" in html
    assert "javascript:alert(1)" in html  # the input is kept, escaped
    assert update_of(data.silent) is None


def test_good_evidence_links_are_saved_one_per_line(alice_client, data):
    post = return_post(
        {
            data.silent: {
                "status": Status.ON_TRACK,
                "evidence": "  https://example.org/a \n\nhttp://example.org/b?x=1\n",
            }
        }
    )
    alice_client.post(return_url(data.force), post)
    assert update_of(data.silent).evidence_links == [
        "https://example.org/a",
        "http://example.org/b?x=1",
    ]


def test_text_longer_than_the_limit_is_refused_with_its_length(alice_client, data):
    post = return_post({data.silent: {"status": Status.ON_TRACK, "done": "x" * 5001}})
    html = alice_client.post(return_url(data.force), post).content.decode()
    assert "5000 characters or fewer (it has 5001)" in html
    assert update_of(data.silent) is None


def test_published_updates_are_shown_read_only_with_a_link_to_correct_them(alice_client, data):
    html = alice_client.get(return_url(data.force)).content.decode()
    assert f'name="d{data.published.pk}-status"' not in html
    assert f"/staff/updates/{data.published_update.pk}/edit/" in html


def test_submitting_nothing_changed_saves_nothing(alice_client, data):
    response = alice_client.post(
        return_url(data.force),
        {"action": "save", "return_quarter": RETURN_QUARTER.compact},
        follow=True,
    )
    assert "You have not changed anything" in response.content.decode()
    assert QuarterlyUpdate.objects.count() == 3


def test_the_return_for_another_quarter_prefills_from_its_own_previous_quarter(alice_client, data):
    response = alice_client.get(return_url(data.force, PREVIOUS_QUARTER))
    assert response.context["quarter"] == PREVIOUS_QUARTER
    html = response.content.decode()
    assert f"{PREVIOUS_QUARTER} return" in html
    assert "Published" in html  # reported's update for that quarter is published


def test_an_unknown_quarter_falls_back_to_the_default_with_a_message(alice_client, data):
    response = alice_client.get(f"/staff/forces/{data.force.slug}/return/?quarter=banana")
    assert response.status_code == 200
    assert response.context["quarter"] == quarter_just_ended(timezone.localdate())
    assert "Choose a quarter from the list" in response.content.decode()


def test_the_return_page_runs_the_same_number_of_queries_for_ten_times_the_data(
    client, reference, alice, force_a, django_assert_max_num_queries
):
    from tests.factories import DeliverableFactory, QuarterlyUpdateFactory

    data = force_data(force_a)
    client.force_login(alice)

    def grow(n):
        for i in range(n):
            deliverable = DeliverableFactory(
                plan=data.plan,
                workstream=data.reported.workstream,
                start_quarter=PREVIOUS_QUARTER,
                due_quarter=RETURN_QUARTER,
            )
            QuarterlyUpdateFactory(deliverable=deliverable, quarter=PREVIOUS_QUARTER)
            if i % 2:
                QuarterlyUpdateFactory(
                    deliverable=deliverable, quarter=RETURN_QUARTER, published_at=None
                )

    grow(3)
    client.get(return_url(force_a))  # warm the per-process caches (the demo-data flag)
    with django_assert_max_num_queries(12) as small:
        assert client.get(return_url(force_a)).status_code == 200
    grow(30)
    with django_assert_max_num_queries(12) as large:
        assert client.get(return_url(force_a)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_rows_posted_for_another_quarter_are_not_filed_under_this_one(alice_client, data):
    post = return_post({data.silent: {"status": Status.ON_TRACK, "done": "For Q2"}})
    response = alice_client.post(return_url(data.force, PREVIOUS_QUARTER), post, follow=True)
    assert "nothing was saved" in response.content.decode()
    assert not QuarterlyUpdate.objects.filter(deliverable=data.silent).exists()
