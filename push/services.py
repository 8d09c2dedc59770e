"""Web Push (RFC 8030, encrypted per RFC 8291, signed with VAPID per RFC 8292).

A notice for the partner (activity.on_notice), a reminder or a consent check-in puts one row
per wanting device in `PushMessage`; the worker sends them, never a request. Every payload
is the same plain sentence, so a lock screen or the push service learns nothing private.
A device the push service says is gone (404/410) is removed; any other failure waits and is
tried again with a growing pause, without holding up the rest.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import zoneinfo
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from accounts.models import User
from activity.models import Notice
from push.models import Device, Kind, PushMessage, QuietHours

logger = logging.getLogger(__name__)

PAYLOAD = json.dumps({"body": "Something new in Tending"})
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH_SIZE = 50
SEND_TIMEOUT = 10.0  # seconds; a slow push service must not hold the worker
KEEP_SENT = timedelta(days=7)
# Notices about something the person is asked to answer; the rest are "from my partner".
WAITING_NOTICES = frozenset(
    {"agreements.proposed", "agreements.revised", "closeness.moment", "closeness.slow_down"}
)
Status = PushMessage.Status


class PushProblem(Exception):
    """Bad subscription data; the message is for the person."""


# -- keys -----------------------------------------------------------------------------------


@cache
def vapid() -> Vapid:
    """The server's VAPID key: from TENDING_VAPID_PRIVATE_KEY, else generated once into the
    data directory, readable by its owner only."""
    given = getattr(settings, "VAPID_PRIVATE_KEY", "")
    if given:
        return Vapid.from_string(private_key=given)
    path = Path(settings.DATA_DIR) / "vapid_private.pem"
    if not path.exists():
        made = Vapid()
        made.generate_keys()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago
            return Vapid.from_file(str(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(made.private_pem())
    return Vapid.from_file(str(path))


def public_key() -> str:
    """The application server key the browser subscribes with (uncompressed point, base64url)."""
    raw = vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims() -> dict[str, str | int]:
    return {"sub": getattr(settings, "VAPID_SUBJECT", "mailto:tending@localhost")}


# -- devices --------------------------------------------------------------------------------


def _check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint.strip())
    loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    allowed = parts.scheme == "https" or (
        parts.scheme == "http" and loopback and settings.PUSH_ALLOW_LOOPBACK
    )
    if not allowed or not parts.hostname or len(endpoint) > 1000:
        raise PushProblem("This browser's notification address can't be used. Please try again.")
    return endpoint.strip()


def _check_key(value: str, size: int) -> str:
    value = value.strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise PushProblem("This browser's notification keys can't be used. Please try again.")
    return value


def subscribe(user: User, endpoint: str, p256dh: str, auth: str, label: str) -> Device:
    """Turn notifications on for one browser. The same browser again updates its row."""
    endpoint = _check_endpoint(endpoint)
    values = {
        "user": user,
        "p256dh": _check_key(p256dh, 65),
        "auth": _check_key(auth, 16),
        "label": label.strip()[:100],
    }
    device, _ = Device.objects.update_or_create(endpoint=endpoint, defaults=values)
    return device


def devices(user: User) -> list[Device]:
    return list(Device.objects.filter(user=user).order_by("created_at"))


def set_kinds(device: Device, wanted: set[str]) -> None:
    for kind in Kind.values:
        setattr(device, kind, kind in wanted)
    device.save(update_fields=list(Kind.values))


def remove(device: Device) -> None:
    device.delete()


def quiet_hours(user: User) -> QuietHours | None:
    return QuietHours.objects.filter(user=user).first()


def set_quiet_hours(user: User, starts: time | None, ends: time | None) -> None:
    if starts is None or ends is None or starts == ends:
        QuietHours.objects.filter(user=user).delete()
        return
    QuietHours.objects.update_or_create(user=user, defaults={"starts": starts, "ends": ends})


def _after_quiet(user: User, now: datetime) -> datetime:
    """`now`, or the end of this person's quiet hours when `now` falls inside them."""
    quiet = quiet_hours(user)
    if quiet is None:
        return now
    zone = zoneinfo.ZoneInfo(user.time_zone)
    local = now.astimezone(zone)
    at = local.time()
    inside = (
        quiet.starts <= at < quiet.ends
        if quiet.starts < quiet.ends
        else at >= quiet.starts or at < quiet.ends
    )
    if not inside:
        return now
    end = datetime.combine(local.date(), quiet.ends, tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), quiet.ends, tzinfo=zone)
    return end


