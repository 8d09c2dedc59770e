"""The closeness path: every rule lives here. Views parse, call and render.

What the partner may learn is exactly this, and nothing else:
- the steps both said yes to ("our shared yes"), minus tiers a slow-down holds back;
- that the path is "paused for now" (never by whom, from their side, beyond that it wasn't
  them);
- moments: proposed, planned, "not this time", "called off" (never who called it off). A
  moment called off, by either or by a pause, stays off: another needs both to say yes.

So nothing here returns anything derived from the partner's answers except the match
(`shared_yes`). A person's own answers are theirs alone; `Answers` is private, and the
`YesList` the match is made from is sealed from the partner (privacy.entries).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.request_scope import forgets, remembered
from activity import services as activity
from closeness.models import (
    AFTERCARE_NOTE_MAX,
    OWN_STEP_MAX,
    Aftercare,
    Answers,
    ClosenessSetting,
    ConsentCheck,
    Feeling,
    Moment,
    MomentState,
    OwnStep,
    Pause,
    SlowDown,
    SlowDownState,
    YesList,
)
from closeness.steps import BUILT_IN, TIER_KEYS, Step, tier_rank
from couples import services as couples
from couples.models import CoupleSpace, Membership
from privacy import entries
from privacy.access import own_and_for_matching
from privacy.entries import Visibility
from privacy.keyring import Keyring
from push import services as push

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


def sync_yes_list(
    ring: Keyring, mine: MyAnswers | None = None, own: list[YesList] | None = None
) -> None:
    """Keep this person's sealed yes list in step with their answers, under the current
    couple key. Called on save and on every visit (the couple key may have arrived since);
    written only when it differs. `own`: this person's yes lists, when already read."""
    couple = _couple(ring.user)
    if couple is None or ring.couple_key(couple.pk) is None:
        return
    mine = mine or my_answers(ring)
    wanted = sorted(mine.yes(mine.answers))
    if own is None:
        row = YesList.objects.authored_by(ring.user).filter(couple=couple).first()
    else:
        row = next((r for r in own if r.couple_id == couple.pk), None)
    if row is not None:
        (opened,) = entries.reveal([row], ring)
        if not opened.unreadable and not opened.waiting and opened.plain.get("steps") == wanted:
            return
    else:
        row = YesList(author=ring.user, couple=couple, visibility=Visibility.SHARED)
    row.updated_at = timezone.now()
    entries.encrypt_into(row, ring, {"steps": wanted})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return  # the same sync ran at the same moment in another request


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
    steps = all_steps(ring)
    mine = my_answers(ring)
    own_lists, partners_lists = own_and_for_matching(YesList, user)
    sync_yes_list(ring, mine, own_lists)
    both = mine.yes(s.key for s in steps)
    theirs: set[str] = set()
    for row in entries.reveal(partners_lists, ring):
        if not (row.waiting or row.unreadable):
            theirs |= set(row.plain.get("steps") or [])
    both &= theirs
    limit = _active_limit(user)
    return [s for s in steps if s.key in both and (limit is None or tier_rank(s.tier) <= limit)]


# -- planning a moment -----------------------------------------------------------------------


def _check_member(user: User, moment: Moment) -> None:
    couple = _couple(user)
    if couple is None or couple.pk != moment.couple_id:
        raise ClosenessProblem("This moment isn't one of yours.")


def _open_and_paired(user: User) -> CoupleSpace:
    couple = _paired_couple(user)
    if path_state(user) != OPEN:
        raise ClosenessProblem("The path is paused for now, so nothing can be planned.")
    return couple


