"""Daily check-ins, answers to reflection prompts, and a private journal.

Every rating is personal and encrypted like text; only the day (and whether it was
filled in late) stays clear, so a day can be found and edited without opening keys.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

WORDS_MAX = 500
ANSWER_MAX = 2000
JOURNAL_MAX = 10000
LATE_DAYS = 7


class HardDay(models.TextChoices):
    # One tap each, for the days words are hard to find.
    STILL_HURTS = "still_hurts", "This still hurts"
    NOT_READY = "not_ready", "Not ready to talk about it"
    GOOD_MOMENT = "good_moment", "A good moment today"


def _out_of(value: object, top: int) -> str:
    return f"{value} of {top}" if value is not None and value != "" else ""


class CheckIn(Entry):
    # Entry's author and couple without their own one-column indexes: (author, day) and
    # (couple, day) below start with them, so those indexes alone serve both (issue 18).
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
    day = models.DateField()
    # Filled in after its day (up to a week late): shown as such, never as a mark against.
    late = models.BooleanField(default=False)
    safety = EncryptedField()  # 0-10: how safe do I feel with my partner today
    closeness = EncryptedField()  # 0-10: how close do I feel
    heaviness = EncryptedField()  # 1-5: how heavy is today
    moments = EncryptedField()  # list of HardDay values
    words = EncryptedField(max_length=WORDS_MAX, null=True, blank=True)

    class Meta:
        verbose_name = "check-in"
        ordering = ("-day",)
        # The unique constraint is the (author, day) index; a second one only cost writes.
        constraints = (
            models.UniqueConstraint(fields=["author", "day"], name="one_checkin_per_day"),
        )
        indexes = (models.Index(fields=["couple", "day"]),)

    def export_extra(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "late": self.late}

    def export_when(self) -> date:
        return self.day

    def export_title(self, ctx: ExportContext) -> str:
        return "Check-in, filled in later" if self.late else "Check-in"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        p = self.plain
        moments = [HardDay(m).label for m in p.get("moments") or [] if m in HardDay.values]
        lines = [
            ("How safe I felt with my partner", _out_of(p.get("safety"), 10)),
            ("How close I felt", _out_of(p.get("closeness"), 10)),
            ("How heavy the day was", _out_of(p.get("heaviness"), 5)),
            ("What the day held", ", ".join(str(m) for m in moments)),
            ("In a few words", plain_words(p.get("words"))),
        ]
        return [(label, words) for label, words in lines if words]


class Reflection(Entry):
    """An answer to one of our reflection prompts (prompts live in checkins/prompts.py)."""

    prompt_key = models.CharField(max_length=40)
    day = models.DateField()
    answer = EncryptedField(max_length=ANSWER_MAX)

    class Meta:
        ordering = ("-day", "-created_at")
        indexes = (models.Index(fields=["author", "day"]),)

    def export_extra(self) -> dict[str, object]:
        return {"prompt": self.prompt_key, "day": self.day.isoformat()}

    def export_when(self) -> date:
        return self.day

    def export_title(self, ctx: ExportContext) -> str:
        from checkins.prompts import PROMPTS

        prompt = PROMPTS.get(self.prompt_key)
        return f"Reflection: {prompt.text}" if prompt else "Reflection"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        return [("", plain_words(self.plain.get("answer")))]


class JournalEntry(Entry):
    """Free writing. Always private: there is no way to share a journal entry."""

    body = EncryptedField(max_length=JOURNAL_MAX)

    SHAREABLE = False

    class Meta:
        verbose_name_plural = "journal entries"
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["author", "-created_at"]),)

    def export_title(self, ctx: ExportContext) -> str:
        return "Journal"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        return [("", plain_words(self.plain.get("body")))]


class CheckInPreference(models.Model):
    """Whether a person's new check-ins start shared with their partner or private."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_preference"
    )
    start_shared = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Check-in preference of {self.user_id}"


class WeekSummary(Entry):
    """One week of one person's check-ins as a reader sees them (the author is the reader;
    `subject` is whose check-ins): the sums and the count of the three ratings, so trends
    need not open every check-in again. Encrypted under the reader's own key and never
    shared; a summary of the partner's check-ins holds only what the partner shared. A
    fingerprint of the check-ins it was made from (ids, times, visibility) rides inside the
    ciphertext, so a summary that no longer matches is remade, never shown."""

    SHAREABLE = False
    EXPORTED = False  # made from check-ins that are exported themselves

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField()  # its Monday
    figures = EncryptedField()

    class Meta:
        verbose_name = "weekly check-in summary"
        verbose_name_plural = "weekly check-in summaries"
        constraints = (
            models.UniqueConstraint(
                fields=["author", "subject", "week"], name="one_summary_per_reader_week"
            ),
        )
