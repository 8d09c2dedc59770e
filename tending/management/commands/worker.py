"""The background worker: reminders, the email outbox, and queued Django tasks.

Every pass (each --interval seconds) it (1) plans the reminders that are due, (2) delivers
what waits in the outbox, (3) runs the ready Django tasks (password-reset emails, say). All
work is claimed from the database, so any number of workers may run side by side.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError, close_old_connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from closeness import services as closeness
from commitments import services as commitments
from measures import services as measures
from outbox import services as outbox
from push import services as push
from tending.planner import refresh_statistics

# How often the worker refreshes SQLite's planner statistics (tending/planner.py).
STATISTICS_EVERY = 3600.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pass:
    planned: int
    sent: int
    tasks: int

    def __str__(self) -> str:
        return (
            f"planned {self.planned} reminder(s), sent {self.sent} email(s) and notification(s), "
            f"ran {self.tasks} task(s)"
        )


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


def run_ready_tasks(worker_id: str, stop: threading.Event) -> int:
    """What `db_worker --batch` does, minus what a long-lived caller can't have: it neither
    closes database connections (our loop does that between passes) nor takes over the
    process's signal handlers. Claiming is django-tasks-db's own (a locked select)."""
    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while not stop.is_set():
        ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
        try:
            with exclusive_transaction(ready.db):
                row = ready.get_locked()
                if row is not None:
                    row.claim(worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return ran  # another worker holds the queue; next pass
            raise
        if row is None:
            return ran
        runner.run_task(row)
        ran += 1
    return ran


def run_pass(worker_id: str, stop: threading.Event | None = None) -> Pass:
    stop = stop or threading.Event()
    planned = commitments.plan_due_reminders() + closeness.plan_checkin_emails()
    planned += measures.plan_monthly_reminders()  # one gentle email a month, if asked for
    sent = 0 if stop.is_set() else outbox.deliver_pending(worker_id, stop=stop)
    # Phone notifications, content-free (issue 14).
    sent += 0 if stop.is_set() else push.deliver_pending(worker_id, stop=stop)
    tasks = 0 if stop.is_set() else run_ready_tasks(worker_id, stop)
    if not stop.is_set():
        outbox.prune()
        push.prune()
    return Pass(planned, sent, tasks)


class Command(BaseCommand):
    help = "Run the background worker: reminder emails, the email outbox and queued tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between passes (default 30)"
        )
        parser.add_argument("--once", action="store_true", help="run one pass, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = new_worker_id()
        if options["once"]:
            self._report(run_pass(worker_id), options["verbosity"])
            return
        interval = max(float(options["interval"]), 0.0)
        stop = threading.Event()

        def finish(signum: int, _frame: object) -> None:
            # Let the current email or task finish, then leave; a sleep ends at once.
            stop.set()

        before = {sig: signal.signal(sig, finish) for sig in (signal.SIGINT, signal.SIGTERM)}
        if options["verbosity"] >= 2:
            self.stdout.write(f"Worker {worker_id} running; a pass every {interval:g}s.")
        statistics_at = time.monotonic()  # `serve` refreshed them as it started
        try:
            while not stop.is_set():
                # Drop connections the database closed (or that broke) while we slept.
                close_old_connections()
                if time.monotonic() - statistics_at >= STATISTICS_EVERY:
                    statistics_at = time.monotonic()
                    try:
                        refresh_statistics()
                    except OperationalError:
                        logger.exception("Refreshing the planner's statistics failed")
                try:
                    self._report(run_pass(worker_id, stop), options["verbosity"])
                except Exception:
                    # A database hiccup must not end the worker; the next pass tries again.
                    logger.exception("Worker pass failed")
                close_old_connections()
                stop.wait(interval)
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if options["verbosity"] >= 2:
            self.stdout.write("Worker stopped.")

    def _report(self, done: Pass, verbosity: int) -> None:
        if verbosity >= 2 or (verbosity >= 1 and (done.planned or done.sent or done.tasks)):
            self.stdout.write(str(done))
            self.stdout.flush()
