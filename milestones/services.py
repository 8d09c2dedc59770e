"""Milestones: noticed gently, at most once a day, never as a streak; and quiet dates.

Each person sees their own milestones and the couple's shared ones, and can turn them off.
On one of their quiet dates nothing is celebrated and nothing nudges.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, Q, Subquery
from django.utils.crypto import salted_hmac

from accounts.models import User
from accounts.probes import Answers, Probes
from agreements import services as agreements
from appreciations import services as appreciations
from checkins import services as checkins
from commitments import services as commitments
from conversations import services as conversations
from couples import services as couples
from couples.models import CoupleSpace, Membership
from milestones.models import NOTE_MAX, MilestonePreference, QuietDate, Reached
from privacy import entries
from privacy.keyring import Keyring

# A milestone card stays on Today for this long after it was noticed.
SHOWN_FOR = timedelta(days=7)
# No check-in for this long, then one visit: "welcome back".
GAP = timedelta(days=7)


@dataclass(frozen=True)
class Kind:
    title: str
    words: str
    shared: bool


KINDS: dict[str, Kind] = {
    "checkins-week": Kind(
        "A week's worth of check-ins",
        "Seven times now you've stopped to notice how you are. That's worth marking.",
        shared=False,
    ),
    "first-agreement": Kind(
        "Your first agreement",
        "Something the two of you chose together, and both said yes to.",
        shared=True,
    ),
    "first-review": Kind(
        "Your first monthly review, together",
        "You sat down with your agreements and looked at them side by side.",
        shared=True,
    ),
    "first-conversation": Kind(
        "Your first conversation, to the end",
        "One spoke, one listened, and you saw it through.",
        shared=True,
    ),
    "ten-appreciations": Kind(
        "Ten notes of appreciation",
        "Between you, ten moments noticed and written down, kept for the harder days.",
        shared=True,
    ),
    "a-season": Kind(
        "A season of keeping your word",
        "For three months, one of your commitments was kept more often than not. "
        "That steadiness is what trust is built from.",
        shared=False,
    ),
    "a-year": Kind(
        "A year since you started here",
        "A year of looking after this, in small ways. However it has gone, you're still here.",
        shared=True,
    ),
}


class MilestoneProblem(Exception):
    """Something that can't be done; the message says why, plainly."""


def _preference(user: User) -> MilestonePreference:
    pref, _ = MilestonePreference.objects.get_or_create(user=user)
    return pref


def set_on(user: User, on: bool) -> None:
    pref = _preference(user)
    pref.on = on
    pref.save(update_fields=["on"])


def is_on(user: User) -> bool:
    return _preference(user).on


# -- noticing ------------------------------------------------------------------------------


def _first_week(user: User, couple: CoupleSpace) -> date | None:
    return checkins.nth_checkin_day(user, 7)


def _first_agreement(user: User, couple: CoupleSpace) -> date | None:
    first = (
        agreements.visible_agreements(user)
        .filter(current__isnull=False)
        .aggregate(on=Min("current__answered_at"))["on"]
    )
    return first.date() if first else None


def _first_review(user: User, couple: CoupleSpace) -> date | None:
    first = agreements.past_reviews(user).aggregate(on=Min("finished_at"))["on"]
    return first.date() if first else None


def _first_conversation(user: User, couple: CoupleSpace) -> date | None:
    first = (
        conversations.history(user)
        .filter(finished_at__isnull=False)
        .aggregate(on=Min("finished_at"))["on"]
    )
    return first.date() if first else None


def _ten_appreciations(user: User, couple: CoupleSpace) -> date | None:
    tenth = appreciations.written_together(user).order_by("created_at")[9:10]
    return next((note.created_at.date() for note in tenth), None)


def _a_year(user: User, couple: CoupleSpace) -> date | None:
    year_on = couple.created_at.date() + timedelta(days=365)
    return year_on if year_on <= commitments.local_today(user) else None


DETECTORS: dict[str, Callable[[User, CoupleSpace], date | None]] = {
    "checkins-week": _first_week,
    "first-agreement": _first_agreement,
    "first-review": _first_review,
    "first-conversation": _first_conversation,
    "ten-appreciations": _ten_appreciations,
    "a-year": _a_year,
}


def _a_season(ring: Keyring) -> bool:
    return commitments.kept_more_often_than_not(ring)


