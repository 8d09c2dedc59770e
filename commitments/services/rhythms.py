"""The three practice rhythms (a daily check-in, a weekly conversation, a monthly review):
switching them on and off, a joint one suggested and answered, and a practice done that
keeps its rhythm's occasion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from accounts.models import User
from commitments.models import (
    Cadence,
    Commitment,
    Kind,
    Outcome,
    Result,
    Schedule,
    Status,
)
from commitments.occurrences import Rule, dates_between
from commitments.services.outcomes import record_outcome
from commitments.services.promises import (
    CommitmentProblem,
    _check_open,
    change_cadence,
    create_commitment,
    local_today,
    set_status,
)
from couples import services as couples
from privacy.keyring import Keyring

RHYTHM_TITLES = {
    Kind.CHECKIN: "Daily check-in",
    Kind.CONVERSATION: "Weekly conversation",
    Kind.REVIEW: "Monthly review of our agreements",
}


# -- the three practice rhythms -------------------------------------------------------------


@dataclass
class Rhythms:
    checkin: Commitment | None
    conversation: Commitment | None
    review: Commitment | None


def current_rhythms(user: User) -> Rhythms:
    active = (
        Commitment.objects.visible_to(user)
        .filter(status=Status.ACTIVE)
        .exclude(kind=Kind.PROMISE)
        .prefetch_related("schedules")
    )
    found: dict[str, Commitment] = {}
    for c in active:
        if c.kind == Kind.CHECKIN and c.author_id != user.pk:
            continue  # each person's check-in is their own
        found.setdefault(c.kind, c)
    return Rhythms(found.get(Kind.CHECKIN), found.get(Kind.CONVERSATION), found.get(Kind.REVIEW))


def keep_rhythm_in(ring: Keyring, kind: str, window: tuple[date, date]) -> Outcome | None:
    """A practice done (a monthly review finished, a weekly conversation held) marks its
    rhythm's occasion in `window` kept: the latest one that has come, or, when the practice
    was done early, the first one still ahead in the window. Nothing when the rhythm is off
    or has no occasion in the window."""
    rhythms = current_rhythms(ring.user)
    by_kind: dict[str, Commitment | None] = {
        Kind.CHECKIN: rhythms.checkin,
        Kind.CONVERSATION: rhythms.conversation,
        Kind.REVIEW: rhythms.review,
    }
    rhythm = by_kind.get(kind)
    if rhythm is None:
        return None
    days = dates_between(list(rhythm.schedules.all()), rhythm.starts_on, rhythm.ends_on, window)
    if not days:
        return None
    come = [d for d in days if d <= local_today(ring.user)]
    day = come[-1] if come else days[0]
    return record_outcome(ring, rhythm, day, Result.KEPT, ahead_ok=True)


def _paused_rhythm(user: User, kind: str) -> Commitment | None:
    paused = Commitment.objects.visible_to(user).filter(kind=kind, status=Status.PAUSED)
    if kind == Kind.CHECKIN:
        paused = paused.filter(author_id=user.pk)
    return paused.prefetch_related("schedules").order_by("-updated_at").first()


def rhythm_suggestions(user: User) -> list[Commitment]:
    """Joint rhythms one of the two suggested, waiting for the other's yes."""
    return list(
        Commitment.objects.visible_to(user)
        .filter(joint=True, status=Status.SUGGESTED)
        .select_related("suggested_by")
        .prefetch_related("schedules")
        .order_by("created_at")
    )


def suggestions_for(user: User) -> list[Commitment]:
    """The suggestions that wait for this person's answer (their partner's)."""
    return [c for c in rhythm_suggestions(user) if c.suggested_by_id != user.pk]


def _suggest(user: User, rhythm: Commitment) -> None:
    rhythm.status = Status.SUGGESTED
    rhythm.suggested_by = user
    rhythm.save(update_fields=["status", "suggested_by"])


def _start_from_today(rhythm: Commitment, today: date) -> None:
    """A suggestion accepted starts on the day of the yes: the days it waited were never on.
    Only a rhythm that has no history yet moves its start."""
    if rhythm.starts_on < today and not rhythm.outcomes.exists():
        schedules = list(rhythm.schedules.all())
        if len(schedules) == 1:
            Schedule.objects.filter(pk=schedules[0].pk).update(effective_from=today)
        rhythm.starts_on = today
        rhythm.save(update_fields=["starts_on"])


def _set_aside(rhythm: Commitment) -> None:
    """A suggestion not taken up (withdrawn, or a "not now"): a rhythm that was once on rests
    with its history; one that never was is put away."""
    rhythm.status = Status.PAUSED if rhythm.outcomes.exists() else Status.RETIRED
    rhythm.suggested_by = None
    rhythm.save(update_fields=["status", "suggested_by"])


