"""Knowing each other: the guide to hard moments, what closeness means to me, and letting
the partner know one is taking a moment. Nothing here is ever shared without being asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from couples.models import Membership
from insight import reflection
from insight.models import ClosenessReflection, GuidePart, Section
from privacy import entries
from privacy.keyring import Keyring


def partner_of(user: User) -> User | None:
    mine = Membership.objects.current().filter(user=user).values("couple_id")
    other = Membership.objects.current().filter(couple_id__in=mine).exclude(user=user)
    found = other.select_related("user").first()
    return found.user if found else None


# -- the guide to hard moments ---------------------------------------------------------------


def current_guide(ring: Keyring) -> dict[str, GuidePart]:
    """This person's own current parts, opened, by section."""
    parts = GuidePart.objects.authored_by(ring.user).filter(replaced_at__isnull=True)
    opened = entries.reveal(list(parts), ring)
    return {p.section: p for p in opened if isinstance(p, GuidePart)}


def _retire(part: GuidePart, ring: Keyring, now: datetime) -> None:
    """An earlier version stays, for its author only."""
    entries.unshare(part, ring)
    part.replaced_at = now
    part.save(update_fields=["replaced_at"])


@transaction.atomic
def save_guide(ring: Keyring, texts: Mapping[str, str], shared: set[str]) -> int:
    """Save what changed: a changed part replaces the old one (kept for its author), an emptied
    part is retired, and sharing follows `shared` part by part. Returns how many parts changed.
    Saving the same thing twice changes nothing."""
    now = timezone.now()
    current = current_guide(ring)
    changed = 0
    for section in Section.values:
        text = texts.get(section, "").strip()
        old = current.get(section)
        old_text = old.plain.get("text") if old is not None and not old.unreadable else None
        if old is not None and text == old_text:
            if section in shared and not old.is_shared:
                entries.share(old, ring)
                changed += 1
            elif section not in shared and old.is_shared:
                entries.unshare(old, ring)
                changed += 1
            continue
        if old is not None:
            _retire(old, ring, now)
            changed += 1
        if text:
            part = GuidePart(author=ring.user, section=section)
            entries.encrypt_into(part, ring, {"text": text})
            part.save()
            if section in shared:
                entries.share(part, ring)
            changed += 1
    return changed


@dataclass(frozen=True)
class ShownPart:
    label: str
    text: str


def partner_guide(ring: Keyring, partner: User | None) -> list[ShownPart]:
    """The parts the partner shares now, in the guide's order. Only through the reading rule."""
    if partner is None:
        return []
    parts = GuidePart.objects.visible_to(ring.user).filter(author=partner, replaced_at__isnull=True)
    opened = {p.section: p for p in entries.reveal(list(parts), ring) if isinstance(p, GuidePart)}
    shown = []
    for section, label in Section.choices:
        part = opened.get(section)
        if part is not None and not part.waiting and not part.unreadable:
            shown.append(ShownPart(label, str(part.plain.get("text", ""))))
    return shown


def earlier_parts(ring: Keyring) -> list[GuidePart]:
    parts = GuidePart.objects.authored_by(ring.user).filter(replaced_at__isnull=False)
    opened = entries.reveal(list(parts.order_by("-replaced_at")), ring)
    return [p for p in opened if isinstance(p, GuidePart)]


# -- what closeness means to me --------------------------------------------------------------


@transaction.atomic
def reflect(ring: Keyring, answers: dict[str, Any], *, shared: bool) -> ClosenessReflection:
    """A new set of answers; the earlier ones stay, for their author only. The same answers
    again (a double submit) keep the current set, only changing whether it is shared."""
    now = timezone.now()
    current = list(
        ClosenessReflection.objects.authored_by(ring.user).filter(replaced_at__isnull=True)
    )
    for same in entries.reveal(current, ring):
        if isinstance(same, ClosenessReflection) and same.plain.get("answers") == answers:
            set_reflection_shared(ring, same, shared)
            return same
    for earlier in current:
        entries.unshare(earlier, ring)
        earlier.replaced_at = now
        earlier.save(update_fields=["replaced_at"])
    made = ClosenessReflection(author=ring.user)
    entries.encrypt_into(made, ring, {"answers": answers})
    made.save()
    if shared:
        entries.share(made, ring)
    return made


def own_reflections(ring: Keyring) -> list[ClosenessReflection]:
    mine = ClosenessReflection.objects.authored_by(ring.user).order_by("-created_at")
    return [r for r in entries.reveal(list(mine), ring) if isinstance(r, ClosenessReflection)]


def partner_reflection(ring: Keyring, partner: User | None) -> ClosenessReflection | None:
    if partner is None:
        return None
    found = (
        ClosenessReflection.objects.visible_to(ring.user)
        .filter(author=partner, replaced_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    (opened,) = entries.reveal([found], ring)
    if opened.waiting or opened.unreadable:
        return None
    assert isinstance(opened, ClosenessReflection)
    return opened


@transaction.atomic
def set_reflection_shared(ring: Keyring, item: ClosenessReflection, shared: bool) -> None:
    if shared:
        entries.share(item, ring)
    else:
        entries.unshare(item, ring)


answers_in_words = reflection.answers_in_words


# -- taking a moment -------------------------------------------------------------------------


def tell_partner_taking_a_moment(user: User) -> bool:
    """Only ever called because the person chose it. False when there is no partner."""
    notice = activity.tell_partner(user, "insight:moment", reverse("insight:grounding"))
    return notice is not None