# -- queueing -------------------------------------------------------------------------------


def queue(
    user: User, kind: str, now: datetime | None = None, *, dedupe_key: str | None = None
) -> int:
    """One message per device of `user` that wants `kind` (with a key: only ever one per
    device and key, however often asked); returns how many devices were asked."""
    now = now or timezone.now()
    wanting = [d for d in Device.objects.filter(user=user) if d.wants(kind)]
    if not wanting:
        return 0
    not_before = _after_quiet(user, now)
    PushMessage.objects.bulk_create(
        (
            PushMessage(
                device=d, kind=kind, created_at=now, not_before=not_before, dedupe_key=dedupe_key
            )
            for d in wanting
        ),
        ignore_conflicts=dedupe_key is not None,
    )
    return len(wanting)


def queue_for_notice(notice: Notice) -> None:
    """activity.on_notice hook (after commit): the partner did something that concerns them."""
    kind = Kind.WAITING if notice.kind in WAITING_NOTICES else Kind.PARTNER
    queue(notice.recipient, kind)


# -- sending (the worker) -------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    return Q(status=Status.PENDING, not_before__lte=now) | Q(
        status=Status.SENDING, sent_at__isnull=True, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def _claim(message_id: int, worker_id: str) -> bool:
    now = timezone.now()
    won = PushMessage.objects.filter(_claimable(now), pk=message_id).update(
        status=Status.SENDING, claimed_at=now, claimed_by=worker_id, attempts=F("attempts") + 1
    )
    return won == 1


def deliver_pending(
    worker_id: str, *, batch_size: int = BATCH_SIZE, stop: threading.Event | None = None
) -> int:
    """Claim and send what is due; returns how many this worker sent."""
    sent = 0
    while True:
        batch = list(
            PushMessage.objects.filter(_claimable(timezone.now()))
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        for message_id in batch:
            if stop is not None and stop.is_set():
                return sent
            if _claim(message_id, worker_id) and _send(message_id):
                sent += 1
        if len(batch) < batch_size:
            return sent


def _send(message_id: int) -> bool:
    message = PushMessage.objects.select_related("device").get(pk=message_id)
    device = message.device
    subscription: dict[str, Any] = {
        "endpoint": device.endpoint,
        "keys": {"p256dh": device.p256dh, "auth": device.auth},
    }
    try:
        webpush(
            subscription,
            data=PAYLOAD,
            vapid_private_key=vapid(),
            vapid_claims=_claims(),
            timeout=SEND_TIMEOUT,
            ttl=24 * 60 * 60,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            # The push service forgot this browser: so do we (its messages go with it).
            Device.objects.filter(pk=device.pk).delete()
            return False
        _failed(message, f"HTTP {status}" if status else type(error).__name__)
        return False
    except Exception as error:  # a network error: try again later
        _failed(message, type(error).__name__)
        return False
    PushMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _failed(message: PushMessage, reason: str) -> None:
    give_up = message.attempts >= MAX_ATTEMPTS
    pause = min(timedelta(minutes=2 ** max(message.attempts - 1, 0)), timedelta(hours=1))
    PushMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED if give_up else Status.PENDING,
        not_before=timezone.now() + pause,
        last_error=reason[:100],
    )
    logger.info("Push %s not sent (%s); attempt %s", message.pk, reason, message.attempts)


def prune(now: datetime | None = None) -> int:
    now = now or timezone.now()
    gone, _ = PushMessage.objects.filter(
        status__in=[Status.SENT, Status.FAILED], created_at__lt=now - KEEP_SENT
    ).delete()
    return gone
