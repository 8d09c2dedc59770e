"""The geometry every chart in Tending shares, so a week sits in the same place and a gap
looks the same on every page: weeks as bands across the plot, values on a linear scale, a
line that breaks where a week has nothing (never drawn at zero), kept and partly kept as
shares of what was due, and the week labels under a chart.

Numbers are rounded to one decimal: the SVG stays short and the pictures stay stable.
The SVG itself lives in each app (a template, or Python where a page draws many charts: the
trend lines); the words that go with a chart in its app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class Counted(Protocol):
    """One week of follow-through, as the commitments' weekly counts give it."""

    @property
    def start(self) -> date: ...
    @property
    def kept(self) -> int: ...
    @property
    def partly(self) -> int: ...
    @property
    def due(self) -> int: ...


@dataclass(frozen=True)
class Dot:
    x: float
    y: float


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


def band_x(index: int, count: int, left: float, width: float) -> float:
    """The middle of the index-th of `count` equal bands, so points and columns of the same
    week line up."""
    return round(left + width * (index + 0.5) / max(count, 1), 1)


def scale_y(value: float, low: float, high: float, top: float, height: float) -> float:
    """A value on a scale from low (at the bottom) to high (at the top)."""
    return round(top + height * (high - value) / (high - low), 1)


def gridlines(
    ticks: Sequence[int], low: float, high: float, top: float, height: float, unit: str = ""
) -> tuple[Gridline, ...]:
    return tuple(Gridline(scale_y(t, low, high, top, height), f"{t}{unit}") for t in ticks)


def runs(values: Sequence[float | None], place: Callable[[int, float], Dot]) -> list[list[Dot]]:
    """The unbroken runs of weeks that have a value; a missing week ends a run."""
    found: list[list[Dot]] = []
    previous: float | None = None
    for index, value in enumerate(values):
        if value is None:
            previous = None
            continue
        dot = place(index, value)
        if previous is None:
            found.append([dot])
        else:
            found[-1].append(dot)
        previous = value
    return found


def paths(found: Sequence[Sequence[Dot]]) -> tuple[str, ...]:
    """One SVG path per run of two weeks or more (a lone week is only a dot)."""
    return tuple("M" + " L".join(f"{d.x} {d.y}" for d in run) for run in found if len(run) > 1)


def every_dot(found: Sequence[Sequence[Dot]]) -> tuple[Dot, ...]:
    return tuple(d for run in found for d in run)


def lone_dots(found: Sequence[Sequence[Dot]]) -> tuple[Dot, ...]:
    """Only the weeks that stand alone: on a long span, a dot per week would hide the line."""
    return tuple(run[0] for run in found if len(run) == 1)


def share(length: float, part: int, whole: int) -> float:
    """How much of `length` a part of a whole takes (none of nothing)."""
    return length * part / whole if whole else 0.0


def week_label(start: date, today: date, *, with_year: bool = False) -> str:
    """ "this week", or the week's Monday ("16 Mar"; "Mar 2026" on a long span)."""
    if 0 <= (today - start).days < 7:
        return "this week"
    return f"{start:%b %Y}" if with_year else f"{start.day} {start:%b}"


def half_up(value: float) -> int:
    """Rounded half up, the way people round ("about 5" for 4.5)."""
    return int(value + 0.5)
