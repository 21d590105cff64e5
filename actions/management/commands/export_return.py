from actions.management.commands._spreadsheet import SpreadsheetCommand
from actions.spreadsheets.exports import FORMATS, export_return


class Command(SpreadsheetCommand):
    help = (
        "Export a force's quarterly return in the spreadsheet format import_return reads: "
        "one row per deliverable in the return, with the update saved for that quarter, if any."
    )

    def add_arguments(self, parser):
        self.add_force_argument(parser)
        parser.add_argument(
            "--quarter",
            help="The quarter, e.g. 2025-Q2 or 'Q2 2025/26'. Default: the quarter just ended.",
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help="Default: from the output file's name.",
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args, force, quarter, file_format, output, **options):
        file_format = self.get_format(file_format, output)
        plan = self.get_plan(self.get_force(force))
        exported = export_return(plan, self.get_quarter(quarter), file_format)
        self.write_file(output, exported.data)
