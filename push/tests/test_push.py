"""Web Push for real: a push service on 127.0.0.1 receives what the worker sends; the test
holds the subscription's keys, decrypts the body (RFC 8291), checks the VAPID signature
(RFC 8292) and that nothing private travels; a 410 removes the subscription."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, Cast
from notes import services as notes
from privacy.keyring import PasswordKeyring
from push import services as push
from push.models import Device, PushMessage
from tending.management.commands.worker import run_pass

SECRET_WORDS = "the-words-only-alice-and-bob-may-read"
OnCommit = Callable[..., Any]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class PushService:
    """A push service on this machine: records every request, answers with `status`."""

    url: str
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 201


@pytest.fixture
def push_service(settings: Any) -> Iterator[PushService]:
    settings.PUSH_ALLOW_LOOPBACK = True
    service = PushService(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            service.received.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            self.send_response(service.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    service.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@dataclass
class Browser:
    """What a browser holds for one subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str

    @classmethod
    def new(cls, service: PushService, name: str) -> Browser:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16), f"{service.url}/{name}")

    def subscribe(self, client: Client) -> None:
        point = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        data = {
            "endpoint": self.endpoint,
            "p256dh": b64url(point),
            "auth": b64url(self.auth),
            "label": "Chrome on Android",
        }
        response = client.post(reverse("push:subscribe"), data)
        assert response.status_code == 302

    def decrypt(self, body: bytes) -> bytes:
        return bytes(
            http_ece.decrypt(
                body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
            )
        )


def check_vapid(headers: dict[str, str], audience: str) -> dict[str, Any]:
    """The Authorization header is `vapid t=<JWT>, k=<server key>`; the JWT is ES256."""
    scheme, _, params = headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == push.public_key()
    header_b64, claims_b64, signature_b64 = fields["t"].split(".")
    assert json.loads(unb64url(header_b64))["alg"] == "ES256"
    raw = unb64url(signature_b64)
    signature = encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    server_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    # Raises InvalidSignature if the token wasn't signed by the server's VAPID key.
    server_key.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    claims: dict[str, Any] = json.loads(unb64url(claims_b64))
    assert claims["aud"] == audience
    assert claims["exp"] > timezone.now().timestamp()
    assert claims["sub"].startswith("mailto:")
    return claims


def test_a_share_reaches_the_partners_phone_encrypted_signed_and_content_free(
    cast: Cast, push_service: PushService, django_capture_on_commit_callbacks: OnCommit
) -> None:
    phone = Browser.new(push_service, "bob-phone")
    phone.subscribe(cast.bob.client)
    device = Device.objects.get(user=cast.bob.user)
    assert device.label == "Chrome on Android" and device.partner

    with django_capture_on_commit_callbacks(execute=True):
        notes.write_note(PasswordKeyring(cast.alice.user, PASSWORD), SECRET_WORDS, shared=True)
    # Queued after commit, sent by the worker: nothing left the server during the request.
    assert push_service.received == []
    assert PushMessage.objects.filter(device=device, kind="partner").count() == 1

    run_pass("test-worker")
    [(path, headers, body)] = push_service.received
    assert path == "/bob-phone"
    assert headers["content-encoding"] == "aes128gcm"
    check_vapid(headers, push_service.url)
    payload = phone.decrypt(body)
    assert json.loads(payload) == {"body": "Something new in Tending"}
    everything = payload + json.dumps(headers).encode() + body
    for private in (SECRET_WORDS.encode(), b"Alice", b"note"):
        assert private not in everything
    assert PushMessage.objects.get(device=device).status == PushMessage.Status.SENT

    # Alice's own devices hear nothing of what she did herself; run again: nothing twice.
    run_pass("test-worker")
    assert len(push_service.received) == 1


def test_a_subscription_the_push_service_calls_gone_is_removed(
    cast: Cast, push_service: PushService
) -> None:
    Browser.new(push_service, "old-phone").subscribe(cast.bob.client)
    push.queue(cast.bob.user, "partner")
    push_service.status = 410
    run_pass("test-worker")
    assert len(push_service.received) == 1
    assert not Device.objects.filter(user=cast.bob.user).exists()
    assert not PushMessage.objects.exists()


def test_a_failure_waits_and_is_retried_without_holding_up_others(
    cast: Cast, push_service: PushService, settings: Any
) -> None:
    Browser.new(push_service, "bob-phone").subscribe(cast.bob.client)
    push.queue(cast.bob.user, "partner")
    push_service.status = 500
    run_pass("test-worker")
    waiting = PushMessage.objects.get()
    assert waiting.status == PushMessage.Status.PENDING
    assert waiting.attempts == 1 and waiting.last_error == "HTTP 500"
    assert waiting.not_before > timezone.now()
    # Alice's message goes out while Bob's waits for its next try.
    push_service.status = 201
    alice_phone = Browser.new(push_service, "alice-phone")
    alice_phone.subscribe(cast.alice.client)
    push.queue(cast.alice.user, "partner")
    run_pass("test-worker")
    assert [path for path, _, _ in push_service.received] == ["/bob-phone", "/alice-phone"]
    # Once its pause is over, Bob's goes too.
    PushMessage.objects.filter(pk=waiting.pk).update(not_before=timezone.now())
    run_pass("test-worker")
    assert [path for path, _, _ in push_service.received][-1] == "/bob-phone"
    assert PushMessage.objects.get(pk=waiting.pk).status == PushMessage.Status.SENT


