"""SQLite's planner statistics (tending/planner.py): written when Tending starts, so an
outcome's month is read by its date, not by every outcome of its author."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from commitments import services as commitments
from commitments.models import Outcome
from conftest import Cast, ring
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


def test_one_day_of_outcomes_is_read_by_its_date_after_years_of_them(cast: Cast) -> None:
    """Today asks for one day's outcomes of a person's commitments. With statistics that
    only sampled the first thousand rows of each index, SQLite took every author's outcome
    from the author index (11 ms for the 5-year couple, 0.03 ms by date): the sample saw
    one author only and guessed a thousand rows each. Years of one person's outcomes here."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its own statistics")
    alice, bob = cast.alice.user, cast.bob.user
    start = date(2021, 1, 1)
    daily = commitments.Rule(commitments.Cadence.DAILY)
    made = [
        commitments.create_commitment(
            ring(person), title=f"Promise {n}", rule=daily, starts_on=start, joint=n == 0
        )
        for n, person in enumerate((alice, alice, alice, bob, bob, bob))
    ]
    Outcome.objects.bulk_create(
        Outcome(author=c.author, couple=c.couple, commitment=c, on_date=start + timedelta(n))
        for c in made
        for n in range(1500)
    )
    refresh_statistics()
    day = start + timedelta(days=1000)
    query = Outcome.objects.visible_to(alice).filter(
        commitment_id__in=[c.pk for c in made], on_date__range=(day, day)
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "(commitment_id=? AND on_date>? AND on_date<?)" in plan, plan


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
