"""Our question: one question for the day or the week, answered by each, shown once both have.

A round is a joint record of the couple space (either may answer in it), holding the question's
words under the couple key: a question the couple wrote is theirs. Answers are encrypted under
the couple key from the start (both are meant to read them side by side) and sealed from the
partner by the one reading rule until both have answered (`PARTNER_SEES_WHEN`), as the monthly
review answers are. Skipping leaves a row only the skipper's pages read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry

ANSWER_MAX = 1000
OWN_MAX = 200


class Cadence(models.TextChoices):
    DAILY = "daily", "A question each day"
    WEEKLY = "weekly", "A question each week"


class QuestionSettings(models.Model):
    couple = models.OneToOneField(
        "couples.CoupleSpace", on_delete=models.CASCADE, related_name="question_settings"
    )
    cadence = models.CharField(max_length=8, choices=Cadence.choices, default=Cadence.WEEKLY)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Question settings of {self.couple_id}"


class Round(Entry):
    joint = models.BooleanField(default=True)
    starts_on = models.DateField()
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    # Which question of the bank (blank for one the couple wrote): the no-repeat rule reads it.
    bank_key = models.CharField(max_length=8, blank=True, default="")
    own = models.ForeignKey(
        "questions.OwnQuestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    both_answered_at = models.DateTimeField(null=True, blank=True)
    text = EncryptedField(max_length=OWN_MAX)

    JOINT_LOOKUP = "joint"

    class Meta:
        ordering = ("-starts_on",)
        constraints = (
            models.UniqueConstraint(fields=["couple", "starts_on"], name="one_round_a_start"),
        )

    def export_extra(self) -> dict[str, object]:
        return {"starts_on": self.starts_on.isoformat(), "cadence": self.cadence}


class OwnQuestion(Entry):
    """A question one of them wrote for the two of them; asked before the bank's."""

    used_at = models.DateTimeField(null=True, blank=True)
    # A random value the form carries; a second submit of the same form finds the first.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    text = EncryptedField(max_length=OWN_MAX)

    class Meta:
        ordering = ("created_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_question_a_form"),
        )


class Answer(Entry):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    text = EncryptedField(max_length=ANSWER_MAX)

    PARTNER_SEES_WHEN = {"round__both_answered_at__isnull": False}

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["round", "author"], name="one_answer_a_round"),
        )

    def export_extra(self) -> dict[str, object]:
        return {"round": str(self.round_id)}


class Skip(models.Model):
    """This person let this round go. Only their own pages read it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["round", "user"], name="one_skip_a_round"),)

    def __str__(self) -> str:
        return f"{self.user_id} let {self.round_id} go"
