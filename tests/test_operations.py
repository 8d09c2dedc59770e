"""Operating Tending: live backups, private files on disk, settings from the environment."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from pytest_django import Settings

from conftest import sqlite_files_only
from tending.env import database_from_url, env_bool, env_int, env_list
from tests.support import run_manage

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # umask 0: the modes asserted below must come from Tending, not from a kind umask.
    return run_manage(args, data_dir, env, umask=0)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def emails_in(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT email FROM accounts_user")}


USER_COLUMNS = (
    "password, is_superuser, email, display_name, time_zone, is_staff, is_active, "
    "date_joined, session_generation, idle_lock_minutes, tell_new_sign_ins"
)


def insert_user(db: sqlite3.Connection, email: str) -> None:
    db.execute(
        f"INSERT INTO accounts_user ({USER_COLUMNS}) "
        "VALUES ('!', 0, ?, 'Someone', 'UTC', 0, 1, '2025-01-01 00:00:00', 0, 0, 0)",
        (email,),
    )


@pytest.fixture(scope="module")
def running_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with a migrated SQLite database and one account made through Django."""
    data_dir = tmp_path_factory.mktemp("site") / "data"
    migrated = manage(["migrate", "--no-input"], data_dir)
    assert migrated.returncode == 0, migrated.stderr
    made = manage(
        [
            "shell",
            "-c",
            "from accounts.models import User; "
            "User.objects.create_user(email='kept@example.test', password='a long passphrase', "
            "display_name='Kept')",
        ],
        data_dir,
    )
    assert made.returncode == 0, made.stderr
    return data_dir


@pytest.fixture
def busy_database(running_site: Path) -> Iterator[sqlite3.Connection]:
    """Another process's view: a committed write still only in the WAL, and an open write."""
    writer = sqlite3.connect(running_site / "tending.sqlite3", isolation_level=None)
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("DELETE FROM accounts_user WHERE email LIKE '%@wal.test'")
    insert_user(writer, "committed@wal.test")
    writer.execute("BEGIN IMMEDIATE")
    insert_user(writer, "uncommitted@wal.test")
    try:
        yield writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@sqlite_files_only
def test_backup_is_consistent_while_another_connection_writes(
    running_site: Path, busy_database: sqlite3.Connection, tmp_path: Path
) -> None:
    wal = running_site / "tending.sqlite3-wal"
    assert wal.exists() and wal.stat().st_size > 0  # committed rows are still only in the WAL
    target = tmp_path / "copies" / "tending-backup.sqlite3"

    result = manage(["backup", str(target)], running_site)

    assert result.returncode == 0, result.stderr
    assert str(target) in result.stdout
    assert mode(target) == 0o600
    assert not Path(f"{target}-wal").exists()
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    emails = emails_in(target)
    assert {"kept@example.test", "committed@wal.test"} <= emails
    assert "uncommitted@wal.test" not in emails


