from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from measures import scoring
from privacy.entries import EncryptedField, Entry, ExportContext


class Form(models.TextChoices):
    CSI4 = "csi4", "CSI-4"
    CSI16 = "csi16", "CSI-16"


class Response(Entry):
    """One person's answers to one questionnaire, on one day.

    `answers` holds the option chosen for each item, as its 0-based position as printed, in
    item order; points are derived by `measures.scoring` each time they are shown. `form` and
    `month` are clear: the monthly reminder is planned from them without anyone's key."""

    form = models.CharField(max_length=8, choices=Form.choices)
    month = models.DateField()  # the first day of the author's local month
    answers = EncryptedField()
    # A random token per questionnaire form: a second submit of the same form finds the first.
    token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ("created_at",)
        indexes = (models.Index(fields=["author", "form", "created_at"]),)
        constraints = (
            models.UniqueConstraint(
                fields=["author", "month"],
                condition=Q(form="csi4"),
                name="measures_one_csi4_a_month",
            ),
        )
        verbose_name = "questionnaire answer"

    def options(self) -> list[int] | None:
        """The options chosen, or None if what's stored isn't a full, valid set."""
        chosen: Any = self.plain.get("answers")
        try:
            scoring.total_of_options(self.form, chosen)
        except (ValueError, TypeError):
            return None
        return list(chosen)

    def score(self) -> int | None:
        chosen = self.options()
        return None if chosen is None else scoring.total_of_options(self.form, chosen)

    def export_title(self, ctx: ExportContext) -> str:
        return f"{self.get_form_display()} (Couples Satisfaction Index)"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        chosen = self.options()
        if chosen is None:
            return []
        lines = []
        for item, option in zip(scoring.items(self.form), chosen, strict=True):
            if item.is_word_pair:
                words = f"box {option + 1} of 6, from {item.left} to {item.right}"
            else:
                words = item.options[option]
            lines.append((item.text, words))
        lines.append(("Total", f"{self.score()} of {scoring.MAXIMUM[self.form]}"))
        return lines


class ReminderChoice(models.Model):
    """Whether a person wants one gentle email a month when the CSI-4 is open for them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    monthly = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"monthly reminder {'on' if self.monthly else 'off'}"
