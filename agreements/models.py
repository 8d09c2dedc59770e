"""Agreements both partners chose, every version of them, the monthly review, and concerns.

An agreement is a joint record: nothing in it takes effect until the other partner accepts.
Its words live in versions, each encrypted under the couple key, so both can read every
version and the comparison between them. What stays clear is what the pages and the
weekly agenda need without anyone's key: the kind, the state, who proposed and accepted a
version and when. See docs/privacy.md for the table of clear fields.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

TITLE_MAX = 120
FIELD_MAX = 300  # what is shared, how often, through which channel, the boundary itself
NOTES_MAX = 2000
REVIEW_NOTE_MAX = 500
CONCERN_MAX = 2000


class Kind(models.TextChoices):
    TRANSPARENCY = "transparency", "Transparency"
    BOUNDARY = "boundary", "Boundary"
    OTHER = "other", "Something else"
    # The couple's shared picture of the future, on its own page (projects.views.heading).
    HEADING = "heading", "Where we're heading"


class Area(models.TextChoices):
    """What a boundary is about. Encrypted with the rest of a version's words."""

    PEOPLE = "people", "Contact with particular people"
    DEVICES = "devices", "Devices"
    SOCIAL = "social", "Social media"
    PRIVACY = "privacy", "Privacy"
    TIME = "time", "Time"
    OTHER = "other", "Something else"


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed"  # no version accepted yet
    IN_EFFECT = "in_effect", "In effect"
    RETIRED = "retired", "Retired"  # both agreed to end it
    NOT_AGREED = "not_agreed", "Not agreed"  # the first proposal was withdrawn or declined


def agreement_title(agreement_id: object, ctx: ExportContext) -> str:
    """An agreement's title in the export: its version in effect, else its newest."""
    agreement = ctx.get(Agreement, agreement_id)
    versions = ctx.where(AgreementVersion, "agreement_id", agreement_id)
    chosen = [v for v in versions if agreement and v.pk == agreement.current_id] or sorted(
        versions, key=lambda v: v.number
    )[-1:]
    title = chosen[0].plain.get("title") if chosen else None
    return ctx.quoted(title) if title else "an agreement"


def _kept(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, words) for label, words in lines if words]


