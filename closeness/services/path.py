"""The closeness path: the steps, one's own private answers, pausing alone, slowing down
together, and the shared yes (only the steps both said yes to)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.request_scope import forgets, remembered
from activity import services as activity
from closeness.models import (
    OWN_STEP_MAX,
    Answers,
    Moment,
    MomentState,
    OwnStep,
    Pause,
    SharedYes,
    SlowDown,
    SlowDownState,
    YesList,
)
from closeness.steps import BUILT_IN, TIER_KEYS, Step, tier_rank
from couples import services as couples
from couples.models import CoupleSpace
from privacy import entries
from privacy.access import own_and_for_matching
from privacy.entries import Visibility
from privacy.keyring import Keyring

YES, LATER, NOT_YET = "yes", "later", "not_yet"
ANSWER_CHOICES = ((YES, "Yes"), (LATER, "Maybe later"), (NOT_YET, "Not yet"))
ANSWER_VALUES = frozenset({YES, LATER, NOT_YET})

# The consent check-in shows (and, for those who chose it, emails) this long before.
CHECKIN_BEFORE = timedelta(hours=2)
# "How was that for you" is offered for this long afterwards.
AFTERCARE_FOR = timedelta(days=7)
PLAN_AHEAD_MAX = timedelta(days=90)
SLOW_DOWN_WEEKS = range(1, 13)
CLOCK_SLACK = timedelta(minutes=1)


class ClosenessProblem(Exception):
    """A plain reason why nothing changed."""


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


def _couple(user: User) -> CoupleSpace | None:
    membership = couples.current_membership(user)
    return membership.couple if membership is not None else None


def _paired_couple(user: User) -> CoupleSpace:
    couple = _couple(user)
    if couple is None or couples.partner_of(user) is None:
        raise ClosenessProblem("This is something the two of you share; invite your partner first.")
    return couple


# -- steps -----------------------------------------------------------------------------------


def own_steps(ring: Keyring) -> list[OwnStep]:
    """The couple's own steps (shared with both), opened."""
    couple = _couple(ring.user)
    if couple is None:
        rows = list(OwnStep.objects.authored_by(ring.user).filter(removed_at__isnull=True))
    else:
        rows = list(OwnStep.objects.visible_to(ring.user).filter(removed_at__isnull=True))
    opened = entries.reveal(rows, ring)
    return [s for s in opened if not (s.waiting or s.unreadable)]  # type: ignore[misc]


def all_steps(ring: Keyring) -> list[Step]:
    """Built-in steps and the couple's own, in tier order (built-in first within a tier)."""
    made = [
        Step(s.key, str(s.plain["tier"]), str(s.plain["words"]), own=True)
        for s in own_steps(ring)
        if s.plain.get("tier") in TIER_KEYS
    ]
    every = [*BUILT_IN, *made]
    return sorted(every, key=lambda s: (tier_rank(s.tier), s.own))


