import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actions.models import Deliverable, QuarterlyUpdate
from actions.reporting import with_return_progress
from plans.models import Force, ReminderLog, ReturnState
from plans.quarters import Quarter, quarter_just_ended
from plans.returns import is_past_deadline, return_deadline


class Command(BaseCommand):
    help = (
        "E-mail the active coordinators of every force whose quarterly return is incomplete: "
        "what is missing, the deadline and the link to their return. Safe to run daily: a "
        "coordinator gets at most one reminder per quarter per day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quarter",
            help='Quarter of the return, e.g. 2025-Q2 or "Q2 2025/26" (default: the quarter '
            "just ended).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send and record nothing.",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Run as if on this date (YYYY-MM-DD); default today.",
        )

    def handle(self, *args, quarter=None, dry_run=False, today=None, **options):
        today = today or timezone.localdate()
        quarter = self._quarter(quarter, today)
        days = settings.RETURN_DEADLINE_DAYS
        forces = list(
            with_return_progress(Force.objects.all(), quarter)
            .filter(due_count__gt=0)
            .exclude(return_state=ReturnState.COMPLETE)
            .order_by("name")
        )
        if not forces:
            self.stdout.write(f"Every return due for {quarter} is complete: nothing to send.")
            return
        outstanding = self._outstanding(quarter, forces)
        coordinators = defaultdict(list)
        for user in User.objects.filter(
            role=User.Role.COORDINATOR, is_active=True, force__in=forces
        ).order_by("email"):
            coordinators[user.force_id].append(user)
        already_sent = set(
            ReminderLog.objects.filter(quarter=quarter, sent_on=today).values_list(
                "force_id", "email"
            )
        )
        context = {
            "quarter": quarter,
            "deadline": return_deadline(quarter, days),
            "overdue": is_past_deadline(quarter, days, today),
        }
        pending, skipped = [], 0
        unreachable = [force.name for force in forces if not coordinators[force.pk]]
        if unreachable:
            self.stderr.write(f"No active coordinator to remind at: {', '.join(unreachable)}.")
        for force in forces:
            for user in coordinators[force.pk]:
                if (force.pk, user.email) in already_sent:
                    skipped += 1
                    continue
                message = self._message(force, user, outstanding[force.pk], context)
                pending.append((force, user, message))
        if dry_run:
            for force, user, message in pending:
                self.stdout.write(f"Would send to {user.email} ({force.name}): {message.subject}")
            self.stdout.write(
                f"Dry run: {len(pending)} reminder(s) for {quarter} would be sent, "
                f"{skipped} already sent today. Nothing was sent or recorded."
            )
            return
        sent = self._send(pending, quarter, today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {sent} reminder(s) for {quarter}; {skipped} already sent today."
            )
        )

    def _quarter(self, value, today: dt.date) -> Quarter:
        if not value:
            return quarter_just_ended(today)
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(value)
        except ValueError as error:
            raise CommandError(str(error)) from error

    def _outstanding(self, quarter: Quarter, forces) -> dict:
        """Per force, the deliverables due without a published update, drafts flagged."""
        update = QuarterlyUpdate.objects.filter(deliverable=OuterRef("pk"), quarter=quarter)
        deliverables = (
            Deliverable.objects.in_return(quarter)
            .filter(plan__force__in=forces)
            .exclude(Exists(update.filter(published_at__isnull=False)))
            .annotate(has_draft=Exists(update.filter(published_at__isnull=True)))
            .select_related("plan", "workstream")
            .order_by("workstream__order", "order", "pk")
        )
        outstanding = defaultdict(lambda: {"missing": [], "drafts": []})
        for deliverable in deliverables:
            kind = "drafts" if deliverable.has_draft else "missing"
            outstanding[deliverable.plan.force_id][kind].append(deliverable)
        return outstanding

    def _message(self, force, user, outstanding, context) -> EmailMessage:
        context = {**context, "force": force, "user": user, **outstanding}
        # The force's own return page, on the quarter the reminder is about.
        page = reverse("staff:return", args=[force.slug])
        context["return_url"] = f"{settings.SITE_URL}{page}?quarter={context['quarter'].compact}"
        subject = render_to_string("plans/email/return_reminder_subject.txt", context)
        body = render_to_string("plans/email/return_reminder.txt", context)
        message = EmailMessage(" ".join(subject.split()), body, to=[user.email])
        message.missing_count = len(outstanding["missing"])
        message.draft_count = len(outstanding["drafts"])
        return message

    def _send(self, pending, quarter: Quarter, today: dt.date) -> int:
        sent = 0
        connection = get_connection()
        for force, user, message in pending:
            connection.send_messages([message])
            try:
                ReminderLog.objects.create(
                    force=force,
                    quarter=quarter,
                    recipient=user,
                    email=user.email,
                    sent_on=today,
                    missing_count=message.missing_count,
                    draft_count=message.draft_count,
                )
            except IntegrityError:
                self.stderr.write(f"A reminder to {user.email} was recorded by another run.")
            sent += 1
        return sent
