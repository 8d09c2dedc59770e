"""Our question: choosing the question of the day or week, answering, skipping, revealing.

The partner learns nothing from one's answer until both have answered: the answer is sealed by
the reading rule (`Answer.PARTNER_SEES_WHEN`), the first answer tells no one, and skipping
leaves a row that only the skipper's own pages read.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from commitments import services as commitments
from couples import services as couples
from couples.models import CoupleSpace, Membership
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring
from questions import bank
from questions.models import (
    ANSWER_MAX,
    OWN_MAX,
    Answer,
    Cadence,
    OwnQuestion,
    QuestionSettings,
    Round,
    Skip,
)

# A question of the bank comes back no sooner than this.
NO_REPEAT = timedelta(days=183)
# Gentle tiers: the first rounds stay light, deeper questions come once there's a habit.
MIDDLE_AFTER_ROUNDS = 8
DEEPER_AFTER_ROUNDS = 24
EARLIER_SHOWN = 10


class QuestionProblem(Exception):
    """Something that can't be done; the message says why, plainly."""


def local_today(user: User) -> date:
    return commitments.local_today(user)


def _paired_couple(user: User) -> tuple[CoupleSpace, list[str]] | None:
    """The person's current couple space with both partners in it, and both roles."""
    mine = couples.current_membership(user)
    if mine is None or mine.couple.ended_at is not None:
        return None
    theirs = couples.partner_membership(mine)
    if theirs is None:
        return None
    return mine.couple, [mine.role, theirs.role]


def cadence_of(couple: CoupleSpace) -> str:
    found = QuestionSettings.objects.filter(couple=couple).values_list("cadence", flat=True)
    return next(iter(found), Cadence.WEEKLY)


def cadence_for(user: User) -> str | None:
    found = _paired_couple(user)
    return cadence_of(found[0]) if found else None


def _length(cadence: str) -> timedelta:
    return timedelta(days=1 if cadence == Cadence.DAILY else 7)


def set_cadence(user: User, cadence: str) -> None:
    """Daily or weekly, for both; the question already asked keeps its time."""
    if cadence not in Cadence.values:
        raise QuestionProblem("Please choose a question each day or each week.")
    found = _paired_couple(user)
    if found is None:
        raise QuestionProblem("Our question opens once your partner has joined.")
    QuestionSettings.objects.update_or_create(
        couple=found[0], defaults={"cadence": cadence, "changed_at": timezone.now()}
    )


def _audience(roles: list[str]) -> str:
    return "both" if all(role == "both" for role in roles) else "repair"