@transaction.atomic
def add_step(ring: Keyring, words: str, tier: str, *, token: uuid.UUID | None = None) -> OwnStep:
    words = words.strip()
    if not words:
        raise ClosenessProblem("Please describe the step in a few words.")
    if len(words) > OWN_STEP_MAX:
        raise ClosenessProblem(f"A step can be up to {OWN_STEP_MAX} characters.")
    if tier not in TIER_KEYS:
        raise ClosenessProblem("Choose which kind of closeness this step belongs with.")
    if token is not None:
        earlier = OwnStep.objects.authored_by(ring.user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    couple = _paired_couple(ring.user)
    step = OwnStep(author=ring.user, couple=couple, visibility=Visibility.SHARED, form_token=token)
    try:
        entries.encrypt_into(step, ring, {"words": words, "tier": tier})
    except entries.NotReady as reason:
        raise ClosenessProblem(str(reason)) from None
    step.save(force_insert=True)
    return step


@transaction.atomic
def remove_step(user: User, step: OwnStep) -> None:
    """The one who added a step may take it away again (for both)."""
    if step.author_id != user.pk:
        raise ClosenessProblem("Only the one who added this step can remove it; you can hide it.")
    OwnStep.objects.filter(pk=step.pk, removed_at__isnull=True).update(removed_at=timezone.now())


# -- one's own answers -----------------------------------------------------------------------


@dataclass
class MyAnswers:
    answers: dict[str, str]
    hidden: set[str]

    def yes(self, keys: Iterable[str]) -> set[str]:
        return {k for k in keys if self.answers.get(k) == YES and k not in self.hidden}


def my_answers(ring: Keyring) -> MyAnswers:
    row = Answers.objects.authored_by(ring.user).first()
    if row is None:
        return MyAnswers({}, set())
    (opened,) = entries.reveal([row], ring)
    if opened.unreadable:
        return MyAnswers({}, set())
    return MyAnswers(dict(opened.plain.get("answers") or {}), set(opened.plain.get("hidden") or []))


@transaction.atomic
def save_answers(ring: Keyring, answers: dict[str, str], hidden: Iterable[str]) -> None:
    """Replace this person's answers. A value of "" (or a missing key) means unanswered."""
    keys = {s.key for s in all_steps(ring)}
    hidden_set = set(hidden)
    for key, value in answers.items():
        if key not in keys:
            raise ClosenessProblem(
                "One of these steps isn't on the list any more; please look again."
            )
        if value and value not in ANSWER_VALUES:
            raise ClosenessProblem("Each step can be yes, maybe later, not yet, or left open.")
    if hidden_set - keys:
        raise ClosenessProblem("One of these steps isn't on the list any more; please look again.")
    kept = {k: v for k, v in answers.items() if v}
    row = Answers.objects.select_for_update().authored_by(ring.user).first()
    if row is None:
        row = Answers(author=ring.user, visibility=Visibility.PRIVATE)
    row.updated_at = timezone.now()
    entries.encrypt_into(row, ring, {"answers": kept, "hidden": sorted(hidden_set)})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # two first saves at once: the later one wins, as with any save
        row = Answers.objects.authored_by(ring.user).get()
        entries.encrypt_into(row, ring, {"answers": kept, "hidden": sorted(hidden_set)})
        row.save()
    sync_yes_list(ring, MyAnswers(kept, hidden_set))


def sync_yes_list(ring: Keyring, mine: MyAnswers | None = None) -> None:
    """Keep this person's sealed yes list in step with their answers, under the current
    couple key, and the couple's match with it. Called on save and on every visit (the
    couple key may have arrived since); written only when it differs."""
    couple = _couple(ring.user)
    if couple is None or ring.couple_key(couple.pk) is None:
        return
    mine = mine or my_answers(ring)
    wanted = sorted(mine.yes(mine.answers))
    row = YesList.objects.authored_by(ring.user).filter(couple=couple).first()
    if row is not None:
        (opened,) = entries.reveal([row], ring)
        if not opened.unreadable and not opened.waiting and opened.plain.get("steps") == wanted:
            return
    else:
        row = YesList(author=ring.user, couple=couple, visibility=Visibility.SHARED)
    row.updated_at = timezone.now()
    entries.encrypt_into(row, ring, {"steps": wanted})
    with transaction.atomic():
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return  # the same sync ran at the same moment in another request
        _match(ring, couple)


def _match(ring: Keyring, couple: CoupleSpace) -> frozenset[str]:
    """Find the steps in both yes lists and keep them as the couple's `SharedYes`, written
    only when the match differs from what is kept: a change short of a yes (or one the
    partner's list doesn't meet) leaves the row, and so every page that reads it, as it was.

    Called by whoever's yes list just changed, inside that transaction. The couple's row is
    locked first, so of two people saving at once the second matches with the first's list
    as saved (on SQLite, writers take turns anyway)."""
    CoupleSpace.objects.select_for_update().filter(pk=couple.pk).first()
    own, partners = own_and_for_matching(YesList, ring.user)
    lists = entries.reveal([r for r in own + partners if r.couple_id == couple.pk], ring)
    said: dict[Any, set[str]] = {}
    for found in lists:
        if not (found.waiting or found.unreadable):
            said[found.author_id] = {str(k) for k in found.plain.get("steps") or []}
    mine = said.pop(ring.user.pk, set())
    both = frozenset(mine.intersection(*said.values())) if said else frozenset()
    row = SharedYes.objects.filter(couple=couple).first()
    if row is not None:
        (opened,) = entries.reveal([row], ring)
        if not (opened.waiting or opened.unreadable) and opened.plain.get("steps") == sorted(both):
            return both
    else:
        row = SharedYes(author=ring.user, couple=couple, visibility=Visibility.SHARED)
    row.updated_at = timezone.now()
    entries.encrypt_into(row, ring, {"steps": sorted(both)})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        pass  # the partner's first match, at the same moment, from the same two lists
    return both


def _shared_keys(ring: Keyring, couple: CoupleSpace) -> frozenset[str]:
    """The couple's kept match; made here only when there is none yet (a couple from before
    it was kept) or it can't be opened. Reads nothing of the partner's otherwise."""
    if ring.couple_key(couple.pk) is None:
        return frozenset()  # nothing of the partner's can be opened yet
    row = SharedYes.objects.filter(couple=couple).first()
    if row is not None:
        (opened,) = entries.reveal([row], ring)
        if not (opened.waiting or opened.unreadable):
            return frozenset(str(k) for k in opened.plain.get("steps") or [])
    with transaction.atomic():
        return _match(ring, couple)


# -- pause -----------------------------------------------------------------------------------


OPEN, PAUSED_BY_ME, PAUSED = "open", "paused_by_me", "paused"


def path_state(user: User) -> str:
    """ "open"; "paused_by_me" (this person can resume); or "paused" (by the partner: all
    this person is ever told)."""
    couple = _couple(user)
    if couple is None:
        return OPEN
    pauses = remembered(
        ("closeness.pauses", couple.pk),
        lambda: set(
            Pause.objects.filter(couple=couple, ended_at__isnull=True).values_list(
                "paused_by_id", flat=True
            )
        ),
    )
    if user.pk in pauses:
        return PAUSED_BY_ME
    return PAUSED if pauses else OPEN


@forgets("closeness.pauses")
@transaction.atomic
def pause(user: User) -> None:
    """One tap, no reason. Upcoming moments are called off; the partner sees only that
    the path is paused for now."""
    couple = _paired_couple(user)
    if Pause.objects.filter(couple=couple, paused_by=user, ended_at__isnull=True).exists():
        return
    try:
        with transaction.atomic():
            Pause.objects.create(couple=couple, paused_by=user)
    except IntegrityError:
        return  # a double tap
    Moment.objects.filter(
        couple=couple, state__in=(MomentState.PROPOSED, MomentState.ACCEPTED), at__gt=timezone.now()
    ).update(state=MomentState.OFF, updated_at=timezone.now())


@forgets("closeness.pauses")
@transaction.atomic
def resume(user: User) -> None:
    """Only the person who paused can resume."""
    couple = _couple(user)
    if couple is None:
        raise ClosenessProblem("There's nothing paused here.")
    ended = Pause.objects.filter(couple=couple, paused_by=user, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if ended:
        return
    if Pause.objects.filter(couple=couple, ended_at__isnull=True).exists():
        raise ClosenessProblem("Only the one who paused can resume; it stays paused for now.")


# -- slowing down ----------------------------------------------------------------------------


def slow_down(user: User) -> SlowDown | None:
    """The agreed slow-down in effect today, or the one proposed and waiting."""
    couple = _couple(user)
    if couple is None:
        return None
    found: SlowDown | None = remembered(
        ("closeness.slow_down", couple.pk, local_today(user)),
        lambda: (
            SlowDown.objects.filter(couple=couple)
            .filter(state__in=(SlowDownState.PROPOSED, SlowDownState.ACTIVE))
            .filter(ends_on__gte=local_today(user))
            .select_related("proposed_by")
            .first()
        ),
    )
    return found


def _active_limit(user: User) -> int | None:
    current = slow_down(user)
    if current is None or current.state != SlowDownState.ACTIVE:
        return None
    return tier_rank(current.up_to_tier)


@forgets("closeness.slow_down")
@transaction.atomic
def propose_slow_down(user: User, up_to_tier: str, weeks: int) -> SlowDown:
    couple = _paired_couple(user)
    if path_state(user) != OPEN:
        raise ClosenessProblem("The path is paused for now; a slow-down can wait until it isn't.")
    if up_to_tier not in TIER_KEYS[:-1]:
        raise ClosenessProblem("Choose which kinds of closeness to stay with for now.")
    if weeks not in SLOW_DOWN_WEEKS:
        raise ClosenessProblem("A slow-down can last from one to twelve weeks.")
    current = slow_down(user)
    if current is not None:
        if current.proposed_by_id == user.pk and current.state == SlowDownState.PROPOSED:
            return current  # a double submit
        raise ClosenessProblem("There's already a slow-down; you can extend it instead.")
    proposed = SlowDown.objects.create(
        couple=couple,
        proposed_by=user,
        up_to_tier=up_to_tier,
        ends_on=local_today(user) + timedelta(weeks=weeks),
    )
    activity.tell_partner(user, "closeness.slow_down", reverse("closeness:index"))
    return proposed


def _slow_down_of(user: User, slow_down_id: Any) -> SlowDown:
    couple = _paired_couple(user)
    found = SlowDown.objects.filter(couple=couple, pk=slow_down_id).first()
    if found is None:
        raise ClosenessProblem("That slow-down has changed; please look again.")
    return found


@forgets("closeness.slow_down")
@transaction.atomic
def answer_slow_down(user: User, slow_down_id: Any, agree: bool) -> None:
    """The other partner agrees (it starts now) or sets it aside; the proposer may
    withdraw it (agree=False)."""
    proposal = _slow_down_of(user, slow_down_id)
    if proposal.state != SlowDownState.PROPOSED:
        return  # already answered (a double submit)
    if agree and path_state(user) != OPEN:
        raise ClosenessProblem("The path is paused for now; a slow-down can wait until it isn't.")
    if agree and proposal.proposed_by_id == user.pk:
        raise ClosenessProblem("You suggested this; it starts when your partner agrees too.")
    now = timezone.now()
    if agree:
        # "For four weeks" counts from when both agreed, not from when it was suggested.
        asked_on = timezone.localdate(proposal.created_at, timezone=proposal.proposed_by.zone)
        ends_on = local_today(user) + (proposal.ends_on - asked_on)
        SlowDown.objects.filter(pk=proposal.pk, state=SlowDownState.PROPOSED).update(
            state=SlowDownState.ACTIVE, agreed_at=now, ends_on=ends_on
        )
    else:
        SlowDown.objects.filter(pk=proposal.pk, state=SlowDownState.PROPOSED).update(
            state=SlowDownState.SET_ASIDE
        )


@forgets("closeness.slow_down")
@transaction.atomic
def extend_slow_down(user: User, slow_down_id: Any, weeks: int) -> None:
    """Either partner, alone: going slower never needs the other's yes."""
    current = _slow_down_of(user, slow_down_id)
    if current.state != SlowDownState.ACTIVE or current.ends_on < local_today(user):
        raise ClosenessProblem("Only a slow-down you're in now can be extended.")
    if weeks not in SLOW_DOWN_WEEKS:
        raise ClosenessProblem("A slow-down can be extended by one to twelve weeks.")
    SlowDown.objects.filter(pk=current.pk).update(ends_on=current.ends_on + timedelta(weeks=weeks))


# -- the shared yes --------------------------------------------------------------------------


def shared_yes(ring: Keyring) -> list[Step] | None:
    """The steps both said yes to, in tier order, minus tiers a slow-down holds back.
    None while the path is paused (by either). Never anything else about the partner."""
    user = ring.user
    if couples.partner_of(user) is None or path_state(user) != OPEN:
        return None
    couple = _couple(user)
    if couple is None:
        return None
    steps = all_steps(ring)
    sync_yes_list(ring)
    both = _shared_keys(ring, couple)
    limit = _active_limit(user)
    return [s for s in steps if s.key in both and (limit is None or tier_rank(s.tier) <= limit)]