@sqlite_files_only
def test_backup_command_runs_while_a_write_transaction_is_open(
    running_site: Path, busy_database: sqlite3.Connection, tmp_path: Path
) -> None:
    # Same settings, but a 1 s lock timeout instead of 20 s so the failure shows quickly.
    (tmp_path / "short_lock_settings.py").write_text(
        "from tending.settings import *  # noqa: F403\n"
        'DATABASES["default"]["OPTIONS"]["timeout"] = 1  # noqa: F405\n'
    )
    target = tmp_path / "backup.sqlite3"
    result = manage(
        ["backup", str(target)],
        running_site,
        DJANGO_SETTINGS_MODULE="short_lock_settings",
        PYTHONPATH=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "committed@wal.test" in emails_in(target)


@sqlite_files_only
def test_backup_without_a_destination_goes_to_a_private_folder(running_site: Path) -> None:
    result = manage(["backup"], running_site)
    assert result.returncode == 0, result.stderr
    folder = running_site / "backups"
    assert mode(folder) == 0o700
    made = list(folder.glob("tending-*.sqlite3"))
    assert len(made) == 1
    assert mode(made[0]) == 0o600
    assert "kept@example.test" in emails_in(made[0])


@sqlite_files_only
def test_backup_never_overwrites_a_file(running_site: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.sqlite3"
    target.write_bytes(b"something else entirely")
    result = manage(["backup", str(target)], running_site)
    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert target.read_bytes() == b"something else entirely"


def test_backup_refuses_postgresql_and_points_to_pg_dump(tmp_path: Path) -> None:
    # No SQLite site needed: with DATABASE_URL set, the data dir holds only the secret key.
    target = tmp_path / "never.sqlite3"
    result = manage(
        ["backup", str(target)],
        tmp_path / "data",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
    )
    assert result.returncode != 0
    assert "pg_dump" in result.stderr
    assert not target.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs against PostgreSQL only")
def test_backup_refuses_postgresql_in_process(tmp_path: Path) -> None:
    target = tmp_path / "never.sqlite3"
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", str(target))
    assert not target.exists()


def test_backup_says_so_when_there_is_no_database_yet(tmp_path: Path) -> None:
    result = manage(["backup", str(tmp_path / "copy.sqlite3")], tmp_path / "d")
    assert result.returncode != 0
    assert "No database" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()


# --- Files on disk ----------------------------------------------------------------------------


def test_a_fresh_data_dir_and_generated_key_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    first = manage(["check"], data_dir)
    assert first.returncode == 0, first.stderr

    assert mode(data_dir) == 0o700
    key_file = data_dir / "secret_key"
    assert mode(key_file) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50

    again = manage(["check"], data_dir)
    assert again.returncode == 0, again.stderr
    assert key_file.read_text().strip() == key  # generated once, then kept


def test_an_existing_open_data_dir_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    data_dir.chmod(0o755)
    assert manage(["check"], data_dir).returncode == 0
    assert mode(data_dir) == 0o700


def test_a_key_from_the_environment_is_not_written_to_disk(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = manage(["check"], data_dir, TENDING_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert not (data_dir / "secret_key").exists()


# --- tending.env helpers ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_env_bool_true_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("TENDING_FLAG", raw)
    assert env_bool("TENDING_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_false_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("TENDING_FLAG", raw)
    assert env_bool("TENDING_FLAG", True) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "y e s"])
def test_env_bool_rejects_anything_else(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("TENDING_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="TENDING_FLAG"):
        env_bool("TENDING_FLAG")


def test_env_bool_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TENDING_FLAG", raising=False)
    assert env_bool("TENDING_FLAG", True) is True
    assert env_bool("TENDING_FLAG", False) is False


def test_env_int_and_env_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDING_NUMBER", "12")
    assert env_int("TENDING_NUMBER", 3) == 12
    monkeypatch.setenv("TENDING_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="TENDING_NUMBER"):
        env_int("TENDING_NUMBER", 3)
    monkeypatch.setenv("TENDING_HOSTS", " a.example , ,b.example ")
    assert env_list("TENDING_HOSTS", []) == ["a.example", "b.example"]


def test_database_from_url_reads_postgres_urls(tmp_path: Path) -> None:
    db = database_from_url("postgres://tender:p%40ss%2Fword@db.example:5433/tending_prod", tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("tending_prod", "tender", "p@ss/word")
    assert (db["HOST"], db["PORT"]) == ("db.example", "5433")

    short = database_from_url("postgresql://127.0.0.1/test", tmp_path)
    assert short["ENGINE"] == "django.db.backends.postgresql"
    assert (short["NAME"], short["USER"], short["PORT"]) == ("test", "", "")


@pytest.mark.parametrize(
    "url", ["mysql://root@db/tending", "sqlite:///tmp/x.sqlite3", "db.example/tending"]
)
def test_database_from_url_rejects_other_databases(url: str, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="postgres"):
        database_from_url(url, tmp_path)


def test_database_from_url_defaults_to_sqlite_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "tending.sqlite3"
    db = database_from_url("", path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == path
    options = db["OPTIONS"]
    assert isinstance(options, dict)
    assert "journal_mode=WAL" in options["init_command"]


# --- A fresh clone ----------------------------------------------------------------------------


def test_pages_render_before_collectstatic_has_run(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "never-collected").mkdir()
    settings.STATIC_ROOT = tmp_path / "never-collected"
    response = Client().get("/account/sign-in/")
    assert response.status_code == 200
