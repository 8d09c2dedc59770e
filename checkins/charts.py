"""Line charts of weekly averages, and the evidence chart: the geometry and the words here.
The evidence chart's SVG is a template (checkins/_trend_evidence.html); the line chart's is
written here (`LineChart.svg`), because the trends page draws a dozen of them and the
template language spent half the page's time on their points (issue 18).

No JavaScript and no chart library: a dozen or fifty points are a few paths. A week with no
check-in is a gap in the line, never a zero. Every chart comes with a sentence and a table
that say the same in words, so the picture is never the only way to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe

from charts.layout import Counted as Counted
from charts.layout import (
    Dot,
    Gridline,
    band_x,
    every_dot,
    gridlines,
    lone_dots,
    paths,
    runs,
    scale_y,
    share,
)
from charts.layout import half_up as about
from charts.layout import week_label as shared_week_label


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    ticks: tuple[int, ...]
    words: str


RATING = Scale(0, 10, (0, 5, 10), "0 to 10")
HEAVINESS = Scale(1, 5, (1, 3, 5), "1 to 5")


@dataclass(frozen=True)
class Measure:
    key: str  # the WeekAverage attribute
    heading: str
    short: str  # a table's column
    yours: str  # how a sentence names it, for the person themself
    theirs: str  # … and for the partner ({name})
    scale: Scale


MEASURES = (
    Measure(
        "safety",
        "Feeling safe",
        "Safety",
        "your sense of safety",
        "{name}'s sense of safety",
        RATING,
    ),
    Measure(
        "closeness",
        "Feeling close",
        "Closeness",
        "your sense of closeness",
        "{name}'s sense of closeness",
        RATING,
    ),
    Measure(
        "heaviness",
        "How heavy the days were",
        "Heaviness",
        "how heavy your days felt",
        "how heavy {name}'s days felt",
        HEAVINESS,
    ),
)


@dataclass(frozen=True)
class Frame:
    """The drawing's size in viewBox units, which are CSS pixels at the usual phone width,
    and the room kept around the plot for the scale's numbers and the week labels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    dot: float

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


FULL = Frame(320, 150, 26, 8, 10, 22, 3.2)
SMALL = Frame(160, 116, 22, 6, 8, 22, 2.6)
# A long span gets dots only where a week stands alone, so the line stays readable.
DOTS_UP_TO = 16
# Beyond this many weeks, week labels name the year too.
LONG_SPAN = 20


@dataclass(frozen=True)
class WeekLabel:
    x: float
    text: str
    anchor: str  # SVG text-anchor


@dataclass(frozen=True)
class Line:
    paths: tuple[str, ...]  # one per unbroken run of weeks with a check-in
    dots: tuple[Dot, ...]
    grid: tuple[Gridline, ...]


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    label_x: int  # where the scale's numbers end
    label_y: int  # baseline of the week labels
    dot: float
    line: Line
    labels: tuple[WeekLabel, ...]

    @property
    def svg(self) -> SafeString:
        return self._svg(theirs=False)

    @property
    def svg_theirs(self) -> SafeString:
        """The same chart in the partner's colour."""
        return self._svg(theirs=True)

    def _svg(self, *, theirs: bool) -> SafeString:
        """The chart as the page shows it. A week without a check-in breaks the line; nothing
        is drawn at zero. Numbers are written as the templates would write them (`localize`)
        and words are escaped."""
        n = _plain_number if _numbers_are_plain() else localize
        left, right, label_x = n(self.plot_left), n(self.plot_right), n(self.label_x)
        grid = "".join(
            f'<line x1="{left}" x2="{right}" y1="{n(g.y)}" y2="{n(g.y)}"/>'
            f'<text x="{label_x}" y="{n(g.y)}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(g.label)}</text>"
            for g in self.line.grid
        )
        line = "".join(f'<path d="{escape(d)}"/>' for d in self.line.paths) + "".join(
            f'<circle cx="{n(dot.x)}" cy="{n(dot.y)}" r="{n(self.dot)}"/>' for dot in self.line.dots
        )
        weeks = "".join(
            f'<text x="{n(label.x)}" y="{n(self.label_y)}" text-anchor="{escape(label.anchor)}">'
            f"{escape(label.text)}</text>"
            for label in self.labels
        )
        chart_id = escape(self.id)
        return mark_safe(  # noqa: S308 (every value above is a number or escaped)
            f'<svg class="trend-chart{" trend-theirs" if theirs else ""}" '
            f'viewBox="0 0 {n(self.width)} {n(self.height)}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
            f'<title id="{chart_id}-title">{escape(self.title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(self.description)}</desc>'
            f'<g class="trend-grid">{grid}</g><g class="trend-line">{line}</g>'
            f'<g class="trend-weeks">{weeks}</g></svg>'
        )


