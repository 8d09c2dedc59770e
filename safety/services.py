"""The safety check's state changes and reads. Views parse and render; the rules live here."""

from __future__ import annotations

from django.db import transaction

from privacy import entries
from privacy.keyring import Keyring
from safety.check import KEYS
from safety.models import SafetyCheck


@transaction.atomic
def answer_safety_check(ring: Keyring, answers: dict[str, str]) -> SafetyCheck:
    """Saved under the person's own data key; nobody else is told, nothing else changes."""
    check = SafetyCheck(author=ring.user)
    entries.encrypt_into(check, ring, {"answers": {k: answers[k] for k in KEYS}})
    check.save()
    return check


def latest_answers(ring: Keyring) -> dict[str, str] | None:
    """The person's own most recent answers (the privacy core's reading rule, own rows only)."""
    latest = (
        SafetyCheck.objects.visible_to(ring.user)
        .authored_by(ring.user)
        .order_by("-created_at")
        .first()
    )
    if latest is None:
        return None
    (opened,) = entries.reveal([latest], ring)
    if opened.unreadable or opened.waiting:
        return None
    answers: dict[str, str] = opened.plain.get("answers") or {}
    return answers
