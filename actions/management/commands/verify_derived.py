"""Check the figures stored beside the data they are derived from: each deliverable's stored
published status and quarter (``Deliverable.published_status``), which the public pages read,
against its updates; and each force's stored trend figures (``actions.span_models``), which
the trend page reads, against its updates and deliverables. ``--fix`` brings any that differ
up to date and renews the public pages."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import Deliverable, stale_trend_figures
from plans.cache import all_content_changed


def _listed(ids: list[int]) -> str:
    return ", ".join(str(pk) for pk in ids[:20]) + (", ..." if len(ids) > 20 else "")


class Command(BaseCommand):
    help = (
        "Check (or, with --fix, correct) the deliverables' stored published statuses and the "
        "forces' stored trend figures."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="Correct them, and renew every public page."
        )

    def handle(self, *args, fix: bool = False, **options) -> None:
        stale = Deliverable.objects.stale_published_status()
        stale_forces = stale_trend_figures()
        if not stale and not stale_forces:
            self.stdout.write(
                "OK: every deliverable's stored status is right, and so are the trend figures."
            )
            return
        problems = []
        if stale:
            problems.append(
                f"{len(stale)} deliverables' stored status differs from their updates "
                f"(ids {_listed(stale)})"
            )
        if stale_forces:
            problems.append(
                f"the stored trend figures of {len(stale_forces)} forces differ from their "
                f"updates and deliverables (force ids {_listed(stale_forces)})"
            )
        if not fix:
            raise CommandError("; ".join(problems) + ". Run verify_derived --fix.")
        with transaction.atomic():
            # Refreshes every deliverable and every force's trend figures (the hooks of
            # plans.cache.on_content_change: actions.models.refresh_published_statuses and
            # refresh_trend_figures).
            all_content_changed()
        self.stdout.write("Corrected " + "; ".join(problems) + ".")
