from __future__ import annotations

from django.db import models

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

BODY_MAX = 2000


class Note(Entry):
    """A few words kept for oneself, or shared with the partner. The smallest entry kind."""

    body = EncryptedField(max_length=BODY_MAX)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["author", "-created_at"]),)
        verbose_name = "note"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        return [("", plain_words(self.plain.get("body")))]
