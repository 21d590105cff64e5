import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from actions.reminders import queue_reminder, reminders_for
from plans.models import ReminderLog
from plans.quarters import Quarter, quarter_just_ended


class Command(BaseCommand):
    help = (
        "Queue an e-mail to the active coordinators of every force whose quarterly return is "
        "incomplete: what is missing, the deadline and the link to their return. The task "
        "worker (db_worker) sends them. Safe to run daily: a coordinator gets at most one "
        "reminder per quarter per day."
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
            help="Print what would be sent; queue and record nothing.",
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
        reminders = reminders_for(quarter)
        if not reminders:
            self.stdout.write(f"Every return due for {quarter} is complete: nothing to send.")
            return
        unreachable = [reminder.force.name for reminder in reminders if not reminder.reachable]
        if unreachable:
            self.stderr.write(f"No active coordinator to remind at: {', '.join(unreachable)}.")
        already_sent = set(
            ReminderLog.objects.filter(quarter=quarter, sent_on=today).values_list(
                "force_id", "email"
            )
        )
        pending, skipped = [], 0
        for reminder in reminders:
            for user in reminder.recipients:
                if (reminder.force.pk, user.email) in already_sent:
                    skipped += 1
                else:
                    pending.append((reminder, user))
        if dry_run:
            for reminder, user in pending:
                subject, _ = reminder.message(user, today)
                self.stdout.write(f"Would send to {user.email} ({reminder.force.name}): {subject}")
            self.stdout.write(
                f"Dry run: {len(pending)} reminder(s) for {quarter} would be sent, "
                f"{skipped} already sent today. Nothing was queued or recorded."
            )
            return
        queued = 0
        for reminder, user in pending:
            try:
                queue_reminder(reminder, user, today=today)
            except IntegrityError:
                self.stderr.write(f"A reminder to {user.email} was recorded by another run.")
            else:
                queued += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued {queued} reminder(s) for {quarter}; {skipped} already sent today. "
                "The task worker (manage.py db_worker) e-mails them."
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
