"""Notes of appreciation from one partner to the other, and the other's small answer.

An appreciation is written for the partner, so it is shared (under the couple key) from the
moment it is kept. The answer is the partner's own entry, shared back: a word, or simply
"this meant a lot". Nothing here is counted per person.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry

DID_MAX = 500
MEANT_MAX = 500
ABOUT_MAX = 300
WORD_MAX = 200


class Appreciation(Entry):
    # Without Entry's index on created_at alone: newest-first lists would walk it through
    # every couple's rows to find this couple's few (bench.scale: 50,000 rows read for a
    # page of three); (couple, -created_at) and the author's index serve them instead.
    created_at = models.DateTimeField(default=timezone.now)
    # A random value the writing form carries; a second submit of the same form finds it.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    what_they_did = EncryptedField(max_length=DID_MAX)
    what_it_meant = EncryptedField(max_length=MEANT_MAX)
    says_about_them = EncryptedField(max_length=ABOUT_MAX, null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            models.UniqueConstraint(
                fields=["author", "form_token"], name="one_appreciation_per_form"
            ),
        )
        indexes = (models.Index(fields=["couple", "-created_at"]),)


class AppreciationAnswer(Entry):
    """The partner's answer to a note of appreciation: one per note."""

    appreciation = models.ForeignKey(Appreciation, on_delete=models.CASCADE, related_name="answers")
    meant_a_lot = EncryptedField()  # True for "this meant a lot"
    words = EncryptedField(max_length=WORD_MAX, null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["appreciation", "author"], name="one_answer_per_appreciation"
            ),
        )

    def export_extra(self) -> dict[str, object]:
        return {"appreciation": str(self.appreciation_id)}
