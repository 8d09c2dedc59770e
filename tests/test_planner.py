"""SQLite's planner statistics (tending/planner.py): written when Tending starts, so an
outcome's month is read by its date, not by every outcome of its author."""

from __future__ import annotations

import pytest
from django.db import connection

from tending.planner import refresh_statistics

pytestmark = pytest.mark.django_db


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        return bool(cursor.fetchone()[0])


def test_sqlite_gets_statistics_and_postgresql_keeps_its_own() -> None:
    if connection.vendor != "sqlite":
        assert refresh_statistics() is False
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert not _has_statistics()
    assert refresh_statistics() is True
    assert _has_statistics()


def test_serve_refreshes_statistics_before_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    from tending.management.commands import serve

    calls: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append("migrate"))
    monkeypatch.setattr(serve, "refresh_statistics", lambda: calls.append("statistics"))
    monkeypatch.setattr(serve, "collect_static", lambda: calls.append("static"))

    class Started(Exception):
        pass

    def gunicorn(*args: object) -> None:
        calls.append("gunicorn")
        raise Started  # the real execv never returns

    monkeypatch.setattr("os.execv", gunicorn)
    with pytest.raises(Started):
        serve.Command().run_from_argv(["manage.py", "serve", "--no-worker"])
    assert calls == ["migrate", "statistics", "static", "gunicorn"]
