"""Trends in lines and words: a person's own check-ins over the weeks, their partner's
shared ones beside them, and, for the repairing partner, the new evidence: the partner's
felt safety next to their own follow-through. Everything comes from the check-ins this
person may see; a partner's private check-in never reaches this page, not even as a count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts.models import User
from checkins import charts
from checkins import services as checkins
from checkins.services import WeekAverage
from commitments import services as commitments
from couples import services as couples
from couples.models import Role
from measures import services as measures
from privacy.keyring import Keyring

SPANS = {"weeks": 12, "year": 52}
EVIDENCE_WEEKS = 12


@dataclass(frozen=True)
class MeasureView:
    measure: charts.Measure
    sentence: str
    chart: charts.LineChart


@dataclass(frozen=True)
class Row:
    start: date
    label: str
    values: tuple[str, ...]
    count: int

    @property
    def named_values(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip((m.short for m in charts.MEASURES), self.values, strict=True))


@dataclass(frozen=True)
class Person:
    name: str  # "you", or the partner's name
    measures: tuple[MeasureView, ...]
    rows: tuple[Row, ...]
    has_data: bool
    # Weeks that hold a check-in: a trend needs two before it has a shape to show.
    weeks_with_data: int = 0

    @property
    def first_steps(self) -> bool:
        return self.has_data and self.weeks_with_data < 2

    @property
    def filled_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.count)


@dataclass(frozen=True)
class Pair:
    measure: charts.Measure
    mine: MeasureView
    theirs: MeasureView


@dataclass(frozen=True)
class EvidenceRow:
    start: date
    safety: str
    follow: str
    csi: str = ""


def _subject(measure: charts.Measure, name: str | None) -> str:
    return measure.theirs.format(name=name) if name else measure.yours


def _measure_view(
    measure: charts.Measure,
    weeks: Sequence[WeekAverage],
    today: date,
    frame: charts.Frame,
    *,
    name: str | None,
    prefix: str,
) -> MeasureView:
    starts = [w.start for w in weeks]
    values = [getattr(w, measure.key) for w in weeks]
    subject = _subject(measure, name)
    sentence = charts.trend_sentence(subject, starts, values)
    chart = charts.line_chart(
        f"{prefix}-{measure.key}",
        starts,
        values,
        measure.scale,
        frame,
        title=f"{subject[0].upper()}{subject[1:]}, week by week ({measure.scale.words})",
        description=charts.chart_description(sentence, starts, values),
        today=today,
    )
    return MeasureView(measure, sentence, chart)


def _person(
    weeks: Sequence[WeekAverage],
    today: date,
    frame: charts.Frame,
    *,
    name: str | None = None,
    prefix: str,
) -> Person:
    views = tuple(
        _measure_view(m, weeks, today, frame, name=name, prefix=prefix) for m in charts.MEASURES
    )
    long_span = len(weeks) > charts.LONG_SPAN
    rows = tuple(
        Row(
            w.start,
            # The day and month never part; a year's label may wrap before the year.
            f"{w.start.day}\u00a0{w.start:%b}" + (f" {w.start.year}" if long_span else ""),
            tuple(charts.number(getattr(w, m.key)) for m in charts.MEASURES),
            w.count,
        )
        for w in weeks
    )
    filled = sum(1 for w in weeks if w.count)
    return Person(name or "you", views, rows, filled > 0, filled)


def _evidence(
    name: str,
    safety_weeks: Sequence[WeekAverage],
    follow: Sequence[commitments.WeekCount],
    today: date,
    csi: measures.Evidence,
) -> dict[str, object]:
    safety = [w.safety for w in safety_weeks]
    starts = [w.start for w in safety_weeks]
    kept, due = sum(w.kept for w in follow), sum(w.due for w in follow)
    return {
        "chart": charts.evidence_chart(
            "evidence",
            safety,
            follow,
            title=f"{name}'s shared sense of safety, and your follow-through, week by week",
            description=charts.evidence_description(name, safety, follow),
            today=today,
        ),
        "safety_sentence": charts.trend_sentence(
            f"{name}'s shared sense of safety", starts, safety
        ),
        "follow_sentence": (
            f"Of your occasions due in these weeks, you kept {kept} of {due}."
            if due
            else "None of your commitments had an occasion due in these weeks."
        ),
        "rows": [
            EvidenceRow(
                s.start,
                charts.number(s.safety),
                charts.follow_words(f) if f.due else "",
                words,
            )
            for s, f, words in zip(safety_weeks, follow, csi.weeks, strict=True)
        ],
        "csi": csi,
    }


def _side_by_side(
    mine: Sequence[WeekAverage], theirs: Sequence[WeekAverage], today: date, partner: User
) -> tuple[Person, list[Pair]]:
    """The partner's shared weeks, and each measure's two small charts side by side."""
    small_me = _person(mine, today, charts.SMALL, prefix="pair-mine")
    partner_view = _person(
        theirs, today, charts.SMALL, name=partner.display_name, prefix="pair-theirs"
    )
    pairs = [
        Pair(a.measure, a, b) for a, b in zip(small_me.measures, partner_view.measures, strict=True)
    ]
    return partner_view, pairs


def trends_context(ring: Keyring, user: User, span: str) -> dict[str, Any]:
    """The signed-in person's own trends over `span` ("weeks" or "year"); never a score,
    never a comparison."""
    weeks = SPANS[span]
    today = checkins.local_today(user)

    membership = couples.current_membership(user)
    partner_membership = couples.partner_membership(membership) if membership else None
    partner = partner_membership.user if partner_membership else None

    # The partner's weeks hold only what they shared: the averages read through the access core.
    people = [user, partner] if partner else [user]
    averages = checkins.weekly_averages_of(ring, people, weeks, today=today)
    mine = averages[user.pk]
    theirs = averages[partner.pk] if partner else []
    shares = any(w.count for w in theirs)

    me = _person(mine, today, charts.FULL, prefix="mine")
    pairs: list[Pair] = []
    partner_view = None
    if partner and shares:
        partner_view, pairs = _side_by_side(mine, theirs, today, partner)

    evidence = None
    recent = theirs[-EVIDENCE_WEEKS:]
    repairing = membership is not None and membership.role == Role.REPAIRING
    if partner and repairing and any(w.safety is not None for w in recent):
        follow = commitments.follow_through(ring, EVIDENCE_WEEKS)
        # The questionnaire the partner shares, beside each week (measures draws its own chart).
        csi = measures.shared_for_evidence(ring, partner, [w.start for w in recent])
        evidence = _evidence(partner.display_name, recent, follow, today, csi)

    return {
        "span": span,
        "span_words": charts.span_words(weeks),
        "evidence_words": charts.span_words(EVIDENCE_WEEKS),
        "headings": [m.short for m in charts.MEASURES],
        "me": me,
        "partner": partner,
        "partner_view": partner_view,
        "pairs": pairs,
        "evidence": evidence,
        "today": today,
    }
