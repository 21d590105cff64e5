"""Load the Home Office's yearly stop and search table (financial_year, police_force,
ethnicity, total_searches).

    python manage.py import_home_office_stop_searches stop-search-2025-26.csv
    python manage.py import_home_office_stop_searches stop-search-2025-26.csv --confirm

Without ``--confirm`` it only shows what the table holds and, for a year loaded before, each
figure that would change, old → new. With ``--confirm`` each year in the table replaces that
year. Anything wrong: every problem is listed with its row and column, nothing is written,
and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.home_office import STOP_SEARCH_TABLE, load, read_table


class Command(BaseCommand):
    help = "Check the Home Office's yearly stop and search table; load it with --confirm."
    table = STOP_SEARCH_TABLE

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The table, as a CSV file.")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Load it (replacing the years it holds); without it, only preview.",
        )

    def handle(self, *args, file, confirm, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        with path.open("rb") as opened:
            reading = read_table(path.name, opened, today=timezone.localdate(), table=self.table)
        if not reading.is_valid:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"- {m}" for m in reading.messages())
            )
        write = self.stdout.write
        write(f"{reading.rows_read} rows read from {reading.file_name}:")
        for period, forces, total in reading.summary():
            write(f"  {period}: {forces} forces, {total} {self.table.count_field}")
        for period in reading.already_loaded():
            name = self.table.period_name.capitalize()
            write(f"{name} {period} is already loaded: --confirm replaces it.")
        for change in reading.changes():
            old = "(none)" if change.old is None else change.old
            new = "(none)" if change.new is None else change.new
            write(f"  {change.year} {change.force} {change.ethnicity}: {old} → {new}")
        if not confirm:
            write("Preview only: nothing was loaded. Add --confirm to load.")
            return
        record = load(reading, by=None, now=timezone.now())
        write(self.style.SUCCESS(f"Loaded {record.years}: {record.rows_read} rows."))
