"""Reading: occasions with their outcomes and marks (the calendar, Today, the occasion page),
follow-through counts per week or span, a season of keeping, and the worker's reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from commitments.models import (
    Commitment,
    Kind,
    Noticed,
    Outcome,
    Status,
)
from commitments.occurrences import dates_between, weeks_back
from commitments.services.promises import local_today
from privacy import digests, entries, rules
from privacy.keyring import Keyring


def plan_due_reminders() -> int:
    """The worker's entry point: plan every reminder that is due now (see `reminders`)."""
    from commitments import reminders  # reminders builds on this module's queries

    return reminders.plan_due_reminders()


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
    with_marks: bool = True,
) -> list[Occasion]:
    """Every occasion in the window of the commitments this person may see, with outcomes
    and "I noticed" marks attached (`with_marks=False`: without the marks, one query less).
    Paused and retired commitments bring only the days that were marked. A fixed number of
    queries, whatever the history. With the person's `ring`, outcomes are opened, so each
    occasion's state is known."""
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
    if with_marks:
        marks = Noticed.objects.visible_to(user).filter(
            commitment_id__in=by_id, on_date__range=(lo, hi)
        )
        for n in marks:
            if (n.commitment_id, n.on_date) in found:
                found[(n.commitment_id, n.on_date)].noticed.append(n)
    return sorted(found.values(), key=lambda o: (o.day, o.commitment.kind, o.commitment.created_at))


def for_today(ring: Keyring, day: date) -> tuple[list[Occasion], list[Commitment]]:
    """What Today shows of commitments, from one read of them: the day's occasions this
    person marks (their own and the joint ones), and the joint rhythms their partner
    suggested that wait for their answer, both opened. Today shows no "I noticed" marks,
    so none are read."""
    user = ring.user
    chosen = list(_with_history(user))
    due = [
        o
        for o in occasions(user, (day, day), commitments=chosen, ring=ring, with_marks=False)
        if rules.may_change(user, o.commitment)  # `may_mark`: who marks an occasion
    ]
    suggested = sorted(
        (
            c
            for c in chosen
            if c.joint and c.status == Status.SUGGESTED and c.suggested_by_id != user.pk
        ),
        key=lambda c: c.created_at,
    )
    entries.reveal([*{id(o.commitment): o.commitment for o in due}.values(), *suggested], ring)
    return due, suggested


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
    counts are made with the person's keys, when their page is shown; how each week's
    occasions went is kept in the person's own digest (privacy/digests.py), so only a week
    whose outcomes changed is opened again."""
    user = ring.user
    mine = list(_with_history(user).filter(rules.changeable_by(user)))
    marked = _marked(ring, [c.pk for c in mine], window)
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


_MARKED = "commitments.marked"


def _marked(
    ring: Keyring, commitment_ids: list[Any], window: tuple[date, date]
) -> dict[object, dict[date, str]]:
    """How each occasion in the window was marked, by commitment and day: read per week from
    the person's digests, opening the outcomes of a week only when they changed."""
    lo, hi = window
    # Whole weeks, so that every window (a month, twelve weeks) reads the same digests.
    stamps: dict[date, list[tuple[object, ...]]] = defaultdict(list)
    weeks = (_monday(lo), _monday(hi) + timedelta(days=6))
    rows = Outcome.objects.filter(commitment_id__in=commitment_ids, on_date__range=weeks)
    for pk, on_date, updated, visibility in rows.values_list(
        digests.as_text("pk"), "on_date", digests.as_text("updated_at"), "visibility"
    ):
        stamps[_monday(on_date)].append((pk, updated, visibility))

    def make(weeks: list[date]) -> dict[date, tuple[dict[str, Any], bool]]:
        span = (weeks[0], weeks[-1] + timedelta(days=6))
        found = [
            o
            for o in Outcome.objects.filter(commitment_id__in=commitment_ids, on_date__range=span)
            if _monday(o.on_date) in set(weeks)
        ]
        _open_outcomes(ring, found)
        made: dict[date, dict[str, Any]] = {week: {} for week in weeks}
        waiting = set()
        for o in found:
            week = _monday(o.on_date)
            if o.waiting:
                waiting.add(week)  # shown as not marked, kept once the couple key is here
            elif o.outcome_result:
                made[week][f"{o.commitment_id}|{o.on_date.isoformat()}"] = o.outcome_result
        return {week: (figures, week not in waiting) for week, figures in made.items()}

    by_text = {str(pk): pk for pk in commitment_ids}
    marked: dict[object, dict[date, str]] = defaultdict(dict)
    for figures in digests.kept_figures(ring, _MARKED, stamps, make).values():
        for key, result in figures.items():
            commitment_id, _, day = key.partition("|")
            on_date = date.fromisoformat(day)
            if lo <= on_date <= hi:
                marked[by_text.get(commitment_id, commitment_id)][on_date] = result
    return marked


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


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