@transaction.atomic
def answer_suggestion(ring: Keyring, rhythm: Commitment, *, accept: bool) -> None:
    """The partner a joint rhythm was suggested to says yes (it starts) or not now."""
    user = ring.user
    _check_open(rhythm)
    locked = Commitment.objects.select_for_update().filter(pk=rhythm.pk).first()
    if locked is None or not locked.joint or locked.status != Status.SUGGESTED:
        raise CommitmentProblem("This suggestion was already answered, or withdrawn.")
    if locked.suggested_by_id == user.pk:
        raise CommitmentProblem("This is your own suggestion; it waits for your partner.")
    if accept:
        locked.status = Status.ACTIVE
        locked.suggested_by = None
        locked.save(update_fields=["status", "suggested_by"])
        _start_from_today(locked, local_today(user))
    else:
        _set_aside(locked)
    rhythm.refresh_from_db()


@transaction.atomic
def set_rhythms(
    ring: Keyring,
    *,
    checkin: bool,
    conversation_weekday: int | None,
    review_day: int | None,
) -> Rhythms:
    """Switch the rhythms on or off. The check-in is one's own: it starts at once. The
    joint ones start only when both agree (rule 6): switching one on suggests it, and it
    waits for the partner's yes; the partner choosing the same on their page is that yes.
    Either may switch one off alone; off pauses it and keeps its history."""
    user = ring.user
    today = local_today(user)
    now = current_rhythms(user)
    paired = couples.partner_of(user) is not None
    if (conversation_weekday is not None or review_day is not None) and not paired:
        raise CommitmentProblem("The weekly conversation and monthly review need your partner.")
    waiting = {c.kind: c for c in rhythm_suggestions(user)}

    def last_rule(c: Commitment) -> Rule:
        schedules = list(c.schedules.all())
        return Rule.of(schedules[-1])

    def switch_checkin(existing: Commitment | None, wanted: Rule | None) -> None:
        if wanted is None:
            if existing is not None:
                set_status(existing, Status.PAUSED, expected_revision=existing.revision)
            return
        if existing is None:
            existing = _paused_rhythm(user, Kind.CHECKIN)
            if existing is not None:  # switched on again: the same rhythm, its history kept
                set_status(existing, Status.ACTIVE, expected_revision=existing.revision)
        if existing is None:
            create_commitment(
                ring,
                title=RHYTHM_TITLES[Kind.CHECKIN],
                rule=wanted,
                starts_on=today,
                kind=Kind.CHECKIN,
                # A check-in rhythm is its person's own (rule 2), never shared.
                shared=False,
            )
        elif last_rule(existing) != wanted:
            change_cadence(ring, existing, expected_revision=existing.revision, rule=wanted)

    def switch_joint(existing: Commitment | None, wanted: Rule | None, kind: str) -> None:
        suggested = waiting.get(kind)
        if wanted is None:
            if existing is not None:
                set_status(existing, Status.PAUSED, expected_revision=existing.revision)
            if suggested is not None:  # withdrawn, or not taken up
                _set_aside(suggested)
            return
        if existing is not None:  # already on, agreed by both
            if last_rule(existing) != wanted:
                change_cadence(ring, existing, expected_revision=existing.revision, rule=wanted)
            return
        if suggested is not None:
            if suggested.suggested_by_id != user.pk and last_rule(suggested) == wanted:
                answer_suggestion(ring, suggested, accept=True)  # the same choice: a yes
                return
            if last_rule(suggested) != wanted:
                change_cadence(ring, suggested, expected_revision=suggested.revision, rule=wanted)
            _suggest(user, suggested)  # a different day is a suggestion of one's own
            return
        rested = _paused_rhythm(user, kind)
        if rested is not None:
            if last_rule(rested) != wanted:
                change_cadence(ring, rested, expected_revision=rested.revision, rule=wanted)
            _suggest(user, rested)
            return
        made = create_commitment(
            ring,
            title=RHYTHM_TITLES[Kind(kind)],
            rule=wanted,
            starts_on=today,
            kind=kind,
            joint=True,
        )
        _suggest(user, made)

    switch_checkin(now.checkin, Rule(Cadence.DAILY) if checkin else None)
    switch_joint(
        now.conversation,
        Rule(Cadence.WEEKLY, weekdays=(conversation_weekday,))
        if conversation_weekday is not None
        else None,
        Kind.CONVERSATION,
    )
    switch_joint(
        now.review,
        Rule(Cadence.MONTHLY, month_day=review_day) if review_day is not None else None,
        Kind.REVIEW,
    )
    return current_rhythms(user)
