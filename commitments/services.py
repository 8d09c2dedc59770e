"""Commitments: every rule about making, changing, marking and noticing lives here.

`create_commitment` is the public entry point other areas use (a conversation ends
in commitments once their owner confirms them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity

# Re-exported on purpose (`X as X`): the names other areas may use, with the functions below.
from commitments.models import Cadence as Cadence
from commitments.models import Commitment as Commitment
from commitments.models import (
    Kind,
    Noticed,
    Outcome,
    Result,
    Schedule,
    Status,
)
from commitments.occurrences import Rule as Rule
from commitments.occurrences import dates_between, falls_on, weeks_back
from commitments.occurrences import month_bounds as month_bounds
from couples import services as couples
from couples.models import CoupleSpace
from privacy import entries, rules
from privacy.entries import Visibility
from privacy.keyring import Keyring

# Other areas name the rhythm kinds through this alias (their own models have a `Kind`).
RhythmKind = Kind


def plan_due_reminders() -> int:
    """The worker's entry point: plan every reminder that is due now (see `reminders`)."""
    from commitments import reminders  # reminders builds on this module's queries

    return reminders.plan_due_reminders()


class CommitmentProblem(Exception):
    """A plain reason why nothing changed."""


class StaleEdit(CommitmentProblem):
    """Someone changed this commitment since the form was opened."""

    def __init__(self, current: Commitment) -> None:
        super().__init__(
            "This commitment was changed while you were editing it. Here is how it reads now; "
            "what you typed is kept below so you can apply it again."
        )
        self.current = current


RHYTHM_TITLES = {
    Kind.CHECKIN: "Daily check-in",
    Kind.CONVERSATION: "Weekly conversation",
    Kind.REVIEW: "Monthly review of our agreements",
}


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


# -- validation -----------------------------------------------------------------------------


