"""The email outbox: one row per email, claimed by exactly one worker, sent once."""

from __future__ import annotations

import smtplib
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from conftest import make_user
from outbox import services
from outbox.models import OutboxEmail

Status = OutboxEmail.Status
START = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
ON_POSTGRES = connection.vendor == "postgresql"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that says no."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _email(key: str | None = "k:1", to: str = "ada@example.test") -> OutboxEmail:
    row, created = services.enqueue(to=to, subject="Hello", body="A body.", dedupe_key=key)
    assert created
    return row


def _reload(row: OutboxEmail) -> OutboxEmail:
    return OutboxEmail.objects.get(pk=row.pk)


# -- writing --------------------------------------------------------------------------------


def test_a_dedupe_key_makes_one_row_however_often_asked(db: None) -> None:
    first = _email("reminder:1:2026-06-10")
    again, created = services.enqueue(
        to="ada@example.test", subject="Other", body="Other", dedupe_key="reminder:1:2026-06-10"
    )
    assert not created and again.pk == first.pk
    assert OutboxEmail.objects.count() == 1
    # Without a key every call is its own email.
    services.enqueue(to="ada@example.test", subject="A", body="a")
    services.enqueue(to="ada@example.test", subject="A", body="a")
    assert OutboxEmail.objects.count() == 3


def test_an_insert_that_loses_the_race_returns_the_winners_row(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers both look, see nothing, both insert: the unique key lets one row in."""
    monkeypatch.setattr(services, "_existing", lambda key: None)  # both looked "before"
    winner = _email("reminder:7:2026-06-10")
    loser, created = services.enqueue(
        to="ada@example.test", subject="Hello", body="A body.", dedupe_key="reminder:7:2026-06-10"
    )
    assert not created and loser.pk == winner.pk
    assert OutboxEmail.objects.count() == 1


def test_deleting_the_account_drops_its_waiting_email(db: None) -> None:
    ada = make_user("Ada")
    services.enqueue(to=ada.email, subject="Hi", body="b", dedupe_key="x", user=ada)
    ada.delete()
    assert not OutboxEmail.objects.exists()


# -- delivering -----------------------------------------------------------------------------


def test_delivery_sends_once_and_marks_it_sent(db: None, clock: time_machine.Traveller) -> None:
    row = _email()
    assert services.deliver_pending("w1") == 1
    (message,) = mail.outbox
    assert message.to == ["ada@example.test"] and message.subject == "Hello"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.extra_headers["Message-ID"].startswith(f"<outbox-{row.pk}-")
    row = _reload(row)
    assert row.status == Status.SENT and row.sent_at == START and row.claimed_by == "w1"
    assert services.deliver_pending("w1") == 0
    assert services.deliver_pending("w2") == 0
    assert len(mail.outbox) == 1


def test_a_claim_is_won_by_one_worker_only(db: None, clock: time_machine.Traveller) -> None:
    row = _email()
    # Both workers saw the row waiting …
    assert services.waiting() == [row.pk]
    assert services.waiting() == [row.pk]
    # … and both try to take it: the conditional update lets one win.
    assert services.claim(row.pk, "w1") is True
    assert services.claim(row.pk, "w2") is False
    row = _reload(row)
    assert row.status == Status.SENDING and row.claimed_by == "w1" and row.attempts == 1


def test_two_deliverers_interleaved_send_each_email_once(
    db: None, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A lists the rows; before A claims, worker B runs a whole delivery. A's claims
    must all lose (on SQLite this is how two workers at once are simulated)."""
    rows = [_email(f"k:{n}", to=f"p{n}@example.test") for n in range(3)]
    real_claim = services.claim
    interleaved: list[object] = []

    def claim_after_b(email_id: int, worker_id: str) -> bool:
        if worker_id == "A" and not interleaved:
            interleaved.append(True)
            assert services.deliver_pending("B") == 3
        return real_claim(email_id, worker_id)

    monkeypatch.setattr(services, "claim", claim_after_b)
    assert services.deliver_pending("A") == 0
    assert interleaved
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.to for r in rows)
    assert {r.claimed_by for r in OutboxEmail.objects.all()} == {"B"}


def test_a_claim_abandoned_by_a_crash_is_taken_again_after_the_timeout(
    db: None, clock: time_machine.Traveller
) -> None:
    row = _email()
    assert services.claim(row.pk, "crashed")  # … and the process died before sending.
    assert services.deliver_pending("w2") == 0
    clock.shift(services.CLAIM_TIMEOUT - timedelta(seconds=1))
    assert services.deliver_pending("w2") == 0
    assert mail.outbox == []
    clock.shift(timedelta(seconds=2))
    assert services.deliver_pending("w2") == 1
    clock.shift(services.CLAIM_TIMEOUT * 3)
    assert services.deliver_pending("w3") == 0
    assert len(mail.outbox) == 1
    row = _reload(row)
    assert row.status == Status.SENT and row.claimed_by == "w2" and row.attempts == 2


def test_a_refused_send_waits_and_tries_again(
    db: None, clock: time_machine.Traveller, settings: Any
) -> None:
    row = _email()
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    assert services.deliver_pending("w1") == 0
    row = _reload(row)
    assert row.status == Status.PENDING and row.attempts == 1
    assert row.last_error == "SMTPServerDisconnected"  # the class, never the server's words
    assert row.not_before == START + timedelta(minutes=1)
    settings.MAILERS = working
    assert services.deliver_pending("w1") == 0  # not yet
    clock.shift(timedelta(minutes=1))
    assert services.deliver_pending("w1") == 1
    assert len(mail.outbox) == 1 and _reload(row).status == Status.SENT


def test_it_gives_up_after_the_last_attempt(
    db: None, clock: time_machine.Traveller, settings: Any
) -> None:
    row = _email()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    for _ in range(services.MAX_ATTEMPTS):
        services.deliver_pending("w1")
        clock.shift(timedelta(hours=1))
    row = _reload(row)
    assert row.status == Status.FAILED and row.attempts == services.MAX_ATTEMPTS
    assert services.waiting() == []


def test_old_sent_emails_are_forgotten(db: None, clock: time_machine.Traveller) -> None:
    old = _email("old")
    services.deliver_pending("w1")
    clock.shift(services.KEEP_SENT + timedelta(days=1))
    waiting = _email("new")
    assert services.prune() == 1
    assert list(OutboxEmail.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not OutboxEmail.objects.filter(pk=old.pk).exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="real concurrency needs separate connections")
@pytest.mark.django_db(transaction=True)
def test_two_deliverers_at_once_on_separate_connections() -> None:
    rows = [_email(f"k:{n}", to=f"p{n}@example.test") for n in range(20)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    sent: dict[str, int] = {}

    def worker(name: str) -> None:
        try:
            start.wait()
            sent[name] = services.deliver_pending(name)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sent["A"] + sent["B"] == len(rows)
    assert Counter(m.to[0] for m in mail.outbox) == Counter(r.to for r in rows)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_pass_delivers_everything_waiting_batch_by_batch(
    db: None, clock: time_machine.Traveller
) -> None:
    for n in range(7):
        _email(f"k:{n}", to=f"p{n}@example.test")
    assert services.deliver_pending("w1", batch_size=3) == 7
    assert len(mail.outbox) == 7


def test_a_stop_request_ends_delivery_between_emails(
    db: None, clock: time_machine.Traveller
) -> None:
    for n in range(3):
        _email(f"k:{n}", to=f"p{n}@example.test")
    stop = threading.Event()
    stop.set()
    assert services.deliver_pending("w1", stop=stop) == 0
    assert services.deliver_pending("w1") == 3
