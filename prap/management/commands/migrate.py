"""``migrate``, one at a time: on PostgreSQL it first takes an advisory lock, so two
releases (or two containers each running their release step) never apply migrations to the
same database at once. The second waits for the first, then finds nothing left to do.

Django's own command otherwise, with every option: it replaces it for ``manage.py migrate``,
the Procfile's release step, ``make migrate``, the image and the tests alike.
"""

from __future__ import annotations

import zlib

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

#: The advisory lock's key: any 64-bit number no other program on the server uses.
MIGRATE_LOCK_KEY = zlib.crc32(b"prap-tracker: manage.py migrate")


class Command(migrate.Command):
    help = migrate.Command.help + " Waits for any other run against the same database."

    def handle(self, *args, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
            if not cursor.fetchone()[0]:
                self.stdout.write("Waiting for another migrate to finish on this database...")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        try:
            return super().handle(*args, **options)
        finally:
            # The lock belongs to this connection's session: closed, it is released anyway.
            if connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
