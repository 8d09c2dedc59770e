"""Set up and start Tending: migrate, collect static files, then run gunicorn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from tending.planner import refresh_statistics


def collect_static() -> None:
    """Collect into STATIC_ROOT with hashed names, a manifest and .gz/.br files beside each.

    This process loaded its settings before anything was collected, so its own storage may
    still be the plain one (on a first start it is): collect with the manifest storage
    explicitly. The server's workers load settings after this and find the manifest."""
    from django.contrib.staticfiles.management.commands.collectstatic import (
        Command as CollectStatic,
    )

    command = CollectStatic()
    command.storage = import_string(settings.MANIFEST_STORAGE)()
    call_command(command, interactive=False, verbosity=0)


class Command(BaseCommand):
    help = "Apply migrations, collect static files and start the production server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SERVE_HOST, help="address to listen on")
        parser.add_argument("--port", type=int, default=settings.SERVE_PORT, help="port")
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="don't start the background worker beside the server (run it separately)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        refresh_statistics()  # SQLite picks its indexes from these (tending/planner.py)
        collect_static()
        host, port = options["host"], options["port"]
        shown = "localhost" if host in {"127.0.0.1", "0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(f"Tending is running. Open http://{shown}:{port}/ in your browser.")
        self.stdout.write("Stop it with Ctrl+C. Your data lives in " + str(settings.DATA_DIR))
        self.stdout.flush()
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "tending.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
            # No access log: URLs can hold invitation tokens.
        ]
        if options["no_worker"]:
            os.execv(sys.executable, argv)  # noqa: S606
        self._run_with_worker(argv)

    def _run_with_worker(self, server_argv: list[str]) -> None:
        """One command for a couple's machine: the server, and the worker beside it."""
        manage = str(settings.BASE_DIR / "manage.py")
        worker = subprocess.Popen([sys.executable, manage, "worker", "--interval", "5"])  # noqa: S603
        server = subprocess.Popen(server_argv)  # noqa: S603

        def stop(signum: int, _frame: object) -> None:
            for child in (server, worker):
                if child.poll() is None:
                    child.send_signal(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = server.wait()
        if worker.poll() is None:
            worker.terminate()
        worker.wait()
        sys.exit(code)
