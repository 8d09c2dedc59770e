"""Which dates a commitment falls on: the cadences, the month edge cases, bounds, cadence
changes, and a property test against an independent day-by-day oracle."""

from __future__ import annotations

import calendar
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitments.models import Cadence, Schedule
from commitments.occurrences import (
    Rule,
    dates_between,
    falls_on,
    month_bounds,
    segments,
    weeks_back,
)
from conftest import examples


def schedule(rule: Rule, effective_from: date) -> Schedule:
    """An unsaved Schedule row: what the services store, without a database."""
    return Schedule(
        effective_from=effective_from,
        cadence=rule.cadence,
        weekdays=",".join(str(d) for d in rule.weekdays),
        month_day=rule.month_day,
        month_week=rule.month_week,
        month_weekday=rule.month_weekday,
    )


def dates(
    rule: Rule, starts_on: date, window: tuple[date, date], ends_on: date | None = None
) -> list[date]:
    return dates_between([schedule(rule, starts_on)], starts_on, ends_on, window)


def days(*iso: str) -> list[date]:
    return [date.fromisoformat(d) for d in iso]


# -- the cadences -------------------------------------------------------------------------------


def test_daily_is_every_day_from_the_start() -> None:
    got = dates(Rule(Cadence.DAILY), date(2026, 3, 1), (date(2026, 2, 25), date(2026, 3, 4)))
    assert got == days("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")


def test_daily_across_daylight_saving_changes_has_no_gap_or_double() -> None:
    # Europe changes on 29 March and 25 October 2026, the US on 8 March and 1 November:
    # occasions are calendar dates, so a 23- or 25-hour day is still one day.
    got = dates(Rule(Cadence.DAILY), date(2026, 3, 1), (date(2026, 3, 1), date(2026, 11, 30)))
    assert len(got) == (date(2026, 11, 30) - date(2026, 3, 1)).days + 1
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(got))


def test_weekly_on_chosen_days() -> None:
    rule = Rule(Cadence.WEEKLY, weekdays=(0, 3))  # Monday and Thursday
    got = dates(rule, date(2026, 3, 4), (date(2026, 3, 1), date(2026, 3, 19)))
    assert got == days("2026-03-05", "2026-03-09", "2026-03-12", "2026-03-16", "2026-03-19")


def test_weekly_on_sunday() -> None:
    got = dates(
        Rule(Cadence.WEEKLY, weekdays=(6,)), date(2026, 3, 1), (date(2026, 3, 1), date(2026, 3, 31))
    )
    assert got == days("2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22", "2026-03-29")


def test_monthly_on_a_day_of_the_month() -> None:
    got = dates(
        Rule(Cadence.MONTHLY, month_day=15),
        date(2026, 1, 20),
        (date(2026, 1, 1), date(2026, 4, 30)),
    )
    assert got == days("2026-02-15", "2026-03-15", "2026-04-15")


def test_the_31st_uses_the_last_day_of_shorter_months() -> None:
    got = dates(
        Rule(Cadence.MONTHLY, month_day=31),
        date(2026, 1, 1),
        (date(2026, 1, 1), date(2026, 12, 31)),
    )
    assert got == days(
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
        "2026-07-31",
        "2026-08-31",
        "2026-09-30",
        "2026-10-31",
        "2026-11-30",
        "2026-12-31",
    )


@pytest.mark.parametrize(
    ("day", "february_2027", "february_2028", "april_2028"),
    [
        (29, "2027-02-28", "2028-02-29", "2028-04-29"),
        (30, "2027-02-28", "2028-02-29", "2028-04-30"),
        (31, "2027-02-28", "2028-02-29", "2028-04-30"),
        (28, "2027-02-28", "2028-02-28", "2028-04-28"),
    ],
)
def test_late_days_in_february_and_leap_years(
    day: int, february_2027: str, february_2028: str, april_2028: str
) -> None:
    rule = Rule(Cadence.MONTHLY, month_day=day)
    start = date(2027, 1, 1)
    assert dates(rule, start, (date(2027, 2, 1), date(2027, 2, 28))) == days(february_2027)
    assert dates(rule, start, (date(2028, 2, 1), date(2028, 2, 29))) == days(february_2028)
    assert dates(rule, start, (date(2028, 4, 1), date(2028, 4, 30))) == days(april_2028)


