"""Helpers shared by the cross-cutting tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(
    args: list[str], data_dir: Path, env: dict[str, str] | None = None, *, umask: int = -1
) -> subprocess.CompletedProcess[str]:
    """Run manage.py as an operator would: SQLite in `data_dir`, only the given settings."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TENDING_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update({"TENDING_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        umask=umask,
    )