class Agreement(Entry):
    """The author is whoever first proposed it. Visibility is always shared: a proposal
    is meant for the partner. `joint` turns True once a version has been accepted, and
    from then on the agreement belongs to both (and stays, read-only, with whoever remains
    if the other leaves)."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    joint = models.BooleanField(default=False)
    current = models.ForeignKey(
        "AgreementVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pending = models.ForeignKey(
        "AgreementVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Either partner may step back alone; it then needs a conversation.
    stepped_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stepped_back_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change, so a form opened before someone else's change is noticed.
    revision = models.PositiveIntegerField(default=1)
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    JOINT_LOOKUP = "joint"

    class Meta:
        ordering = ("created_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_agreement_per_form"),
        )
        indexes = (models.Index(fields=["couple", "status"]),)

    def export_extra(self) -> dict[str, object]:
        return {"kind": self.kind, "status": self.status}

    @property
    def stepped_back(self) -> bool:
        return self.stepped_back_by_id is not None

    def export_title(self, ctx: ExportContext) -> str:
        return f"{Kind(self.kind).label} agreement: {agreement_title(self.pk, ctx)}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        lines = [("Now", str(Status(self.status).label).lower())]
        if self.stepped_back_at:
            who = ctx.name(self.stepped_back_by_id)
            lines.append(("Stepped back", f"by {who}, {ctx.day(self.stepped_back_at)}"))
        return lines


class Change(models.TextChoices):
    PROPOSE = "propose", "Proposed"
    REVISE = "revise", "Revision"
    RETIRE = "retire", "Retiring it"


class VersionState(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    REPLACED = "replaced", "Replaced by a later proposal"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Not accepted"


class AgreementVersion(Entry):
    """One proposal of the words of an agreement: the first, a revision, or retiring it.
    The author proposed it; `answered_by` accepted (or declined) it."""

    PARENT_FIELD = "agreement"
    # Each version belongs to who proposed it; it outlives the agreement's author.
    agreement = models.ForeignKey(
        Agreement, null=True, on_delete=models.SET_NULL, related_name="versions"
    )
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=8, choices=Change.choices)
    state = models.CharField(
        max_length=10, choices=VersionState.choices, default=VersionState.PENDING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    title = EncryptedField(max_length=TITLE_MAX)
    # Transparency: what will be shared, how often, through which channel.
    what = EncryptedField(max_length=FIELD_MAX, null=True, blank=True)
    how_often = EncryptedField(max_length=FIELD_MAX, null=True, blank=True)
    channel = EncryptedField(max_length=FIELD_MAX, null=True, blank=True)
    # Boundary: what it's about, and the boundary itself. Other: `text` alone.
    area = EncryptedField(null=True, blank=True)
    text = EncryptedField(max_length=FIELD_MAX * 2, null=True, blank=True)
    notes = EncryptedField(max_length=NOTES_MAX, null=True, blank=True)

    JOINT_LOOKUP = "agreement__joint"

    class Meta:
        ordering = ("agreement", "number")
        constraints = (
            models.UniqueConstraint(fields=["agreement", "number"], name="one_version_number"),
            models.UniqueConstraint(fields=["author", "form_token"], name="one_version_per_form"),
        )

    def export_extra(self) -> dict[str, object]:
        return {
            "agreement": str(self.agreement_id),
            "number": self.number,
            "change": self.change,
            "state": self.state,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
        }

    @classmethod
    def export_label(cls) -> str:
        return "Agreement versions"

    def export_title(self, ctx: ExportContext) -> str:
        change = str(Change(self.change).label).lower()
        return f"{ctx.quoted(self.plain.get('title'))}, version {self.number} ({change})"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        p = self.plain
        answered = ""
        if self.answered_at:
            answered = f"{ctx.day(self.answered_at)}, by {ctx.name(self.answered_by_id)}"
        area = p.get("area")
        return _kept(
            [
                ("What will be shared", plain_words(p.get("what"))),
                ("How often", plain_words(p.get("how_often"))),
                ("Through", plain_words(p.get("channel"))),
                ("About", str(Area(area).label) if area in Area.values else ""),
                ("The boundary", plain_words(p.get("text"))),
                ("Notes", plain_words(p.get("notes"))),
                ("This version", str(VersionState(self.state).label).lower()),
                ("Answered", answered),
            ]
        )


# -- the monthly review ---------------------------------------------------------------------


class Choice(models.TextChoices):
    KEEP = "keep", "Keep it"
    REVISE = "revise", "Revise it"
    RETIRE = "retire", "Retire it"


class Review(models.Model):
    """One couple's review of one month. Holds nothing personal: answers are entries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    couple = models.ForeignKey("couples.CoupleSpace", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month, in the starter's time zone
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)  # when both had finished

    class Meta:
        ordering = ("-month",)
        constraints = (
            models.UniqueConstraint(fields=["couple", "month"], name="one_review_per_month"),
        )

    def __str__(self) -> str:
        return f"Review {self.month:%Y-%m} of couple {self.couple_id}"


