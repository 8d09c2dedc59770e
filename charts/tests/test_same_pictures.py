"""The three apps' charts draw the same pictures through the shared layout as they did when
each laid out its own: the SVG rendered from fixed weeks is compared with the SVG the apps
rendered before `charts/` existed (kept in golden/). Only the white space between tags may
differ: the trend line chart is written in Python now, without the template's indents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from bids import charts as bid_charts
from bids.services import WeekRate
from checkins import charts as checkin_charts
from commitments import charts as commitment_charts

GOLDEN = Path(__file__).with_name("golden")
TODAY = date(2026, 3, 18)  # a Wednesday
MONDAY = TODAY - timedelta(days=TODAY.weekday())


@dataclass(frozen=True)
class Week:
    start: date
    kept: int
    partly: int
    due: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def _starts(count: int) -> list[date]:
    return [MONDAY - timedelta(weeks=count - 1 - i) for i in range(count)]


FOLLOW = [(2, 1, 4), (0, 0, 0), (3, 0, 3), (1, 2, 5), (0, 0, 2), (5, 0, 7), (0, 0, 0), (4, 1, 6)]
SAFETY: list[float | None] = [4.5, None, 6.0, 6.25, None, None, 7.0, 8.5]
RATES = [(1, 2, 3, 4), (0, 0, 0, 0), (2, 2, 1, 3), (0, 1, 0, 0), (3, 4, 5, 5), (1, 3, 0, 2)]


def _weeks() -> list[Week]:
    return [Week(s, *f) for s, f in zip(_starts(len(FOLLOW)), FOLLOW, strict=True)]


def _ft_svg() -> str:
    source = Path("commitments/templates/commitments/follow_through.html").read_text()
    svg = re.search(r"<svg.*?</svg>", source, re.S)
    assert svg
    weeks = _weeks()
    chart = commitment_charts.week_bars(weeks, TODAY)
    return engines["django"].from_string(svg.group(0)).render({"chart": chart, "weeks": weeks})


def _bids_svg() -> str:
    weeks = [WeekRate(s, *r) for s, r in zip(_starts(len(RATES)), RATES, strict=True)]
    chart = bid_charts.rates_chart(weeks, "Bob", today=TODAY)
    return render_to_string("bids/_rates_chart.html", {"chart": chart})


def _trend_svg(count: int, frame: checkin_charts.Frame, scale: checkin_charts.Scale) -> str:
    starts = _starts(count)
    values = [None if i % 5 == 3 else (i * 7 % 11) / 11 * scale.high + 0.3 for i in range(count)]
    values = [None if v is None else max(min(v, scale.high), scale.low) for v in values]
    chart = checkin_charts.line_chart(
        "t", starts, values, scale, frame, title="A title", description="d", today=TODAY
    )
    return chart.svg  # written in Python since issue 18, no longer a template


def _evidence_svg() -> str:
    weeks = _weeks()
    chart = checkin_charts.evidence_chart(
        "e", SAFETY, weeks, title="Evidence", description="d", today=TODAY
    )
    return render_to_string("checkins/_trend_evidence.html", {"chart": chart, "name": "Bob"})


PICTURES = {
    "follow_through": _ft_svg,
    "bids_rates": _bids_svg,
    "trend_full_8": lambda: _trend_svg(8, checkin_charts.FULL, checkin_charts.RATING),
    "trend_small_heavy": lambda: _trend_svg(12, checkin_charts.SMALL, checkin_charts.HEAVINESS),
    "trend_year": lambda: _trend_svg(52, checkin_charts.FULL, checkin_charts.RATING),
    "evidence": _evidence_svg,
}


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_the_chart_is_the_same_picture(name: str) -> None:
    svg = PICTURES[name]()
    golden = GOLDEN / f"{name}.svg"
    assert "<svg" in svg and "</svg>" in svg
    assert _tags(svg) == _tags(golden.read_text())


def _tags(svg: str) -> str:
    return re.sub(r">\s+<", "><", svg).strip()


def test_the_partners_line_is_the_same_picture_in_their_colour() -> None:
    chart = checkin_charts.line_chart(
        "t",
        _starts(3),
        [1.0, None, 2.5],
        checkin_charts.RATING,
        checkin_charts.FULL,
        title="Bob's <week>",
        description="d & e",
        today=TODAY,
    )
    assert chart.svg_theirs == chart.svg.replace(
        'class="trend-chart"', 'class="trend-chart trend-theirs"'
    )
    assert "Bob&#x27;s &lt;week&gt;" in chart.svg and "d &amp; e" in chart.svg


@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(min_value=-1e-3, max_value=1e-3),
    )
)
def test_trend_chart_numbers_are_written_as_localize_writes_them(value: float) -> None:
    """The trend charts skip `localize` for plain numbers; the text must be the same."""
    from django.utils.formats import localize

    from checkins import charts as checkin_charts

    assert checkin_charts._numbers_are_plain()
    assert checkin_charts._plain_number(value) == localize(value)
