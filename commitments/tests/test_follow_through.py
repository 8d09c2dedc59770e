"""The follow-through page: a person's own trend over eight weeks, in a chart and in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from commitments import charts, services
from commitments.models import Cadence, Commitment, Kind, Result
from commitments.occurrences import Rule
from conftest import Cast, ring

# Wednesday 11 March 2026 in Amsterdam. The eight weeks start on Mondays 19 January … 9 March.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
DAILY = Rule(Cadence.DAILY)
URL = reverse("commitments:follow_through")


def daily(user: User, title: str, starts_on: date, *, shared: bool = True) -> Commitment:
    return services.create_commitment(
        ring(user), title=title, rule=DAILY, starts_on=starts_on, shared=shared
    )


def mark(user: User, commitment: Commitment, first: date, results: str) -> None:
    """One letter a day from `first`: k(ept), p(artly), m(issed), or . (left unmarked)."""
    codes = {"k": Result.KEPT, "p": Result.PARTLY, "m": Result.MISSED}
    for offset, code in enumerate(results):
        if code != ".":
            day = first + timedelta(days=offset)
            services.record_outcome(ring(user), commitment, day, codes[code])


def rows(html: str) -> list[tuple[str, ...]]:
    """The table's rows: (week of, kept, partly, due), or (week of, "Nothing was due")."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        week = re.search(r"<time[^>]*>(.*?)</time>", row)
        cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert week
        found.append((week.group(1), *cells))
    return found


def sentence(html: str) -> str:
    match = re.search(r'<p class="ft-sentence">(.*?)</p>', html, re.S)
    assert match
    return match.group(1).replace("&#x27;", "'")


def bar_texts(html: str) -> list[str]:
    return re.findall(r'<text class="ft-count"[^>]*>(.*?)</text>', html)


def labels(html: str) -> list[str]:
    return re.findall(r'<text class="ft-label"[^>]*>(.*?)</text>', html)


def test_counts_each_week_and_leaves_weeks_with_nothing_due_empty(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW, tick=False):
        services.create_commitment(
            ring(alice),
            title="Book the dentist",
            rule=Rule(Cadence.ONCE),
            starts_on=date(2026, 2, 4),
        )
        walk = daily(alice, "Evening walk", date(2026, 2, 23))
        mark(alice, walk, date(2026, 2, 23), "kkkkkpm" + "kkkkkkk" + "k..")
        html = cast.alice.client.get(URL).content.decode()

    assert rows(html) == [
        ("19 Jan", "Nothing was due"),
        ("26 Jan", "Nothing was due"),
        ("2 Feb", "0", "0", "1"),  # due and not kept: a zero, not a gap
        ("9 Feb", "Nothing was due"),
        ("16 Feb", "Nothing was due"),
        ("23 Feb", "5", "1", "7"),
        ("2 Mar", "7", "0", "7"),
        ("9 Mar", "1", "0", "3"),
    ]
    gap = "nothing due"
    assert bar_texts(html) == [gap, gap, "0 of 1", gap, gap, "5 of 7", "7 of 7", "1 of 3"]
    assert html.count('<rect class="ft-due"') == 4
    assert html.count('class="ft-week ft-gap"') == 4
    assert labels(html) == [
        "19 Jan",
        "26 Jan",
        "2 Feb",
        "9 Feb",
        "16 Feb",
        "23 Feb",
        "2 Mar",
        "this week",
    ]


def test_bars_share_one_scale_and_gaps_draw_nothing() -> None:
    weeks = [
        services.WeekCount(date(2026, 3, 2), date(2026, 3, 8), 7, 0, 0, 7),
        services.WeekCount(date(2026, 3, 9), date(2026, 3, 15), 0, 0, 0, 0),
        services.WeekCount(date(2026, 3, 16), date(2026, 3, 22), 2, 1, 1, 4),
    ]
    chart = charts.week_bars(weeks, date(2026, 3, 18))
    full, gap, part = chart.bars
    assert full.due_width == full.kept_width == charts.PLOT
    assert gap.gap and gap.due_width == 0 and gap.count_text == "nothing due"
    assert part.due_width == round(charts.PLOT * 4 / 7, 1)
    assert part.kept_width == round(charts.PLOT * 2 / 7, 1)
    assert part.partly_x == pytest.approx(chart.bar_x + part.kept_width, abs=0.11)
    assert part.partly_width == round(charts.PLOT * 1 / 7, 1)
    assert full.y < gap.y < part.y and chart.height == 3 * charts.ROW
    assert [b.label for b in chart.bars] == ["2 Mar", "9 Mar", "this week"]
    assert chart.description == (
        "Week of 2 March: kept 7 of 7. Week of 9 March: nothing was due. "
        "Week of 16 March: kept 2 of 4, 1 partly."
    )


def test_the_month_sentence_counts_this_month_so_far(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW, tick=False):
        walk = daily(alice, "Evening walk", date(2026, 2, 20))
        # February is not this month; March 1-10 are marked, the 11th (today) is not yet.
        mark(alice, walk, date(2026, 2, 20), "mmmmmmmmm" + "kkkkkkkpmk")
        html = cast.alice.client.get(URL).content.decode()
    assert sentence(html) == (
        "This month so far, you kept 8 of 11. 1 partly kept. 1 not marked yet."
    )


