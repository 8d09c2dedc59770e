"""Bids for connection: a small reach for contact, who made it, and how it was met.

Who reached, what kind of reach and how it was met are the person's own perception, so
they are encrypted like words; the rates are counted at view time, with the keys. Only the
moment it happened stays clear, for ordering and for the weekly windows, and a random
per-form token, so a double tap saves one bid, not two.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

WORDS_MAX = 300


class Who(models.TextChoices):
    ME = "me", "I reached out"
    PARTNER = "partner", "My partner reached out"


class Kind(models.TextChoices):
    WORDS = "words", "Words"
    QUESTION = "question", "A question"
    HUMOUR = "humour", "Humour"
    TOUCH = "touch", "Touch"
    LOOK = "look", "A look or a sigh"
    HELP = "help", "Asking for help"
    MESSAGE = "message", "A message sent for closeness"


class Response(models.TextChoices):
    TOWARD = "toward", "Turned toward"
    AWAY = "away", "Turned away"
    AGAINST = "against", "Turned against"


def _label(choices: type[models.TextChoices], value: object) -> str:
    return str(choices(value).label) if value in choices.values else ""


class Bid(Entry):
    # Entry's author and couple without one-column indexes: (author, -noted_at) and
    # (couple, -noted_at) below start with them and serve both (issue 18).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    couple = models.ForeignKey(
        "couples.CoupleSpace",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    noted_at = models.DateTimeField(default=timezone.now)  # when it happened
    # A random value the noting form carries; a second submit of the same form finds it.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    who = EncryptedField()  # a Who value
    kind = EncryptedField()  # a Kind value
    response = EncryptedField()  # a Response value
    words = EncryptedField(max_length=WORDS_MAX, null=True, blank=True)
    # Whether the partner, once it is shared, also reads how the reach felt met. Off by
    # default: the author may share the reach alone (a shared "turned away" read as a verdict).
    response_shared = models.BooleanField(default=False)

    class Meta:
        ordering = ("-noted_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_bid_per_form"),
        )
        indexes = (
            models.Index(fields=["author", "-noted_at"]),
            models.Index(fields=["couple", "-noted_at"]),
        )

    def export_extra(self) -> dict[str, object]:
        return {"noted_at": self.noted_at.isoformat()}

    def export_when(self) -> datetime:
        return self.noted_at

    def export_title(self, ctx: ExportContext) -> str:
        who = _label(Who, self.plain.get("who"))
        if self.author_id != ctx.user.pk and who:  # told from the partner's side
            by = ctx.name(self.author_id)
            who = f"{by} reached out" if self.plain.get("who") == Who.ME else "I reached out"
        kind = _label(Kind, self.plain.get("kind"))
        return f"{who}: {kind.lower()}" if who and kind else who or kind or "A bid"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        lines = [
            ("How it was met", _label(Response, self.plain.get("response"))),
            ("In a few words", plain_words(self.plain.get("words"))),
        ]
        return [(label, words) for label, words in lines if words]


class BidPreference(models.Model):
    """Whether the gentle "notice one bid today" line shows on the home page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bid_preference"
    )
    daily_nudge = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Bid preference of {self.user_id}"
