"""The task queue in tests.

The suite runs queued tasks at once (``TASKS_BACKEND=immediate`` in pyproject.toml). A test of
the queue itself switches to the database queue with :func:`use_the_database_queue`, checks
that nothing was done yet, and runs the worker with :func:`run_the_worker`. Such a test is
marked ``django_db(transaction=True)``: the worker manages its own transactions and
connections, as it does in production.
"""

from __future__ import annotations

import signal

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def use_the_database_queue(settings) -> None:
    settings.TASKS = DATABASE_QUEUE


def queued_tasks() -> list[str]:
    """The paths of the tasks waiting in the database queue, oldest first."""
    return list(
        DBTaskResult.objects.filter(status="READY")
        .order_by("enqueued_at")
        .values_list("task_path", flat=True)
    )


def run_the_worker() -> None:
    """``manage.py db_worker --batch``: run every queued task, then stop. The worker's signal
    handlers are removed again afterwards."""
    saved = {
        number: signal.getsignal(number)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
            verbosity=0,
        )  # fmt: skip
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