def _numbers_are_plain() -> bool:
    """Whether `localize` writes a number as Python does here: "." between the parts and no
    grouping (Tending's "en")."""
    return not settings.USE_THOUSAND_SEPARATOR and get_format("DECIMAL_SEPARATOR") == "."


def _plain_number(value: float) -> str:
    """`localize(value)` without its cost, where `_numbers_are_plain()`: the same text for
    every int and float, except a float Python writes with an exponent, which goes to
    `localize` (it writes it out in full)."""
    text = str(value)
    return localize(value) if "e" in text else text


_x = band_x  # the middle of a week's band (tests place gaps with it)


def _y(value: float, scale: Scale, top: float, height: float) -> float:
    return scale_y(value, scale.low, scale.high, top, height)


def _line(
    values: Sequence[float | None],
    scale: Scale,
    box: tuple[float, float, float, float],  # left, top, width, height
) -> Line:
    left, top, width, height = box
    count = len(values)
    found = runs(values, lambda i, v: Dot(_x(i, count, left, width), _y(v, scale, top, height)))
    # A long span gets dots only where a week stands alone, so the line stays readable.
    dots = every_dot(found) if count <= DOTS_UP_TO else lone_dots(found)
    grid = gridlines(scale.ticks, scale.low, scale.high, top, height)
    return Line(paths(found), dots, grid)


def week_label(start: date, today: date, weeks: int) -> str:
    return shared_week_label(start, today, with_year=weeks > LONG_SPAN)


def _week_labels(
    starts: Sequence[date], today: date, left: float, right: float
) -> tuple[WeekLabel, ...]:
    if not starts:
        return ()
    first = week_label(starts[0], today, len(starts))
    last = week_label(starts[-1], today, len(starts))
    return (WeekLabel(left, first, "start"), WeekLabel(right, last, "end"))


def line_chart(
    chart_id: str,
    starts: Sequence[date],
    values: Sequence[float | None],
    scale: Scale,
    frame: Frame,
    *,
    title: str,
    description: str,
    today: date,
) -> LineChart:
    box = (frame.left, frame.top, frame.plot_width, frame.plot_height)
    right = frame.width - frame.right
    return LineChart(
        id=chart_id,
        title=title,
        description=description,
        width=frame.width,
        height=frame.height,
        plot_left=frame.left,
        plot_right=right,
        label_x=frame.left - 5,
        label_y=frame.height - 6,
        dot=frame.dot,
        line=_line(values, scale, box),
        labels=_week_labels(starts, today, frame.left, right),
    )


# -- the evidence chart: the partner's shared safety above, one's own follow-through below --


@dataclass(frozen=True)
class Column:
    """One week of follow-through: an outline for what was due (always full height, so a
    week reads as "how much of it"), filled from the bottom by kept, then partly kept."""

    x: float
    gap: bool  # nothing due that week: nothing drawn
    kept_y: float
    kept_height: float
    partly_y: float
    partly_height: float


@dataclass(frozen=True)
class EvidenceChart:
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
    safety_heading_y: int
    safety: Line
    follow_heading_y: int
    column_top: int
    column_height: int
    column_width: float
    columns: tuple[Column, ...]
    labels: tuple[WeekLabel, ...]


EVIDENCE = Frame(320, 236, 26, 8, 0, 22, 3.2)
SAFETY_TOP, SAFETY_HEIGHT = 24, 80
COLUMN_TOP, COLUMN_HEIGHT = 140, 64


