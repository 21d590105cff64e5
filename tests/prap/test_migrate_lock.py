"""Two ``migrate`` runs against one PostgreSQL database take turns (an advisory lock)."""

from __future__ import annotations

import io
import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from prap.management.commands.migrate import MIGRATE_LOCK_KEY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's"
    ),
]


def test_a_second_migrate_waits_for_the_first_then_finds_nothing_to_do():
    output = io.StringIO()
    finished = threading.Event()

    def second_run():
        try:
            call_command("migrate", "--noinput", stdout=output)
            finished.set()
        finally:
            connections.close_all()

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as first:
        first.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])  # a run in progress
        thread = threading.Thread(target=second_run)
        thread.start()
        # A plain sleep, not finished.wait(2): under libfaketime (make test-at) a timed wait on
        # an event that is never set does not end.
        time.sleep(2)
        assert not finished.is_set(), "migrate ran while another held the lock"
        assert "Waiting for another migrate" in output.getvalue()
        first.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
        thread.join(timeout=120)
    assert finished.is_set()
    assert "No migrations to apply." in output.getvalue()


def test_migrate_releases_its_lock():
    call_command("migrate", "--noinput", stdout=io.StringIO())
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY]).fetchone()
        assert taken == (True,)
        other.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
