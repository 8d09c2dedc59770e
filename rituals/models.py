"""A ritual of connection, suggested by one partner and agreed by both before it starts.

Once agreed it lives on as a joint commitment of its own kind (`commitments.services.
start_ritual`): the calendar, marking and resting are the commitments app's. This row keeps
the suggestion and its answer. The weekday and states are clear (the calendar needs them as
it needs any cadence); the words are encrypted under the couple key.
"""

from __future__ import annotations

from django.db import models

from privacy.entries import EncryptedField, Entry

TITLE_MAX = 120


class State(models.TextChoices):
    PROPOSED = "proposed", "Waiting for an answer"
    AGREED = "agreed", "Agreed by both"
    DECLINED = "declined", "Not for now"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Ritual(Entry):
    idea_key = models.CharField(max_length=8, blank=True, default="")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    answered_at = models.DateTimeField(null=True, blank=True)
    commitment_id = models.UUIDField(null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    title = EncryptedField(max_length=TITLE_MAX)

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_ritual_a_form"),
        )

    def export_extra(self) -> dict[str, object]:
        return {"weekday": self.weekday, "state": self.state}
