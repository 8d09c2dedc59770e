"""The email outbox: every email the worker sends is a row here first.

A row is written by whoever wants an email sent (in their transaction, so it exists only if
the work that asked for it did), and delivered by the worker, never by a request thread.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Claimed by a worker"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    # At most one email per key, ever: e.g. "reminder:<user id>:<local date>".
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    # Deleting an account drops the email still waiting for it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # A failed attempt waits before the next one.
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # The exception's class only: an SMTP reply can quote the address.
    last_error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ("created_at",)
        indexes = (models.Index(fields=["status", "not_before"]),)

    def __str__(self) -> str:
        return f"Email {self.pk} ({self.status})"
