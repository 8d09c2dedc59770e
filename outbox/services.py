"""The one way Tending sends email: write a row, and let the worker deliver it.

Claiming. A worker takes a row with one conditional UPDATE: "set status=sending, claimed_at,
claimed_by WHERE id=… AND the row is still claimable". The database applies that to the row
once; a second worker's UPDATE finds the WHERE no longer true (PostgreSQL re-checks it after
waiting for the first one's row lock; SQLite runs writes one at a time) and changes 0 rows,
so it skips the row. Only the winner sends.

A crash between claiming and sending would leave a row "sending" for good, so a claim older
than CLAIM_TIMEOUT without a sent_at is claimable again: the email still goes, once.

What no database can promise: if a worker dies after the SMTP server accepted the message
and before the "sent" mark lands, the row is claimed again after the timeout and the email
goes twice (at-least-once across that crash). The window is one UPDATE in autocommit right
after the server's reply, and both copies carry the same Message-ID, which lets mail
systems recognise the second as a duplicate.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from outbox.models import OutboxEmail

logger = logging.getLogger(__name__)

# Longer than any send takes; shorter than anyone waits for a reminder.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH_SIZE = 50
KEEP_SENT = timedelta(days=30)

Status = OutboxEmail.Status


def enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    dedupe_key: str | None = None,
    user: User | None = None,
) -> tuple[OutboxEmail, bool]:
    """Put an email in the outbox. With a dedupe key, only the first call for that key ever
    makes a row, even when two workers ask at the same moment; returns (row, created)."""
    if dedupe_key is not None:
        existing = _existing(dedupe_key)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            made = OutboxEmail.objects.create(
                to=to, subject=subject, body=body, dedupe_key=dedupe_key, user=user
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        # Someone else inserted the same key between our look and our insert.
        return OutboxEmail.objects.get(dedupe_key=dedupe_key), False
    return made, True


def _existing(dedupe_key: str) -> OutboxEmail | None:
    return OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()


def claimable(now: datetime) -> Q:
    """Waiting and due, or claimed so long ago that its worker must have died."""
    return Q(status=Status.PENDING, not_before__lte=now) | Q(
        status=Status.SENDING, sent_at__isnull=True, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def claim(email_id: int, worker_id: str) -> bool:
    """Take one row for this worker. True for exactly one of any number of workers."""
    now = timezone.now()
    won = OutboxEmail.objects.filter(claimable(now), pk=email_id).update(
        status=Status.SENDING,
        claimed_at=now,
        claimed_by=worker_id,
        attempts=F("attempts") + 1,
    )
    return won == 1


def waiting(limit: int = BATCH_SIZE) -> list[int]:
    """Ids of rows a worker may try to claim now, oldest first."""
    rows = OutboxEmail.objects.filter(claimable(timezone.now())).order_by("created_at", "pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def deliver_pending(
    worker_id: str, *, batch_size: int = BATCH_SIZE, stop: threading.Event | None = None
) -> int:
    """Claim and send everything waiting, a batch at a time, until nothing is left or the
    worker is asked to stop; returns how many emails this worker sent."""
    sent = 0
    while True:
        batch = waiting(batch_size)
        for email_id in batch:
            if stop is not None and stop.is_set():
                return sent
            if claim(email_id, worker_id) and _send(email_id):
                sent += 1
        # Rows another worker won, or that failed and wait, are no longer in `waiting`.
        if len(batch) < batch_size:
            return sent


def _message_id(email: OutboxEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "tending.invalid"
    return f"<outbox-{email.pk}-{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def _send(email_id: int) -> bool:
    email = OutboxEmail.objects.get(pk=email_id)
    message = EmailMessage(
        email.subject,
        email.body,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        headers={"Message-ID": _message_id(email), "Auto-Submitted": "auto-generated"},
    )
    try:
        mailers.default.send_messages([message])
    except Exception as error:
        _failed(email, error)
        return False
    # Mark at once (autocommit): this is the whole at-least-once window described above.
    OutboxEmail.objects.filter(pk=email_id).exclude(status=Status.SENT).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _failed(email: OutboxEmail, error: Exception) -> None:
    """Try again later with a growing pause; give up after MAX_ATTEMPTS."""
    give_up = email.attempts >= MAX_ATTEMPTS
    pause = min(timedelta(minutes=2 ** max(email.attempts - 1, 0)), timedelta(hours=1))
    OutboxEmail.objects.filter(
        pk=email.pk, status=Status.SENDING, claimed_by=email.claimed_by
    ).update(
        status=Status.FAILED if give_up else Status.PENDING,
        not_before=timezone.now() + pause,
        last_error=type(error).__name__[:200],
    )
    # The class only: an SMTP reply can quote the address.
    logger.warning(
        "Email %s not sent (attempt %s%s): %s",
        email.pk,
        email.attempts,
        ", giving up" if give_up else "",
        type(error).__name__,
    )


def prune(older_than: timedelta = KEEP_SENT) -> int:
    """Forget sent and abandoned emails after a while: they hold addresses."""
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxEmail.objects.filter(
        status__in=(Status.SENT, Status.FAILED), created_at__lt=cutoff
    ).delete()
    return deleted