def test_the_nth_weekday_of_the_month() -> None:
    second_sunday = Rule(Cadence.MONTHLY, month_week=2, month_weekday=6)
    got = dates(second_sunday, date(2026, 1, 1), (date(2026, 1, 1), date(2026, 4, 30)))
    assert got == days("2026-01-11", "2026-02-08", "2026-03-08", "2026-04-12")
    fourth_monday = Rule(Cadence.MONTHLY, month_week=4, month_weekday=0)
    got = dates(fourth_monday, date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31)))
    assert got == days("2026-01-26", "2026-02-23", "2026-03-23")


def test_the_last_weekday_of_the_month() -> None:
    last_friday = Rule(Cadence.MONTHLY, month_week=-1, month_weekday=4)
    got = dates(last_friday, date(2026, 1, 1), (date(2026, 1, 1), date(2026, 5, 31)))
    assert got == days("2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24", "2026-05-29")
    # In a leap February that starts on a Tuesday, the last Tuesday is the 29th.
    last_tuesday = Rule(Cadence.MONTHLY, month_week=-1, month_weekday=1)
    assert dates(last_tuesday, date(2028, 1, 1), (date(2028, 2, 1), date(2028, 2, 29))) == days(
        "2028-02-29"
    )


def test_once_is_its_start_date_only() -> None:
    once = Rule(Cadence.ONCE)
    start = date(2026, 3, 20)
    assert dates(once, start, (date(2026, 3, 1), date(2026, 3, 31))) == [start]
    assert dates(once, start, (start, start)) == [start]
    assert dates(once, start, (date(2026, 3, 21), date(2026, 4, 30))) == []
    assert dates(once, start, (date(2026, 3, 1), date(2026, 3, 19))) == []


# -- bounds ---------------------------------------------------------------------------------------


def test_start_and_end_bound_the_occasions_inclusively() -> None:
    got = dates(
        Rule(Cadence.DAILY),
        date(2026, 3, 10),
        (date(2026, 3, 1), date(2026, 3, 31)),
        ends_on=date(2026, 3, 12),
    )
    assert got == days("2026-03-10", "2026-03-11", "2026-03-12")


def test_an_end_before_the_window_or_an_empty_window_gives_nothing() -> None:
    daily = Rule(Cadence.DAILY)
    start = date(2026, 3, 1)
    assert (
        dates(daily, start, (date(2026, 4, 1), date(2026, 4, 30)), ends_on=date(2026, 3, 5)) == []
    )
    assert dates(daily, start, (date(2026, 3, 10), date(2026, 3, 9))) == []


def test_falls_on() -> None:
    rows = [schedule(Rule(Cadence.WEEKLY, weekdays=(2,)), date(2026, 3, 1))]
    assert falls_on(rows, date(2026, 3, 1), None, date(2026, 3, 11))  # a Wednesday
    assert not falls_on(rows, date(2026, 3, 1), None, date(2026, 3, 12))
    assert not falls_on(rows, date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 11))


# -- cadence changes keep the past ------------------------------------------------------------


def test_a_cadence_change_keeps_past_dates_and_applies_from_its_day() -> None:
    start = date(2026, 3, 1)
    rows = [
        schedule(Rule(Cadence.DAILY), start),
        schedule(Rule(Cadence.WEEKLY, weekdays=(0,)), date(2026, 3, 11)),
    ]
    got = dates_between(rows, start, None, (date(2026, 3, 7), date(2026, 3, 31)))
    assert got == days(
        "2026-03-07",
        "2026-03-08",
        "2026-03-09",
        "2026-03-10",
        "2026-03-16",
        "2026-03-23",
        "2026-03-30",
    )
    spans = segments(rows, start, None)
    assert [(s.rule.cadence, s.first, s.last) for s in spans] == [
        ("daily", start, date(2026, 3, 10)),
        ("weekly", date(2026, 3, 11), None),
    ]


def test_schedules_are_read_in_date_order_whatever_order_they_come_in() -> None:
    start = date(2026, 3, 1)
    rows = [
        schedule(Rule(Cadence.MONTHLY, month_day=31), date(2026, 4, 1)),
        schedule(Rule(Cadence.DAILY), start),
    ]
    got = dates_between(rows, start, None, (date(2026, 3, 30), date(2026, 5, 31)))
    assert got == days("2026-03-30", "2026-03-31", "2026-04-30", "2026-05-31")


