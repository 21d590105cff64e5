#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database DATABASE_URL (or .env) points
# at, REPLACING everything in it.
#
#   scripts/restore.sh --yes FILE.dump      # pg_dump archive: pg_restore (PostgreSQL only)
#   scripts/restore.sh --yes FILE.xml.gz    # portable: migrate, empty the tables, load
#
# Afterwards the schema is migrated to this release and the cache is cleared (it may hold
# pages or counts computed from the old data). PYTHON selects the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--yes" ] || [ -z "${2:-}" ]; then
  echo "Usage: scripts/restore.sh --yes BACKUP_FILE" >&2
  echo "This replaces every row in the configured database; --yes says you mean it." >&2
  exit 2
fi
backup="$2"
[ -r "$backup" ] || { echo "Cannot read $backup" >&2; exit 2; }

if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
eval "$("$PYTHON" scripts/database_env.py)"

case "$backup" in
  *.dump)
    if [ "$DB_ENGINE" != "postgresql" ]; then
      echo "$backup is a pg_dump archive; the configured database is $DB_ENGINE." >&2
      echo "Restore a portable backup (scripts/backup.sh --portable) instead." >&2
      exit 2
    fi
    pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
      --single-transaction --dbname="$PGDATABASE" "$backup"
    "$PYTHON" manage.py migrate --noinput --verbosity 0
    ;;
  *.xml|*.xml.gz|*.xml.bz2|*.xml.xz|*.json|*.json.gz|*.json.bz2|*.json.xz)
    "$PYTHON" manage.py migrate --noinput --verbosity 0
    "$PYTHON" manage.py flush --noinput --verbosity 0
    "$PYTHON" manage.py restore_data "$backup" --verbosity 0
    ;;
  *)
    echo "Unknown backup type: $backup (expected .dump or .xml[.gz])" >&2
    exit 2
    ;;
esac
"$PYTHON" manage.py shell --no-imports -c "from django.core.cache import cache; cache.clear()"
echo "Restored $backup into $DB_LABEL"
