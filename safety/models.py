"""The private safety check. Only ever its author's: never shared, shown or counted, and
exported only when its author asks for it."""

from __future__ import annotations

from privacy.entries import EncryptedField, Entry


class SafetyCheck(Entry):
    """One time a person answered the safety check, alone.

    The answers are one encrypted field under the person's own data key, never the couple
    key: no code path can hand them to the partner. The row's existence and time are clear
    like any entry's, but only the author's own pages read them (`visible_to` and
    `SEALED_FROM_PARTNER`), and the export leaves the kind out unless its author ticks the
    box for it (`IN_EXPORT`): an export file often lands on a shared device, where these
    answers are the last thing to be found, yet they are the person's own (rule 4).
    """

    answers = EncryptedField()  # {question key: answer}

    SHAREABLE = False
    SEALED_FROM_PARTNER = True
    IN_EXPORT = False

    class Meta:
        ordering = ("created_at",)
        verbose_name = "safety check"