def check_plan(rule: Rule, starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise CommitmentProblem("The end date is before the start date.")
    if rule.cadence == Cadence.WEEKLY:
        if not rule.weekdays:
            raise CommitmentProblem("Choose at least one day of the week.")
        if any(d not in range(7) for d in rule.weekdays):
            raise CommitmentProblem("Days of the week go from Monday to Sunday.")
    if rule.cadence == Cadence.MONTHLY:
        by_day = rule.month_day is not None
        by_weekday = rule.month_weekday is not None
        if by_day == by_weekday:
            raise CommitmentProblem(
                "Choose either a day of the month, or a weekday such as the second Sunday."
            )
        if by_day and rule.month_day not in range(1, 32):
            raise CommitmentProblem("A day of the month is between 1 and 31.")
        if by_weekday and (
            rule.month_weekday not in range(7) or rule.month_week not in (1, 2, 3, 4, -1)
        ):
            raise CommitmentProblem("Choose which weekday: first to fourth, or the last.")


def _check_text(title: str) -> str:
    title = title.strip()
    if not title:
        raise CommitmentProblem("Please give the commitment a few words.")
    return title


def _schedule(commitment: Commitment, rule: Rule, effective_from: date) -> Schedule:
    return Schedule.objects.create(
        commitment=commitment,
        effective_from=effective_from,
        cadence=rule.cadence,
        weekdays=",".join(str(d) for d in sorted(set(rule.weekdays))),
        month_day=rule.month_day,
        month_week=rule.month_week if rule.month_weekday is not None else None,
        month_weekday=rule.month_weekday,
    )


# -- making and changing --------------------------------------------------------------------


@transaction.atomic
def create_commitment(
    ring: Keyring,
    *,
    title: str,
    rule: Rule,
    starts_on: date,
    ends_on: date | None = None,
    details: str = "",
    shared: bool = True,
    kind: str = Kind.PROMISE,
    joint: bool = False,
) -> Commitment:
    title = _check_text(title)
    check_plan(rule, starts_on, ends_on)
    commitment = Commitment(
        author=ring.user, kind=kind, joint=joint, starts_on=starts_on, ends_on=ends_on
    )
    entries.encrypt_into(commitment, ring, {"title": title, "details": details.strip() or None})
    commitment.save()
    _schedule(commitment, rule, starts_on)
    if shared or joint:
        try:
            entries.share(commitment, ring)
        except entries.NotReady as reason:
            raise CommitmentProblem(str(reason)) from None
    return commitment


def start_ritual(ring: Keyring, *, title: str, weekday: int, starts_on: date) -> Commitment:
    """A ritual both partners agreed to: a joint commitment of its own kind (its own colour
    on the calendar), weekly on one day, which either may mark or rest."""
    if weekday not in range(7):
        raise CommitmentProblem("Please choose a day of the week.")
    return create_commitment(
        ring,
        title=title,
        rule=Rule(Cadence.WEEKLY, weekdays=(weekday,)),
        starts_on=starts_on,
        kind=Kind.RITUAL,
        joint=True,
    )


@transaction.atomic
def rest_ritual(user: User, commitment_id: Any, resting: bool) -> None:
    """Pause a ritual for a while, or take it up again: either partner, no reason needed."""
    ritual = (
        Commitment.objects.visible_to(user)
        .filter(pk=commitment_id, kind=Kind.RITUAL, joint=True)
        .exclude(status=Status.RETIRED)
        .first()
    )
    if ritual is None:
        raise CommitmentProblem("This ritual isn't here any more.")
    ritual.status = Status.PAUSED if resting else Status.ACTIVE
    ritual.save(update_fields=["status"])


def ritual_statuses(user: User, commitment_ids: Iterable[Any]) -> dict[Any, str]:
    """Active or paused, for the rituals' own list (one query)."""
    return dict(
        Commitment.objects.visible_to(user)
        .filter(pk__in=list(commitment_ids), kind=Kind.RITUAL)
        .values_list("pk", "status")
    )


# -- project steps (projects.services) -------------------------------------------------------


def plan_project_step(ring: Keyring, *, title: str, on: date) -> Commitment:
    """A dated step of a project both share: a joint one-time commitment of its own kind, so
    it shows on both calendars in its own colour and either may keep it."""
    return create_commitment(
        ring, title=title, rule=Rule(Cadence.ONCE), starts_on=on, kind=Kind.PROJECT, joint=True
    )


def _project_step(user: User, commitment_id: Any) -> Commitment | None:
    found: Commitment | None = (
        Commitment.objects.visible_to(user)
        .filter(pk=commitment_id, kind=Kind.PROJECT, joint=True)
        .prefetch_related("schedules")
        .first()
    )
    return found


@transaction.atomic
def mark_project_step(ring: Keyring, commitment_id: Any, done: bool) -> None:
    """A step ticked off (its day kept, even ahead of time) or unticked (its mark removed)."""
    step = _project_step(ring.user, commitment_id)
    if step is None or step.status != Status.ACTIVE:
        return
    if done:
        record_outcome(ring, step, step.starts_on, Result.KEPT, ahead_ok=True)
    else:
        Outcome.objects.filter(commitment=step, on_date=step.starts_on).delete()


def end_project_steps(user: User, commitment_ids: Iterable[Any]) -> None:
    """Steps left unticked when a project is done together leave the calendar quietly."""
    Commitment.objects.visible_to(user).filter(
        pk__in=list(commitment_ids), kind=Kind.PROJECT, joint=True
    ).update(status=Status.RETIRED, updated_at=timezone.now())


# -- a season of keeping (milestones.services) ------------------------------------------------

SEASON = timedelta(days=91)


def kept_more_often_than_not(ring: Keyring, season: timedelta = SEASON) -> bool:
    """Whether a commitment this person keeps (their own, or a joint one), begun at least a
    season ago, was kept on more than half of its days over that season (today aside)."""
    user = ring.user
    yesterday = local_today(user) - timedelta(days=1)
    since = yesterday - season + timedelta(days=1)
    theirs = list(
        visible_commitments(user)
        .filter(Q(author_id=user.pk) | Q(joint=True), status=Status.ACTIVE, starts_on__lte=since)
        .exclude(kind=Kind.PROJECT)
    )
    if not theirs:
        return False
    tally: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for occasion in occasions(user, (since, yesterday), commitments=theirs, ring=ring):
        counts = tally[occasion.commitment.pk]
        counts[0] += 1
        counts[1] += occasion.state == "kept"
    return any(kept * 2 > due for due, kept in tally.values())


@contextmanager
def _plainly() -> Iterator[None]:
    """A key that hasn't arrived yet is a plain reason, not an error page."""
    try:
        yield
    except entries.NotReady as reason:
        raise CommitmentProblem(str(reason)) from None


def _check_open(commitment: Commitment) -> None:
    """Joint records stay with the one who remains after a leave, as history only."""
    if commitment.joint and commitment.couple_id is not None:
        ended = CoupleSpace.objects.filter(pk=commitment.couple_id, ended_at__isnull=False)
        if ended.exists():
            raise CommitmentProblem(
                "This was kept together with a partner who has since left; it stays as history."
            )


def _claim_revision(commitment: Commitment, expected: int) -> None:
    """Optimistic lock: only the form that saw the current revision may change it."""
    claimed = Commitment.objects.filter(pk=commitment.pk, revision=expected).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        current = Commitment.objects.get(pk=commitment.pk)
        raise StaleEdit(current)
    commitment.revision = expected + 1


@transaction.atomic
def edit_commitment(
    ring: Keyring,
    commitment: Commitment,
    *,
    expected_revision: int,
    title: str,
    details: str,
    ends_on: date | None,
) -> None:
    title = _check_text(title)
    if ends_on is not None and ends_on < commitment.starts_on:
        raise CommitmentProblem("The end date is before the start date.")
    _check_open(commitment)
    _claim_revision(commitment, expected_revision)
    with _plainly():
        entries.encrypt_into(commitment, ring, {"title": title, "details": details.strip() or None})
    commitment.ends_on = ends_on
    commitment.save(update_fields=["title", "details", "ends_on"])


@transaction.atomic
def change_cadence(
    ring: Keyring, commitment: Commitment, *, expected_revision: int, rule: Rule
) -> None:
    """Applies from today on; the past keeps its schedule, its occasions and their outcomes."""
    today = local_today(ring.user)
    first = max(today, commitment.starts_on)
    if rule.cadence == Cadence.ONCE:
        raise CommitmentProblem(
            "A commitment can't become a one-time one once it has begun; make a new one instead."
        )
    check_plan(rule, first, commitment.ends_on)
    _check_open(commitment)
    _claim_revision(commitment, expected_revision)
    commitment.schedules.filter(effective_from__gte=first).delete()
    _schedule(commitment, rule, first)


@transaction.atomic
def set_status(
    commitment: Commitment, status: str, *, expected_revision: int, by: User | None = None
) -> None:
    """Pausing or retiring is anyone's to do alone. A joint rhythm starts again only when
    both agree (rule 6): one partner bringing it back suggests it to the other."""
    if status not in Status.values or status == Status.SUGGESTED:
        raise CommitmentProblem("That isn't a status a commitment can have.")
    _check_open(commitment)
    _claim_revision(commitment, expected_revision)
    resuming = status == Status.ACTIVE and commitment.status != Status.ACTIVE
    if commitment.joint and resuming and by is not None:
        commitment.status = Status.SUGGESTED
        commitment.suggested_by = by
        commitment.save(update_fields=["status", "suggested_by"])
        return
    commitment.status = status
    commitment.suggested_by = None
    commitment.save(update_fields=["status", "suggested_by"])


# -- marking and noticing -------------------------------------------------------------------


def may_mark(user: User, commitment: Commitment) -> bool:
    return rules.may_change(user, commitment)


def _check_occasion(
    commitment: Commitment, on_date: date, today: date, *, ahead_ok: bool = False
) -> None:
    _check_open(commitment)
    if commitment.status != Status.ACTIVE:
        raise CommitmentProblem(
            "This commitment is paused or retired, so its days can't be marked now."
        )
    if on_date > today and not ahead_ok:
        raise CommitmentProblem("That day hasn't come yet; it can be marked once it's here.")
    schedules = list(commitment.schedules.all())
    if not falls_on(schedules, commitment.starts_on, commitment.ends_on, on_date):
        raise CommitmentProblem("This commitment doesn't fall on that day.")


@transaction.atomic
def record_outcome(
    ring: Keyring,
    commitment: Commitment,
    on_date: date,
    result: str,
    *,
    in_the_way: str = "",
    will_change: str = "",
    ahead_ok: bool = False,
) -> Outcome:
    """One outcome per occasion: marking again updates it, never adds a second.
    `ahead_ok` is for a practice done early for its period (see `keep_rhythm_in`)."""
    user = ring.user
    if not may_mark(user, commitment):
        raise CommitmentProblem("Only the person who made this commitment marks how it went.")
    if result not in Result.values:
        raise CommitmentProblem("Choose kept, partly kept, or missed.")
    _check_occasion(commitment, on_date, local_today(user), ahead_ok=ahead_ok)
    outcome = Outcome.objects.filter(commitment=commitment, on_date=on_date).first()
    if outcome is None:
        outcome = Outcome(commitment=commitment, on_date=on_date)
    outcome.author = user
    outcome.result = ""  # never in clear again (see Outcome.how_it_went)
    outcome.visibility = commitment.visibility
    outcome.couple_id = commitment.couple_id
    outcome.updated_at = timezone.now()
    reflection = result != Result.KEPT
    with _plainly():
        entries.encrypt_into(
            outcome,
            ring,
            {
                "how_it_went": result,
                "in_the_way": (in_the_way.strip() or None) if reflection else None,
                "will_change": (will_change.strip() or None) if reflection else None,
            },
        )
    try:
        with transaction.atomic():
            outcome.save()
    except IntegrityError:  # the same submit twice at once: the other one won; update it
        existing = Outcome.objects.get(commitment=commitment, on_date=on_date)
        return record_outcome(
            ring,
            commitment,
            existing.on_date,
            result,
            in_the_way=in_the_way,
            will_change=will_change,
        )
    return outcome


@transaction.atomic
def notice(ring: Keyring, commitment: Commitment, on_date: date, note: str = "") -> Noticed:
    user = ring.user
    if rules.may_change(user, commitment):
        raise CommitmentProblem(
            "\u201cI noticed\u201d is for your partner's commitments, not your own."
        )
    if not rules.may_notice(user, commitment):
        raise CommitmentProblem("This commitment isn't shared with you.")
    _check_occasion(commitment, on_date, local_today(user))
    noticed = Noticed.objects.filter(commitment=commitment, on_date=on_date, author=user).first()
    if noticed is None:
        noticed = Noticed(commitment=commitment, on_date=on_date, author=user)
    noticed.couple_id = commitment.couple_id
    noticed.visibility = Visibility.SHARED
    noticed.updated_at = timezone.now()
    with _plainly():
        entries.encrypt_into(noticed, ring, {"note": note.strip() or None})
    try:
        with transaction.atomic():
            noticed.save()
    except IntegrityError:
        return notice(ring, commitment, on_date, note)
    activity.tell_partner(
        user,
        "commitments.noticed",
        reverse("commitments:occasion", args=[commitment.pk, on_date]),
        entry=noticed,
    )
    return noticed


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


# -- reading: occasions and follow-through ---------------------------------------------------


@dataclass
class Occasion:
    commitment: Commitment
    day: date
    outcome: Outcome | None = None
    noticed: list[Noticed] = field(default_factory=list)

    @property
    def state(self) -> str:
        """Needs the outcome opened: `occasions(..., ring=...)` does it."""
        return (self.outcome.outcome_result if self.outcome else "") or "open"

    @property
    def anchor(self) -> str:
        """A stable name for this occasion on a page (its card's id, a redirect's #)."""
        return f"{self.commitment.pk}-{self.day:%Y%m%d}"


def occasion_on(
    user: User, commitment: Commitment, day: date, ring: Keyring | None = None
) -> Occasion | None:
    """One occasion of a commitment this person may see, with its outcome and marks (opened
    when the person's `ring` is given)."""
    found = occasions(user, (day, day), commitments=[commitment], ring=ring)
    return found[0] if found else None


def visible_commitments(user: User) -> QuerySet[Commitment]:
    return (
        Commitment.objects.visible_to(user)
        .exclude(status=Status.RETIRED)
        .select_related("author")
        .prefetch_related("schedules")
    )


def _with_history(user: User) -> QuerySet[Commitment]:
    """Visible commitments, retired ones too: their past outcomes stay part of the story."""
    return (
        Commitment.objects.visible_to(user).select_related("author").prefetch_related("schedules")
    )


def occasions(
    user: User,
    window: tuple[date, date],
    *,
    commitments: Iterable[Commitment] | None = None,
    ring: Keyring | None = None,
) -> list[Occasion]:
    """Every occasion in the window of the commitments this person may see, with outcomes
    and "I noticed" marks attached. Paused and retired commitments bring only the days
    that were marked. A fixed number of queries, whatever the history. With the person's
    `ring`, outcomes are opened, so each occasion's state is known."""
    chosen = list(commitments if commitments is not None else _with_history(user))
    if not chosen:
        return []
    by_id = {c.pk: c for c in chosen}
    found: dict[tuple[object, date], Occasion] = {}
    for c in chosen:
        if c.status != Status.ACTIVE:
            continue
        for day in dates_between(list(c.schedules.all()), c.starts_on, c.ends_on, window):
            found[(c.pk, day)] = Occasion(c, day)
    lo, hi = window
    outcomes: list[Outcome] = list(
        Outcome.objects.visible_to(user).filter(commitment_id__in=by_id, on_date__range=(lo, hi))
    )
    if ring is not None:
        _open_outcomes(ring, outcomes)
    for o in outcomes:
        if o.commitment_id is None:
            continue
        # Marked before a pause or a cadence change: the outcome keeps its day.
        found.setdefault((o.commitment_id, o.on_date), Occasion(by_id[o.commitment_id], o.on_date))
        found[(o.commitment_id, o.on_date)].outcome = o
    marks = Noticed.objects.visible_to(user).filter(
        commitment_id__in=by_id, on_date__range=(lo, hi)
    )
    for n in marks:
        if (n.commitment_id, n.on_date) in found:
            found[(n.commitment_id, n.on_date)].noticed.append(n)
    return sorted(found.values(), key=lambda o: (o.day, o.commitment.kind, o.commitment.created_at))


def _open_outcomes(ring: Keyring, outcomes: list[Outcome]) -> None:
    """Decrypt outcomes; the author's rows from before `how_it_went` existed are moved out of
    the clear `result` column now that their key is at hand (a migration has no keys)."""
    entries.reveal(outcomes, ring)
    moved = []
    for o in outcomes:
        if o.result and o.author_id == ring.user.pk and not (o.unreadable or o.waiting):
            values = {**o.plain, "how_it_went": o.result}
            try:
                entries.encrypt_into(o, ring, values)
            except entries.NotReady:
                continue  # moved on a later visit, once the couple key is here
            o.result = ""
            moved.append(o)
    if moved:
        Outcome.objects.bulk_update(
            moved, ["result", "how_it_went", "in_the_way", "will_change"], batch_size=500
        )


@dataclass(frozen=True)
class WeekCount:
    start: date
    end: date
    kept: int
    partly: int
    missed: int
    due: int


def _tally(ring: Keyring, window: tuple[date, date]) -> dict[date, dict[str, int]]:
    """Counts per day of this person's occasions (their own and the joint ones): due,
    kept, partly, missed. Active commitments count every day they fall on; paused and
    retired ones only the days that were marked. How each went is encrypted, so the
    counts are made with the person's keys, when their page is shown."""
    user = ring.user
    lo, hi = window
    mine = list(_with_history(user).filter(rules.changeable_by(user)))
    marked: dict[object, dict[date, str]] = defaultdict(dict)
    found = list(Outcome.objects.filter(commitment__in=mine, on_date__range=(lo, hi)))
    _open_outcomes(ring, found)
    for o in found:
        if o.outcome_result:
            marked[o.commitment_id][o.on_date] = o.outcome_result
    tally: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in mine:
        if c.status == Status.ACTIVE:
            days = dates_between(list(c.schedules.all()), c.starts_on, c.ends_on, window)
        else:
            days = sorted(marked[c.pk])
        for day in days:
            tally[day]["due"] += 1
            result = marked[c.pk].get(day)
            if result:
                tally[day][result] += 1
    return tally


def _sum(days: Iterable[dict[str, int]], start: date, end: date) -> WeekCount:
    total: dict[str, int] = defaultdict(int)
    for counts in days:
        for key, value in counts.items():
            total[key] += value
    return WeekCount(start, end, total["kept"], total["partly"], total["missed"], total["due"])


def follow_through(ring: Keyring, weeks: int = 8) -> list[WeekCount]:
    """Per week: of this person's occasions so far, how many were kept."""
    today = local_today(ring.user)
    spans = weeks_back(today, weeks)
    tally = _tally(ring, (spans[0][0], min(spans[-1][1], today)))
    return [
        _sum((counts for day, counts in tally.items() if start <= day <= end), start, end)
        for start, end in spans
    ]


# -- calendar --


def kept_between(ring: Keyring, window: tuple[date, date]) -> WeekCount:
    """The follow-through counts over any span (the month so far, for its sentence)."""
    return _sum(_tally(ring, window).values(), *window)
