"""Bids: every rule lives here. Views parse, call and render.

A person's log describes their own experience. Nothing here compares two people's logs:
the rates are one person's own, counted from what they noted, with their own keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, QuerySet
from django.utils import timezone

from accounts import probes
from accounts.models import User
from accounts.probes import Answers, Probes
from bids.models import WORDS_MAX, Bid, BidPreference, Kind, Response, Who
from couples import services as couples
from privacy import digests, entries, rules
from privacy.keyring import Keyring

RATE_WEEKS = 8
# A time this far ahead of the server's clock still counts as now (a phone a little fast).
CLOCK_SLACK = timedelta(minutes=2)


class BidProblem(Exception):
    """A plain reason why nothing changed."""


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


def _check_choice(value: str, allowed: Iterable[str], what: str) -> None:
    if value not in allowed:
        raise BidProblem(f"That {what} isn't one Tending offers. Nothing was saved.")


def check_when(at: datetime) -> None:
    if at > timezone.now() + CLOCK_SLACK:
        raise BidProblem("That time hasn't come yet. Please choose a time that has passed.")


def check_words(words: str) -> str:
    words = words.strip()
    if len(words) > WORDS_MAX:
        raise BidProblem(f"A few words can be up to {WORDS_MAX} characters.")
    return words


def find_by_token(user: User, token: uuid.UUID) -> Bid | None:
    found: Bid | None = Bid.objects.authored_by(user).filter(form_token=token).first()
    return found


def note_bid(
    ring: Keyring,
    *,
    who: str,
    kind: str,
    response: str,
    token: uuid.UUID | None = None,
    at: datetime | None = None,
    words: str = "",
) -> tuple[Bid, bool]:
    """Note one bid, private. Returns the bid and whether it is new: a second submit of the
    same form (same token) returns the first bid and changes nothing."""
    _check_choice(who, Who.values, "answer to who reached out")
    _check_choice(kind, Kind.values, "kind of bid")
    _check_choice(response, Response.values, "response")
    at = at or timezone.now()
    check_when(at)
    words = check_words(words)
    if token is not None:
        earlier = find_by_token(ring.user, token)
        if earlier is not None:
            return earlier, False
    bid = Bid(author=ring.user, noted_at=at, form_token=token)
    values = {"who": who, "kind": kind, "response": response, "words": words or None}
    entries.encrypt_into(bid, ring, values)
    try:
        with transaction.atomic():
            bid.save(force_insert=True)
    except IntegrityError:  # the same form, submitted twice at once: the other one won
        earlier = find_by_token(ring.user, token) if token else None
        if earlier is None:
            raise
        return earlier, False
    return bid, True


def change_bid(
    ring: Keyring,
    bid: Bid,
    *,
    who: str,
    kind: str,
    response: str,
    words: str,
    at: datetime,
) -> None:
    """Its author corrects it afterwards: who reached out, what kind, how it was met, a few
    words and the time. Nobody else may change it."""
    if not rules.is_author(ring.user, bid):
        raise PermissionError("Only the author can change a bid.")
    _check_choice(who, Who.values, "answer to who reached out")
    _check_choice(kind, Kind.values, "kind of bid")
    _check_choice(response, Response.values, "response")
    check_when(at)
    words = check_words(words)
    values = {"who": who, "kind": kind, "response": response, "words": words or None}
    try:
        entries.encrypt_into(bid, ring, values)
    except entries.NotReady as reason:
        raise BidProblem(str(reason)) from None
    bid.noted_at = at
    bid.updated_at = timezone.now()
    bid.save(update_fields=["who", "kind", "response", "words", "noted_at", "updated_at"])


def add_detail(ring: Keyring, bid: Bid, *, words: str, at: datetime) -> None:
    """The optional second step: a few words and a different time."""
    if not rules.is_author(ring.user, bid):
        raise PermissionError("Only the author can change a bid.")
    check_when(at)
    words = check_words(words)
    try:
        entries.encrypt_into(bid, ring, {"words": words or None})
    except entries.NotReady as reason:
        raise BidProblem(str(reason)) from None
    bid.noted_at = at
    bid.updated_at = timezone.now()
    bid.save(update_fields=["words", "noted_at", "updated_at"])


@transaction.atomic
def share_bid(ring: Keyring, bid: Bid, *, with_response: bool) -> None:
    """Share a bid as its author's own experience: the reach alone, or with how it felt."""
    entries.share(bid, ring)
    bid.response_shared = with_response
    bid.save(update_fields=["response_shared"])


@transaction.atomic
def unshare_bid(ring: Keyring, bid: Bid) -> None:
    entries.unshare(bid, ring)
    bid.response_shared = False
    bid.save(update_fields=["response_shared"])


def delete_bid(ring: Keyring, bid: Bid) -> None:
    if not rules.is_author(ring.user, bid):
        raise PermissionError("Only the author can remove a bid.")
    bid.delete()


def own_bids(user: User) -> QuerySet[Bid]:
    return Bid.objects.authored_by(user).order_by("-noted_at", "-created_at")


def partners_shared_bids(user: User) -> QuerySet[Bid]:
    """What the partner chose to share: the reading rule, minus one's own."""
    return (
        Bid.objects.visible_to(user).exclude(author_id=user.pk).order_by("-noted_at", "-created_at")
    )


def reveal_bids(ring: Keyring, rows: Iterable[Bid]) -> list[Bid]:
    """Open bids for the reader. A partner reads how a reach was met only where its author
    chose to share that too; otherwise it never leaves this function."""
    opened: list[Bid] = entries.reveal(list(rows), ring)  # type: ignore[assignment]
    for bid in opened:
        if bid.author_id != ring.user.pk and not bid.response_shared:
            bid.plain.pop("response", None)
    return opened


