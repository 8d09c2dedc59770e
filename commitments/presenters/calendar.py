"""The calendar pages' wording and page building: the month of every occasion a person may
see (flat cells, shape and words as well as colour, nothing red), and their own calm
follow-through trend with its sentence for the month so far. The views parse the filters,
call the services and render these plain values."""

from __future__ import annotations

import calendar as cal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from commitments import charts, services
from commitments.models import Commitment, Kind
from commitments.occurrences import month_bounds
from privacy import entries
from privacy.keyring import Keyring

FIRST_YEAR, LAST_YEAR = 1, 9999  # what a date can hold
WEEKS_SHOWN = 8

# How an occasion went, by shape and words as well as colour. Nothing here is red.
STATES = {
    "kept": ("\u2713", "kept"),
    "partly": ("\u25d0", "partly"),
    "missed": ("\u25cb", "missed"),
    "open": ("\u2013", "not marked yet"),
    "upcoming": ("\u25cc", "to come"),
}
LEGEND_STATES = ("kept", "partly", "missed", "open", "upcoming")


@dataclass(frozen=True)
class Cell:
    """One occasion as the calendar shows it: flat, so the template does little work for
    each of the month's many occasions."""

    url: str
    title: str
    kind: str
    whose: str
    state: str
    mark: str
    label: str
    noticed: bool


@dataclass
class Day:
    day: date
    is_today: bool
    cells: list[Cell] = field(default_factory=list)
    html: SafeString = field(default=SafeString(""))

    @property
    def weekday(self) -> int:
        return self.day.weekday()

    @property
    def iso(self) -> str:
        return self.day.isoformat()


def _title(commitment: Commitment) -> str:
    kind = commitment.get_kind_display()
    if commitment.waiting:
        return f"{kind} (opens after your partner's next visit)"
    if commitment.unreadable:
        return f"{kind} (can no longer be opened)"
    return str(commitment.plain.get("title") or kind)


def _whose(commitment: Commitment, user: User, paired: bool) -> str:
    if commitment.joint:
        return "together"
    if commitment.author_id == user.pk:
        return "only you" if paired and not commitment.is_shared else ""
    return commitment.author.display_name


def _chosen(user: User, who: str, kind: str) -> list[Commitment]:
    """The commitments the filters keep. Joint rhythms belong to both, so either keeps them."""
    chosen = []
    for c in services.visible_commitments(user):
        mine = c.author_id == user.pk
        if who == "me" and not (mine or c.joint):
            continue
        if who == "partner" and mine and not c.joint:
            continue
        if kind and c.kind != kind:
            continue
        chosen.append(c)
    return chosen


