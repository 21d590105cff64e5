"""Print shell assignments describing the configured database, for backup.sh and restore.sh.

    eval "$(python scripts/database_env.py)"

Sets DB_ENGINE (postgresql, sqlite3, ...) and DB_LABEL (a name to show people, no password);
for PostgreSQL also PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, so pg_dump and
pg_restore read the connection from their environment and the password never appears on a
command line (where `ps` would show it). Reads the same settings as the site (.env included).
"""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prap.settings")

import django
from django.conf import settings


def main() -> None:
    django.setup()
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    values = {"DB_ENGINE": engine, "DB_LABEL": str(database["NAME"])}
    if engine == "postgresql":
        values.update(
            PGHOST=database.get("HOST") or "",
            PGPORT=str(database.get("PORT") or ""),
            PGUSER=database.get("USER") or "",
            PGPASSWORD=database.get("PASSWORD") or "",
            PGDATABASE=database["NAME"],
        )
        values["DB_LABEL"] = f"{database['NAME']} on {database.get('HOST') or 'localhost'}"
    for name, value in values.items():
        if value == "":
            print(f"unset {name}")
        else:
            print(f"export {name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
