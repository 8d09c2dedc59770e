"""Set up and start Tending: migrate, collect static files, then run gunicorn."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Apply migrations, collect static files and start the production server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SERVE_HOST, help="address to listen on")
        parser.add_argument("--port", type=int, default=settings.SERVE_PORT, help="port")
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
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
        os.execv(sys.executable, argv)  # noqa: S606
