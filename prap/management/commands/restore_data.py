from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from plans.cache import all_content_changed


class Command(BaseCommand):
    help = (
        "Load a portable backup made by scripts/backup.sh (dumpdata) into an empty database. "
        "Like loaddata, but with django-simple-history's recording off: the backup already "
        "holds every history row, and loading many-to-many fields would otherwise record a "
        "new, false history row for each object."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a .xml/.json file, optionally .gz/.bz2/.xz")

    def handle(self, *args, backup, verbosity, **options):
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", backup, verbosity=verbosity)
            # New content versions: a shared cache (Redis) may hold pages of another database
            # under the versions the backup carries.
            all_content_changed()
