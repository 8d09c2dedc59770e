"""Web Push: the devices a person turned notifications on for, and what waits to be sent.

Nothing here holds anyone's words: a message is a kind ("partner", "waiting", ...) and the
payload the worker sends is always the same plain sentence.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    REMINDER = "reminder", "The day's reminder"
    PARTNER = "partner", "Something new from my partner"
    WAITING = "waiting", "Something waiting for me"
    CONSENT = "consent", "The check-in before a planned moment"


class Device(models.Model):
    """One browser on one phone or computer, subscribed through its push service."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    label = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # Which kinds this device wants; all on when a person turns notifications on.
    reminder = models.BooleanField(default=True)
    partner = models.BooleanField(default=True)
    waiting = models.BooleanField(default=True)
    consent = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Device {self.pk}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


class QuietHours(models.Model):
    """No notification between `starts` and `ends`, in the person's own time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts = models.TimeField()
    ends = models.TimeField()

    def __str__(self) -> str:
        return f"Quiet hours {self.pk}"


class PushMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Claimed by a worker"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # At most one message per device and key: e.g. "closeness-checkin:<moment id>".
    # NULL, not "", for no key: NULLs never collide in the unique constraint.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # A status code or an exception's class only: never a response body.
    last_error = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        indexes = (models.Index(fields=["status", "not_before"]),)
        constraints = (
            models.UniqueConstraint(
                fields=["device", "dedupe_key"], name="push_once_per_device_and_key"
            ),
        )

    def __str__(self) -> str:
        return f"Push {self.pk} ({self.status})"
