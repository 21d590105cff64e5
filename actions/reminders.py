"""Return reminders: which forces to remind about a quarter's return, the e-mail each
coordinator gets, and queueing it for the task worker (README, "Return tracker and
reminders").

One path for every reminder: the scheduled ``send_return_reminders`` command and the national
team's reminders page (``/staff/reminders/``) both call :func:`queue_reminder`, which records
the reminder (``plans.ReminderLog``: who, what, when) and queues :func:`send_return_reminder`
in the same transaction; the worker e-mails it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from actions.models import Deliverable, QuarterlyUpdate
from actions.reporting import with_return_progress
from plans.models import Force, ReminderLog, ReturnState
from plans.quarters import Quarter
from plans.returns import is_past_deadline, return_deadline
from prap.forms import GovukFormMixin
from prap.mail import send_email


@dataclass
class Reminder:
    """A force whose return for ``quarter`` is incomplete: what is missing, who would be
    e-mailed, and the reminders already recorded about that quarter (newest first)."""

    force: Force
    quarter: Quarter
    recipients: list[User] = field(default_factory=list)
    missing: list[Deliverable] = field(default_factory=list)
    drafts: list[Deliverable] = field(default_factory=list)
    sent: list[ReminderLog] = field(default_factory=list)

    @property
    def last_sent(self) -> ReminderLog | None:
        return self.sent[0] if self.sent else None

    @property
    def last_sent_description(self) -> str:
        return sent_description(self.last_sent) if self.last_sent else ""

    @property
    def reachable(self) -> bool:
        return bool(self.recipients)

    def message(self, recipient: User, today: dt.date) -> tuple[str, str]:
        """The subject and body ``recipient`` gets, as of ``today`` (deadline passed or not)."""
        days = settings.RETURN_DEADLINE_DAYS
        # The force's own return page, on the quarter the reminder is about.
        page = reverse("staff:return", args=[self.force.slug])
        context = {
            "quarter": self.quarter,
            "deadline": return_deadline(self.quarter, days),
            "overdue": is_past_deadline(self.quarter, days, today),
            "force": self.force,
            "user": recipient,
            "missing": self.missing,
            "drafts": self.drafts,
            "return_url": f"{settings.SITE_URL}{page}?quarter={self.quarter.compact}",
        }
        subject = render_to_string("plans/email/return_reminder_subject.txt", context)
        body = render_to_string("plans/email/return_reminder.txt", context)
        return " ".join(subject.split()), body


def sent_description(log: ReminderLog) -> str:
    """ "21 November 2026 at 10:32 by Nadia Khan" (or "by the scheduled reminders")."""
    moment = timezone.localtime(log.sent_at)
    when = f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"
    who = log.sent_by.get_full_name() if log.sent_by else "the scheduled reminders"
    return f"{when} by {who}"


class ReminderForm(GovukFormMixin, forms.Form):
    """Which forces to remind about a quarter (the reminders page). A force already reminded
    about that quarter, by anyone, is reminded again only with a reason: never by accident.
    """

    force = forms.MultipleChoiceField(
        label="Forces to remind",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one force to remind",
            "invalid_choice": "A force you chose can no longer be reminded (its return is "
            "complete, or it has no active coordinator): choose again from the list",
        },
    )
    reason = forms.CharField(
        label="Reason for reminding a force again",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only if you chose a force that was already reminded about this "
        "quarter. The log below shows it.",
        error_messages={
            "max_length": "The reason must be %(limit_value)d characters or fewer (it has "
            "%(show_value)d)"
        },
    )

    def __init__(self, data=None, *, reminders: list[Reminder], **kwargs):
        super().__init__(data, **kwargs)
        self.reminders = {r.force.slug: r for r in reminders if r.reachable}
        self.fields["force"].choices = [(slug, r.force.name) for slug, r in self.reminders.items()]
        self.fields["force"].initial = [
            slug for slug, reminder in self.reminders.items() if reminder.last_sent is None
        ]

    @property
    def chosen(self) -> list[Reminder]:
        return [self.reminders[slug] for slug in self.cleaned_data.get("force", [])]

    def clean(self):
        cleaned = super().clean()
        again = [reminder for reminder in self.chosen if reminder.last_sent is not None]
        cleaned["reason"] = " ".join(cleaned.get("reason", "").split())
        if again and not cleaned["reason"] and "reason" not in self.errors:
            sent = "; ".join(f"{r.force.name} on {sent_description(r.last_sent)}" for r in again)
            self.add_error(
                "reason",
                f"Give a reason for reminding again, or untick the force: already reminded "
                f"about {again[0].quarter}: {sent}",
            )
        return cleaned


def reminders_for(quarter: Quarter) -> list[Reminder]:
    """Every force with deliverables due in ``quarter`` whose return is not complete, by
    name, with its active coordinators (role coordinator, account active), its outstanding
    deliverables (no published update; drafts apart) and the reminders already recorded.
    A fixed number of queries, whatever the number of forces.
    """
    forces = list(
        with_return_progress(Force.objects.all(), quarter)
        .filter(due_count__gt=0)
        .exclude(return_state=ReturnState.COMPLETE)
        .order_by("name")
    )
    reminders = {force.pk: Reminder(force, quarter) for force in forces}
    for user in User.objects.filter(
        role=User.Role.COORDINATOR, is_active=True, force__in=forces
    ).order_by("email"):
        reminders[user.force_id].recipients.append(user)
    update = QuarterlyUpdate.objects.filter(deliverable=OuterRef("pk"), quarter=quarter)
    outstanding = (
        Deliverable.objects.in_return(quarter)
        .filter(plan__force__in=forces)
        .exclude(Exists(update.filter(published_at__isnull=False)))
        .annotate(has_draft=Exists(update.filter(published_at__isnull=True)))
        .select_related("plan", "workstream")
        .order_by("workstream__order", "order", "pk")
    )
    for deliverable in outstanding:
        reminder = reminders[deliverable.plan.force_id]
        (reminder.drafts if deliverable.has_draft else reminder.missing).append(deliverable)
    for sent in ReminderLog.objects.for_quarter(quarter).filter(force__in=forces):
        reminders[sent.force_id].sent.append(sent)
    return list(reminders.values())


def queue_reminder(
    reminder: Reminder,
    recipient: User,
    *,
    today: dt.date,
    sent_by: User | None = None,
    reason: str = "",
) -> ReminderLog:
    """Record a reminder to ``recipient`` (who asked for it, the e-mail as it will be sent)
    and queue it for the task worker, in one transaction: both happen or neither. ``sent_by``
    is the person who sent it from the reminders page (None: the scheduled command).
    Raises ``IntegrityError`` if the command already recorded this one today.
    """
    subject, body = reminder.message(recipient, today)
    with transaction.atomic():
        log = ReminderLog.objects.create(
            force=reminder.force,
            quarter=reminder.quarter,
            recipient=recipient,
            email=recipient.email,
            sent_on=today,
            sent_by=sent_by,
            reason=reason,
            subject=subject[: ReminderLog._meta.get_field("subject").max_length],
            body=body,
            missing_count=len(reminder.missing),
            draft_count=len(reminder.drafts),
        )
        send_return_reminder.enqueue(log.pk)
    return log


@task()
def send_return_reminder(reminder_id: int) -> bool:
    """E-mail one recorded reminder (on the task worker) and note when it went. A reminder
    already e-mailed is not sent again (False); a failure is noted on the reminder, for the
    reminders page, and raised, so the task is marked failed.
    """
    failure: Exception | None = None
    with transaction.atomic():
        log = ReminderLog.objects.select_for_update().get(pk=reminder_id)
        if log.emailed_at is not None:
            return False
        try:
            send_email.call(to=[log.email], subject=log.subject, body=log.body)
        except Exception as error:
            failure = error
        else:
            log.emailed_at = timezone.now()
            log.email_error = ""
            log.save(update_fields=["emailed_at", "email_error"])
    if failure is not None:
        noted = f"{type(failure).__name__}: {failure}"[:500]
        ReminderLog.objects.filter(pk=reminder_id).update(email_error=noted)
        raise failure
    return True
