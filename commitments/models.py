"""Commitments, the dates they fall on, and how each occasion went.

What a person says (titles, details, what got in the way) is encrypted. What the
calendar, the follow-through counts and the reminder worker need without anyone's
key stays clear: kinds, cadences, dates and the kept/partly/missed result.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

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
    # A dated step of a project the two of them share (projects.services), kept by either.
    PROJECT = "project", "Project step"


class Cadence(models.TextChoices):
    ONCE = "once", "Once"
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Weekly, on chosen days"
    MONTHLY = "monthly", "Monthly"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"
    # A joint rhythm one partner suggested: not on until the other accepts (rule 6).
    SUGGESTED = "suggested", "Suggested"


class Result(models.TextChoices):
    KEPT = "kept", "Kept"
    PARTLY = "partly", "Partly kept"
    MISSED = "missed", "Missed"


# Every kind but the daily check-in rhythm (see Commitment.PARTNER_SEES_WHEN).
PARTNER_MAY_SEE_KINDS = (Kind.PROMISE, Kind.CONVERSATION, Kind.REVIEW)


class Commitment(Entry):
    title = EncryptedField(max_length=TITLE_MAX)
    details = EncryptedField(max_length=DETAILS_MAX, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PROMISE)
    # Joint rhythms (the weekly conversation, the monthly review) can be marked by either.
    joint = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # Bumped by every edit, so a stale form is noticed instead of overwriting.
    revision = models.PositiveIntegerField(default=1)
    # Who suggested a joint rhythm that waits for the other's yes (status SUGGESTED).
    suggested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    JOINT_LOOKUP = "joint"
    # Whether someone checked in is theirs to share, like the check-in itself (rule 2): a
    # person's own check-in rhythm never reaches the partner's calendar, feed or Today.
    PARTNER_SEES_WHEN = {"kind__in": PARTNER_MAY_SEE_KINDS}

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

    def export_when(self) -> date:
        return self.starts_on

    def export_title(self, ctx: ExportContext) -> str:
        title = ctx.quoted(self.plain.get("title"))
        if self.kind != Kind.PROMISE:
            return f"{Kind(self.kind).label}{': ' + title if title else ''}"
        return f"Commitment: {title}" if title else "Commitment"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        until = f", until {ctx.day(self.ends_on)}" if self.ends_on else ""
        lines = [
            ("From", f"{ctx.day(self.starts_on)}{until}"),
            ("Now", str(Status(self.status).label).lower()),
            ("Details", plain_words(self.plain.get("details"))),
        ]
        if self.joint:
            lines.append(("Kept by", "either of us"))
        return [(label, words) for label, words in lines if words]


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

    PARENT_FIELD = "commitment"
    # A partner's outcome of a joint rhythm outlives the other's account (SET_NULL).
    # Entry's author and couple, indexed below together with the date instead: pages ask
    # for a few weeks of outcomes, and each arm of `visible_to` (mine, the couple's) can
    # then read only those weeks (issue 18, bench.scale).
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
    # No one-column index: the unique (commitment, on_date) below starts with it.
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
        db_index=False,
    )
    on_date = models.DateField()
    # Kept / partly / missed is the person's own news: encrypted in `how_it_went` (issue 17).
    # `result` only holds it for rows written before that, until their author next opens
    # them (`services.occasions` moves it into `how_it_went` and blanks this column).
    result = models.CharField(max_length=8, choices=Result.choices, blank=True, default="")
    how_it_went = EncryptedField(null=True, blank=True)  # a Result value
    in_the_way = EncryptedField(max_length=REFLECTION_MAX, null=True, blank=True)
    will_change = EncryptedField(max_length=REFLECTION_MAX, null=True, blank=True)

    JOINT_LOOKUP = "commitment__joint"
    PARTNER_SEES_WHEN = {"commitment__kind__in": PARTNER_MAY_SEE_KINDS}

    class Meta:
        # The unique constraint is the (commitment, on_date) index; no second copy of it.
        constraints = (
            models.UniqueConstraint(fields=["commitment", "on_date"], name="one_outcome_per_day"),
        )
        indexes = (
            models.Index(fields=["author", "on_date"], name="outcome_author_date"),
            models.Index(fields=["couple", "on_date"], name="outcome_couple_date"),
        )

    @property
    def outcome_result(self) -> str:
        """Kept, partly or missed: from the opened `how_it_went` (call `reveal` first), or a
        not yet moved clear value; "" when neither is at hand."""
        if self.result:
            return self.result
        opened = getattr(self, "plain", None) or {}
        return str(opened.get("how_it_went") or "")

    @property
    def result_words(self) -> str:
        value = self.outcome_result
        return str(Result(value).label) if value in Result.values else ""

    def export_extra(self) -> dict[str, object]:
        return {"commitment": str(self.commitment_id), "on_date": self.on_date.isoformat()}

    @classmethod
    def export_label(cls) -> str:
        return "How each commitment went"

    def export_when(self) -> date:
        return self.on_date

    def export_title(self, ctx: ExportContext) -> str:
        commitment = ctx.get(Commitment, self.commitment_id)
        title = ctx.quoted(commitment.plain.get("title")) if commitment else ""
        return f"{self.result_words or 'Marked'}: {title or 'a commitment'}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        lines = [
            ("What got in the way", plain_words(self.plain.get("in_the_way"))),
            ("What will change", plain_words(self.plain.get("will_change"))),
        ]
        return [(label, words) for label, words in lines if words]


class Noticed(Entry):
    """The partner's side: "I noticed this", the evidence that effort was seen."""

    PARENT_FIELD = "commitment"
    # The noticer's words are theirs: they outlive the commitment's author (SET_NULL).
    commitment = models.ForeignKey(
        Commitment, null=True, on_delete=models.SET_NULL, related_name="noticed"
    )
    on_date = models.DateField()
    note = EncryptedField(max_length=NOTICED_MAX, null=True, blank=True)

    PARTNER_SEES_WHEN = {"commitment__kind__in": PARTNER_MAY_SEE_KINDS}

    class Meta:
        verbose_name_plural = "noticed"
        constraints = (
            models.UniqueConstraint(
                fields=["commitment", "on_date", "author"], name="one_noticed_per_person_day"
            ),
        )

    def export_extra(self) -> dict[str, object]:
        return {"commitment": str(self.commitment_id), "on_date": self.on_date.isoformat()}

    @classmethod
    def export_label(cls) -> str:
        return "Noticed"

    def export_when(self) -> date:
        return self.on_date

    def export_title(self, ctx: ExportContext) -> str:
        commitment = ctx.get(Commitment, self.commitment_id)
        title = ctx.quoted(commitment.plain.get("title")) if commitment else ""
        return f"Noticed: {title or 'a commitment'}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        note = plain_words(self.plain.get("note"))
        return [("", note)] if note else []


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


def eight_in_the_morning() -> time:
    """A reminder's time until the person chooses one."""
    return time(8, 0)


class ReminderSetting(models.Model):
    """Whether a person gets a reminder email, and at which time on their own clock."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="reminder_setting"
    )
    enabled = models.BooleanField(default=False)
    # Wall-clock time in the person's own time zone (User.time_zone), so DST never moves it.
    # A callable default: Django's check warns about a fixed time (fields.W161) whenever it
    # runs within ten seconds of that time of day, which once failed `check --deploy` at 8:00.
    local_time = models.TimeField(default=eight_in_the_morning)
    # The local day whose reminder is already planned (sent, or found to hold nothing). It
    # only saves the worker work; the outbox's dedupe key is what makes it once a day.
    planned_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminder at {self.local_time:%H:%M} ({'on' if self.enabled else 'off'})"
