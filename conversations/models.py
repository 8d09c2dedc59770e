"""Structured conversations: speaker and listener, a pause that grounds, commitments at the end.

A conversation is a joint record of the couple (both may act on it; it stays, read-only,
with whoever remains if the other leaves). Where it stands (stage, whose turn, paused)
is clear, because both screens follow it without anyone's key; what was said is
encrypted under the couple key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

TOPIC_MAX = 200
WORDS_MAX = 2000
ITEM_MAX = 200


class Kind(models.TextChoices):
    WEEKLY = "weekly", "Weekly conversation"
    TOPIC = "topic", "About one thing"


class Mode(models.TextChoices):
    TOGETHER = "together", "Side by side, passing one phone"
    APART = "apart", "Each on our own device"


class Stage(models.TextChoices):
    AGENDA = "agenda", "Getting ready"
    SPEAKING = "speaking", "Speaking"
    REFLECTING = "reflecting", "Saying back what was heard"
    CHECKING = "checking", "Checking it was heard"
    CLOSING = "closing", "What we'll do"
    DONE = "done", "Finished"


class Conversation(Entry):
    # Without Entry's index on created_at alone: newest-first lists would walk it through
    # every couple's rows to find this couple's few (bench.scale: 50,000 rows read for a
    # page of three); (couple, finished_at) and the author's index serve them instead.
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    mode = models.CharField(max_length=8, choices=Mode.choices)
    joint = models.BooleanField(default=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.AGENDA)
    first_speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.PositiveSmallIntegerField(default=1)
    # Within a round: has the first speaker been heard (so the second one is speaking)?
    second_half = models.BooleanField(default=False)
    attempt = models.PositiveSmallIntegerField(default=1)  # the listener's tries this turn
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    # Ended for today (by either, or left open for a day): resumable exactly where it was.
    resting = models.BooleanField(default=False)
    last_activity_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change; screens poll for it, and every action names the one it saw.
    revision = models.PositiveIntegerField(default=1)
    # What it is about, when it grew from an agreement someone stepped back from, or from
    # a concern (a repair topic).
    agreement = models.ForeignKey(
        "agreements.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concern = models.ForeignKey(
        "agreements.Concern", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    # Who has said their "what I will do" list is done (user ids as strings). It finishes
    # only once both have: one never ends the other's turn.
    done_writing = models.JSONField(default=list, blank=True)

    topic = EncryptedField(max_length=TOPIC_MAX, null=True, blank=True)
    summary = EncryptedField(null=True, blank=True)  # the note kept at the end

    JOINT_LOOKUP = "joint"

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            models.UniqueConstraint(
                fields=["author", "form_token"], name="one_conversation_per_form"
            ),
        )
        indexes = (models.Index(fields=["couple", "finished_at"]),)

    def export_extra(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "stage": self.stage,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }

    def export_title(self, ctx: ExportContext) -> str:
        topic = ctx.quoted(self.plain.get("topic"))
        return f"{Kind(self.kind).label}: {topic}" if topic else str(Kind(self.kind).label)

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        lines = [
            ("Held", str(Mode(self.mode).label).lower()),
            ("Finished", ctx.day(self.finished_at) if self.finished_at else ""),
        ]
        if not self.finished_at:
            lines.append(("Where it was left", str(Stage(self.stage).label).lower()))
        summary = self.plain.get("summary") or {}
        if isinstance(summary, dict):
            for person, words in (summary.get("heard") or {}).items():
                who = ctx.subject(int(person)) if str(person).isdigit() else "one of us"
                lines.append((f"What {who} felt heard about", plain_words(words)))
            for person, items in (summary.get("will_do") or {}).items():
                who = ctx.subject(int(person)) if str(person).isdigit() else "one of us"
                lines.append((f"What {who} will do", plain_words(items)))
        return [(label, words) for label, words in lines if words]


class Said(models.TextChoices):
    ANCHOR = "anchor", "What the speaker wanted to say"
    REFLECTION = "reflection", "What the listener heard"
    MISSED = "missed", "What was missed"
    HEARD = "heard", "Yes, that's it"


class Exchange(Entry):
    """One step of a turn. `speaker` is whose turn it was; `by` who it came from (on one
    device the author is whoever's session it is, so `by` says who was speaking)."""

    PARENT_FIELD = "conversation"
    # What a person said is theirs: it outlives the other's account (SET_NULL).
    conversation = models.ForeignKey(
        Conversation, null=True, on_delete=models.SET_NULL, related_name="exchanges"
    )
    round = models.PositiveSmallIntegerField()
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    said = models.CharField(max_length=10, choices=Said.choices)
    attempt = models.PositiveSmallIntegerField(default=1)
    words = EncryptedField(max_length=WORDS_MAX, null=True, blank=True)

    JOINT_LOOKUP = "conversation__joint"

    class Meta:
        ordering = ("created_at",)

    @classmethod
    def export_label(cls) -> str:
        return "What was said in conversations"

    def export_title(self, ctx: ExportContext) -> str:
        conversation = ctx.get(Conversation, self.conversation_id)
        topic = ctx.quoted(conversation.plain.get("topic")) if conversation else ""
        where = f" ({topic}, round {self.round})" if topic else f" (round {self.round})"
        return f"{Said(self.said).label}{where}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        lines = [("Said by", ctx.name(self.by_id)), ("", plain_words(self.plain.get("words")))]
        return [(label, words) for label, words in lines if words]


class ItemState(models.TextChoices):
    WRITTEN = "written", "Written"
    CONFIRMED = "confirmed", "A commitment now"
    SET_ASIDE = "set_aside", "Set aside"


class Item(Entry):
    """ "What I will do": becomes a commitment only when its owner confirms it."""

    PARENT_FIELD = "conversation"
    conversation = models.ForeignKey(
        Conversation, null=True, on_delete=models.SET_NULL, related_name="items"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.WRITTEN)
    commitment = models.ForeignKey(
        "commitments.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = EncryptedField(max_length=ITEM_MAX)

    JOINT_LOOKUP = "conversation__joint"

    class Meta:
        ordering = ("created_at",)

    @classmethod
    def export_label(cls) -> str:
        return "What each will do, from conversations"

    def export_title(self, ctx: ExportContext) -> str:
        return f"What {ctx.subject(self.owner_id)} will do: {ctx.quoted(self.plain.get('text'))}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        return [("Now", str(ItemState(self.state).label).lower())]


class WordingPreference(models.Model):
    """Whether the gentle wording aid shows while writing (on unless switched off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wording_preference"
    )
    aid_on = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Wording preference of {self.user_id}"
