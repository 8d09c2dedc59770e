"""Which dates a commitment falls on. One set of rules serves the calendar, the
follow-through counts, the reminders and the iCalendar feed (as RRULEs)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from dateutil import rrule

from commitments.models import Cadence

WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES: dict[str, Literal[1, 2, 3]] = {
    "DAILY": rrule.DAILY,
    "WEEKLY": rrule.WEEKLY,
    "MONTHLY": rrule.MONTHLY,
}


@dataclass(frozen=True)
class Rule:
    """A cadence, independent of storage: what a Schedule row or a form describes."""

    cadence: str
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    month_week: int | None = None
    month_weekday: int | None = None

    @classmethod
    def of(cls, schedule: Any) -> Rule:
        return cls(
            cadence=schedule.cadence,
            weekdays=tuple(schedule.weekday_list),
            month_day=schedule.month_day,
            month_week=schedule.month_week,
            month_weekday=schedule.month_weekday,
        )

    def rrule_parts(self) -> dict[str, Any]:
        """The recurrence as RFC 5545 parts; also what dateutil expands below."""
        if self.cadence == Cadence.DAILY:
            return {"freq": "DAILY"}
        if self.cadence == Cadence.WEEKLY:
            return {"freq": "WEEKLY", "byday": [ICAL_DAYS[d] for d in sorted(self.weekdays)]}
        if self.cadence == Cadence.MONTHLY and self.month_day is not None:
            if self.month_day <= 28:
                return {"freq": "MONTHLY", "bymonthday": [self.month_day]}
            # The 29th to 31st: the last of those a month has, i.e. short months use their last day.
            return {
                "freq": "MONTHLY",
                "bymonthday": list(range(28, self.month_day + 1)),
                "bysetpos": [-1],
            }
        if self.cadence == Cadence.MONTHLY and self.month_weekday is not None:
            return {
                "freq": "MONTHLY",
                "byday": [ICAL_DAYS[self.month_weekday]],
                "bysetpos": [self.month_week or 1],
            }
        raise ValueError(f"no recurrence for {self}")


def _expand(rule: Rule, first: date, last: date) -> list[date]:
    if last < first:
        return []
    if rule.cadence == Cadence.ONCE:
        return [first]
    parts = rule.rrule_parts()
    freq = FREQUENCIES[parts["freq"]]
    kwargs: dict[str, Any] = {}
    if "byday" in parts:
        kwargs["byweekday"] = [WEEKDAYS[ICAL_DAYS.index(d)] for d in parts["byday"]]
    if "bymonthday" in parts:
        kwargs["bymonthday"] = parts["bymonthday"]
    if "bysetpos" in parts:
        kwargs["bysetpos"] = parts["bysetpos"]
    start = datetime(first.year, first.month, first.day)
    end = datetime(last.year, last.month, last.day)
    return [d.date() for d in rrule.rrule(freq, dtstart=start, until=end, **kwargs)]


@dataclass(frozen=True)
class Segment:
    """A rule in force between two dates (inclusive)."""

    rule: Rule
    first: date
    last: date | None


def segments(schedules: Sequence[Any], starts_on: date, ends_on: date | None) -> list[Segment]:
    """The commitment's life cut into the spans each schedule governs."""
    ordered = sorted(schedules, key=lambda s: s.effective_from)
    out = []
    for index, schedule in enumerate(ordered):
        first = max(starts_on, schedule.effective_from)
        nxt = (
            ordered[index + 1].effective_from - timedelta(days=1)
            if index + 1 < len(ordered)
            else None
        )
        last = min((d for d in (nxt, ends_on) if d is not None), default=None)
        if last is not None and last < first:
            continue
        out.append(Segment(Rule.of(schedule), first, last))
    return out


def dates_between(
    schedules: Sequence[Any], starts_on: date, ends_on: date | None, window: tuple[date, date]
) -> list[date]:
    """Every occasion of one commitment inside the window (inclusive)."""
    lo, hi = window
    found: list[date] = []
    for seg in segments(schedules, starts_on, ends_on):
        if seg.rule.cadence == Cadence.ONCE:
            if lo <= starts_on <= hi and seg.first == starts_on:
                found.append(starts_on)
            continue
        first, last = max(seg.first, lo), min(seg.last or hi, hi)
        found.extend(_expand(seg.rule, first, last))
    return sorted(set(found))


def falls_on(schedules: Sequence[Any], starts_on: date, ends_on: date | None, day: date) -> bool:
    return day in dates_between(schedules, starts_on, ends_on, (day, day))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def weeks_back(today: date, count: int) -> list[tuple[date, date]]:
    """The last `count` weeks (Monday to Sunday), oldest first, the current one last."""
    monday = today - timedelta(days=today.weekday())
    return [
        (monday - timedelta(weeks=n), monday - timedelta(weeks=n) + timedelta(days=6))
        for n in reversed(range(count))
    ]
