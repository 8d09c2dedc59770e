from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

PART_MAX = 1000


class Section(models.TextChoices):
    UNSETTLES = "unsettles", "What tends to unsettle me"
    SIGNS = "signs", "The first signs others might see"
    HELPS = "helps", "What helps"
    DOESNT_HELP = "doesnt_help", "What doesn't help"
    FROM_PARTNER = "from_partner", "What I'd like my partner to say or do"
    MYSELF = "myself", "What I'll do myself"


class GuidePart(Entry):
    """One part of a person's guide to their hard moments. Each part is shared on its own, so
    a person can share the whole guide or only some of it. A changed part replaces the old
    one, which is kept for its author only (`replaced_at`, and `PARTNER_SEES_WHEN`)."""

    section = models.CharField(max_length=16, choices=Section.choices)
    text = EncryptedField(max_length=PART_MAX)
    replaced_at = models.DateTimeField(null=True, blank=True)

    PARTNER_SEES_WHEN: ClassVar[dict[str, Any] | None] = {"replaced_at__isnull": True}

    class Meta:
        ordering = ("created_at",)
        indexes = (models.Index(fields=["author", "replaced_at"]),)
        verbose_name = "part of my guide to hard moments"
        verbose_name_plural = "parts of my guide to hard moments"

    def export_title(self, ctx: ExportContext) -> str:
        return self.get_section_display() + (" (an earlier version)" if self.replaced_at else "")

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        return [("", plain_words(self.plain.get("text")))]


class ClosenessReflection(Entry):
    """One person's answers to "what closeness means to me" (ours, not a validated test).
    Retaking it keeps the earlier answers for their author only."""

    answers = EncryptedField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    PARTNER_SEES_WHEN: ClassVar[dict[str, Any] | None] = {"replaced_at__isnull": True}

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["author", "replaced_at"]),)
        verbose_name = "what closeness means to me"
        verbose_name_plural = "what closeness means to me"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        from insight.reflection import answers_in_words

        return answers_in_words(self.plain.get("answers"))