def _pick_from_bank(couple: CoupleSpace, roles: list[str], starts_on: date) -> bank.Question:
    asked = list(
        Round.objects.filter(couple=couple)
        .order_by("-starts_on")
        .values_list("bank_key", "starts_on")
    )
    recent = {key for key, on in asked if key and on > starts_on - NO_REPEAT}
    tiers = {"light"}
    if len(asked) >= MIDDLE_AFTER_ROUNDS:
        tiers.add("middle")
    if len(asked) >= DEEPER_AFTER_ROUNDS:
        tiers.add("deeper")
    audience = _audience(roles)
    fitting = [q for q in bank.questions() if q.audience in ("all", audience)]
    choices = [q for q in fitting if q.tier in tiers and q.key not in recent]
    if not choices:
        choices = [q for q in fitting if q.key not in recent]
    if not choices:  # after years: the ones asked longest ago
        last = {key: on for key, on in reversed(asked)}
        oldest = sorted(fitting, key=lambda q: last.get(q.key, date.min))
        choices = oldest[: max(1, len(oldest) // 4)]
    # Not a secret: the same couple and day draw the same question on either phone.
    return random.Random(f"{couple.pk}:{starts_on.isoformat()}").choice(choices)  # noqa: S311


def _new_round(ring: Keyring, couple: CoupleSpace, roles: list[str], starts_on: date) -> Round:
    cadence = cadence_of(couple)
    own = (
        OwnQuestion.objects.visible_to(ring.user)
        .filter(couple=couple, used_at__isnull=True, visibility=Visibility.SHARED)
        .order_by("created_at")
        .first()
    )
    made = Round(
        author=ring.user,
        couple=couple,
        visibility=Visibility.SHARED,
        starts_on=starts_on,
        cadence=cadence,
    )
    if own is not None:
        (opened,) = entries.reveal([own], ring)
        text = str(opened.plain.get("text") or "")
        made.own = own
    else:
        question = _pick_from_bank(couple, roles, starts_on)
        text, made.bank_key = question.text, question.key
    entries.encrypt_into(made, ring, {"text": text})
    made.save()
    if own is not None:
        own.used_at = timezone.now()
        own.save(update_fields=["used_at"])
    return made


def _rounds_until(user: User, couple: CoupleSpace, today: date) -> Any:
    """The couple's rounds up to today, newest first, each with `answered_by_me` and
    `skipped_by_me` for this person only."""
    return (
        Round.objects.visible_to(user)
        .filter(couple=couple, starts_on__lte=today)
        .annotate(
            answered_by_me=Exists(Answer.objects.filter(round=OuterRef("pk"), author=user)),
            skipped_by_me=Exists(Skip.objects.filter(round=OuterRef("pk"), user=user)),
        )
        .order_by("-starts_on")
    )


def _is_current(latest: Round | None, today: date) -> bool:
    return latest is not None and latest.starts_on + _length(latest.cadence) > today


def current_round(
    ring: Keyring,
    found: tuple[CoupleSpace, list[str]] | None = None,
    latest: Round | None = None,
) -> Round | None:
    """This day's or week's question, chosen on the first visit of either partner.
    None when there's no partner, or the couple key hasn't reached this person yet.
    The round carries `answered_by_me` and `skipped_by_me`, for this person only.
    `latest` is the newest round up to today, when the caller has already read it."""
    found = found or _paired_couple(ring.user)
    if found is None:
        return None
    couple, roles = found
    today = local_today(ring.user)
    if latest is None:
        latest = _rounds_until(ring.user, couple, today).first()
    if latest is not None and _is_current(latest, today):
        return latest
    starts_on = today
    if cadence_of(couple) == Cadence.WEEKLY:
        starts_on = today - timedelta(days=today.weekday())
    if latest is not None:
        starts_on = max(starts_on, latest.starts_on + _length(latest.cadence))
    try:
        with transaction.atomic():
            made = _new_round(ring, couple, roles, starts_on)
        made.answered_by_me = made.skipped_by_me = False  # type: ignore[attr-defined]
        return made
    except IntegrityError:  # the partner opened it at the same moment
        return current_round(ring, found)
    except entries.NotReady:
        return None


def _clean(text: str, limit: int, what: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise QuestionProblem(f"Please write {what} first. Nothing was saved.")
    if len(cleaned) > limit:
        raise QuestionProblem(
            f"{what.capitalize()} can be up to {limit} characters; this has {len(cleaned)}. "
            "Nothing was saved."
        )
    return cleaned


@transaction.atomic
def answer(ring: Keyring, round_: Round, text: str) -> Answer:
    """One's own answer, sealed from the partner until theirs is in too. Once per round."""
    user = ring.user
    words = _clean(text, ANSWER_MAX, "your answer")
    found = _paired_couple(user)
    if found is None or found[0].pk != round_.couple_id:
        raise QuestionProblem("This question belongs to a couple space that has closed.")
    locked = Round.objects.select_for_update().filter(pk=round_.pk).first()
    if locked is None:
        raise QuestionProblem("This question isn't here any more.")
    if Answer.objects.authored_by(user).filter(round=locked).exists():
        raise QuestionProblem("You've answered this question already; your answer is kept.")
    mine = Answer(author=user, round=locked, couple_id=locked.couple_id, visibility="shared")
    try:
        entries.encrypt_into(mine, ring, {"text": words})
    except entries.NotReady as reason:
        raise QuestionProblem(str(reason)) from None
    mine.save()
    Skip.objects.filter(round=locked, user=user).delete()
    if Answer.objects.filter(round=locked).count() == 2:
        locked.both_answered_at = timezone.now()
        locked.save(update_fields=["both_answered_at"])
        round_.both_answered_at = locked.both_answered_at
        activity.tell_partner(user, "question-both", reverse("questions:index"), entry=mine)
    return mine


def skip(user: User, round_: Round) -> None:
    """Let this question go, quietly: nothing changes for the partner."""
    if Answer.objects.authored_by(user).filter(round=round_).exists():
        raise QuestionProblem("You've answered this one already, so there's nothing to skip.")
    Skip.objects.get_or_create(round=round_, user=user)


@transaction.atomic
def add_own(ring: Keyring, text: str, token: uuid.UUID | None = None) -> OwnQuestion:
    """A question of the couple's own, asked before the bank's; the partner can see it."""
    user = ring.user
    words = _clean(text, OWN_MAX, "the question")
    if _paired_couple(user) is None:
        raise QuestionProblem("Our question opens once your partner has joined.")
    if token is not None:
        earlier = OwnQuestion.objects.authored_by(user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    own = OwnQuestion(author=user, form_token=token)
    entries.encrypt_into(own, ring, {"text": words})
    own.save()
    try:
        entries.share(own, ring)
    except entries.NotReady as reason:
        raise QuestionProblem(str(reason)) from None
    return own


@dataclass
class Asked:
    """A round as one person may see it: their answer, and the partner's once both answered."""

    round: Round
    answered: bool = False  # by this person
    mine: Answer | None = None
    theirs: Answer | None = None
    skipped: bool = False

    @property
    def open(self) -> bool:
        return self.round.both_answered_at is None


@dataclass
class OurQuestion:
    now: Asked | None
    earlier: list[Asked] = field(default_factory=list)
    cadence: str | None = None
    waiting_own: list[OwnQuestion] = field(default_factory=list)


def _asked(ring: Keyring, rounds: list[Round]) -> list[Asked]:
    user = ring.user
    entries.reveal(rounds, ring)
    answers = list(
        Answer.objects.visible_to(user)
        .filter(round_id__in=[r.pk for r in rounds])
        .select_related("author")
    )
    entries.reveal(answers, ring)
    # Only the current round can still be let go; it carries `skipped_by_me`.
    by_round: dict[Any, Asked] = {
        r.pk: Asked(r, skipped=bool(getattr(r, "skipped_by_me", False))) for r in rounds
    }
    for a in answers:
        asked = by_round[a.round_id]
        if a.author_id == user.pk:
            asked.mine, asked.answered = a, True
        else:
            asked.theirs = a
    return [by_round[r.pk] for r in rounds]


def today_card(ring: Keyring, membership: Membership, partner: Membership) -> Asked | None:
    """For Today (which already knows both memberships): the current question, unless this
    person let it go. One query on most days."""
    if membership.couple.ended_at is not None:
        return None
    current = current_round(ring, (membership.couple, [membership.role, partner.role]))
    if current is None or current.skipped_by_me:  # type: ignore[attr-defined]
        return None
    entries.reveal([current], ring)
    return Asked(current, answered=current.answered_by_me)  # type: ignore[attr-defined]


def our_question(ring: Keyring) -> OurQuestion:
    found = _paired_couple(ring.user)
    if found is None:
        return OurQuestion(None)
    recent = list(_rounds_until(ring.user, found[0], local_today(ring.user))[: EARLIER_SHOWN + 1])
    current = current_round(ring, found, recent[0] if recent else None)
    earlier = [
        r for r in recent if r.both_answered_at is not None and (current is None or r != current)
    ][:EARLIER_SHOWN]
    rounds = ([current] if current else []) + earlier
    asked = _asked(ring, rounds)
    waiting = list(
        OwnQuestion.objects.visible_to(ring.user)
        .filter(couple=found[0], used_at__isnull=True)
        .select_related("author")
    )
    entries.reveal(waiting, ring)
    return OurQuestion(
        now=asked[0] if current else None,
        earlier=asked[1:] if current else asked,
        cadence=cadence_of(found[0]),
        waiting_own=waiting,
    )
