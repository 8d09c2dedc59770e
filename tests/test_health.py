"""/health/live and /health/ready: open to probes, honest about the database."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tending import health


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrated", False)


def test_live_answers_without_sign_in() -> None:
    response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "live"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_the_database_answers_and_is_migrated(db: None) -> None:
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert "sessionid" not in response.cookies


def test_not_ready_while_migrations_are_pending(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("a migration", False)],
    )
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "migrations pending"}


def test_not_ready_when_the_database_does_not_answer(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(self: BaseDatabaseWrapper) -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:  # undone before the test database is torn down
        patched.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
        response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "database unreachable"}


def test_probes_only_read(db: None) -> None:
    assert Client().post("/health/ready").status_code == 405
    assert Client().post("/health/live").status_code == 405
