"""The national team's reminders page: which forces to remind about a quarter, the e-mail
they get, a check step, then the e-mails queued for the worker and logged with who sent them.
A force already reminded about the quarter is reminded again only with a reason."""

import io
import re

import pytest
from django.core.management import call_command

from plans.models import ReminderLog
from tests.factories import DeliverableFactory, ForceFactory, PlanFactory, UserFactory
from tests.national_data import latest
from tests.staff.return_data import build_returns
from tests.tasks import queued_tasks, run_the_worker, use_the_database_queue

pytestmark = pytest.mark.django_db

SITE = "https://prap.example.org"


@pytest.fixture
def quarter(alice, bob, settings):
    """Force A in progress (Alice), Force B not started (Bob), Force C complete, Force D
    nothing due, Force E not started and without an active coordinator."""
    settings.SITE_URL = SITE
    quarter = latest()
    build_returns(alice.force, bob.force, quarter)
    UserFactory(
        email="former@force-a.example", role="coordinator", force=alice.force, is_active=False
    )
    UserFactory(email="second@force-a.example", role="coordinator", force=alice.force)
    force_e = ForceFactory(slug="force-e", name="Force E Police")
    DeliverableFactory(plan=PlanFactory(force=force_e), start_quarter=quarter, due_quarter=quarter)
    return quarter


@pytest.fixture
def nadia_client(client, nadia):
    client.force_login(nadia)
    return client


def page(quarter) -> str:
    return f"/staff/reminders/?quarter={quarter.compact}"


def send_url(quarter, *forces, reason="") -> str:
    chosen = "".join(f"&force={force}" for force in forces)
    return f"/staff/reminders/send/?quarter={quarter.compact}{chosen}&reason={reason}"


def send(client, quarter, *forces, reason=""):
    data = {"quarter": quarter.compact, "force": list(forces), "reason": reason}
    return client.post("/staff/reminders/send/", data)


