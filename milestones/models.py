"""Milestones noticed (never streaks), whether a person wants them, and their quiet dates.

A milestone is a fact both already see elsewhere (a check-in count of one's own, a review
finished together): its key and dates are clear, like the check-in days they come from. A
personal one belongs to its person; a shared one to the couple space. A quiet date is private
and encrypted: only its person's own pages open it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from privacy.entries import EncryptedField, Entry

NOTE_MAX = 200


class MilestonePreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestone_preference"
    )
    on = models.BooleanField(default=True)
    # The local day milestones were last looked for: at most once a day per person.
    checked_on = models.DateField(null=True, blank=True)
    # The day this person came back after a long gap: Today says "welcome back" that day.
    welcomed_on = models.DateField(null=True, blank=True)
    # Keyed hashes (server secret) of this person's quiet dates, so the reminder worker,
    # which holds no one's keys, can hold back nudges on them. A database copy alone can't
    # tell which days they are. Rewritten whenever the person's own keys are at hand.
    quiet_marks = models.TextField(blank=True, default="")
    # Until this day a milestone noticed lately may show on Today; before looking for one,
    # Today checks this, so the usual day (nothing fresh) costs no query for milestones.
    shown_until = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Milestone preference of {self.user_id}"


class Reached(models.Model):
    key = models.CharField(max_length=32)
    # Exactly one of these: a person's own milestone, or the couple's shared one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    couple = models.ForeignKey(
        "couples.CoupleSpace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reached_on = models.DateField()
    noticed_on = models.DateField()

    class Meta:
        ordering = ("-reached_on",)
        constraints = (
            models.UniqueConstraint(
                fields=["user", "key"], condition=Q(user__isnull=False), name="own_once"
            ),
            models.UniqueConstraint(
                fields=["couple", "key"], condition=Q(couple__isnull=False), name="shared_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(couple__isnull=True), name="own_or_shared"
            ),
        )

    def __str__(self) -> str:
        return f"{self.key} on {self.reached_on}"


class QuietDate(Entry):
    """A day of the year on which Tending marks nothing and nudges no one: private for good."""

    month_day = EncryptedField()  # "MM-DD"
    note = EncryptedField(max_length=NOTE_MAX, null=True, blank=True)

    SHAREABLE = False

    class Meta:
        ordering = ("created_at",)
