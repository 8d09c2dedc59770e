"""What one partner did that concerns the other: a kind, a link, maybe an entry. Never text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notice(models.Model):
    """One line for the recipient's Today ("Alice shared a check-in").

    Holds no words of anyone's: the line is built from `kind` (a registered phrase) and, when the
    notice names an entry, from that entry as the recipient may see it *now* (through the
    privacy core), so a notice about an entry that stops being shared disappears by itself.
    """

    couple = models.ForeignKey(
        "couples.CoupleSpace", on_delete=models.CASCADE, related_name="notices"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=64)
    # "app_label.model" and primary key of the entry the notice is about, if any.
    entry_type = models.CharField(max_length=100, blank=True)
    entry_id = models.UUIDField(null=True, blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notice_recipient_time")]

    def __str__(self) -> str:
        return f"Notice {self.pk} ({self.kind})"
