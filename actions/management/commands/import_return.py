from actions.management.commands._spreadsheet import SpreadsheetCommand
from actions.spreadsheets.return_import import ReturnImport


class Command(SpreadsheetCommand):
    help = (
        "Import a force's quarterly return from a spreadsheet (.csv or .xlsx): check every "
        "row, print what would be created or changed, then write all of it or, on any error, "
        "nothing. Updates are saved as drafts unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The return: a .csv file or an .xlsx workbook.")
        self.add_force_argument(parser)
        parser.add_argument(
            "--quarter",
            help="The quarter of the return, e.g. 2025-Q2 or 'Q2 2025/26'. "
            "Default: the quarter just ended.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish every update in the file (by default they are saved as drafts).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and print the preview; write nothing."
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="The person the history records as making the changes.",
        )

    def handle(self, *args, file, force, quarter, publish, dry_run, user, verbosity, **options):
        force = self.get_force(force)
        plan = self.get_plan(force)
        quarter = self.get_quarter(quarter)
        importer = self.get_user(user, force)
        source = ReturnImport(plan, quarter, self.read(file), publish=publish)
        self.run_import(source, dry_run=dry_run, user=importer, verbosity=verbosity)