def evidence_chart(
    chart_id: str,
    safety: Sequence[float | None],
    weeks: Sequence[Counted],
    *,
    title: str,
    description: str,
    today: date,
) -> EvidenceChart:
    frame = EVIDENCE
    left, width = frame.left, frame.plot_width
    count = len(weeks)
    band = width / max(count, 1)
    columns = []
    for index, week in enumerate(weeks):
        kept = share(COLUMN_HEIGHT, week.kept, week.due)
        partly = share(COLUMN_HEIGHT, week.partly, week.due)
        bottom = COLUMN_TOP + COLUMN_HEIGHT
        columns.append(
            Column(
                x=round(_x(index, count, left, width) - band * 0.3, 1),
                gap=week.due == 0,
                kept_y=round(bottom - kept, 1),
                kept_height=round(kept, 1),
                partly_y=round(bottom - kept - partly, 1),
                partly_height=round(partly, 1),
            )
        )
    right = frame.width - frame.right
    return EvidenceChart(
        id=chart_id,
        title=title,
        description=description,
        width=frame.width,
        height=frame.height,
        plot_left=left,
        plot_right=right,
        label_x=left - 5,
        label_y=frame.height - 6,
        dot=frame.dot,
        safety_heading_y=SAFETY_TOP - 10,
        safety=_line(safety, RATING, (left, SAFETY_TOP, width, SAFETY_HEIGHT)),
        follow_heading_y=COLUMN_TOP - 12,
        column_top=COLUMN_TOP,
        column_height=COLUMN_HEIGHT,
        column_width=round(band * 0.6, 1),
        columns=tuple(columns),
        labels=_week_labels([w.start for w in weeks], today, left, right),
    )


# -- words -----------------------------------------------------------------------------------


def number(value: float | None) -> str:
    """A weekly average as the table shows it: one decimal, none when it's whole."""
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0")


def span_words(weeks: int) -> str:
    return "the last year" if weeks >= 52 else f"the last {weeks} weeks"


def day_words(start: date) -> str:
    return f"{start.day} {start:%B}"


def trend_sentence(subject: str, starts: Sequence[date], values: Sequence[float | None]) -> str:
    """One plain sentence: where it began and where it is now. No judgement either way."""
    over = f"Over {span_words(len(starts))}"
    found = [(s, v) for s, v in zip(starts, values, strict=True) if v is not None]
    if not found:
        return f"{over}, there are no check-ins to show."
    (first_start, first), (_, last) = found[0], found[-1]
    if len(found) == 1:
        return (
            f"{over}, one week has a check-in: {subject} was about {about(first)} "
            f"in the week of {day_words(first_start)}."
        )
    if about(first) == about(last):
        return f"{over}, {subject} started and ended at about {about(first)}."
    return f"{over}, {subject} went from about {about(first)} to about {about(last)}."


def chart_description(sentence: str, starts: Sequence[date], values: Sequence[float | None]) -> str:
    """The SVG's <desc>: the sentence, then each week while there are few; a year points to
    the table instead of reading out fifty-two numbers."""
    with_data = sum(v is not None for v in values)
    parts = [
        sentence,
        f"{with_data} of {len(values)} weeks have a check-in; the others are left as gaps.",
    ]
    if len(values) <= DOTS_UP_TO:
        for start, value in zip(starts, values, strict=True):
            if value is not None:
                parts.append(f"Week of {day_words(start)}: {number(value)}.")
    else:
        parts.append("Each week's numbers are in the table that follows.")
    return " ".join(parts)


def follow_words(week: Counted) -> str:
    if not week.due:
        return "nothing due"
    partly = f", {week.partly} partly" if week.partly else ""
    return f"kept {week.kept} of {week.due}{partly}"


def evidence_description(
    name: str, safety: Sequence[float | None], weeks: Sequence[Counted]
) -> str:
    parts = []
    for value, week in zip(safety, weeks, strict=True):
        felt = (
            f"{name}'s safety {number(value)}"
            if value is not None
            else f"no check-in shared by {name}"
        )
        did = f"you {follow_words(week)}" if week.due else "nothing of yours was due"
        parts.append(f"Week of {day_words(week.start)}: {felt}; {did}.")
    return " ".join(parts)
