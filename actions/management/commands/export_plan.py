from pathlib import Path

from actions.management.commands._spreadsheet import SpreadsheetCommand
from actions.spreadsheets.exports import FORMATS, export_plan


class Command(SpreadsheetCommand):
    help = (
        "Export a force's current plan in the spreadsheet format import_plan reads: one .xlsx "
        "workbook (sheets Plan and Milestones), or two .csv files."
    )

    def add_arguments(self, parser):
        self.add_force_argument(parser)
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help="Default: from the output file's name.",
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument(
            "--milestones",
            metavar="FILE",
            help="With --format csv, where to write the milestones "
            "(default: the output name with -milestones added).",
        )

    def handle(self, *args, force, file_format, output, milestones, **options):
        file_format = self.get_format(file_format, output)
        plan = self.get_plan(self.get_force(force))
        files = export_plan(plan, file_format)
        self.write_file(output, files[0].data)
        if file_format == "csv":
            path = Path(output)
            default = path.with_name(f"{path.stem}-milestones{path.suffix or '.csv'}")
            self.write_file(milestones or default, files[1].data)
