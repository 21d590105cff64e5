"""Return reminders (national team only): choose which forces to remind about a quarter's
return, check the e-mails, then send them. The e-mails are queued and the task worker sends
them (``actions.reminders``); the log on the page says who sent what, when, and when it went.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from actions.reminders import ReminderForm, queue_reminder, reminders_for, sent_description
from plans.forms import QuarterChoiceForm
from plans.models import Force, ReminderLog
from plans.quarters import Quarter, quarter_just_ended
from prap.forms import error_links
from staff.access import require_national_editor
from staff.returns_views import recent_quarters


@require_safe
def reminders(request):
    """The forces whose return for the chosen quarter is incomplete, who would be e-mailed,
    and the reminders already sent; choose forces and continue to the check page."""
    require_national_editor(request.user)
    quarter_form = _quarter_form(request.GET)
    quarter = quarter_form.chosen
    found = reminders_for(quarter)
    # Back from the check page ("Change"), the choices come with the address.
    data = request.GET if "force" in request.GET else None
    return _choose(request, quarter_form, ReminderForm(data, reminders=found), found)


@require_http_methods(["GET", "HEAD", "POST"])
def reminders_send(request):
    """GET (from the choice page): check the e-mails before sending them. POST (the check
    page's button): queue them, record who sent them, and go back to the log."""
    require_national_editor(request.user)
    data = request.POST if request.method == "POST" else request.GET
    quarter_form = _quarter_form(data)
    quarter = quarter_form.chosen
    if data.get("quarter") != quarter.compact:
        messages.error(request, "Choose the quarter again: nothing was sent.")
        return redirect(_page(quarter))
    today = timezone.localdate()
    if request.method == "POST":
        with transaction.atomic():
            # Checked again with the chosen forces locked, so two people pressing "Send" at
            # once cannot both remind a force.
            slugs = data.getlist("force")
            list(Force.objects.select_for_update().filter(slug__in=slugs).values_list("pk"))
            found = reminders_for(quarter)
            form = ReminderForm(data, reminders=found)
            if form.is_valid():
                sent = _queue(form, request.user, today)
        if form.is_valid():
            messages.success(request, _sent_message(sent, quarter))
            return redirect(_page(quarter))
        return _choose(request, quarter_form, form, found)
    found = reminders_for(quarter)
    form = ReminderForm(data, reminders=found)
    if not form.is_valid():
        return _choose(request, quarter_form, form, found)
    previews = [
        (reminder, *reminder.message(reminder.recipients[0], today)) for reminder in form.chosen
    ]
    context = {
        "quarter": quarter,
        "form": form,
        "previews": previews,
        "emails": sum(len(reminder.recipients) for reminder in form.chosen),
        "change_url": f"{reverse('staff:reminders')}?{data.urlencode()}",
    }
    return render(request, "plans/reminder_check.html", context)


def _quarter_form(data) -> QuarterChoiceForm:
    today = timezone.localdate()
    return QuarterChoiceForm(
        data, quarters=recent_quarters(today), default=quarter_just_ended(today)
    )


def _page(quarter: Quarter) -> str:
    return f"{reverse('staff:reminders')}?quarter={quarter.compact}"


def _choose(request, quarter_form, form: ReminderForm, found):
    quarter = quarter_form.chosen
    context = {
        "quarter_form": quarter_form,
        "quarter": quarter,
        "form": form,
        "errors": error_links(form) if form.is_bound else [],
        "reminders": [r for r in found if r.reachable],
        "unreachable": [r for r in found if not r.reachable],
        "log": [(log, sent_description(log)) for log in ReminderLog.objects.for_quarter(quarter)],
    }
    return render(request, "plans/reminders.html", context)


def _queue(form: ReminderForm, user, today) -> dict[str, int]:
    reason = form.cleaned_data["reason"]
    sent = {"forces": 0, "emails": 0}
    for reminder in form.chosen:
        again = reason if reminder.last_sent is not None else ""
        for recipient in reminder.recipients:
            queue_reminder(reminder, recipient, today=today, sent_by=user, reason=again)
            sent["emails"] += 1
        sent["forces"] += 1
    return sent


def _sent_message(sent: dict[str, int], quarter: Quarter) -> str:
    forces = f"{sent['forces']} force{'s' if sent['forces'] != 1 else ''}"
    emails = f"{sent['emails']} e-mail{'s' if sent['emails'] != 1 else ''}"
    return (
        f"{quarter} return reminders sent to {forces} ({emails}). They are e-mailed in the "
        "background within a minute: the log shows when each one has gone."
    )
