"""A small SVG line of questionnaire totals over time: geometry here, the SVG in a template
(measures/_line.html). One or two people's own lines on the same axis; never a difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from measures import scoring


@dataclass(frozen=True)
class Point:
    """One questionnaire's total, on the local day it was answered."""

    day: date
    total: int
    response: Any


WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 10, 28


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Series:
    css: str
    name: str
    path: str
    dots: list[Dot]


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    left: int
    right: int
    series: list[Series]
    ticks: list[Tick]
    first: str
    last: str
    label_y: int


def line_chart(
    chart_id: str, form: str, lines: Sequence[tuple[str, str, Sequence[Point]]]
) -> Chart | None:
    """`lines`: (css class, whose line in words, points). None when there is nothing to draw."""
    days = [p.day for _, _, points in lines for p in points]
    if not days:
        return None
    top = scoring.MAXIMUM[form]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        if first == last:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    series, said = [], []
    for css, name, points in lines:
        if not points:
            continue
        dots = [Dot(x(p.day), y(p.total), f"{p.day:%-d %b %Y}: {p.total}") for p in points]
        path = "M" + " L".join(f"{d.x} {d.y}" for d in dots)
        series.append(Series(css, name, path, dots))
        said.append(f"{name}: " + ", ".join(d.label for d in dots) + ".")
    ticks = [Tick(y(v), str(v)) for v in (0, top // 2, top)]
    return Chart(
        chart_id,
        f"Totals over time, 0 to {top}",
        " ".join(said),
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        series,
        ticks,
        f"{first:%-d %b %Y}",
        f"{last:%-d %b %Y}",
        HEIGHT - 8,
    )
