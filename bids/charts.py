"""The weekly chart of how bids were met, and the words that go with it. The geometry is the
shared one (`charts.layout`), the SVG in bids/_rates_chart.html. No JavaScript: two short
lines and some dots.

A week with no bids is a gap in its line, never a zero. The chart comes with a sentence and
a table that say the same in words, so the picture is never the only way to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bids.services import WeekRate
from charts.layout import (
    Dot,
    Gridline,
    band_x,
    every_dot,
    gridlines,
    half_up,
    paths,
    runs,
    scale_y,
)
from charts.layout import week_label as week_label

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 22
DOT = 3.2
TICKS = (0, 50, 100)


@dataclass(frozen=True)
class Series:
    css: str
    paths: tuple[str, ...]  # one per unbroken run of weeks with bids
    dots: tuple[Dot, ...]


@dataclass(frozen=True)
class RatesChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    label_x: int
    label_y: int
    dot: float
    grid: tuple[Gridline, ...]
    series: tuple[Series, ...]
    first_week: str
    last_week: str


PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _y(percent: float) -> float:
    return scale_y(percent, 0, 100, TOP, PLOT_HEIGHT)


def _series(css: str, rates: Sequence[float | None]) -> Series:
    found = runs(
        rates, lambda i, rate: Dot(band_x(i, len(rates), LEFT, PLOT_WIDTH), _y(rate * 100))
    )
    return Series(css, paths(found), every_dot(found))


def percent(met: int, total: int) -> int:
    """Rounded half up, the way people round."""
    return half_up(100 * met / total)


# Below this many bids a percentage says more than the log does: counts only.
FEW = 10


def _share(met: int, total: int) -> str:
    return f", about {percent(met, total)}%" if total >= FEW else ""


def rate_words(met: int, total: int) -> str:
    if not total:
        return "no bids noted"
    return f"{met} of {total} ({percent(met, total)}%)" if total >= FEW else f"{met} of {total}"


def sentence(weeks: Sequence[WeekRate], partner: str) -> str:
    """One plain sentence about one's own log. No judgement either way."""
    mine = sum(w.mine for w in weeks)
    mine_met = sum(w.mine_met for w in weeks)
    theirs = sum(w.theirs for w in weeks)
    theirs_met = sum(w.theirs_met for w in weeks)
    over = f"Over the last {len(weeks)} weeks"
    if not mine and not theirs:
        return f"{over}, you haven't noted any bids yet."
    parts = []
    if theirs:
        parts.append(
            f"you noticed {theirs} reach{'es' if theirs != 1 else ''} from {partner} and "
            f"turned toward {theirs_met} of them{_share(theirs_met, theirs)}"
        )
    else:
        parts.append(f"you haven't noted a reach from {partner}")
    if mine:
        parts.append(
            f"{mine_met} of the {mine} reach{'es' if mine != 1 else ''} you made felt met"
            f"{_share(mine_met, mine)}"
        )
    else:
        parts.append("you haven't noted a reach of your own")
    return f"{over}, {parts[0]}; {parts[1]}."


def rates_chart(weeks: Sequence[WeekRate], partner: str, *, today: date) -> RatesChart:
    description = [sentence(weeks, partner)]
    for w in weeks:
        if w.mine or w.theirs:
            description.append(
                f"Week of {w.start.day} {w.start:%B}: {partner}'s reaches you turned toward, "
                f"{rate_words(w.theirs_met, w.theirs)}; your reaches met, "
                f"{rate_words(w.mine_met, w.mine)}."
            )
    with_bids = sum(1 for w in weeks if w.mine or w.theirs)
    description.append(f"{with_bids} of {len(weeks)} weeks have bids; the others are gaps.")
    return RatesChart(
        id="bid-rates",
        title="How bids were met, week by week, as you noticed them",
        description=" ".join(description),
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        label_x=LEFT - 5,
        label_y=HEIGHT - 6,
        dot=DOT,
        grid=gridlines(TICKS, 0, 100, TOP, PLOT_HEIGHT, "%"),
        series=(
            _series("bids-theirs", [w.theirs_rate for w in weeks]),
            _series("bids-mine", [w.mine_rate for w in weeks]),
        ),
        first_week=week_label(weeks[0].start, today) if weeks else "",
        last_week=week_label(weeks[-1].start, today) if weeks else "",
    )
