"""Backup and restore, as the README tells operations to do it: scripts/backup.sh then
scripts/restore.sh. Every row comes back, history rows included."""

import io
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from tests.prap.history_edits import make_history

PROJECT = Path(__file__).resolve().parents[2]


def run(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SECRET_KEY": "backup-test-only",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "PYTHON": sys.executable,
    }
    result = subprocess.run(  # noqa: S603 - our own scripts
        args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage(database_url: str, *args: str) -> None:
    run([sys.executable, "manage.py", *args], database_url)


def m2m_tables() -> set[str]:
    """Tables Django creates for many-to-many fields: their own ids are not part of the data
    (dumpdata stores the relation, and loading it numbers the rows afresh)."""
    return {
        field.remote_field.through._meta.db_table
        for model in apps.get_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    }


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    without_id = m2m_tables()
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows = {table: db.execute(f'SELECT * FROM "{table}"').fetchall() for table in tables}  # noqa: S608
    return {
        table: sorted((row[1:] if table in without_id else row for row in found), key=repr)
        for table, found in rows.items()
    }


def test_restore_refuses_to_run_without_yes(tmp_path):
    result = subprocess.run(  # noqa: S603
        ["scripts/restore.sh", str(tmp_path / "backup.xml.gz")],  # noqa: S607
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--yes" in result.stderr


def test_a_portable_backup_restores_every_row_and_all_history(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    manage(source, "migrate", "--noinput", "--verbosity", "0")
    manage(source, "load_reference")
    manage(
        source,
        "shell",
        "--no-imports",
        "-c",
        "from tests.prap.history_edits import make_history, make_small_dataset; "
        "make_small_dataset(); make_history()",
    )
    # Those rows were written directly, as a live site's writes would not be: bring the
    # search index up to date as the site's own writes keep it.
    manage(source, "rebuild_search_index")
    backup = tmp_path / "backups" / "prap.xml.gz"

    run(["scripts/backup.sh", str(backup)], source)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    run(["scripts/restore.sh", "--yes", str(backup)], target)

    before = sqlite_rows(tmp_path / "source.sqlite3")
    after = sqlite_rows(tmp_path / "target.sqlite3")
    assert before.keys() == after.keys()
    history_tables = [t for t in before if "_historical" in t]
    assert len(history_tables) >= 7
    for table in history_tables:
        assert before[table], f"{table} should have rows to round-trip"
        assert after[table] == before[table], table
    for table in before:
        if table != "django_session":
            assert len(after[table]) == len(before[table]), table
    # Everything but the ids Django rebuilds itself (content types and permissions) is equal,
    # and the public content versions, which the restore renews so that no page a shared
    # cache holds for another database is ever served for this one.
    rebuilt = {"django_content_type", "auth_permission", "django_session", "django_migrations"}
    renewed = "plans_contentversion"
    # The search index is not in the backup: the restore writes it afresh from the content,
    # so its rows are the same but for their ids.
    index = "search_searchdocument"
    for table in before.keys() - rebuilt - {renewed, index}:
        assert after[table] == before[table], table
    assert before[index]
    assert sorted((row[1:] for row in after[index]), key=repr) == sorted(
        (row[1:] for row in before[index]), key=repr
    )
    versions_before = {force: version for _, version, force in before[renewed]}
    versions_after = {force: version for _, version, force in after[renewed]}
    assert versions_after.keys() == versions_before.keys()
    assert not set(versions_after.values()) & set(versions_before.values())


postgresql_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
    reason="pg_dump and pg_restore need the PostgreSQL test database",
)


def postgres_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{name}"
    )


def postgres_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_backup_restores_every_row_and_all_history(reference, tmp_path):
    import psycopg

    # The demo as of the day it is loaded: the history edits that follow use the same clock.
    call_command("seed_demo", stdout=io.StringIO())
    history = make_history()
    assert all(history.values()), history
    source = postgres_url(connection.settings_dict["NAME"])
    scratch = f"{connection.settings_dict['NAME']}_restore"
    admin_url = postgres_url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        db.execute(f'CREATE DATABASE "{scratch}"')
    try:
        backup = tmp_path / "prap.dump"
        run(["scripts/backup.sh", str(backup)], source)
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        run(["scripts/restore.sh", "--yes", str(backup)], postgres_url(scratch))

        before = postgres_counts(source)
        after = postgres_counts(postgres_url(scratch))
        assert after == before
        history_tables = [t for t in before if "_historical" in t]
        assert len(history_tables) >= 7
        assert all(before[t] > 0 for t in history_tables), before
    finally:
        with psycopg.connect(admin_url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