class ReviewTurn(models.Model):
    """That one person has finished their part of a review (nothing about what they said)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="turns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["review", "user"], name="one_turn_per_person"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} finished {self.review_id}"


class ReviewAnswer(Entry):
    """Keep, revise or retire, and a note: one person's answer about one agreement.

    Encrypted under the couple key from the start, because both are meant to read it once
    both have finished; until then the access rule shows it to its author only
    (`PARTNER_SEES_WHEN`)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    PARENT_FIELD = "agreement"
    agreement = models.ForeignKey(Agreement, null=True, on_delete=models.SET_NULL, related_name="+")
    choice = EncryptedField()  # a Choice value
    note = EncryptedField(max_length=REVIEW_NOTE_MAX, null=True, blank=True)

    PARTNER_SEES_WHEN = {"review__finished_at__isnull": False}

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["review", "agreement", "author"], name="one_answer_per_person"
            ),
        )

    def export_extra(self) -> dict[str, object]:
        return {"month": self.review.month.isoformat(), "agreement": str(self.agreement_id)}

    @classmethod
    def export_label(cls) -> str:
        return "Monthly review answers"

    def export_when(self) -> date:
        return self.review.month

    def export_title(self, ctx: ExportContext) -> str:
        month = ctx.day(self.review.month).split(" ", 1)[-1]
        return f"Review of {month}: {agreement_title(self.agreement_id, ctx)}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        choice = self.plain.get("choice")
        return _kept(
            [
                ("Answer", str(Choice(choice).label) if choice in Choice.values else ""),
                ("A note", plain_words(self.plain.get("note"))),
            ]
        )


# -- concerns -------------------------------------------------------------------------------


class Concern(Entry):
    """That an agreement was not kept, as one person saw it. Private while it is a draft;
    sent, it is shared with the partner and opens a repair topic until both agree it has
    been talked through: one suggests it, the other accepts or not."""

    PARENT_FIELD = "agreement"
    agreement = models.ForeignKey(
        Agreement, null=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    # Who suggested it has been talked through; it settles when the other agrees.
    settle_suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    what_happened = EncryptedField(max_length=CONCERN_MAX, null=True, blank=True)
    how_it_felt = EncryptedField(max_length=CONCERN_MAX, null=True, blank=True)
    what_i_need = EncryptedField(max_length=CONCERN_MAX, null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_concern_per_form"),
        )

    def export_extra(self) -> dict[str, object]:
        return {
            "agreement": str(self.agreement_id),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }

    def export_when(self) -> datetime:
        return self.sent_at or self.created_at

    def export_title(self, ctx: ExportContext) -> str:
        return f"A concern about {agreement_title(self.agreement_id, ctx)}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        p = self.plain
        sent = ctx.day(self.sent_at) if self.sent_at else "not sent (a draft)"
        return _kept(
            [
                ("Sent", sent),
                ("Talked through", ctx.day(self.settled_at) if self.settled_at else ""),
                ("What happened", plain_words(p.get("what_happened"))),
                ("How it felt", plain_words(p.get("how_it_felt"))),
                ("What I need", plain_words(p.get("what_i_need"))),
            ]
        )


class ConcernAnswer(Entry):
    """The partner's answer, with prompts for ownership. Private while a draft."""

    PARENT_FIELD = "concern"
    # No reverse accessor: `concern.answer` would hand a template the partner's private
    # draft. Read answers through agreements.services, which applies the access rule.
    # The answer is its author's words: it outlives the concern's author (SET_NULL).
    concern = models.OneToOneField(Concern, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    what_i_did = EncryptedField(max_length=CONCERN_MAX, null=True, blank=True)
    how_it_affected = EncryptedField(max_length=CONCERN_MAX, null=True, blank=True)
    what_i_will_do = EncryptedField(max_length=CONCERN_MAX, null=True, blank=True)

    def export_extra(self) -> dict[str, object]:
        return {
            "concern": str(self.concern_id),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }

    @classmethod
    def export_label(cls) -> str:
        return "Answers to concerns"

    def export_when(self) -> datetime:
        return self.sent_at or self.created_at

    def export_title(self, ctx: ExportContext) -> str:
        concern = ctx.get(Concern, self.concern_id)
        about = agreement_title(concern.agreement_id, ctx) if isinstance(concern, Concern) else ""
        return f"An answer to a concern about {about or 'an agreement'}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        p = self.plain
        return _kept(
            [
                ("Sent", ctx.day(self.sent_at) if self.sent_at else "not sent (a draft)"),
                ("What I did", plain_words(p.get("what_i_did"))),
                ("How I see it affected you", plain_words(p.get("how_it_affected"))),
                ("What I will do", plain_words(p.get("what_i_will_do"))),
            ]
        )
