"""Trends: weekly averages of check-ins, read from each reader's own weekly summaries
(kept encrypted with the reader's key), and the reference they are tested against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from statistics import mean
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from checkins.models import (
    CheckIn,
    WeekSummary,
)
from commitments import services as commitments
from privacy import digests, entries
from privacy.keyring import Keyring


@dataclass(frozen=True)
class WeekAverage:
    start: date
    safety: float | None
    closeness: float | None
    heaviness: float | None
    count: int


def weekly_averages(
    ring: Keyring, author: User, weeks: int, *, today: date | None = None
) -> list[WeekAverage]:
    """Weekly averages of one person's check-ins the viewer may see, oldest week first.
    Weeks with no check-in are gaps (None), never zeros. See `weekly_averages_of`."""
    return weekly_averages_of(ring, [author], weeks, today=today)[author.pk]


def weekly_averages_of(
    ring: Keyring, authors: list[User], weeks: int, *, today: date | None = None
) -> dict[Any, list[WeekAverage]]:
    """`weekly_averages` for several people at once (the viewer and their partner), by
    person id: the same figures, in two queries for all of them.

    Read from the viewer's weekly summaries (`WeekSummary`): one query for them, one for
    the check-ins' stamps (no text, nothing opened); only a week whose summary is missing
    or no longer matches its check-ins is opened and summed again, and kept."""
    today = today or commitments.local_today(ring.user)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    ids = [a.pk for a in authors]
    stamps: dict[Any, dict[date, list[tuple[object, ...]]]] = {pk: {} for pk in ids}
    for author_id, pk, day, updated, visibility in (
        CheckIn.objects.visible_to(ring.user)
        .filter(author_id__in=ids, day__range=(first, today))
        .values_list(
            "author_id", digests.as_text("pk"), "day", digests.as_text("updated_at"), "visibility"
        )
    ):
        stamps[author_id].setdefault(_monday(day), []).append((pk, updated, visibility))
    summaries: list[WeekSummary] = list(
        WeekSummary.objects.authored_by(ring.user).filter(
            subject_id__in=ids, week__range=(first, monday)
        )
    )
    entries.reveal(summaries, ring)
    kept: dict[Any, dict[date, WeekSummary]] = {pk: {} for pk in ids}
    for made in summaries:
        kept[made.subject_id][made.week] = made
    gone: list[Any] = []
    averages: dict[Any, list[WeekAverage]] = {}
    for author in authors:
        mine, theirs = stamps[author.pk], kept[author.pk]
        figures: dict[date, dict[str, int]] = {}
        stale = []
        for week, rows in mine.items():
            summary = theirs.get(week)
            plain = summary.plain.get("figures") if summary is not None else None
            if isinstance(plain, dict) and plain.get("fp") == digests.fingerprint(rows):
                figures[week] = plain
            else:
                stale.append(week)
        if stale:
            figures |= _summarise(ring, author, stale, theirs)
        gone += [s.pk for week, s in theirs.items() if week not in mine]
        averages[author.pk] = [
            _average(first + timedelta(weeks=n), figures.get(first + timedelta(weeks=n)))
            for n in range(weeks)
        ]
    if gone:
        WeekSummary.objects.filter(pk__in=gone).delete()
    return averages


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


_RATINGS = ("safety", "closeness", "heaviness")


def _summarise(
    ring: Keyring, author: User, weeks: list[date], kept: dict[date, WeekSummary] | None = None
) -> dict[date, dict[str, int]]:
    """Open the check-ins of these weeks, sum them, and keep each week's summary (encrypted
    under the reader's own key). A week holding a check-in that can't be opened yet (the
    couple key hasn't arrived) is summed but not kept, so it is looked at again."""
    kept = dict(kept or {})
    if not kept:
        kept = {
            s.week: s
            for s in WeekSummary.objects.authored_by(ring.user).filter(
                subject=author, week__in=weeks
            )
        }
    wanted = set(weeks)
    days = Q()
    for week in weeks:
        days |= Q(day__range=(week, week + timedelta(days=6)))
    rows = list(
        CheckIn.objects.visible_to(ring.user)
        .filter(days, author=author)
        .defer("words", "moments")
        # The stamps in the same read as what is summed, so they can't describe another
        # version of a row than the one summed.
        .annotate(id_text=digests.as_text("pk"), updated_text=digests.as_text("updated_at"))
    )
    by_week: dict[date, list[CheckIn]] = {week: [] for week in wanted}
    for row in rows:
        by_week[_monday(row.day)].append(row)
    out: dict[date, dict[str, int]] = {}
    new: list[WeekSummary] = []
    changed: list[WeekSummary] = []
    dropped: list[Any] = []
    for week, found in by_week.items():
        opened = entries.reveal(found, ring, fields=_RATINGS)
        readable = [e for e in opened if not (e.unreadable or e.waiting)]
        plain = {"n": len(readable)}
        for name in _RATINGS:
            plain[name] = sum(int(e.plain[name]) for e in readable)
        out[week] = plain
        summary = kept.get(week)
        if not found:
            if summary is not None:
                dropped.append(summary.pk)
            continue
        if len(readable) < len(found):
            continue
        if summary is None:
            summary = WeekSummary(author=ring.user, subject=author, week=week)
            new.append(summary)
        else:
            changed.append(summary)
        summary.updated_at = timezone.now()
        # Its id and update time as the database writes them, as the stamps read on a visit.
        fingerprint = digests.fingerprint(
            (e.id_text, e.updated_text, e.visibility)  # type: ignore[attr-defined]
            for e in found
        )
        entries.encrypt_into(summary, ring, {"figures": {**plain, "fp": fingerprint}})
    if dropped:
        WeekSummary.objects.filter(pk__in=dropped).delete()
    if changed:
        WeekSummary.objects.bulk_update(changed, ["figures", "updated_at"])
    if new:
        # Another request keeping the same week at the same moment: its copy stands.
        WeekSummary.objects.bulk_create(new, ignore_conflicts=True)
    return out


def _average(start: date, figures: dict[str, int] | None) -> WeekAverage:
    n = int(figures["n"]) if figures else 0
    if not figures or not n:
        return WeekAverage(start, None, None, None, 0)
    safety, closeness, heaviness = (_mean(int(figures[name]), n) for name in _RATINGS)
    return WeekAverage(start, safety, closeness, heaviness, n)


def _mean(total: int, n: int) -> float:
    """As `statistics.mean` of whole numbers gives it: exact, then rounded once."""
    return float(Fraction(total, n)) if total % n else total // n


def weekly_averages_from_scratch(
    ring: Keyring, author: User, weeks: int, *, today: date | None = None
) -> list[WeekAverage]:
    """What `weekly_averages` gives, computed by opening every check-in: the reference its
    summaries are tested against."""
    today = today or commitments.local_today(ring.user)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    rows = (
        CheckIn.objects.visible_to(ring.user)
        .filter(author=author, day__range=(first, today))
        .order_by("day")
    )
    by_week: dict[date, list[CheckIn]] = {}
    for entry in entries.reveal(list(rows.defer("words", "moments")), ring, fields=_RATINGS):
        if entry.unreadable or entry.waiting:
            continue
        by_week.setdefault(_monday(entry.day), []).append(entry)  # type: ignore[attr-defined,arg-type]
    out = []
    for n in range(weeks):
        start = first + timedelta(weeks=n)
        found = by_week.get(start, [])
        out.append(
            WeekAverage(
                start,
                mean(e.plain["safety"] for e in found) if found else None,
                mean(e.plain["closeness"] for e in found) if found else None,
                mean(e.plain["heaviness"] for e in found) if found else None,
                len(found),
            )
        )
    return out


def refresh_summaries(ring: Keyring, day: date) -> None:
    """After one of this person's check-ins changed: their own summary of that week is made
    again now, and the partner's summary of it is dropped (the partner's key isn't here; it
    is remade on the partner's next look)."""
    user = ring.user
    week = _monday(day)
    WeekSummary.objects.filter(subject=user, week=week).exclude(author=user).delete()
    _summarise(ring, user, [week])