def test_only_the_kinds_a_device_wants_and_never_in_quiet_hours(
    cast: Cast, push_service: PushService
) -> None:
    Browser.new(push_service, "bob-phone").subscribe(cast.bob.client)
    device = Device.objects.get(user=cast.bob.user)
    response = cast.bob.client.post(
        reverse("push:device", args=[device.pk]), {f"{device.pk}-kinds": ["waiting"]}
    )
    assert response.status_code == 302
    assert push.queue(cast.bob.user, "partner") == 0
    assert push.queue(cast.bob.user, "waiting") == 1

    zone = zoneinfo.ZoneInfo(cast.bob.user.time_zone)
    cast.bob.client.post(reverse("push:quiet"), {"starts": "22:00", "ends": "07:30"})
    late = datetime(2026, 12, 1, 23, 15, tzinfo=zone)
    push.queue(cast.bob.user, "waiting", now=late)
    held = PushMessage.objects.get(created_at=late)
    assert held.not_before == datetime(2026, 12, 2, 7, 30, tzinfo=zone)
    noon = datetime(2026, 12, 2, 12, 0, tzinfo=zone)
    push.queue(cast.bob.user, "waiting", now=noon)
    assert PushMessage.objects.get(created_at=noon).not_before == noon


def test_the_settings_page_lists_only_ones_own_devices_and_removes_them(
    cast: Cast, push_service: PushService
) -> None:
    Browser.new(push_service, "bob-phone").subscribe(cast.bob.client)
    device = Device.objects.get(user=cast.bob.user)
    page = cast.bob.client.get(reverse("push:settings")).content.decode()
    assert "Chrome on Android" in page and "https://" in page
    assert (
        "Chrome on Android" not in cast.alice.client.get(reverse("push:settings")).content.decode()
    )
    # Alice can't remove Bob's device: the same 404 as for one that doesn't exist.
    assert cast.alice.client.post(reverse("push:remove", args=[device.pk])).status_code == 404
    assert cast.bob.client.post(reverse("push:remove", args=[device.pk])).status_code == 302
    assert not Device.objects.exists()


def test_bad_subscriptions_are_refused_plainly(cast: Cast, push_service: PushService) -> None:
    client = cast.bob.client
    good = Browser.new(push_service, "x")
    for endpoint in ("http://10.0.0.5/internal", "file:///etc/passwd", "nonsense"):
        bad = Browser(good.private_key, good.auth, endpoint)
        bad.subscribe(client)
    response = client.post(
        reverse("push:subscribe"),
        {"endpoint": f"{push_service.url}/y", "p256dh": "short", "auth": "short"},
        follow=True,
    )
    assert "keys can&#x27;t be used" in response.content.decode()
    assert not Device.objects.exists()


def test_vapid_keys_are_made_once_into_the_data_dir_for_the_owner_only(
    settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    push.vapid.cache_clear()
    try:
        first = push.public_key()
        path = tmp_path / "vapid_private.pem"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        push.vapid.cache_clear()
        assert push.public_key() == first  # read back, not made again
    finally:
        push.vapid.cache_clear()


def test_quiet_hours_need_both_times(cast: Cast) -> None:
    response = cast.bob.client.post(reverse("push:quiet"), {"starts": "22:00", "ends": ""})
    assert response.status_code == 200
    assert "Please give both times" in response.content.decode()
    assert push.quiet_hours(cast.bob.user) is None


def test_the_days_reminder_and_the_consent_check_in_reach_the_phones_that_asked(
    cast: Cast, push_service: PushService
) -> None:
    from datetime import time as clock
    from datetime import timedelta

    from closeness import services as closeness
    from commitments import reminders
    from commitments import services as commitments
    from commitments.models import ReminderSetting
    from commitments.occurrences import Rule

    Browser.new(push_service, "bob-phone").subscribe(cast.bob.client)
    ring_b = PasswordKeyring(cast.bob.user, PASSWORD)
    commitments.create_commitment(
        ring_b, title="Walk", rule=Rule("daily"), starts_on=timezone.localdate() - timedelta(2)
    )
    setting = ReminderSetting.objects.create(user=cast.bob.user, enabled=True, local_time=clock(0))
    day = commitments.local_today(cast.bob.user)
    reminders.plan(reminders.Due(setting, day))
    reminders.plan(reminders.Due(setting, day))  # asked twice: still one
    assert list(PushMessage.objects.values_list("kind", flat=True)) == ["reminder"]

    for person in (cast.alice.user, cast.bob.user):
        closeness.save_answers(PasswordKeyring(person, PASSWORD), {"b-hug": "yes"}, [])
    moment = closeness.plan_moment(
        PasswordKeyring(cast.alice.user, PASSWORD), timezone.now() + timedelta(hours=1), ["b-hug"]
    )
    closeness.answer_moment(cast.bob.user, moment, yes=True)
    closeness.plan_checkin_emails()
    closeness.plan_checkin_emails()
    consent = PushMessage.objects.filter(kind="consent")
    assert consent.count() == 1  # Bob's one device, once, though he chose no email
    run_pass("test-worker")
    assert all(b"Walk" not in body for _, _, body in push_service.received)