def _show_for(pref: MilestonePreference, couple_id: int | None, today: date) -> None:
    """A milestone was just noticed: Today looks for it this week (both partners' Today,
    for a shared one)."""
    until = today + SHOWN_FOR
    pref.shown_until = until
    pref.save(update_fields=["shown_until"])
    if couple_id is not None:
        members = list(
            Membership.objects.current()
            .filter(couple_id=couple_id)
            .values_list("user_id", flat=True)
        )
        for member in members:
            MilestonePreference.objects.get_or_create(user_id=member)
        MilestonePreference.objects.filter(user_id__in=members).update(shown_until=until)


def notice(
    user: User,
    today: date | None = None,
    ring: Keyring | None = None,
    pref: MilestonePreference | None = None,
) -> MilestonePreference:
    """Looks for milestones newly reached (and a return after a long gap), at most once a
    local day per person. Cheap to call on every Today visit. A season of keeping needs the
    person's keys (how each day went is encrypted), so it is looked for only with `ring`."""
    today = today or commitments.local_today(user)
    pref = pref or _preference(user)
    if pref.checked_on == today:
        return pref
    membership = couples.current_membership(user)
    if membership is not None and membership.couple.ended_at is None:
        paired = couples.partner_membership(membership) is not None
        known = set(
            Reached.objects.filter(Q(user=user) | Q(couple=membership.couple)).values_list(
                "key", flat=True
            )
        )
        for key, detect in DETECTORS.items():
            kind = KINDS[key]
            if key in known or (kind.shared and not paired):
                continue
            reached_on = detect(user, membership.couple)
            if reached_on is None:
                continue
            owner = {"couple": membership.couple} if kind.shared else {"user": user}
            try:
                with transaction.atomic():
                    Reached.objects.create(
                        key=key, reached_on=reached_on, noticed_on=today, **owner
                    )
            except IntegrityError:  # the partner's visit noticed it a moment ago
                continue
            _show_for(pref, membership.couple_id if kind.shared else None, today)
        if ring is not None and "a-season" not in known and _a_season(ring):
            with suppress(IntegrityError), transaction.atomic():
                Reached.objects.create(
                    key="a-season", reached_on=today, noticed_on=today, user=user
                )
                _show_for(pref, None, today)
    last = checkins.last_checkin_before(user, today)
    if last is not None and today - last >= GAP and pref.welcomed_on is None:
        pref.welcomed_on = today
    elif last is not None and today - last < GAP:
        pref.welcomed_on = None
    pref.checked_on = today
    pref.save(update_fields=["checked_on", "welcomed_on"])
    return pref


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    words: str
    shared: bool
    reached_on: date
    noticed_on: date


def _mine(user: User, couple_id: int | None) -> list[Milestone]:
    rule = Q(user=user)
    if couple_id is not None:
        rule |= Q(couple_id=couple_id)
    rows = Reached.objects.filter(rule).order_by("-reached_on")
    return [
        Milestone(
            r.key,
            KINDS[r.key].title,
            KINDS[r.key].words,
            KINDS[r.key].shared,
            r.reached_on,
            r.noticed_on,
        )
        for r in rows
        if r.key in KINDS
    ]


def all_reached(user: User) -> list[Milestone]:
    membership = couples.current_membership(user)
    return _mine(user, membership.couple_id if membership else None)


# -- quiet dates ---------------------------------------------------------------------------


def _quiet_mark(user_id: int, month_day: str) -> str:
    return salted_hmac("milestones.quiet", f"{user_id}:{month_day}", algorithm="sha256").hexdigest()


def _sync_marks(ring: Keyring, days: set[str], pref: MilestonePreference | None = None) -> None:
    """Keep the worker's keyless view of this person's quiet dates in step with the dates."""
    pref = pref or _preference(ring.user)
    marks = ",".join(sorted(_quiet_mark(ring.user.pk, d) for d in days))
    if pref.quiet_marks != marks:
        pref.quiet_marks = marks
        pref.save(update_fields=["quiet_marks"])


def is_quiet_for(user: User, day: date) -> bool:
    """Without anyone's keys (the reminder worker): is `day` one of this person's quiet
    dates? Their reminder email and push wait for another day."""
    marks = (
        MilestonePreference.objects.filter(user=user).values_list("quiet_marks", flat=True).first()
    )
    if not marks:
        return False
    return _quiet_mark(user.pk, day.strftime("%m-%d")) in marks.split(",")


