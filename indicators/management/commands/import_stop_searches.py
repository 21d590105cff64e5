"""Load data.police.uk monthly stop and search files for one force.

    python manage.py import_stop_searches --force dorset 2024-05-dorset-stop-and-search.csv
    python manage.py import_stop_searches --force dorset 2024-05.zip --confirm

Without ``--confirm`` it only shows what the files hold (and, for a month loaded before, each
count that would change, old → new). With ``--confirm`` it loads them, replacing those months.
Anything wrong: every problem is listed, nothing is written, and the exit status is 1.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.models import MonthlyGroup
from indicators.police_uk import load, read_files
from plans.models import Force


class Command(BaseCommand):
    help = (
        "Check and count data.police.uk monthly stop and search files (CSV or .zip) for one "
        "force; load them with --confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV or .zip files.")
        parser.add_argument("--force", required=True, help="The force's slug, e.g. dorset.")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Load the files (replacing months loaded before); without it, only preview.",
        )

    def handle(self, *args, files, force, confirm, **options):
        chosen = Force.objects.filter(slug=force).first()
        if chosen is None:
            raise CommandError(f"No force with the slug “{force}”.")
        missing = [name for name in files if not Path(name).is_file()]
        if missing:
            raise CommandError("\n".join(f"{name}: no such file." for name in missing))
        with ExitStack() as stack:
            opened = [(Path(name).name, stack.enter_context(open(name, "rb"))) for name in files]
            reading = read_files(chosen, opened)
        if not reading.is_valid:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"- {m}" for m in reading.messages())
            )
        self.show(reading)
        if not confirm:
            self.stdout.write("Preview only: nothing was loaded. Add --confirm to load.")
            return
        record = load(reading, by=None, now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {record.months} for {chosen.name}: {record.rows_read} searches."
            )
        )

    def show(self, reading) -> None:
        write = self.stdout.write
        write(f"{reading.force.name}: {reading.rows_read} rows read from:")
        for name in reading.files:
            write(f"  {name}")
        write("month    measure          " + " ".join(f"{g:>10}" for g in MonthlyGroup.values))
        for month, measure, numbers, total in reading.table():
            cells = " ".join(f"{n:>10}" for n in numbers)
            write(f"{month:%Y-%m}  {measure:<16} {cells}  total {total}")
        for month in reading.already_loaded():
            write(f"{month:%B %Y} is already loaded: --confirm replaces it.")
        for change in reading.changes():
            write(
                f"  {change.month:%Y-%m} {change.measure} {change.ethnicity}: "
                f"{change.old} → {change.new}"
            )
