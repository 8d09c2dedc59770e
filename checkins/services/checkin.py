"""Check-ins, reflections and the journal: their rules. Trends are in `trends`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.probes import Answers, Probes
from checkins.models import (
    ANSWER_MAX,
    JOURNAL_MAX,
    LATE_DAYS,
    CheckIn,
    CheckInPreference,
    HardDay,
    JournalEntry,
    Reflection,
)
from checkins.services.trends import refresh_summaries
from commitments import services as commitments
from couples import services as couples
from privacy import entries
from privacy.keyring import Keyring

SAFETY = range(0, 11)
CLOSENESS = range(0, 11)
HEAVINESS = range(1, 6)


class CheckInProblem(Exception):
    """A plain reason why nothing changed."""


def local_today(user: User) -> date:
    return commitments.local_today(user)


def starts_shared(user: User) -> bool:
    pref = CheckInPreference.objects.filter(user=user).first()
    return bool(pref and pref.start_shared)


def set_starts_shared(user: User, shared: bool) -> None:
    CheckInPreference.objects.update_or_create(user=user, defaults={"start_shared": shared})


def _check_day(user: User, day: date) -> bool:
    """True when the day is late. Future days and days over a week back are refused."""
    today = local_today(user)
    if day > today:
        raise CheckInProblem("That day hasn't come yet.")
    if day < today - timedelta(days=LATE_DAYS):
        raise CheckInProblem("A check-in can be filled in up to a week late, not more.")
    return day < today


def _check_rating(value: int, allowed: range, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        raise CheckInProblem(f"Please choose {name} from {allowed.start} to {allowed.stop - 1}.")


@transaction.atomic
def check_in(
    ring: Keyring,
    day: date,
    *,
    safety: int,
    closeness: int,
    heaviness: int,
    moments: Iterable[str] = (),
    words: str = "",
    shared: bool | None = None,
) -> CheckIn:
    """One check-in per person per day: a second one for the same day updates the first."""
    user = ring.user
    late = _check_day(user, day)
    _check_rating(safety, SAFETY, "how safe you feel")
    _check_rating(closeness, CLOSENESS, "how close you feel")
    _check_rating(heaviness, HEAVINESS, "how heavy today is")
    chosen = sorted(set(moments))
    if any(m not in HardDay.values for m in chosen):
        raise CheckInProblem("One of those options isn't one Tending offers.")
    entry = CheckIn.objects.authored_by(user).filter(day=day).first()
    if entry is None:
        entry = CheckIn(author=user, day=day, late=late)
        # The preference applies only while there is someone to share with.
        paired = couples.partner_of(user) is not None
        wanted_shared = (starts_shared(user) and paired) if shared is None else shared
    else:
        wanted_shared = entry.is_shared if shared is None else shared
    entry.updated_at = timezone.now()
    values = {
        "safety": safety,
        "closeness": closeness,
        "heaviness": heaviness,
        "moments": chosen,
        "words": words.strip() or None,
    }
    try:
        entries.encrypt_into(entry, ring, values)
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # two submits at once: the other made the row; update it
        return check_in(
            ring,
            day,
            safety=safety,
            closeness=closeness,
            heaviness=heaviness,
            moments=chosen,
            words=words,
            shared=shared,
        )
    except entries.NotReady as reason:
        raise CheckInProblem(str(reason)) from None
    try:
        if wanted_shared and not entry.is_shared:
            entries.share(entry, ring)
        elif not wanted_shared and entry.is_shared:
            entries.unshare(entry, ring)
    except entries.NotReady as reason:
        raise CheckInProblem(str(reason)) from None
    refresh_summaries(ring, day)
    _keep_rhythm(ring, day)
    return entry


@transaction.atomic
def share_checkin(ring: Keyring, entry: CheckIn) -> None:
    entries.share(entry, ring)
    refresh_summaries(ring, entry.day)


@transaction.atomic
def unshare_checkin(ring: Keyring, entry: CheckIn) -> None:
    entries.unshare(entry, ring)
    refresh_summaries(ring, entry.day)


def _keep_rhythm(ring: Keyring, day: date) -> None:
    """A check-in done marks that day's daily check-in occasion kept, when the rhythm is on."""
    rhythm = commitments.current_rhythms(ring.user).checkin
    if rhythm is None or rhythm.kind != commitments.RhythmKind.CHECKIN:
        return
    # When the rhythm didn't fall on that day (it began later) there is nothing to mark.
    with suppress(commitments.CommitmentProblem):
        commitments.record_outcome(ring, rhythm, day, "kept")


