import io
import re

import pytest
from django.core.management import CommandError, call_command

from actions.reminders import send_return_reminder
from plans.models import ReminderLog
from plans.returns import return_deadline
from tests.factories import UserFactory
from tests.national_data import latest
from tests.staff.return_data import build_returns
from tests.tasks import queued_tasks, run_the_worker, use_the_database_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def incomplete(alice, bob, settings):
    settings.SITE_URL = "https://prap.example.org"
    force_c, _ = build_returns(alice.force, bob.force, latest())
    UserFactory(email="carol@force-c.example", role="coordinator", force=force_c)
    UserFactory(
        email="former@force-a.example", role="coordinator", force=alice.force, is_active=False
    )
    return latest()


def remind(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_return_reminders", *args, stdout=out, stderr=err, **options)
    return out.getvalue()


def test_coordinators_of_forces_with_incomplete_returns_are_emailed(incomplete, mailoutbox):
    output = remind()
    assert sorted(tuple(m.to) for m in mailoutbox) == [
        ("alice@force-a.example",),
        ("bob@force-b.example",),
    ]
    assert "Queued 2 reminder(s)" in output


def test_nobody_is_emailed_about_a_complete_return(incomplete, mailoutbox):
    remind()
    addresses = {address for message in mailoutbox for address in message.to}
    assert "carol@force-c.example" not in addresses
    assert "former@force-a.example" not in addresses
    assert "nadia@national.example" not in addresses


def test_the_email_says_what_is_missing_the_deadline_and_where_to_report(
    incomplete, mailoutbox, settings, alice
):
    settings.RETURN_DEADLINE_DAYS = 30
    remind()
    by_address = {message.to[0]: message for message in mailoutbox}
    alice_mail = by_address["alice@force-a.example"]
    assert f"return for {incomplete}" in alice_mail.subject
    assert "1 update is saved as a draft and not yet published" in alice_mail.body
    assert "- A drafted" in alice_mail.body
    assert "A published one" not in alice_mail.body
    [link] = re.findall(r"https://prap\.example\.org(\S+)", alice_mail.body)
    assert link == f"/staff/forces/{alice.force.slug}/return/?quarter={incomplete.compact}"
    due = return_deadline(incomplete, 30)
    assert f"{due.day} {due:%B %Y}" in alice_mail.body
    bob_mail = by_address["bob@force-b.example"]
    assert "2 deliverables still need an update" in bob_mail.body
    assert "- B silent one" in bob_mail.body
    assert "B withdrawn" not in bob_mail.body


def test_running_twice_on_the_same_day_sends_nothing_the_second_time(incomplete, mailoutbox):
    remind()
    assert len(mailoutbox) == 2
    output = remind()
    assert len(mailoutbox) == 2
    assert "Queued 0 reminder(s)" in output
    assert "2 already sent today" in output
    assert ReminderLog.objects.count() == 2


def test_the_next_day_reminds_again(incomplete, mailoutbox):
    from django.utils import timezone

    today = timezone.localdate()
    remind(today=today)
    remind(today=today.fromordinal(today.toordinal() + 1))
    assert len(mailoutbox) == 4


def test_a_dry_run_sends_and_records_nothing(incomplete, mailoutbox):
    output = remind("--dry-run")
    assert mailoutbox == []
    assert ReminderLog.objects.count() == 0
    assert "Would send to alice@force-a.example (Force A Police)" in output
    assert "Nothing was queued or recorded." in output


def test_the_quarter_can_be_chosen_and_must_be_valid(incomplete, mailoutbox):
    earlier = incomplete - 1
    remind("--quarter", earlier.compact)
    # In the earlier quarter Force C had not reported either; Force D had.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@force-a.example",
        "bob@force-b.example",
        "carol@force-c.example",
    ]
    assert all(str(earlier) in message.subject for message in mailoutbox)
    with pytest.raises(CommandError, match="is not a quarter"):
        remind("--quarter", "last quarter")


def test_nothing_to_send_when_every_return_is_complete(reference, mailoutbox):
    assert "nothing to send" in remind()
    assert mailoutbox == []


def test_sent_reminders_are_listed_read_only_in_the_admin(incomplete, mailoutbox, client, sam):
    remind()
    client.force_login(sam)
    response = client.get("/admin/plans/reminderlog/")
    assert response.status_code == 200
    assert "alice@force-a.example" in response.content.decode()
    assert client.get("/admin/plans/reminderlog/add/").status_code == 403


def test_every_link_in_every_reminder_opens_that_forces_return_for_that_quarter(
    incomplete, mailoutbox, alice, bob, client
):
    """Followed as the person it was sent to: the return page of their force, on the quarter
    the reminder is about."""
    remind()
    people = {"alice@force-a.example": alice, "bob@force-b.example": bob}
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        links = re.findall(r"https?://\S+", message.body)
        assert links, message.body
        client.force_login(people[message.to[0]])
        for link in links:
            assert link.startswith("https://prap.example.org/")
            page = client.get(link.removeprefix("https://prap.example.org"))
            assert page.status_code == 200, link
            assert f"{incomplete}" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_command_queues_the_reminders_and_the_worker_sends_them(
    incomplete, settings, mailoutbox
):
    use_the_database_queue(settings)

    output = remind()

    assert "Queued 2 reminder(s)" in output
    assert mailoutbox == []
    assert queued_tasks() == ["actions.reminders.send_return_reminder"] * 2
    assert [log.sent_by for log in ReminderLog.objects.all()] == [None, None]
    run_the_worker()
    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@force-a.example",
        "bob@force-b.example",
    ]
    assert not ReminderLog.objects.filter(emailed_at__isnull=True).exists()


def test_a_reminder_already_emailed_is_not_sent_again(incomplete, mailoutbox):
    remind()
    log = ReminderLog.objects.get(email="alice@force-a.example")
    emailed_at = log.emailed_at

    assert send_return_reminder.call(log.pk) is False

    assert len(mailoutbox) == 2
    log.refresh_from_db()
    assert log.emailed_at == emailed_at