def test_with_nothing_due_it_says_so_gently(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        html = cast.erin.client.get(URL).content.decode()
    assert sentence(html) == "Nothing was due yet this month."
    assert [r[1] for r in rows(html)] == ["Nothing was due"] * 8
    assert '<rect class="ft-due"' not in html and bar_texts(html) == ["nothing due"] * 8


def test_the_chart_is_an_image_with_a_text_alternative(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW, tick=False):
        walk = daily(alice, "Evening walk", date(2026, 3, 9))
        mark(alice, walk, date(2026, 3, 9), "kp")
        html = cast.alice.client.get(URL).content.decode()
    svg = re.search(r"<svg[^>]*>", html)
    assert svg and 'role="img"' in svg.group(0)
    assert 'aria-labelledby="ft-title ft-desc"' in svg.group(0)
    assert '<title id="ft-title">Kept each week, over the last 8 weeks</title>' in html
    assert (
        '<desc id="ft-desc">Week of 19 January: nothing was due.' in html
        and "Week of 9 March: kept 1 of 3, 1 partly.</desc>" in html
    )
    assert "<caption>Each week in words</caption>" in html
    assert "grade" not in sentence(html).lower()


def test_only_the_persons_own_and_joint_occasions_count_never_the_partners(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    with time_machine.travel(NOW, tick=False):
        daily(alice, "Evening walk", date(2026, 3, 9))
        bobs = daily(bob, "Phone in the kitchen", date(2026, 3, 2))
        mark(bob, bobs, date(2026, 3, 2), "kkkkkkkkkk")
        talk = services.create_commitment(
            ring(bob),
            title="Weekly conversation",
            rule=Rule(Cadence.WEEKLY, weekdays=(6,)),
            starts_on=date(2026, 3, 1),
            kind=Kind.CONVERSATION,
            joint=True,
        )
        services.record_outcome(ring(alice), talk, date(2026, 3, 8), Result.KEPT)
        hers = cast.alice.client.get(URL).content.decode()
        his = cast.bob.client.get(URL).content.decode()
    # Alice: her own walk (9-11 March, unmarked) and the joint talks (1 and 8 March).
    assert rows(hers)[-3:] == [
        ("23 Feb", "0", "0", "1"),
        ("2 Mar", "1", "0", "1"),
        ("9 Mar", "0", "0", "3"),
    ]
    assert sentence(hers) == "This month so far, you kept 1 of 5. 4 not marked yet."
    # Bob: his own promise and the same joint talks; never Alice's walk.
    assert rows(his)[-3:] == [
        ("23 Feb", "0", "0", "1"),
        ("2 Mar", "8", "0", "8"),
        ("9 Mar", "3", "0", "3"),
    ]
    # Nothing on either page names or measures the other partner.
    assert "Bob" not in hers.split("</header>")[1] and "Alice" not in his.split("</header>")[1]
    assert "Phone in the kitchen" not in hers and "Evening walk" not in his


def test_weeks_and_month_follow_the_persons_own_time_zone(cast: Cast) -> None:
    alice = cast.alice.user
    alice.time_zone = "Pacific/Auckland"
    alice.save(update_fields=["time_zone"])
    # Sunday 1 March 11:30 in UTC is already Monday 2 March 00:30 in Auckland.
    with time_machine.travel(datetime(2026, 3, 1, 11, 30, tzinfo=UTC), tick=False):
        walk = daily(alice, "Evening walk", date(2026, 2, 23))
        mark(alice, walk, date(2026, 2, 23), "kkkkkkmk")
        html = cast.alice.client.get(URL).content.decode()
    assert rows(html)[-2:] == [("23 Feb", "6", "0", "7"), ("2 Mar", "1", "0", "1")]
    assert labels(html)[-2:] == ["23 Feb", "this week"]
    assert sentence(html) == "This month so far, you kept 1 of 2."


def test_weeks_unchanged_since_the_last_visit_are_read_from_the_digests(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outcomes' stamps are read as the database writes them (`digests.as_text`): the
    same text on every visit, so an unchanged week is never opened again, and an edited
    one is."""
    from commitments.services import reading

    opened: list[int] = []
    real = reading._open_outcomes

    def counting(keys: object, outcomes: list[object]) -> None:
        opened.append(len(outcomes))
        real(keys, outcomes)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "_open_outcomes", counting)
    alice = cast.alice.user
    with time_machine.travel(NOW, tick=False):
        walk = daily(alice, "Walk", date(2026, 2, 2))
        mark(alice, walk, date(2026, 2, 2), "kkmpk.kkk")
        first = services.follow_through(ring(alice))
        assert sum(opened) == 8
        assert services.follow_through(ring(alice)) == first
        assert sum(opened) == 8, "nothing changed: nothing opened"
        mark(alice, walk, date(2026, 2, 11), "m")  # an edit in the second week
        again = services.follow_through(ring(alice))
        assert opened[-1] == 3 and again != first  # that week: 9, 10 and 11 February