def text(response) -> str:
    content = response.content.decode()
    main = content[content.find("<main") : content.find("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).replace("&#x27;", "'").split())


def test_the_page_lists_the_forces_with_incomplete_returns_and_who_would_be_emailed(
    nadia_client, quarter
):
    response = nadia_client.get(page(quarter))

    shown = text(response)
    assert f"Return reminders for {quarter}" in shown
    assert "Force A Police 0 without an update, 1 in draft. To alice@force-a.example, " in shown
    assert "second@force-a.example" in shown
    assert "former@force-a.example" not in shown  # not active
    assert "Force B Constabulary 2 without an update, 0 in draft. To bob@force-b.example" in shown
    assert "Force C" not in shown  # complete
    assert "Force D" not in shown  # nothing due
    assert "no active coordinator account to e-mail: Force E Police" in shown
    assert response.context["form"]["force"].value() == ["force-a", "force-b"]  # ticked
    assert f"No reminder has been sent about {quarter} yet." in shown


def test_continue_shows_each_email_as_its_recipient_will_read_it_and_sends_nothing(
    nadia_client, quarter, alice, mailoutbox
):
    response = nadia_client.get(send_url(quarter, "force-a"))

    assert response.status_code == 200
    shown = text(response)
    assert "Check the reminders before sending them" in shown
    assert "Force A Police alice@force-a.example second@force-a.example" in shown
    assert f"Subject: PRAP Tracker: Force A Police's return for {quarter}" in shown
    assert f"Hello {alice.get_short_name()}," in shown
    assert "- A drafted" in shown
    assert f"{SITE}/staff/forces/force-a/return/?quarter={quarter.compact}" in shown
    assert "Send 2 reminders" in shown
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_continuing_without_a_force_says_to_choose_one(nadia_client, quarter):
    response = nadia_client.get(send_url(quarter))

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert '<a href="#id_force_0">Choose at least one force to remind</a>' in (
        response.content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_sending_queues_the_emails_logs_who_sent_them_and_the_worker_sends_them(
    client, nadia, quarter, settings, mailoutbox
):
    use_the_database_queue(settings)
    client.force_login(nadia)

    response = send(client, quarter, "force-a", "force-b")

    assert response.status_code == 302 and response["Location"] == page(quarter)
    assert mailoutbox == []  # not sent during the request
    assert queued_tasks() == ["actions.reminders.send_return_reminder"] * 3
    logs = ReminderLog.objects.order_by("email")
    assert [(log.email, log.sent_by, log.emailed_at) for log in logs] == [
        ("alice@force-a.example", nadia, None),
        ("bob@force-b.example", nadia, None),
        ("second@force-a.example", nadia, None),
    ]
    followed = client.get(response["Location"])
    shown = text(followed)
    assert f"{quarter} return reminders sent to 2 forces (3 e-mails)" in shown
    assert followed.content.decode().count('govuk-tag--yellow">Waiting') == 3
    assert f"by {nadia.get_full_name()}" in shown
    assert f"alice@force-a.example PRAP Tracker: Force A Police's return for {quarter}" in shown

    run_the_worker()

    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@force-a.example",
        "bob@force-b.example",
        "second@force-a.example",
    ]
    assert all(log.emailed_at for log in ReminderLog.objects.all())
    alice_mail = next(m for m in mailoutbox if m.to == ["alice@force-a.example"])
    log = ReminderLog.objects.get(email="alice@force-a.example")
    assert (alice_mail.subject, alice_mail.body) == (log.subject, log.body)
    assert 'govuk-tag--yellow">Waiting' not in client.get(page(quarter)).content.decode()


def test_a_force_already_reminded_is_not_ticked_and_is_reminded_again_only_with_a_reason(
    nadia_client, nadia, quarter, mailoutbox
):
    send(nadia_client, quarter, "force-a")
    assert len(mailoutbox) == 2

    shown = text(nadia_client.get(page(quarter)))
    assert nadia_client.get(page(quarter)).context["form"]["force"].value() == ["force-b"]
    assert "Remind again: Force A Police" in shown
    assert "Already reminded 2 times , last on" in shown
    assert f"by {nadia.get_full_name()}" in shown

    refused = send(nadia_client, quarter, "force-a")
    assert refused.status_code == 200
    assert "Give a reason for reminding again, or untick the force" in text(refused)
    assert "Force A Police on " in text(refused)
    assert ReminderLog.objects.count() == 2 and len(mailoutbox) == 2

    checked = nadia_client.get(send_url(quarter, "force-a", reason="Asked+again"))
    assert "Reason for reminding again Asked again" in text(checked)
    send(nadia_client, quarter, "force-a", reason="The coordinator asked for it again.")
    assert ReminderLog.objects.count() == 4 and len(mailoutbox) == 4
    again = ReminderLog.objects.filter(reason="The coordinator asked for it again.")
    assert again.count() == 2


def test_a_reminder_sent_on_the_schedule_counts_as_already_reminded(
    nadia_client, quarter, mailoutbox
):
    call_command("send_return_reminders", "--quarter", quarter.compact, stdout=io.StringIO())

    shown = text(nadia_client.get(page(quarter)))

    assert "by the scheduled reminders" in shown
    assert "Remind again: Force B Constabulary" in shown
    refused = send(nadia_client, quarter, "force-b")
    assert "Give a reason for reminding again" in text(refused)


def test_a_force_whose_return_is_complete_cannot_be_reminded(nadia_client, quarter, mailoutbox):
    response = send(nadia_client, quarter, "force-c")

    assert response.status_code == 200
    assert "can no longer be reminded" in text(response)
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_sending_needs_the_quarter_that_was_checked(nadia_client, quarter, mailoutbox):
    response = nadia_client.post(
        "/staff/reminders/send/", {"quarter": "1999-Q9", "force": ["force-a"]}
    )

    assert response.status_code == 302
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_sending_needs_the_pages_csrf_token(nadia, quarter, mailoutbox):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(nadia)

    response = send(client, quarter, "force-a")

    assert response.status_code == 403
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_a_failed_email_is_shown_as_not_sent(nadia_client, quarter, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.staff.test_reminder_page.RefusingBackend"

    send(nadia_client, quarter, "force-b")

    log = ReminderLog.objects.get()
    assert log.emailed_at is None
    assert log.email_error == "ConnectionRefusedError: the mail server said no"
    shown = text(nadia_client.get(page(quarter)))
    assert "Not sent ConnectionRefusedError: the mail server said no" in shown


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server said no")


def test_every_link_in_a_reminder_sent_from_the_page_opens_the_forces_return(
    nadia_client, quarter, alice, bob, client, mailoutbox
):
    send(nadia_client, quarter, "force-a", "force-b")
    people = {"alice@force-a.example": alice, "bob@force-b.example": bob}
    for message in mailoutbox:
        if message.to[0] not in people:
            continue
        links = re.findall(r"https?://\S+", message.body)
        assert links
        client.force_login(people[message.to[0]])
        for link in links:
            assert link.startswith(f"{SITE}/")
            opened = client.get(link.removeprefix(SITE))
            assert opened.status_code == 200, link
            assert str(quarter) in opened.content.decode()


def test_the_tracker_and_staff_home_link_to_the_reminders(nadia_client, quarter):
    tracker = nadia_client.get(f"/staff/returns/?quarter={quarter.compact}").content.decode()
    home = nadia_client.get("/staff/").content.decode()

    assert f'href="/staff/reminders/?quarter={quarter.compact}"' in tracker
    assert 'href="/staff/reminders/"' in home
