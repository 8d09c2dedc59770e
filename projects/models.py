"""Projects the two of them take on together (a trip, a room, a hobby), and their steps.

A project belongs to both from the start (a joint record under the couple key); either adds
a step, ticks one off or marks the whole thing done together. The words are encrypted; what
the calendar and Today need without anyone's key stays clear: a step's date, whether and
when it was ticked off, and the project's state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from privacy.entries import EncryptedField, Entry

TITLE_MAX = 120
STEP_MAX = 120
STEPS_MAX = 12


class State(models.TextChoices):
    OPEN = "open", "Under way"
    DONE = "done", "Done together"


class Project(Entry):
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Made by both from the start: stays, read-only, with whoever remains after a leave.
    joint = models.BooleanField(default=True)
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    title = EncryptedField(max_length=TITLE_MAX)

    JOINT_LOOKUP = "joint"

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_project_a_form"),
        )

    def export_extra(self) -> dict[str, object]:
        return {"state": self.state, "done_at": self.done_at.isoformat() if self.done_at else None}


class Step(Entry):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The joint one-time commitment that puts a dated step on both calendars.
    commitment_id = models.UUIDField(null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    title = EncryptedField(max_length=STEP_MAX)

    JOINT_LOOKUP = "project__joint"

    class Meta:
        ordering = ("position", "created_at")
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_step_a_form"),
        )
        indexes = (models.Index(fields=["couple", "due_on"]),)

    def export_extra(self) -> dict[str, object]:
        return {
            "project": str(self.project_id),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "done": self.done_at is not None,
        }
