"""Agreements both partners chose, every version of them, the monthly review, and concerns.

An agreement is a joint record: nothing in it takes effect until the other partner accepts.
Its words live in versions, each encrypted under the couple key, so both can read every
version and the comparison between them. What stays clear is what the pages and the
weekly agenda need without anyone's key: the kind, the state, who proposed and accepted a
version and when. See docs/privacy.md for the table of clear fields.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry

TITLE_MAX = 120
FIELD_MAX = 300  # what is shared, how often, through which channel, the boundary itself
NOTES_MAX = 2000
REVIEW_NOTE_MAX = 500
CONCERN_MAX = 2000


class Kind(models.TextChoices):
    TRANSPARENCY = "transparency", "Transparency"
    BOUNDARY = "boundary", "Boundary"
    OTHER = "other", "Something else"


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


# -- concerns -------------------------------------------------------------------------------


class Concern(Entry):
    """That an agreement was not kept, as one person saw it. Private while it is a draft;
    sent, it is shared with the partner and opens a repair topic until either says it has
    been talked through."""

    PARENT_FIELD = "agreement"
    agreement = models.ForeignKey(
        Agreement, null=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
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
