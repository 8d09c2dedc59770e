"""Commitments, the dates they fall on, and how each occasion went.

What a person says (titles, details, what got in the way) is encrypted. What the
calendar, the follow-through counts and the reminder worker need without anyone's
key stays clear: kinds, cadences, dates and the kept/partly/missed result.
"""

from __future__ import annotations

from django.db import models

from privacy.entries import EncryptedField, Entry

TITLE_MAX = 120
DETAILS_MAX = 1000
REFLECTION_MAX = 500
NOTICED_MAX = 300


class Kind(models.TextChoices):
    CHECKIN = "checkin", "Daily check-in"
    CONVERSATION = "conversation", "Weekly conversation"
    REVIEW = "review", "Monthly review"
    PROMISE = "promise", "Commitment"
    RITUAL = "ritual", "Ritual"


class Cadence(models.TextChoices):
    ONCE = "once", "Once"
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Weekly, on chosen days"
    MONTHLY = "monthly", "Monthly"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"


class Result(models.TextChoices):
    KEPT = "kept", "Kept"
    PARTLY = "partly", "Partly kept"
    MISSED = "missed", "Missed"


class Commitment(Entry):
    title = EncryptedField(max_length=TITLE_MAX)
    details = EncryptedField(max_length=DETAILS_MAX, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PROMISE)
    # Joint rhythms (the weekly conversation, the monthly review) can be marked by either.
    joint = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # Bumped by every edit, so a stale form is noticed instead of overwriting.
    revision = models.PositiveIntegerField(default=1)

    JOINT_LOOKUP = "joint"

    class Meta:
        ordering = ("created_at",)
        indexes = (
            models.Index(fields=["author", "status"]),
            models.Index(fields=["couple", "status"]),
        )

    def export_extra(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "joint": self.joint,
            "status": self.status,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }


class Schedule(models.Model):
    """A cadence from a date on. Changing a cadence adds a row from today; the past keeps
    the rows it was made under, so past occasions and outcomes never move."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="schedules")
    effective_from = models.DateField()
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    # Weekly: Monday=0 … Sunday=6, comma separated.
    weekdays = models.CharField(max_length=13, blank=True, default="")
    # Monthly, either a day of the month (short months use their last day) …
    month_day = models.PositiveSmallIntegerField(null=True, blank=True)
    # … or the n-th weekday (1-4, or -1 for the last).
    month_week = models.SmallIntegerField(null=True, blank=True)
    month_weekday = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("effective_from",)
        constraints = (
            models.UniqueConstraint(
                fields=["commitment", "effective_from"], name="one_schedule_per_day"
            ),
        )

    def __str__(self) -> str:
        return f"{self.cadence} from {self.effective_from}"

    @property
    def weekday_list(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d != ""]


class Outcome(Entry):
    """How one occasion went, told by the one who kept (or didn't keep) it."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="outcomes")
    on_date = models.DateField()
    result = models.CharField(max_length=8, choices=Result.choices)
    in_the_way = EncryptedField(max_length=REFLECTION_MAX, null=True, blank=True)
    will_change = EncryptedField(max_length=REFLECTION_MAX, null=True, blank=True)

    JOINT_LOOKUP = "commitment__joint"

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["commitment", "on_date"], name="one_outcome_per_day"),
        )
        indexes = (models.Index(fields=["commitment", "on_date"]),)

    def export_extra(self) -> dict[str, object]:
        return {
            "commitment": str(self.commitment_id),
            "on_date": self.on_date.isoformat(),
            "result": self.result,
        }


class Noticed(Entry):
    """The partner's side: "I noticed this", the evidence that effort was seen."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="noticed")
    on_date = models.DateField()
    note = EncryptedField(max_length=NOTICED_MAX, null=True, blank=True)

    class Meta:
        verbose_name_plural = "noticed"
        constraints = (
            models.UniqueConstraint(
                fields=["commitment", "on_date", "author"], name="one_noticed_per_person_day"
            ),
        )

    def export_extra(self) -> dict[str, object]:
        return {"commitment": str(self.commitment_id), "on_date": self.on_date.isoformat()}


# -- calendar feed --


class CalendarFeed(models.Model):
    """A person's secret iCalendar address. Only a keyed hash of its token is kept in clear;
    the token itself is kept under the person's data key so they can see the address again."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sealed_token = models.BinaryField()
    # Opt-in: titles kept for the feed under a key derived from the token (FeedTitle).
    show_titles = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed {self.pk}"


class FeedTitle(models.Model):
    """One commitment's title, encrypted under a key only the feed's URL token carries."""

    feed = models.ForeignKey(CalendarFeed, on_delete=models.CASCADE, related_name="titles")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    sealed_title = models.BinaryField()
    # The commitment's revision this copy was made from: a refresh redoes only changed ones.
    revision = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["feed", "commitment"], name="one_title_per_feed"),
        )

    def __str__(self) -> str:
        return f"title copy for {self.commitment_id}"


# -- reminders --
# (Appended as its own section; the import stays with the code that needs it.)
from datetime import time  # noqa: E402


class ReminderSetting(models.Model):
    """Whether a person gets a reminder email, and at which time on their own clock."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="reminder_setting"
    )
    enabled = models.BooleanField(default=False)
    # Wall-clock time in the person's own time zone (User.time_zone), so DST never moves it.
    local_time = models.TimeField(default=time(8, 0))
    # The local day whose reminder is already planned (sent, or found to hold nothing). It
    # only saves the worker work; the outbox's dedupe key is what makes it once a day.
    planned_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminder at {self.local_time:%H:%M} ({'on' if self.enabled else 'off'})"
