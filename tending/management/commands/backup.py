"""A consistent copy of the SQLite database, safe while the server runs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Write a consistent backup of the SQLite database (uses SQLite's online backup)."
    # System checks open the database and may wait on a writer's lock (or create an empty
    # file); a backup must do neither.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            help="file to write (default: DATA_DIR/backups/tending-<time>.sqlite3)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError(
                "This database is PostgreSQL: back it up with pg_dump (see the README)."
            )
        source_path = Path(str(db["NAME"]))
        if not source_path.exists():
            raise CommandError(f"No database at {source_path} yet; start Tending once first.")
        if options["destination"]:
            target = Path(options["destination"]).expanduser().resolve()
        else:
            folder = settings.DATA_DIR / "backups"
            folder.mkdir(mode=0o700, exist_ok=True)
            target = folder / f"tending-{timezone.now():%Y%m%d-%H%M%S}.sqlite3"
        if target.exists():
            raise CommandError(f"{target} already exists; choose another name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
            # The copy is a single file: no WAL beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
            source.close()
        self.stdout.write(f"Backup written to {target}")
