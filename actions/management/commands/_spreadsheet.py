"""What the spreadsheet import and export commands share: finding the force, its plan and the
importing user, reading files, and printing a preview the way the staff pages show it."""

from __future__ import annotations

import difflib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from actions.spreadsheets.exports import FORMATS
from actions.spreadsheets.files import SpreadsheetError, SpreadsheetFile
from actions.spreadsheets.preview import ImportFailed, ImportPreview, apply_import
from plans.models import Force, Plan
from plans.quarters import Quarter, quarter_just_ended


class SpreadsheetCommand(BaseCommand):
    def add_force_argument(self, parser) -> None:
        parser.add_argument(
            "--force", required=True, metavar="SLUG", help="The force's slug, e.g. dorset."
        )

    def get_force(self, slug: str) -> Force:
        force = Force.objects.filter(slug=slug.strip().lower()).first()
        if force is None:
            slugs = list(Force.objects.values_list("slug", flat=True))
            close = difflib.get_close_matches(slug.lower(), slugs, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            raise CommandError(f'There is no force with the slug "{slug}".{hint}')
        return force

    def get_plan(self, force: Force) -> Plan:
        plan = Plan.objects.for_force(force).current().first()
        if plan is None:
            raise CommandError(f"{force} has no plan yet. Create the plan first.")
        return plan

    def get_quarter(self, text: str | None) -> Quarter:
        if not text:
            return quarter_just_ended(timezone.localdate())
        try:
            return Quarter.parse(text)
        except ValueError as error:
            raise CommandError(f"--quarter: {error}") from error

    def get_user(self, email: str | None, force: Force) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"There is no user with the e-mail address {email}.")
        if not user.is_active:
            raise CommandError(f"{email} is deactivated: choose an active user.")
        if user.is_coordinator and user.force_id != force.pk:
            raise CommandError(
                f"{email} is a coordinator of {user.force}, not of {force}: choose someone who "
                f"may change {force}'s data."
            )
        return user

    def get_format(self, file_format: str | None, output: str) -> str:
        chosen = file_format or Path(output).suffix.lstrip(".").lower()
        if chosen not in FORMATS:
            raise CommandError(
                "Choose the format with --format csv or --format xlsx (or name the output "
                "file .csv or .xlsx)."
            )
        return chosen

    def read(self, path: str) -> SpreadsheetFile:
        try:
            return SpreadsheetFile.from_path(path)
        except SpreadsheetError as error:
            raise CommandError(f"{path}: {error}") from error

    def write_file(self, path: str | Path, data: bytes) -> None:
        try:
            Path(path).write_bytes(data)
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from error
        self.stdout.write(f"Wrote {path}.")

    def run_import(self, source, *, dry_run: bool, user: User | None, verbosity: int) -> None:
        """Print the preview; then write it unless it has errors or this is a dry run."""
        preview = source.preview()
        self.print_preview(preview, verbosity)
        if not preview.is_valid:
            raise CommandError(_errors_text(preview))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        if not preview.has_changes:
            self.stdout.write("No changes: nothing was written.")
            return
        try:
            applied = apply_import(preview, user=user, now=timezone.now())
        except ImportFailed as error:
            if error.preview is not None:
                self.print_preview(error.preview, verbosity)
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported: {applied.counts}."))

    def print_preview(self, preview: ImportPreview, verbosity: int) -> None:
        for line in preview.report_lines(verbose=verbosity >= 2):
            self.stdout.write(line)


def _errors_text(preview: ImportPreview) -> str:
    count = len(preview.errors)
    lines = [f"Nothing was written: the file has {count} error{'s' if count != 1 else ''}."]
    lines.extend(str(problem) for problem in preview.errors)
    return "\n".join(lines)