def noted_today(user: User) -> bool:
    """Whether this person noted a bid today, in their own time zone (no keys needed)."""
    start = datetime.combine(local_today(user), time.min, tzinfo=user.zone)
    return (
        own_bids(user).filter(noted_at__gte=start, noted_at__lt=start + timedelta(days=1)).exists()
    )


def today_probes(user: User) -> Probes:
    """Today's questions to this practice (`accounts.probes`): a bid noted today, and
    whether this person turned the daily nudge off."""
    start = datetime.combine(local_today(user), time.min, tzinfo=user.zone)
    noted = own_bids(user).filter(noted_at__gte=start, noted_at__lt=start + timedelta(days=1))
    quiet = BidPreference.objects.filter(user=user, daily_nudge=False)
    return {NOTED_TODAY: Exists(noted), NUDGE_OFF: Exists(quiet)}


NOTED_TODAY, NUDGE_OFF = "bids.noted_today", "bids.nudge_off"


def today_card(user: User, answers: Answers | None = None) -> tuple[bool, bool]:
    """`noted_today` and `wants_nudge` together, for the home page: in one query, or in
    none when it already asked `today_probes`."""
    answers = answers if answers is not None else probes.ask(today_probes(user))
    return bool(answers[NOTED_TODAY]), not answers[NUDGE_OFF]


def who_choices(partner: str | None) -> list[tuple[str, str]]:
    """How the first step names the two people: the partner by name when there is one."""
    return [(Who.ME, "I reached out"), (Who.PARTNER, f"{partner or 'My partner'} reached out")]


def partner_name(user: User) -> str | None:
    partner = couples.partner_of(user)
    return partner.display_name if partner else None


# -- weekly rates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRate:
    """One week of one person's own log: their reaches and how many were met, and the
    partner's reaches they noticed and how many they themself turned toward."""

    start: date
    mine_met: int
    mine: int
    theirs_met: int
    theirs: int

    @property
    def mine_rate(self) -> float | None:
        return self.mine_met / self.mine if self.mine else None

    @property
    def theirs_rate(self) -> float | None:
        return self.theirs_met / self.theirs if self.theirs else None


def weekly_rates(
    ring: Keyring, weeks: int = RATE_WEEKS, *, today: date | None = None
) -> list[WeekRate]:
    """The last `weeks` weeks (Monday to Sunday in the person's own time zone), oldest
    first. A week with no bids has zero counts and no rate: a gap, never 0%."""
    user = ring.user
    zone = user.zone
    today = today or local_today(user)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    stamps: dict[date, list[tuple[object, ...]]] = {}
    for pk, noted_at, updated in (
        own_bids(user)
        .filter(noted_at__gte=start, noted_at__lt=end)
        .values_list(digests.as_text("pk"), "noted_at", digests.as_text("updated_at"))
    ):
        day = timezone.localtime(noted_at, zone).date()
        stamps.setdefault(day - timedelta(days=day.weekday()), []).append((pk, noted_at, updated))

    def make(weeks: list[date]) -> dict[date, tuple[dict[str, Any], bool]]:
        lo = datetime.combine(weeks[0], time.min, tzinfo=zone)
        hi = datetime.combine(weeks[-1] + timedelta(days=7), time.min, tzinfo=zone)
        by_week: dict[date, list[Bid]] = {week: [] for week in weeks}
        rows = own_bids(user).filter(noted_at__gte=lo, noted_at__lt=hi).defer("words", "kind")
        for bid in rows:
            day = timezone.localtime(bid.noted_at, zone).date()
            monday = day - timedelta(days=day.weekday())
            if monday in by_week:
                by_week[monday].append(bid)
        return {week: _week_counts(ring, found) for week, found in by_week.items()}

    # Each week's counts are kept in the person's own digest (privacy/digests.py): only a
    # week whose bids changed is opened again.
    counts = {
        week: [int(n) for n in figures["counts"]]
        for week, figures in digests.kept_figures(ring, _RATES, stamps, make).items()
    }
    out = []
    for n in range(weeks):
        week_start = first + timedelta(weeks=n)
        c = counts.get(week_start, [0, 0, 0, 0])
        out.append(WeekRate(week_start, *c))
    return out


_RATES = "bids.weekly"


def _week_counts(ring: Keyring, rows: Iterable[Bid]) -> tuple[dict[str, Any], bool]:
    """A week of one's own bids: [mine met, mine, theirs met, theirs], and whether to keep
    it: not while one of them waits for the couple key (counted once it is here)."""
    week = [0, 0, 0, 0]
    keep = True
    for bid in entries.reveal(list(rows), ring, fields=("who", "response")):
        if bid.waiting:
            keep = False
        if bid.unreadable or bid.waiting:
            continue
        met = bid.plain["response"] == Response.TOWARD
        if bid.plain["who"] == Who.ME:
            week[0] += met
            week[1] += 1
        else:
            week[2] += met
            week[3] += 1
    return {"counts": week}, keep


def totals(weeks: Iterable[WeekRate]) -> dict[str, Any]:
    weeks = list(weeks)
    return {
        "mine_met": sum(w.mine_met for w in weeks),
        "mine": sum(w.mine for w in weeks),
        "theirs_met": sum(w.theirs_met for w in weeks),
        "theirs": sum(w.theirs for w in weeks),
    }


def wants_nudge(user: User) -> bool:
    return not BidPreference.objects.filter(user=user, daily_nudge=False).exists()


def set_nudge(user: User, on: bool) -> None:
    BidPreference.objects.update_or_create(user=user, defaults={"daily_nudge": on})
