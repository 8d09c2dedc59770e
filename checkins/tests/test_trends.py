"""Trends: weekly averages of a person's own check-ins, their partner's shared ones side by
side, and for the repairing partner the new evidence. Gaps, not zeros; words, not scores."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from checkins import charts
from checkins import services as checkins
from checkins.models import CheckIn
from commitments import services as commitments
from commitments.models import Cadence, Outcome, Result
from commitments.occurrences import Rule
from conftest import Cast, make_user, ring, signed_in
from couples import services as couples
from couples.models import Role
from privacy import entries
from privacy.entries import Visibility

# Wednesday 11 March 2026 in Amsterdam. This week starts Monday 9 March; the 12 weeks start
# Monday 22 December 2025.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
THIS_MONDAY = date(2026, 3, 9)
FIRST_MONDAY = date(2025, 12, 22)
URL = reverse("checkins:trends")
YEAR_URL = URL + "?span=year"


def week(n: int) -> date:
    """The Monday of the nth of the 12 weeks (0 the oldest, 11 this week)."""
    return FIRST_MONDAY + timedelta(weeks=n)


def bulk(
    user: User,
    days: Iterable[tuple[date, int, int, int]],
    *,
    shared: bool = False,
    words: str | None = None,
) -> None:
    """Check-ins written straight to the table (as years of history would be), encrypted
    exactly as check_in() encrypts them: (day, safety, closeness, heaviness)."""
    keys = ring(user)
    couple_id = None
    if shared:
        membership = couples.current_membership(user)
        assert membership is not None
        couple_id = membership.couple_id
    rows = []
    for day, safety, closeness, heaviness in days:
        entry = CheckIn(
            author=user,
            day=day,
            couple_id=couple_id,
            visibility=Visibility.SHARED if shared else Visibility.PRIVATE,
        )
        entries.encrypt_into(
            entry,
            keys,
            {
                "safety": safety,
                "closeness": closeness,
                "heaviness": heaviness,
                "moments": [],
                "words": words,
            },
        )
        rows.append(entry)
    CheckIn.objects.bulk_create(rows, batch_size=500)


def daily(
    first: date, last: date, safety: int = 6, closeness: int = 5, heaviness: int = 3
) -> Iterator[tuple[date, int, int, int]]:
    day = first
    while day <= last:
        yield (day, safety, closeness, heaviness)
        day += timedelta(days=1)


def page(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def comparable(html: str) -> str:
    """The page without the per-request CSRF token (the sign-out form's), which differs on
    every response by design."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\xa0", " ").strip()