def _shift(year: int, month: int, by: int) -> tuple[int, int] | None:
    index = year * 12 + (month - 1) + by
    shifted = (index // 12, index % 12 + 1)
    return shifted if FIRST_YEAR <= shifted[0] <= LAST_YEAR else None


def _query(who: str, kind: str) -> str:
    params = {k: v for k, v in (("who", who if who != "both" else ""), ("kind", kind)) if v}
    return f"?{urlencode(params)}" if params else ""


_SOME_DAY = date(2001, 2, 3)


def _occasion_urls() -> Callable[[Any, date], str]:
    """An occasion's address, as `reverse` gives it: reversed once per commitment and then
    only the day changes (a month holds up to a few hundred occasions; issue 18). If the
    address ever stops ending in the day, every occasion is reversed again."""
    prefixes: dict[Any, str | None] = {}

    def url_of(pk: Any, day: date) -> str:
        if pk not in prefixes:
            sample = reverse("commitments:occasion", args=[pk, _SOME_DAY])
            head, found, tail = sample.rpartition(_SOME_DAY.isoformat())
            prefixes[pk] = head if found and tail == "/" else None
        prefix = prefixes[pk]
        if prefix is None:
            return reverse("commitments:occasion", args=[pk, day])
        return f"{prefix}{day.isoformat()}/"

    return url_of


def _cell_html(c: Cell) -> str:
    whose = f' · <span class="occ-whose">{escape(c.whose)}</span>' if c.whose else ""
    noticed = ' · <span class="occ-noticed">noticed</span>' if c.noticed else ""
    return (
        f'<li class="occ kind-{escape(c.kind)} state-{escape(c.state)}">'
        f'<a href="{escape(c.url)}">'
        f'<span class="occ-mark" aria-hidden="true">{escape(c.mark)}</span> '
        f'<span class="occ-title">{escape(c.title)}</span> '
        f'<span class="occ-meta"><span class="occ-state">{escape(c.label)}</span>'
        f"{whose}{noticed}</span></a></li>"
    )


def _day_html(d: Day, today: date, week_start: date) -> SafeString:
    """One day of the month as the page shows it. Written here rather than in the template:
    a month holds a few hundred occasions, and the template language spent most of the
    calendar's time on them (issue 18; docs/decisions.md). Every value is escaped, as the
    template would (`html.escape` is what Django's `escape` calls), and the day and month
    names are the ones the `date` filter uses."""
    classes = [f"cal-day starts-{d.weekday}"]
    if not d.cells:
        classes.append("empty")
    if d.is_today:
        classes.append("today")
    if d.day < today:
        classes.append("past")
    if d.day < week_start:
        classes.append("earlier")
    elif d.day > today:
        classes.append("later")
    hidden = ' aria-hidden="true"' if not d.cells and not d.is_today else ""
    current = ' aria-current="date"' if d.is_today else ""
    label = ' <span class="cal-today-label">Today</span>' if d.is_today else ""
    heading = (
        f'<h3 class="cal-date"{current}><time datetime="{d.iso}">'
        f'<span class="cal-wd">{WEEKDAYS[d.weekday]} </span>'
        f'<span class="cal-num">{d.day.day}</span>'
        f'<span class="cal-mon"> {MONTHS[d.day.month]}</span></time>{label}</h3>'
    )
    if d.cells:
        body = '<ul class="cal-occasions">' + "".join(_cell_html(c) for c in d.cells) + "</ul>"
    elif d.is_today:
        body = '<p class="cal-nothing">Nothing today.</p>'
    else:
        body = ""
    return mark_safe(f'<li class="{" ".join(classes)}"{hidden}>{heading}{body}</li>')  # noqa: S308


def month_context(
    ring: Keyring,
    user: User,
    partner: User | None,
    year: int,
    month: int,
    *,
    today: date,
    who: str,
    kind: str,
) -> dict[str, Any]:
    """One month, each day with the occasions the filters keep; the form is the view's."""
    first, last = month_bounds(year, month)
    chosen = _chosen(user, who, kind)
    entries.reveal(chosen, ring)
    days = [Day(first + timedelta(days=n), first + timedelta(days=n) == today) for n in range(31)]
    days = [d for d in days if d.day <= last]
    shown = {c.pk: (_title(c), _whose(c, user, partner is not None)) for c in chosen}
    url_of = _occasion_urls()
    for occasion in services.occasions(user, (first, last), commitments=chosen, ring=ring):
        commitment = occasion.commitment
        state = occasion.state
        if state == "open" and occasion.day > today:
            state = "upcoming"
        mark, label = STATES[state]
        title, whose = shown[commitment.pk]
        days[occasion.day.day - 1].cells.append(
            Cell(
                url=url_of(commitment.pk, occasion.day),
                title=title,
                kind=commitment.kind,
                whose=whose,
                state=state,
                mark=mark,
                label=label,
                noticed=bool(occasion.noticed),
            )
        )

    previous, following = _shift(year, month, -1), _shift(year, month, 1)
    # On a phone the month is a week: this week's days so far; earlier days and the days
    # still to come are folded (CSS reads the two <details>; the desktop grid keeps all).
    week_start = today - timedelta(days=today.weekday())
    earlier = sum(1 for d in days if d.cells and d.day < week_start)
    for d in days:
        d.html = _day_html(d, today, week_start)
    later = sum(1 for d in days if d.cells and d.day > today)
    return {
        "week_start": week_start,
        "earlier_count": earlier,
        "later_count": later,
        "partner": partner,
        "days": days,
        "first": first,
        "today": today,
        "is_current": (year, month) == (today.year, today.month),
        "previous": date(*previous, 1) if previous else None,
        "following": date(*following, 1) if following else None,
        "has_occasions": any(d.cells for d in days),
        "filtered": who != "both" or bool(kind),
        # Only the filters understood travel on to the next month.
        "query": _query(who, kind),
        "weekday_names": list(cal.day_abbr),
        "kinds": Kind.choices,
        "legend_states": [(s, *STATES[s]) for s in LEGEND_STATES],
    }


def _month_sentence(tally: services.WeekCount) -> str:
    if tally.due == 0:
        return "Nothing was due yet this month."
    parts = [f"This month so far, you kept {tally.kept} of {tally.due}."]
    if tally.partly:
        parts.append(f"{tally.partly} partly kept.")
    unmarked = tally.due - tally.kept - tally.partly - tally.missed
    if unmarked:
        parts.append(f"{unmarked} not marked yet." if unmarked > 1 else "1 not marked yet.")
    return " ".join(parts)


def follow_through_context(ring: Keyring, user: User) -> dict[str, Any]:
    """The signed-in person's own trend: never their partner's, never a score."""
    today = services.local_today(user)
    weeks = services.follow_through(ring, WEEKS_SHOWN)
    this_month = services.kept_between(ring, (today.replace(day=1), today))
    return {
        "weeks": weeks,
        "chart": charts.week_bars(weeks, today),
        "sentence": _month_sentence(this_month),
        "this_month": this_month,
        "today": today,
    }