@transaction.atomic
def plan_moment(
    ring: Keyring, at: datetime, step_keys: Iterable[str], *, token: uuid.UUID | None = None
) -> Moment:
    if token is not None:
        earlier = Moment.objects.authored_by(ring.user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    couple = _open_and_paired(ring.user)
    now = timezone.now()
    if at <= now - CLOCK_SLACK:
        raise ClosenessProblem("That time has passed; please choose a time still ahead.")
    if at > now + PLAN_AHEAD_MAX:
        raise ClosenessProblem("Please choose a time within the next three months.")
    chosen = list(dict.fromkeys(step_keys))
    if not chosen:
        raise ClosenessProblem("Choose at least one step from your shared yes.")
    allowed = {s.key for s in shared_yes(ring) or []}
    if not set(chosen) <= allowed:
        raise ClosenessProblem(
            "A moment can only be planned from your shared yes, as it is now. Please look again."
        )
    moment = Moment(
        author=ring.user, couple=couple, visibility=Visibility.SHARED, at=at, form_token=token
    )
    try:
        entries.encrypt_into(moment, ring, {"steps": chosen})
    except entries.NotReady as reason:
        raise ClosenessProblem(str(reason)) from None
    moment.save(force_insert=True)
    activity.tell_partner(
        ring.user, "closeness.moment", reverse("closeness:moment", args=[moment.pk]), entry=moment
    )
    return moment


@transaction.atomic
def answer_moment(user: User, moment: Moment, yes: bool) -> None:
    """The other partner: yes, or not this time (no reason asked)."""
    _check_member(user, moment)
    if moment.author_id == user.pk:
        raise ClosenessProblem("You suggested this moment; your partner answers it.")
    _open_and_paired(user)
    wanted = MomentState.ACCEPTED if yes else MomentState.NOT_THIS_TIME
    moment.refresh_from_db()
    if moment.state == wanted:
        return  # a double submit
    if moment.state != MomentState.PROPOSED:
        raise ClosenessProblem("This moment has already been answered, or was called off.")
    if moment.at <= timezone.now():
        raise ClosenessProblem("The time for this moment has passed.")
    Moment.objects.filter(pk=moment.pk, state=MomentState.PROPOSED).update(
        state=wanted, answered_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def call_off(user: User, moment: Moment) -> None:
    """Either of them, any time before, no reason. The other sees only "called off"."""
    _check_member(user, moment)
    moment.refresh_from_db()
    if moment.state == MomentState.OFF:
        return  # a double tap
    if moment.at <= timezone.now():
        raise ClosenessProblem("This moment's time has passed, so there's nothing to call off.")
    Moment.objects.filter(
        pk=moment.pk, state__in=(MomentState.PROPOSED, MomentState.ACCEPTED)
    ).update(state=MomentState.OFF, updated_at=timezone.now())


def moments(user: User) -> QuerySet[Moment]:
    """Moments this person may see, soonest first."""
    return Moment.objects.visible_to(user).order_by("at")


def upcoming(user: User) -> list[Moment]:
    if path_state(user) != OPEN:
        return []
    return list(moments(user).filter(at__gt=timezone.now() - AFTERCARE_FOR))


def visible_steps(ring: Keyring, moment: Moment) -> list[Step]:
    """A moment's steps that are still in the shared yes: a step someone stopped saying yes
    to leaves the moment as silently as it left the list."""
    (opened,) = entries.reveal([moment], ring)
    if opened.waiting or opened.unreadable:
        return []
    allowed = {s.key: s for s in shared_yes(ring) or []}
    return [allowed[k] for k in opened.plain.get("steps") or [] if k in allowed]


def in_checkin_window(moment: Moment, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return moment.state == MomentState.ACCEPTED and moment.at - CHECKIN_BEFORE <= now < moment.at


def consent_due(user: User) -> list[Moment]:
    """Planned moments close enough for "still feel good about this?", that this person
    hasn't answered yet. Shown in Tending to both."""
    if path_state(user) != OPEN:
        return []
    now = timezone.now()
    near = moments(user).filter(
        state=MomentState.ACCEPTED, at__gt=now, at__lte=now + CHECKIN_BEFORE
    )
    answered = set(
        ConsentCheck.objects.authored_by(user)
        .filter(moment__in=near)
        .values_list("moment_id", flat=True)
    )
    return [m for m in near if m.pk not in answered]


@transaction.atomic
def still_good(ring: Keyring, moment: Moment) -> None:
    """Private: only that the question stops showing for this person."""
    _check_member(ring.user, moment)
    if not in_checkin_window(moment):
        raise ClosenessProblem("This check-in isn't open now.")
    if ConsentCheck.objects.authored_by(ring.user).filter(moment=moment).exists():
        return
    check = ConsentCheck(author=ring.user, moment=moment)
    entries.encrypt_into(check, ring, {"answer": "still good"})
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        return


def today_cards(user: User) -> tuple[list[Moment], list[Moment]]:
    """For the home page: (consent check-ins due, aftercare due). One query when there is
    nothing near, which is nearly always."""
    now = timezone.now()
    near = moments(user).filter(
        state=MomentState.ACCEPTED, at__gt=now - AFTERCARE_FOR, at__lte=now + CHECKIN_BEFORE
    )
    if not near.exists():
        return [], []
    return consent_due(user), aftercare_due(user)


@dataclass(frozen=True)
class MomentLists:
    consent_due: list[Moment]
    upcoming: list[Moment]
    aftercare_due: list[Moment]


def moment_lists(user: User) -> MomentLists:
    """`consent_due`, `upcoming` and `aftercare_due` for the closeness page from one read of
    the moments (and of the answers, only when a moment is near)."""
    now = timezone.now()
    if path_state(user) != OPEN:
        recent: list[Moment] = []
    else:
        recent = list(moments(user).filter(at__gt=now - AFTERCARE_FOR))
    near = [
        m for m in recent if m.state == MomentState.ACCEPTED and now < m.at <= now + CHECKIN_BEFORE
    ]
    past = [m for m in recent if m.state == MomentState.ACCEPTED and m.at <= now]
    if not past and path_state(user) != OPEN:
        past = list(
            moments(user).filter(
                state=MomentState.ACCEPTED, at__lte=now, at__gt=now - AFTERCARE_FOR
            )
        )
    answered: set[Any] = set()
    if near:
        answered = set(
            ConsentCheck.objects.authored_by(user)
            .filter(moment__in=[m.pk for m in near])
            .values_list("moment_id", flat=True)
        )
    noted: set[Any] = set()
    if past:
        noted = set(
            Aftercare.objects.authored_by(user)
            .filter(moment__in=[m.pk for m in past])
            .values_list("moment_id", flat=True)
        )
    return MomentLists(
        [m for m in near if m.pk not in answered],
        recent,
        [m for m in past if m.pk not in noted],
    )


def aftercare_due(user: User) -> list[Moment]:
    """Planned moments whose time has come, within a week, not yet noted by this person."""
    now = timezone.now()
    past = moments(user).filter(state=MomentState.ACCEPTED, at__lte=now, at__gt=now - AFTERCARE_FOR)
    noted = set(
        Aftercare.objects.authored_by(user)
        .filter(moment__in=past)
        .values_list("moment_id", flat=True)
    )
    return [m for m in past if m.pk not in noted]


@transaction.atomic
def note_aftercare(ring: Keyring, moment: Moment, feeling: str, note: str = "") -> Aftercare:
    _check_member(ring.user, moment)
    if feeling not in Feeling.values:
        raise ClosenessProblem("Choose the words closest to how it was.")
    note = note.strip()
    if len(note) > AFTERCARE_NOTE_MAX:
        raise ClosenessProblem(f"A note can be up to {AFTERCARE_NOTE_MAX:,} characters.")
    if moment.state != MomentState.ACCEPTED or moment.at > timezone.now():
        raise ClosenessProblem("This can be noted once the moment's time has come.")
    row = Aftercare.objects.authored_by(ring.user).filter(moment=moment).first()
    if row is None:
        row = Aftercare(author=ring.user, moment=moment)
    row.updated_at = timezone.now()
    entries.encrypt_into(row, ring, {"feeling": feeling, "note": note or None})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        pass
    return row


def my_aftercare(ring: Keyring, moment: Moment) -> Aftercare | None:
    row: Aftercare | None = Aftercare.objects.authored_by(ring.user).filter(moment=moment).first()
    if row is not None:
        entries.reveal([row], ring)
    return row


# -- email for the consent check-in ----------------------------------------------------------


def setting_for(user: User) -> ClosenessSetting:
    """This person's setting; unsaved (email off) until they choose, so reading writes
    nothing."""
    found: ClosenessSetting | None = ClosenessSetting.objects.filter(user=user).first()
    return found or ClosenessSetting(user=user)


def save_setting(user: User, *, email_checkins: bool) -> None:
    ClosenessSetting.objects.update_or_create(
        user=user, defaults={"email_checkins": email_checkins}
    )


CHECKIN_EMAIL_SUBJECT = "Something is waiting for you in Tending"


def plan_checkin_emails(now: datetime | None = None) -> int:
    """For the worker: one email per person who chose email, per planned moment, when
    its consent check-in opens. The email says nothing but that something is waiting."""
    from outbox import services as outbox

    now = now or timezone.now()
    near = Moment.objects.filter(
        state=MomentState.ACCEPTED, at__gt=now, at__lte=now + CHECKIN_BEFORE
    ).values_list("pk", "couple_id")
    made = 0
    for moment_id, couple_id in near:
        members = Membership.objects.current().filter(couple_id=couple_id).select_related("user")
        for membership in members:
            person = membership.user
            paused = Pause.objects.filter(couple_id=couple_id, ended_at__isnull=True).exists()
            if paused or not person.is_active:
                continue
            # On the phones that asked for it, whether or not email was chosen (issue 14).
            push.queue(person, "consent", dedupe_key=f"closeness-checkin:{moment_id}")
            wants = ClosenessSetting.objects.filter(user=person, email_checkins=True).exists()
            if not wants:
                continue
            link = f"{settings.SITE_URL}{reverse('today')}"
            body = f"Something is waiting for you in Tending.\n\n{link}\n"
            _, created = outbox.enqueue(
                to=person.email,
                subject=CHECKIN_EMAIL_SUBJECT,
                body=body,
                dedupe_key=f"closeness-checkin:{moment_id}:{person.pk}",
                user=person,
            )
            made += int(created)
    return made
