"""Check the figures stored beside the data they are derived from: each deliverable's stored
published status and quarter (``Deliverable.published_status``), which the public pages read,
against its updates. ``--fix`` brings any that differ up to date and renews the public pages."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import Deliverable
from plans.cache import all_content_changed


class Command(BaseCommand):
    help = "Check (or, with --fix, correct) the deliverables' stored published statuses."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="Correct them, and renew every public page."
        )

    def handle(self, *args, fix: bool = False, **options) -> None:
        stale = Deliverable.objects.stale_published_status()
        if not stale:
            self.stdout.write("OK: every deliverable's stored status is right.")
            return
        listed = ", ".join(str(pk) for pk in stale[:20]) + (", ..." if len(stale) > 20 else "")
        if not fix:
            raise CommandError(
                f"{len(stale)} deliverables' stored status differs from their updates "
                f"(ids {listed}). Run verify_derived --fix."
            )
        with transaction.atomic():
            # Refreshes every deliverable (actions.models.refresh_published_statuses).
            all_content_changed()
        self.stdout.write(f"Corrected the stored status of {len(stale)} deliverables ({listed}).")
