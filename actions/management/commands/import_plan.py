from actions.management.commands._spreadsheet import SpreadsheetCommand
from actions.spreadsheets.plan_import import PlanImport


class Command(SpreadsheetCommand):
    help = (
        "Import a force's plan from a spreadsheet (.csv or .xlsx): check every row, print "
        "what would be created or changed, then write all of it or, on any error, nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan: a .csv file or an .xlsx workbook.")
        self.add_force_argument(parser)
        parser.add_argument(
            "--milestones",
            metavar="FILE",
            help="Milestones file (.csv, or .xlsx). Without it, milestones are read from the "
            'plan workbook\'s "Milestones" sheet when there is one.',
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and print the preview; write nothing."
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="The person the history records as making the changes.",
        )

    def handle(self, *args, file, force, milestones, dry_run, user, verbosity, **options):
        force = self.get_force(force)
        plan = self.get_plan(force)
        importer = self.get_user(user, force)
        source = PlanImport(plan, self.read(file), self.read(milestones) if milestones else None)
        self.run_import(source, dry_run=dry_run, user=importer, verbosity=verbosity)