def test_a_once_commitment_changed_later_keeps_its_day() -> None:
    start = date(2026, 3, 5)
    rows = [schedule(Rule(Cadence.ONCE), start), schedule(Rule(Cadence.DAILY), date(2026, 3, 9))]
    got = dates_between(rows, start, None, (date(2026, 3, 1), date(2026, 3, 10)))
    assert got == days("2026-03-05", "2026-03-09", "2026-03-10")


# -- small helpers ------------------------------------------------------------------------------


def test_month_bounds_and_weeks_back() -> None:
    assert month_bounds(2028, 2) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_bounds(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))
    weeks = weeks_back(date(2026, 3, 11), 3)  # a Wednesday
    assert weeks == [
        (date(2026, 2, 23), date(2026, 3, 1)),
        (date(2026, 3, 2), date(2026, 3, 8)),
        (date(2026, 3, 9), date(2026, 3, 15)),
    ]


# -- property: the rules agree with a plain day-by-day reading of what they promise ---------------


def last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def promised_on(rule: Rule, day: date, starts_on: date) -> bool:
    """What each cadence means, written independently of dateutil and of RFC 5545."""
    if rule.cadence == Cadence.ONCE:
        return day == starts_on
    if rule.cadence == Cadence.DAILY:
        return True
    if rule.cadence == Cadence.WEEKLY:
        return day.weekday() in rule.weekdays
    if rule.month_day is not None:
        return day.day == min(rule.month_day, last_day(day))
    assert rule.month_weekday is not None and rule.month_week is not None
    if day.weekday() != rule.month_weekday:
        return False
    if rule.month_week == -1:
        return day.day + 7 > last_day(day)
    return (day.day - 1) // 7 + 1 == rule.month_week


def oracle(
    rows: list[tuple[Rule, date]], starts_on: date, ends_on: date | None, lo: date, hi: date
) -> list[date]:
    found = []
    day = lo
    while day <= hi:
        in_force = [rule for rule, since in sorted(rows, key=lambda r: r[1]) if since <= day]
        in_life = day >= starts_on and (ends_on is None or day <= ends_on)
        if in_life and in_force and promised_on(in_force[-1], day, starts_on):
            found.append(day)
        day += timedelta(days=1)
    return found


rules = st.one_of(
    st.just(Rule(Cadence.ONCE)),
    st.just(Rule(Cadence.DAILY)),
    st.sets(st.integers(0, 6), min_size=1).map(
        lambda ds: Rule(Cadence.WEEKLY, weekdays=tuple(sorted(ds)))
    ),
    # The late days, where short months matter, are drawn as often as all the others.
    st.one_of(st.integers(1, 31), st.integers(28, 31)).map(
        lambda d: Rule(Cadence.MONTHLY, month_day=d)
    ),
    st.tuples(st.sampled_from([1, 2, 3, 4, -1]), st.integers(0, 6)).map(
        lambda nw: Rule(Cadence.MONTHLY, month_week=nw[0], month_weekday=nw[1])
    ),
)


@settings(max_examples=examples(300), deadline=None)
@given(
    first=rules,
    second=st.one_of(st.none(), rules),
    starts_on=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    change_after=st.integers(-20, 300),
    end_after=st.one_of(st.none(), st.integers(-5, 500)),
    window_from=st.integers(-60, 400),
    window_days=st.integers(0, 400),
)
def test_dates_between_agrees_with_a_day_by_day_oracle(
    first: Rule,
    second: Rule | None,
    starts_on: date,
    change_after: int,
    end_after: int | None,
    window_from: int,
    window_days: int,
) -> None:
    rows = [(first, starts_on)]
    if second is not None:
        rows.append((second, starts_on + timedelta(days=change_after)))
        if rows[1][1] == rows[0][1]:
            rows = [rows[1]]  # one schedule per day, as the database insists
    ends_on = starts_on + timedelta(days=end_after) if end_after is not None else None
    lo = starts_on + timedelta(days=window_from)
    hi = lo + timedelta(days=window_days)
    got = dates_between([schedule(r, d) for r, d in rows], starts_on, ends_on, (lo, hi))
    assert got == oracle(rows, starts_on, ends_on, lo, hi)