def reveal_checkins(ring: Keyring, rows: Iterable[CheckIn]) -> list[CheckIn]:
    return entries.reveal(list(rows), ring)  # type: ignore[return-value]


def check_day(user: User, day: date) -> bool:
    """For pages that offer a day before anything is saved: True when it would be late;
    CheckInProblem when it can't be filled in at all."""
    return _check_day(user, day)


def checked_in_on(user: User, day: date, answers: Answers | None = None) -> bool:
    """Whether this person has a check-in for that day (one query, no keys needed; none
    when a page already asked `today_probes`)."""
    if answers is not None:
        return bool(answers[CHECKED_IN])
    return _checked_in(user, day).exists()


def _checked_in(user: User, day: date) -> QuerySet[CheckIn]:
    return CheckIn.objects.authored_by(user).filter(day=day)


CHECKED_IN = "checkins.checked_in"


def today_probes(user: User, day: date) -> Probes:
    """Today's question to this practice, for `accounts.probes.ask`."""
    return {CHECKED_IN: Exists(_checked_in(user, day))}


# -- reflections and the journal ------------------------------------------------------------


@transaction.atomic
def reflect(ring: Keyring, prompt_key: str, answer: str, *, shared: bool = False) -> Reflection:
    from checkins.prompts import PROMPTS

    if prompt_key not in PROMPTS:
        raise CheckInProblem("That prompt isn't one Tending offers.")
    answer = answer.strip()
    if not answer:
        raise CheckInProblem("Please write something first, or leave this one for another day.")
    if len(answer) > ANSWER_MAX:
        raise CheckInProblem(f"An answer can be up to {ANSWER_MAX:,} characters.")
    entry = Reflection(author=ring.user, prompt_key=prompt_key, day=local_today(ring.user))
    entries.encrypt_into(entry, ring, {"answer": answer})
    entry.save()
    if shared:
        try:
            entries.share(entry, ring)
        except entries.NotReady as reason:
            raise CheckInProblem(str(reason)) from None
    return entry


def write_journal(ring: Keyring, body: str) -> JournalEntry:
    body = body.strip()
    if not body:
        raise CheckInProblem("An empty page isn't kept. Write a little, or come back later.")
    if len(body) > JOURNAL_MAX:
        raise CheckInProblem(f"A journal entry can be up to {JOURNAL_MAX:,} characters.")
    entry = JournalEntry(author=ring.user)
    entries.encrypt_into(entry, ring, {"body": body})
    entry.save()
    return entry


def delete_journal(entry: JournalEntry) -> None:
    entry.delete()


def partner_shares_checkins(user: User) -> User | None:
    """The partner, when they have shared at least one check-in with this person."""
    partner = couples.partner_of(user)
    if partner is None:
        return None
    shared = CheckIn.objects.visible_to(user).filter(author=partner).exists()
    return partner if shared else None


def nth_checkin_day(user: User, n: int) -> date | None:
    """The day of this person's n-th check-in (counted, never "in a row"), if there is one:
    for a milestone that notices check-ins without turning them into a streak."""
    days = CheckIn.objects.authored_by(user).order_by("day").values_list("day", flat=True)
    return next(iter(days[n - 1 : n]), None)


def last_checkin_before(user: User, day: date) -> date | None:
    """The day of this person's latest check-in before `day`: a long gap is met with a
    welcome back, never with a broken chain."""
    days = (
        CheckIn.objects.authored_by(user)
        .filter(day__lt=day)
        .order_by("-day")
        .values_list("day", flat=True)
    )
    return next(iter(days[:1]), None)