def add_quiet_date(ring: Keyring, day: date, note: str = "") -> QuietDate:
    cleaned = (note or "").strip()
    if len(cleaned) > NOTE_MAX:
        raise MilestoneProblem(
            f"A note can be up to {NOTE_MAX} characters; this has {len(cleaned)}. "
            "Nothing was saved."
        )
    month_day = day.strftime("%m-%d")
    if month_day in quiet_days(ring):
        raise MilestoneProblem("That date is already one of your quiet dates.")
    quiet = QuietDate(author=ring.user)
    entries.encrypt_into(quiet, ring, {"month_day": month_day, "note": cleaned or None})
    quiet.save()
    _sync_marks(ring, quiet_days(ring))
    return quiet


def quiet_dates(ring: Keyring) -> list[QuietDate]:
    found = list(QuietDate.objects.authored_by(ring.user))
    entries.reveal(found, ring)
    return sorted(found, key=lambda q: str(q.plain.get("month_day") or ""))


def quiet_days(ring: Keyring) -> set[str]:
    return {str(q.plain["month_day"]) for q in quiet_dates(ring) if q.plain.get("month_day")}


def is_quiet(ring: Keyring, day: date) -> bool:
    """One of this person's quiet dates: nothing celebrates and nothing nudges today."""
    return day.strftime("%m-%d") in quiet_days(ring)


def remove_quiet_date(ring: Keyring, quiet: QuietDate) -> None:
    quiet.delete()
    _sync_marks(ring, quiet_days(ring))


# -- Today ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodayCard:
    milestones: list[Milestone]
    welcome_back: bool


ANY_QUIET_DATES = "milestones.any_quiet_dates"


# The preference row's fields Today reads, each asked as a probe of its own.
PREFERENCE_FIELDS = ("id", "on", "checked_on", "welcomed_on", "quiet_marks", "shown_until")


def today_probes(user: User) -> Probes:
    """Today's questions to this practice (`accounts.probes`): any quiet dates kept at all,
    and this person's preference row, field by field."""
    row = MilestonePreference.objects.filter(user=user)
    return {ANY_QUIET_DATES: Exists(QuietDate.objects.authored_by(user))} | {
        f"milestones.preference.{name}": Subquery(row.values(name)[:1])
        for name in PREFERENCE_FIELDS
    }


def _preference_from(user: User, answers: Answers | None) -> MilestonePreference:
    """The preference row as Today's probes read it, or read (made) now."""
    if answers is None or answers["milestones.preference.id"] is None:
        return _preference(user)
    fields = {name: answers[f"milestones.preference.{name}"] for name in PREFERENCE_FIELDS}
    pref = MilestonePreference(user_id=user.pk, **fields)
    pref._state.adding, pref._state.db = False, MilestonePreference.objects.db
    return pref


def today_for(
    ring: Keyring, couple_id: int | None, answers: Answers | None = None
) -> tuple[bool, TodayCard | None]:
    """Whether today is one of this person's quiet dates, and what Today marks for them.
    Also brings the worker's quiet marks up to date (dates kept before the marks existed).
    The dates aren't read when Today's probes already said there are none."""
    today = commitments.local_today(ring.user)
    days = quiet_days(ring) if answers is None or answers[ANY_QUIET_DATES] else set()
    quiet = today.strftime("%m-%d") in days
    pref = notice(ring.user, today, ring, _preference_from(ring.user, answers))
    _sync_marks(ring, days, pref)
    return quiet, _card(ring, couple_id, pref, today, quiet=quiet)


def today_card(ring: Keyring, couple_id: int | None, *, quiet: bool) -> TodayCard | None:
    """What Today marks for this person: fresh milestones and a welcome back, unless they
    turned milestones off or today is one of their quiet dates."""
    user = ring.user
    today = commitments.local_today(user)
    return _card(ring, couple_id, notice(user, today, ring), today, quiet=quiet)


def _card(
    ring: Keyring, couple_id: int | None, pref: MilestonePreference, today: date, *, quiet: bool
) -> TodayCard | None:
    user = ring.user
    if quiet or not pref.on:
        return None
    welcome = pref.welcomed_on == today
    if not welcome and (pref.shown_until is None or pref.shown_until <= today):
        return None  # nothing noticed this past week: no need to look
    fresh = [m for m in _mine(user, couple_id) if m.noticed_on > today - SHOWN_FOR]
    welcome = pref.welcomed_on == today
    if not fresh and not welcome:
        return None
    return TodayCard(fresh, welcome)


def look_again(notice: Any) -> None:
    """After a notice (a partner did something the other may see): look for milestones again
    on both partners' next visit, rather than waiting for tomorrow."""
    MilestonePreference.objects.filter(user_id__in=[notice.actor_id, notice.recipient_id]).update(
        checked_on=None
    )
