#!/usr/bin/env bash
# Back up the PRAP Tracker database (the one DATABASE_URL, or .env, points at).
#
#   scripts/backup.sh                    # PostgreSQL: pg_dump custom format; otherwise portable
#   scripts/backup.sh FILE               # write to FILE (.dump for pg_dump, .xml.gz portable)
#   scripts/backup.sh --portable [FILE]  # Django's dumpdata, for any database engine
#
# The portable format is dumpdata's XML, not JSON: Django's JSON cuts timestamps to the
# millisecond, XML keeps them exact, so history rows come back unchanged.
# Default FILE: backups/prap-<UTC time>.dump or .xml.gz. Backups hold staff e-mail addresses
# and password hashes: they are written readable by their owner only (umask 077). Restore with
# scripts/restore.sh. PYTHON selects the interpreter (default .venv/bin/python, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077

portable=""
if [ "${1:-}" = "--portable" ]; then portable=1; shift; fi
output="${1:-}"

if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
eval "$("$PYTHON" scripts/database_env.py)"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$DB_ENGINE" = "postgresql" ] && [ -z "$portable" ]; then
  output="${output:-backups/prap-$stamp.dump}"
  mkdir -p "$(dirname "$output")"
  pg_dump --format=custom --no-owner --no-privileges --file="$output"
  # Prove the archive is readable before calling it a backup.
  pg_restore --list "$output" >/dev/null
else
  output="${output:-backups/prap-$stamp.xml.gz}"
  mkdir -p "$(dirname "$output")"
  # Content types and permissions are rebuilt by migrate and referred to by natural key;
  # sessions are not worth keeping; the search index is rebuilt from the content by
  # restore_data. History tables (Historical*) are included.
  "$PYTHON" manage.py dumpdata --format xml --natural-foreign \
    --exclude contenttypes --exclude auth.permission --exclude sessions --exclude search \
    --output "$output" --verbosity 0
fi
echo "Backed up $DB_LABEL to $output ($(du -h "$output" | cut -f1))"