def section(html: str, heading_id: str) -> str:
    """The <section> that a heading labels, or "" when there is none."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def sentences(fragment: str) -> list[str]:
    return [text(s) for s in re.findall(r'<p class="trend-sentence">(.*?)</p>', fragment, re.S)]


def table_rows(fragment: str) -> list[tuple[str, ...]]:
    body = fragment.split("<tbody>")[1].split("</tbody>")[0]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        found.append(tuple(text(c) for c in cells))
    return found


def svgs(fragment: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", fragment, re.S)


# -- the weekly aggregation ------------------------------------------------------------------


def test_weeks_average_their_days_and_weeks_without_a_check_in_are_gaps(cast: Cast) -> None:
    alice = cast.alice.user
    bulk(
        alice,
        [
            (week(0), 2, 3, 5),  # the oldest week: Monday…
            (week(0) + timedelta(days=6), 5, 4, 4),  # …and its Sunday
            (week(0) - timedelta(days=1), 10, 10, 1),  # the Sunday before: outside the window
            (week(3) + timedelta(days=2), 0, 0, 1),  # a real zero, which is not a gap
            (TODAY, 7, 6, 2),
        ],
    )
    with time_machine.travel(NOW, tick=False):
        weeks = checkins.weekly_averages(ring(alice), alice, 12)
    assert [w.start for w in weeks] == [week(n) for n in range(12)]
    assert weeks[-1].start == THIS_MONDAY
    assert (weeks[0].safety, weeks[0].closeness, weeks[0].heaviness) == (3.5, 3.5, 4.5)
    assert weeks[0].count == 2
    assert (weeks[3].safety, weeks[3].count) == (0, 1)
    assert (weeks[11].safety, weeks[11].heaviness) == (7, 2)
    gaps = [n for n, w in enumerate(weeks) if w.count == 0]
    assert gaps == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert all(weeks[n].safety is None and weeks[n].heaviness is None for n in gaps)


def test_weeks_follow_the_persons_own_time_zone(db: None) -> None:
    hana = make_user("Hana", "Pacific/Auckland")
    sam = make_user("Sam", "Europe/Amsterdam")
    # Sunday 15 March, 12:00 UTC: already Monday 16 March, 01:00 in Auckland (UTC+13).
    with time_machine.travel(datetime(2026, 3, 15, 12, 0, tzinfo=UTC), tick=False):
        checkins.check_in(ring(hana), date(2026, 3, 16), safety=8, closeness=7, heaviness=2)
        checkins.check_in(ring(hana), date(2026, 3, 15), safety=4, closeness=3, heaviness=4)
        with pytest.raises(checkins.CheckInProblem):  # still Sunday in Amsterdam
            checkins.check_in(ring(sam), date(2026, 3, 16), safety=5, closeness=5, heaviness=3)
        hana_weeks = checkins.weekly_averages(ring(hana), hana, 2)
        sam_weeks = checkins.weekly_averages(ring(sam), sam, 2)
    assert [w.start for w in hana_weeks] == [date(2026, 3, 9), date(2026, 3, 16)]
    assert [(w.safety, w.count) for w in hana_weeks] == [(4, 1), (8, 1)]
    assert [w.start for w in sam_weeks] == [date(2026, 3, 2), date(2026, 3, 9)]


def test_a_late_check_in_counts_in_its_own_days_week(cast: Cast) -> None:
    alice = cast.alice.user
    monday = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    with time_machine.travel(monday, tick=False):
        entry = checkins.check_in(
            ring(alice), date(2026, 3, 14), safety=3, closeness=4, heaviness=5
        )
        checkins.check_in(ring(alice), date(2026, 3, 16), safety=9, closeness=8, heaviness=1)
        weeks = checkins.weekly_averages(ring(alice), alice, 2)
    assert entry.late
    assert [(w.start, w.safety, w.count) for w in weeks] == [
        (date(2026, 3, 9), 3, 1),
        (date(2026, 3, 16), 9, 1),
    ]


# -- the chart's geometry and words ----------------------------------------------------------


def test_a_gap_breaks_the_line_and_nothing_is_drawn_for_it() -> None:
    starts = [week(n) for n in range(6)]
    values: list[float | None] = [4, None, 6, 7, None, 0]
    chart = charts.line_chart(
        "c", starts, values, charts.RATING, charts.FULL, title="t", description="d", today=TODAY
    )
    # One unbroken run (weeks 2-3) is a path; weeks 0 and 5 stand alone as dots.
    assert len(chart.line.paths) == 1
    xs = [d.x for d in chart.line.dots]
    assert len(xs) == 4 and len(set(xs)) == 4
    bottom = chart.line.grid[0].y  # the 0 line
    zero = chart.line.dots[-1]
    assert zero.y == bottom  # a real 0 is drawn at 0 …
    gap_x = charts._x(1, 6, charts.FULL.left, charts.FULL.plot_width)
    assert gap_x not in xs and str(gap_x) not in chart.line.paths[0]  # … a gap nowhere
    assert chart.labels[0].text == "22 Dec" and chart.labels[-1].text == "26 Jan"


def test_a_long_span_keeps_dots_only_for_weeks_that_stand_alone() -> None:
    starts = [THIS_MONDAY - timedelta(weeks=51 - n) for n in range(52)]
    values: list[float | None] = [5.0] * 20 + [None] + [6.0] + [None] + [7.0] * 29
    chart = charts.line_chart(
        "c", starts, values, charts.RATING, charts.SMALL, title="t", description="d", today=TODAY
    )
    assert len(chart.line.paths) == 2 and len(chart.line.dots) == 1
    assert chart.labels[0].text == "Mar 2025" and chart.labels[-1].text == "this week"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([None, None, None], "Over the last 3 weeks, there are no check-ins to show."),
        (
            [None, 4.5, None],
            "Over the last 3 weeks, one week has a check-in: "
            "your sense of safety was about 5 in the week of 29 December.",
        ),
        (
            [4.4, None, 6.6],
            "Over the last 3 weeks, your sense of safety went from about 4 to about 7.",
        ),
        (
            [6.8, 2, 7.2],
            "Over the last 3 weeks, your sense of safety started and ended at about 7.",
        ),
    ],
)
def test_the_sentence_says_where_it_began_and_where_it_is(
    values: list[float | None], expected: str
) -> None:
    starts = [week(n) for n in range(3)]
    assert charts.trend_sentence("your sense of safety", starts, values) == expected


# -- the page --------------------------------------------------------------------------------


def test_the_page_shows_each_measure_as_a_chart_a_sentence_and_a_table(cast: Cast) -> None:
    alice = cast.alice.user
    bulk(alice, daily(week(0), week(0) + timedelta(days=6), 4, 3, 4))
    bulk(alice, daily(week(10), TODAY, 6, 7, 2))
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    mine = section(html, "mine-heading")
    assert sentences(mine) == [
        "Over the last 12 weeks, your sense of safety went from about 4 to about 6.",
        "Over the last 12 weeks, your sense of closeness went from about 3 to about 7.",
        "Over the last 12 weeks, how heavy your days felt went from about 4 to about 2.",
    ]
    charts_ = svgs(mine)
    assert len(charts_) == 3
    for svg, key in zip(charts_, ("safety", "closeness", "heaviness"), strict=True):
        assert 'role="img"' in svg
        assert f'aria-labelledby="mine-{key}-title mine-{key}-desc"' in svg
        assert f'<title id="mine-{key}-title">' in svg and f'<desc id="mine-{key}-desc">' in svg
        # Week 0 stands alone (a dot), weeks 10 and 11 are a line; weeks 1-9 draw nothing.
        assert svg.count("<path") == 1 and svg.count("<circle") == 3
    desc = text(re.search(r"<desc[^>]*>(.*?)</desc>", charts_[0], re.S).group(1))  # type: ignore[union-attr]
    assert desc.startswith("Over the last 12 weeks, your sense of safety went from about 4")
    assert "3 of 12 weeks have a check-in" in desc and "Week of 22 December: 4." in desc
    rows = table_rows(mine)
    assert len(rows) == 12
    assert rows[0] == ("22 Dec", "4", "3", "4", "7")
    assert rows[1] == ("29 Dec", "No check-in")
    assert rows[11] == ("9 Mar", "6", "7", "2", "3")
    assert "<details" in mine and "Your weeks in numbers" in mine
    assert "{#" not in html and "#}" not in html and "{%" not in html
    # No partner section: bob has shared nothing.
    assert "Side by side" not in html and "New evidence" not in html


def test_a_year_and_back_again_and_an_unknown_span_is_the_default(cast: Cast) -> None:
    alice = cast.alice.user
    bulk(alice, daily(THIS_MONDAY - timedelta(weeks=51), TODAY))
    with time_machine.travel(NOW, tick=False):
        weeks12 = page(cast.alice.client)
        year = page(cast.alice.client, YEAR_URL)
        odd = page(cast.alice.client, URL + "?span=%3Cscript%3E")
    assert len(table_rows(section(year, "mine-heading"))) == 52
    assert sentences(year)[0].startswith("Over the last year,")
    assert table_rows(section(year, "mine-heading"))[0][0] == "17 Mar 2025"
    assert re.search(r'href="/trends/\?span=year" aria-current="page"', year)
    assert re.search(r'href="/trends/" aria-current="page"', weeks12)
    assert comparable(odd) == comparable(weeks12)
    assert "<script>" not in odd.split("<main")[1]


def test_with_no_check_ins_it_says_so_gently(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        html = page(cast.erin.client)
    assert "There are no check-ins from the last 12 weeks to show yet." in html
    assert "<svg" not in html
    # erin has no partner: nothing about one.
    assert "Side by side" not in html and "shares with you" not in html


# -- the partner: only what they shared, side by side ---------------------------------------


def test_side_by_side_shows_two_perspectives_when_the_partner_shares(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    bulk(alice, daily(week(8), TODAY, 6, 6, 3))
    bulk(bob, daily(week(6), TODAY - timedelta(days=1), 3, 4, 4), shared=True)
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    pair = section(html, "pair-heading")
    assert pair, "alice should see the side-by-side view"
    assert "two perspectives" in pair and "measured against each other" in pair
    assert sentences(pair) == [
        "Over the last 12 weeks, Bob's sense of safety started and ended at about 3.",
        "Over the last 12 weeks, Bob's sense of closeness started and ended at about 4.",
        "Over the last 12 weeks, how heavy Bob's days felt started and ended at about 4.",
    ]
    figures = re.findall(r"<figure>.*?</figure>", pair, re.S)
    assert len(figures) == 6
    assert [text(re.search(r"<figcaption>(.*?)</figcaption>", f).group(1)) for f in figures] == [  # type: ignore[union-attr]
        "You",
        "Bob",
    ] * 3
    assert all('role="img"' in f and "<title" in f and "<desc" in f for f in figures)
    bob_rows = table_rows(pair)
    assert bob_rows[6] == ("2 Feb", "3", "4", "4", "7")
    assert bob_rows[5] == ("26 Jan", "No check-in")
    # Never a score, never a ranking.
    lowered = text(html).lower()
    for word in ("score", "better", "worse", "ahead", "behind", "winning"):
        assert word not in lowered.replace("aren't scores", ""), word


def test_the_partners_private_check_ins_change_nothing(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    bulk(alice, daily(week(4), TODAY, 6, 6, 3))
    commitments.create_commitment(
        ring(alice), title="Evening walk", rule=Rule(Cadence.DAILY), starts_on=week(2)
    )
    with time_machine.travel(NOW, tick=False):
        before = {url: page(cast.alice.client, url) for url in (URL, YEAR_URL)}
        with CaptureQueriesContext(connection) as counted:
            cast.alice.client.get(URL)
    bulk(bob, daily(THIS_MONDAY - timedelta(weeks=60), TODAY, 1, 1, 5), words="private words")
    with time_machine.travel(NOW, tick=False):
        after = {url: page(cast.alice.client, url) for url in (URL, YEAR_URL)}
        with CaptureQueriesContext(connection) as recounted:
            cast.alice.client.get(URL)
    for url in (URL, YEAR_URL):
        assert comparable(after[url]) == comparable(before[url])
        assert "Side by side" not in after[url] and "New evidence" not in after[url]
        assert "private words" not in after[url]
    assert len(recounted) == len(counted)
    # The quiet line about sharing is the same either way: it says nothing of bob's days.
    assert "Check-ins Bob shares with you would appear here" in after[URL]


def test_bob_sees_alices_shared_trend_but_not_the_evidence(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    bulk(alice, daily(week(9), TODAY, 7, 6, 2), shared=True)
    bulk(bob, daily(week(9), TODAY, 3, 4, 4), shared=True)
    with time_machine.travel(NOW, tick=False):
        html = page(cast.bob.client)
    pair = section(html, "pair-heading")
    assert "Over the last 12 weeks, Alice's sense of safety started and ended at about 7." in (
        sentences(pair)
    )
    assert "New evidence" not in html  # bob's role is "hurt"
    assert "evidence-heading" not in html


def test_a_partner_in_another_couple_is_never_shown(cast: Cast) -> None:
    dan = cast.dan.user
    bulk(dan, daily(week(0), TODAY, 2, 2, 5), shared=True)
    bulk(cast.alice.user, daily(week(0), TODAY))
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    assert "Dan" not in html and "Side by side" not in html


# -- the new evidence, for the repairing partner ---------------------------------------------


def test_the_repairing_partner_sees_felt_safety_next_to_their_follow_through(
    cast: Cast,
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    assert couples.current_membership(alice).role == Role.REPAIRING  # type: ignore[union-attr]
    # bob shares weeks 4-5 and 8-11 (a gap in between); alice's walk starts in week 6.
    bulk(bob, daily(week(4), week(5) + timedelta(days=6), 3, 4, 4), shared=True)
    bulk(bob, daily(week(8), TODAY, 6, 5, 3), shared=True)
    walk = commitments.create_commitment(
        ring(alice), title="Evening walk", rule=Rule(Cadence.DAILY), starts_on=week(6)
    )
    outcomes = []
    for n, day in enumerate(d for d, *_ in daily(week(6), TODAY)):
        result = Result.KEPT if n % 7 else Result.PARTLY
        outcomes.append(
            Outcome(
                commitment=walk,
                on_date=day,
                author=alice,
                couple_id=walk.couple_id,
                visibility=walk.visibility,
                result=result,
            )
        )
    for outcome in outcomes:
        entries.encrypt_into(outcome, ring(alice), {"in_the_way": None, "will_change": None})
    Outcome.objects.bulk_create(outcomes)
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
        year = page(cast.alice.client, YEAR_URL)
    evidence = section(html, "evidence-heading")
    assert evidence and "new evidence" in text(evidence).lower()
    assert "moves at Bob's own pace" in htmllib.unescape(evidence)
    assert "not grading" in evidence
    items = [text(i) for i in re.findall(r"<li>(.*?)</li>", evidence, re.S)]
    assert items[:2] == [
        "Over the last 12 weeks, Bob's shared sense of safety went from about 3 to about 6.",
        "Of your occasions due in these weeks, you kept 32 of 38.",
    ]
    (svg,) = svgs(evidence)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="trend-due"') == 6  # weeks 6-11 had something due
    assert svg.count("<path") == 2  # two runs of bob's shared weeks
    rows = table_rows(evidence)
    # The last column is Bob's shared questionnaire (issue 16): he shares none here.
    assert rows[0] == ("22 Dec", "No check-in shared", "Nothing due", "None shared")
    assert rows[4] == ("19 Jan", "3", "Nothing due", "None shared")
    assert rows[6] == ("2 Feb", "No check-in shared", "kept 6 of 7, 1 partly", "None shared")
    assert rows[11] == ("9 Mar", "6", "kept 2 of 3, 1 partly", "None shared")
    # The same evidence on the year's page (always the last 12 weeks).
    assert section(year, "evidence-heading").count("<tr>") == 13


def test_no_evidence_when_the_partner_shares_nothing_recent_or_for_other_roles(
    cast: Cast,
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    # bob shared long ago (outside the 12 weeks), and keeps private check-ins now.
    bulk(
        bob,
        daily(THIS_MONDAY - timedelta(weeks=30), THIS_MONDAY - timedelta(weeks=20)),
        shared=True,
    )
    bulk(bob, daily(week(0), week(9), 2, 2, 5))
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
        year = page(cast.alice.client, YEAR_URL)
    assert "evidence-heading" not in html and "evidence-heading" not in year
    assert "pair-heading" not in html
    assert "pair-heading" in year  # within the year, bob's shared weeks sit side by side
    # Now bob shares recent weeks, but alice's role is "both of us": no evidence either.
    bulk(bob, daily(week(10), week(10) + timedelta(days=2), 5, 5, 3), shared=True)
    membership = couples.current_membership(alice)
    assert membership is not None
    couples.set_role(membership, Role.BOTH)
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    assert "pair-heading" in html and "evidence-heading" not in html
    couples.set_role(membership, Role.REPAIRING)
    with time_machine.travel(NOW, tick=False):
        assert "evidence-heading" in page(cast.alice.client)


# -- escaping, queries -----------------------------------------------------------------------


def test_names_are_escaped_everywhere(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    bob.display_name = '<script>alert("x")</script>'
    bob.save(update_fields=["display_name"])
    bulk(bob, daily(week(6), TODAY, 4, 4, 3), shared=True)
    bulk(alice, daily(week(6), TODAY))
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;s sense of safety" in html
    assert "evidence-heading" in html and "pair-heading" in html


@pytest.mark.usefixtures("pages_made_afresh")
def test_queries_do_not_grow_with_years_of_check_ins(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    commitments.create_commitment(
        ring(alice), title="Evening walk", rule=Rule(Cadence.DAILY), starts_on=week(0)
    )

    def counts(warm: bool = True) -> dict[str, int]:
        """Queries per page; `warm`: after one visit, which remakes the weekly summaries
        of check-ins written around the service (as `bulk` does) in a few bulk queries."""
        found = {}
        with time_machine.travel(NOW, tick=False):
            for url in (URL, YEAR_URL):
                if warm:
                    cast.alice.client.get(url)
                with CaptureQueriesContext(connection) as captured:
                    response = cast.alice.client.get(url)
                assert response.status_code == 200
                assert "evidence-heading" in response.content.decode()
                found[url] = len(captured)
        return found

    two_weeks = TODAY - timedelta(days=13)
    bulk(alice, daily(two_weeks, TODAY))
    bulk(bob, daily(two_weeks, TODAY), shared=True)
    before = counts()
    five_years = TODAY - timedelta(days=5 * 365)
    bulk(alice, daily(five_years, two_weeks - timedelta(days=1)))
    bulk(bob, daily(five_years, two_weeks - timedelta(days=1)), shared=True)
    assert CheckIn.objects.count() == 2 * ((TODAY - five_years).days + 1)
    # The visit that remakes a year of summaries costs a few queries more, never one a week.
    assert max(counts(warm=False).values()) <= 20
    after = counts()
    assert after == before
    assert max(after.values()) <= 12, after


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_a_fresh_sign_in_reads_shared_check_ins_written_by_the_service(cast: Cast) -> None:
    """The real path end to end: check_in() with sharing, then the partner's page."""
    bob = cast.bob.user
    with time_machine.travel(NOW, tick=False):
        for days_back, safety in ((2, 4), (1, 5), (0, 6)):
            checkins.check_in(
                ring(bob),
                TODAY - timedelta(days=days_back),
                safety=safety,
                closeness=5,
                heaviness=3,
                shared=True,
            )
        html = page(signed_in(cast.alice.user))
    assert (
        "Over the last 12 weeks, one week has a check-in: Bob&#x27;s sense of safety was about 5"
        in html
    )


def test_a_new_couple_gets_a_kind_first_step_not_empty_rows_and_dots(cast: Cast) -> None:
    """Issue 13: eleven "No check-in" rows and 3 px dots for a first week."""
    alice = cast.alice.user
    bulk(alice, daily(THIS_MONDAY, TODAY, 6, 5, 3))
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    mine = section(html, "mine-heading")
    assert "Your first check-ins are here." in mine
    assert "<svg" not in mine and "No check-in" not in mine
    assert "Safety 6" in text(mine) and "Closeness 5" in text(mine)
    # A second week with a check-in, and the trend appears.
    bulk(alice, daily(THIS_MONDAY - timedelta(weeks=1), THIS_MONDAY - timedelta(days=5), 5, 5, 3))
    with time_machine.travel(NOW, tick=False):
        html = page(cast.alice.client)
    assert "Your first check-ins are here." not in html and "<svg" in section(html, "mine-heading")
