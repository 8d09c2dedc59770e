"""A tiny server-rendered bar chart: the bars here (on the shared geometry of `charts.layout`),
the SVG in the template.

No JavaScript and no chart library: eight bars are a few rectangles. The chart always
comes with a table that says the same in words, so it is never the only way to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from charts.layout import Counted, share, week_label

WIDTH = 320
ROW, THICKNESS = 26, 16  # one row per week: the label, the bar, the count
LABEL_W, COUNT_W = 62, 58
PLOT = WIDTH - LABEL_W - COUNT_W  # the longest bar


@dataclass(frozen=True)
class Bar:
    """One week as a horizontal bar: an outline as long as what was due, filled from the
    left by what was kept, then (lighter) what was partly kept."""

    start: date
    label: str
    y: float  # top of the bar
    text_y: float  # baseline of the row's words
    # Nothing due that week: a gap, not a zero.
    gap: bool
    due_width: float
    kept_width: float
    partly_x: float
    partly_width: float
    count_text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    thickness: int
    bar_x: int
    count_x: int
    bars: list[Bar]
    description: str


def week_bars(weeks: Sequence[Counted], today: date) -> Chart:
    """Bars share one scale, so the weeks can be read against each other."""
    most = max((w.due for w in weeks), default=0) or 1
    bars = []
    for index, week in enumerate(weeks):
        top = index * ROW + (ROW - THICKNESS) / 2
        kept_w = share(PLOT, week.kept, most)
        bars.append(
            Bar(
                start=week.start,
                label=week_label(week.start, today),
                y=round(top, 1),
                text_y=round(top + THICKNESS - 4, 1),
                gap=week.due == 0,
                due_width=round(share(PLOT, week.due, most), 1),
                kept_width=round(kept_w, 1),
                partly_x=round(LABEL_W + kept_w, 1),
                partly_width=round(share(PLOT, week.partly, most), 1),
                count_text=f"{week.kept} of {week.due}" if week.due else "nothing due",
            )
        )
    return Chart(
        width=WIDTH,
        height=ROW * max(len(weeks), 1),
        thickness=THICKNESS,
        bar_x=LABEL_W,
        count_x=LABEL_W + PLOT + 6,
        bars=bars,
        description=describe(weeks),
    )


def describe(weeks: Sequence[Counted]) -> str:
    """The chart in one plain sentence per week, for the SVG's <desc>."""
    parts = []
    for week in weeks:
        when = f"Week of {week.start.day} {week.start:%B}"
        if week.due == 0:
            parts.append(f"{when}: nothing was due.")
        else:
            partly = f", {week.partly} partly" if week.partly else ""
            parts.append(f"{when}: kept {week.kept} of {week.due}{partly}.")
    return " ".join(parts)
