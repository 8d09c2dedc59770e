"""The month calendar: what each person sees, on which day, and how it reads."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from commitments import services
from commitments.models import Cadence, Commitment, Kind, Noticed, Outcome, Result
from commitments.occurrences import Rule
from conftest import Cast, ring
from privacy import entries
from privacy.entries import Visibility
from tests.support import queries_for

# Wednesday 11 March 2026, early afternoon in Amsterdam (UTC+1).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
DAILY = Rule(Cadence.DAILY)


def promise(
    user: User, title: str, starts_on: date, *, shared: bool = True, rule: Rule = DAILY
) -> Commitment:
    return services.create_commitment(
        ring(user), title=title, rule=rule, starts_on=starts_on, shared=shared
    )


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.content.decode()


def days_of(html: str) -> dict[str, str]:
    """Each day's block of the calendar, by ISO date."""
    found = {}
    for block in html.split('<li class="cal-day')[1:]:
        match = re.search(r'datetime="(\d{4}-\d\d-\d\d)"', block)
        assert match, block[:200]
        found[match.group(1)] = block
    return found


def shown(block: str) -> list[tuple[str, str, str]]:
    """(title, outcome words, whose) of each occasion in one day's block."""
    found = []
    for occ in block.split('<li class="occ ')[1:]:
        title = re.search(r'class="occ-title">(.*?)</span>', occ, re.S)
        state = re.search(r'class="occ-state">(.*?)</span>', occ, re.S)
        whose = re.search(r'class="occ-whose">(.*?)</span>', occ, re.S)
        assert title and state, occ
        found.append((title.group(1), state.group(1), whose.group(1) if whose else ""))
    return found


def titles_in(html: str) -> set[str]:
    return set(re.findall(r'class="occ-title">(.*?)</span>', html))


def today_of(html: str) -> list[str]:
    return [day for day, block in days_of(html).items() if 'aria-current="date"' in block]


def month_url(year: int, month: int, query: str = "") -> str:
    return reverse("commitments:calendar_month", args=[year, month]) + query


# -- which day, in whose time zone ----------------------------------------------------------


def test_occasions_fall_on_the_days_of_each_persons_own_time_zone(cast: Cast) -> None:
    alice = cast.alice.user
    alice.time_zone = "Pacific/Auckland"
    alice.save(update_fields=["time_zone"])
    # Saturday 28 February in Amsterdam (and UTC); already Sunday 1 March in Auckland.
    with time_machine.travel(datetime(2026, 2, 28, 12, 0, tzinfo=UTC), tick=False):
        call = promise(alice, "Call before leaving work", date(2026, 3, 1))
        services.record_outcome(ring(alice), call, date(2026, 3, 1), Result.KEPT)

        html = page(cast.alice.client, reverse("commitments:calendar"))
        assert "<title>March 2026" in html
        days = days_of(html)
        assert len(days) == 31
        assert today_of(html) == ["2026-03-01"]
        assert shown(days["2026-03-01"]) == [("Call before leaving work", "kept", "")]
        assert shown(days["2026-03-02"]) == [("Call before leaving work", "to come", "")]

        # Bob, in Amsterdam, is still in February; the shared commitment starts after it.
        html = page(cast.bob.client, reverse("commitments:calendar"))
        assert "<title>February 2026" in html
        assert len(days_of(html)) == 28
        assert today_of(html) == ["2026-02-28"]
        assert titles_in(html) == set()
        march = days_of(page(cast.bob.client, month_url(2026, 3)))
        assert shown(march["2026-03-01"]) == [("Call before leaving work", "kept", "Alice")]
        assert shown(march["2026-03-02"]) == [("Call before leaving work", "to come", "Alice")]


def test_weekly_and_once_commitments_land_on_their_own_days_only(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW, tick=False):
        promise(alice, "Walk together", date(2026, 3, 1), rule=Rule(Cadence.WEEKLY, weekdays=(1,)))
        promise(alice, "Book the dentist", date(2026, 3, 20), rule=Rule(Cadence.ONCE))
        days = days_of(page(cast.alice.client, month_url(2026, 3)))
    tuesdays = {"2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24", "2026-03-31"}
    walks = {day for day, block in days.items() if "Walk together" in block}
    assert walks == tuesdays
    assert [day for day, block in days.items() if "Book the dentist" in block] == ["2026-03-20"]


# -- who sees what ----------------------------------------------------------------------------


def test_a_private_commitment_never_reaches_the_partners_calendar(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    with time_machine.travel(NOW, tick=False):
        promise(alice, "Text when running late", date(2026, 3, 1))
        promise(alice, "My own quiet promise", date(2026, 3, 1), shared=False)
        promise(bob, "Cook on Fridays", date(2026, 3, 1), rule=Rule(Cadence.WEEKLY, weekdays=(4,)))
        promise(bob, "Bob's private note to self", date(2026, 3, 1), shared=False)
        mine = page(cast.alice.client, reverse("commitments:calendar"))
        theirs = page(cast.bob.client, reverse("commitments:calendar"))
        outsider = page(cast.carol.client, reverse("commitments:calendar"))
    assert titles_in(mine) == {"Text when running late", "My own quiet promise", "Cook on Fridays"}
    assert titles_in(theirs) == {
        "Text when running late",
        "Cook on Fridays",
        "Bob&#x27;s private note to self",
    }
    assert "quiet promise" not in theirs
    today = days_of(mine)["2026-03-11"]
    assert set(shown(today)) == {
        ("Text when running late", "not marked yet", ""),
        ("My own quiet promise", "not marked yet", "only you"),
    }
    assert "private note" not in mine
    assert titles_in(outsider) == set()
    assert "Alice" not in outsider and "Bob" not in outsider


def test_filters_by_person_and_kind(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    with time_machine.travel(NOW, tick=False):
        promise(alice, "Text when running late", date(2026, 3, 1))
        promise(bob, "Cook on Fridays", date(2026, 3, 1), rule=Rule(Cadence.WEEKLY, weekdays=(4,)))
        services.set_rhythms(ring(alice), checkin=True, conversation_weekday=6, review_day=20)
        # Bob chooses the same: the joint rhythms start, agreed by both (rule 6).
        services.set_rhythms(ring(bob), checkin=True, conversation_weekday=6, review_day=20)
        client = cast.alice.client
        url = reverse("commitments:calendar")
        everything = titles_in(page(client, url))
        mine = titles_in(page(client, url + "?who=me"))
        bobs = titles_in(page(client, url + "?who=partner"))
        checkins = page(client, url + "?kind=checkin")
        bobs_checkins = page(client, url + "?who=partner&kind=checkin")
        conversations = page(client, url + "?kind=conversation")
    rhythms = {"Daily check-in", "Weekly conversation", "Monthly review of our agreements"}
    assert everything == {"Text when running late", "Cook on Fridays", *rhythms}
    # Joint rhythms belong to both of them, so either person's view keeps them.
    assert mine == {"Text when running late", *rhythms}
    # Whether Bob checked in is his to share (rule 2): his check-in rhythm never shows here.
    assert bobs == {"Cook on Fridays", "Weekly conversation", "Monthly review of our agreements"}
    assert titles_in(checkins) == {"Daily check-in"}
    whose = {w for block in days_of(checkins).values() for _, _, w in shown(block)}
    assert whose == {"only you"}
    assert titles_in(bobs_checkins) == set()
    assert {s[0] for b in days_of(conversations).values() for s in shown(b)} == {
        "Weekly conversation"
    }
    # The filter keeps its place when moving between months.
    assert f'href="{month_url(2026, 4, "?kind=conversation")}"' in conversations
    assert f'href="{month_url(2026, 2, "?kind=conversation")}"' in conversations
    assert '<option value="conversation" selected>' in conversations


def test_the_partners_check_in_rhythm_never_reaches_the_calendar_even_if_shared(
    cast: Cast,
) -> None:
    """Rule 2: "Daily check-in · not marked yet · Bob" told Alice whether Bob checked in."""
    with time_machine.travel(NOW, tick=False):
        # Even one made shared before this rule (as rhythms were) stays Bob's alone.
        rhythm = services.create_commitment(
            ring(cast.bob.user),
            title="Daily check-in",
            rule=DAILY,
            starts_on=date(2026, 3, 1),
            kind=Kind.CHECKIN,
            shared=True,
        )
        services.record_outcome(ring(cast.bob.user), rhythm, date(2026, 3, 10), Result.KEPT)
        alices = page(cast.alice.client, reverse("commitments:calendar"))
        bobs = page(cast.bob.client, reverse("commitments:calendar"))
        alices_list = page(cast.alice.client, reverse("commitments:list"))
    assert "Daily check-in" not in titles_in(alices) and "Daily check-in" not in alices_list
    assert "Daily check-in" in titles_in(bobs)
    assert not Outcome.objects.visible_to(cast.alice.user).exists()


def test_a_filter_value_it_does_not_know_gets_a_plain_message_and_everything(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        promise(cast.alice.user, "Text when running late", date(2026, 3, 1))
        for query in ("?who=everyone", "?kind=grades", "?kind=<script>alert(1)</script>"):
            html = page(cast.alice.client, reverse("commitments:calendar") + query, status=400)
            assert "That filter isn" in html
            assert titles_in(html) == {"Text when running late"}
            assert "<script>alert" not in html
            # What it didn't understand isn't carried on to the next month.
            assert f'href="{month_url(2026, 4)}"' in html


def test_a_partner_filter_for_someone_without_a_partner_shows_only_their_own(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        promise(cast.erin.user, "Sleep before midnight", date(2026, 3, 1), shared=False)
        html = page(cast.erin.client, reverse("commitments:calendar"))
        assert titles_in(html) == {"Sleep before midnight"}
        assert 'name="who"' not in html  # nobody else to choose
        assert titles_in(page(cast.erin.client, reverse("commitments:calendar") + "?who=me")) == {
            "Sleep before midnight"
        }
        assert titles_in(
            page(cast.erin.client, reverse("commitments:calendar") + "?who=partner")
        ) == (set())


# -- moving between months --------------------------------------------------------------------


def test_month_navigation_crosses_the_year(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        december = page(cast.alice.client, month_url(2026, 12))
        january = page(cast.alice.client, month_url(2027, 1))
        this_month = page(cast.alice.client, reverse("commitments:calendar"))
    assert "December 2026" in december
    assert f'href="{month_url(2027, 1)}"' in december
    assert f'href="{month_url(2026, 11)}"' in december
    assert "January 2027" in january
    assert f'href="{month_url(2026, 12)}"' in january
    assert f'href="{month_url(2027, 2)}"' in january
    assert len(days_of(january)) == 31
    assert "Back to this month" in january
    assert "Back to this month" not in this_month
    assert today_of(december) == [] and today_of(this_month) == ["2026-03-11"]


def test_the_first_and_last_months_a_date_can_hold_have_no_step_beyond(cast: Cast) -> None:
    first = page(cast.alice.client, month_url(1, 1))
    last = page(cast.alice.client, month_url(9999, 12))
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_a_month_that_does_not_exist_is_a_plain_404(cast: Cast) -> None:
    for year, month in ((2026, 13), (2026, 0), (99999, 1), (0, 5), (10**20, 1)):
        html = page(cast.alice.client, f"/calendar/{year}/{month}/", status=404)
        assert "There's no such month" in html or "There&#x27;s no such month" in html


# -- how it reads -----------------------------------------------------------------------------


def test_titles_are_escaped(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        promise(cast.alice.user, '<script>alert("x")</script><b>bold</b>', date(2026, 3, 11))
        for client in (cast.alice.client, cast.bob.client):
            html = page(client, reverse("commitments:calendar"))
            assert "<script>alert" not in html and "<b>bold" not in html
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold" in html


def test_every_outcome_state_reads_in_words_and_shape(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW, tick=False):
        walk = promise(alice, "Evening walk", date(2026, 3, 6))
        for day, result in ((6, Result.KEPT), (7, Result.PARTLY), (8, Result.MISSED)):
            services.record_outcome(ring(alice), walk, date(2026, 3, day), result)
        services.notice(ring(cast.bob.user), walk, date(2026, 3, 6), "Saw you go, thank you")
        days = days_of(page(cast.alice.client, reverse("commitments:calendar")))
    expected = {
        "2026-03-06": ("kept", "\u2713"),
        "2026-03-07": ("partly", "\u25d0"),
        "2026-03-08": ("missed", "\u25cb"),
        "2026-03-09": ("not marked yet", "\u2013"),
        "2026-03-11": ("not marked yet", "\u2013"),
        "2026-03-12": ("to come", "\u25cc"),
    }
    for iso, (words, mark) in expected.items():
        assert shown(days[iso]) == [("Evening walk", words, "")], iso
        assert f'<span class="occ-mark" aria-hidden="true">{mark}</span>' in days[iso]
    assert "occ-noticed" in days["2026-03-06"] and "occ-noticed" not in days["2026-03-07"]
    assert "Saw you go" not in "".join(days.values())  # the note is for the occasion page
    assert "2026-03-05" in days and shown(days["2026-03-05"]) == []
    assert ' empty"' in days["2026-03-05"] or " empty " in days["2026-03-05"]


def test_each_occasion_links_to_its_own_page(cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        walk = promise(cast.alice.user, "Evening walk", date(2026, 3, 10))
        html = page(cast.bob.client, reverse("commitments:calendar"))
    link = reverse("commitments:occasion", args=[walk.pk, date(2026, 3, 10)])
    assert f'href="{link}"' in html
    assert link.endswith(f"/{walk.pk}/2026-03-10/")


def test_the_legend_names_every_kind_and_every_outcome(cast: Cast) -> None:
    html = page(cast.alice.client, reverse("commitments:calendar"))
    legend = html.split('class="cal-legend"')[1]
    for _, name in Kind.choices:
        assert name in legend
    for words in ("Kept", "Partly", "Missed", "Not marked yet", "To come"):
        assert words in legend


def test_an_empty_month_says_so_kindly(cast: Cast) -> None:
    html = page(cast.erin.client, reverse("commitments:calendar"))
    assert "Nothing on the calendar in" in html
    assert reverse("commitments:new") in html


# -- queries do not grow with years of history ----------------------------------------------


def bulk_history(
    user: User, commitment: Commitment, first: date, last: date, seen_by: User | None = None
) -> None:
    """Outcomes for every day (and the partner's "I noticed" on every other one), written
    straight to the tables: years of history in a moment."""
    keys, partner_keys = ring(user), ring(seen_by) if seen_by else None
    rows, marks = [], []
    day = first
    while day <= last:
        outcome = Outcome(
            commitment=commitment,
            on_date=day,
            author=user,
            couple_id=commitment.couple_id,
            visibility=commitment.visibility,
        )
        how = (Result.KEPT, Result.KEPT, Result.PARTLY, Result.MISSED)[day.toordinal() % 4]
        entries.encrypt_into(
            outcome, keys, {"how_it_went": how, "in_the_way": None, "will_change": None}
        )
        rows.append(outcome)
        if seen_by and partner_keys and day.toordinal() % 2:
            seen = Noticed(
                commitment=commitment,
                on_date=day,
                author=seen_by,
                couple_id=commitment.couple_id,
                visibility=Visibility.SHARED,
            )
            entries.encrypt_into(seen, partner_keys, {"note": "Thank you"})
            marks.append(seen)
        day += timedelta(days=1)
    Outcome.objects.bulk_create(rows, batch_size=500)
    Noticed.objects.bulk_create(marks, batch_size=500)


def test_page_queries_do_not_grow_with_years_of_history(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    pages = [
        reverse("commitments:calendar"),
        month_url(2025, 6),
        reverse("commitments:follow_through"),
    ]
    with time_machine.travel(NOW, tick=False):
        month_ago, yesterday = date(2026, 2, 11), date(2026, 3, 10)
        made = [
            (alice, promise(alice, "Text when running late", month_ago), bob),
            (alice, promise(alice, "Private promise", month_ago, shared=False), None),
            (bob, promise(bob, "Phone in the kitchen", month_ago), alice),
        ]
        for user, commitment, partner in made:
            bulk_history(user, commitment, month_ago, yesterday, partner)
        first = {url: queries_for(cast.alice.client, url) for url in pages}
        before = {url: queries_for(cast.alice.client, url) for url in pages}

        three_years_back = date(2023, 3, 11)
        for user, commitment, partner in made:
            Commitment.objects.filter(pk=commitment.pk).update(starts_on=three_years_back)
            bulk_history(user, commitment, three_years_back, month_ago - timedelta(days=1), partner)
        assert Outcome.objects.count() > 3 * 3 * 365 and Noticed.objects.count() > 2 * 365
        # The first visit after a change opens the weeks that changed (their outcomes, and
        # the key to open them) and keeps their digests (one write for new weeks, one for
        # changed ones; privacy/digests.py): a fixed cost, whatever the history.
        first_after = {url: queries_for(cast.alice.client, url) for url in pages}
        after = {url: queries_for(cast.alice.client, url) for url in pages}
        assert all(first_after[url] <= after[url] + 4 for url in pages), (first_after, after)
        assert all(first[url] <= before[url] + 4 for url in pages), (first, before)
        # The history is really there: an old month now shows it.
        assert "Phone in the kitchen" in page(cast.alice.client, month_url(2025, 6))
    assert after == before
    assert max(after.values()) <= 14, after


def test_on_a_phone_the_month_folds_what_came_before_and_what_is_to_come(cast: Cast) -> None:
    """Issue 13: the phone calendar was a 9,500 px list of every day."""
    with time_machine.travel(NOW, tick=False):
        promise(cast.alice.user, "Text when running late", date(2026, 3, 1))
        html = page(cast.alice.client, reverse("commitments:calendar"))
    days = days_of(html)
    # Wednesday 11 March: Monday 9 to today stay open; the rest folds, by CSS, on a phone.
    assert " earlier" in days["2026-03-08"].split(">")[0]
    for shown_day in ("2026-03-09", "2026-03-10", "2026-03-11"):
        head = days[shown_day].split(">")[0]
        assert " earlier" not in head and " later" not in head
    assert " later" in days["2026-03-12"].split(">")[0]
    assert '<details class="cal-fold cal-show-earlier"><summary>Earlier in March (8 days)' in html
    assert (
        '<details class="cal-fold cal-show-later"><summary>Still to come in March (20 days)' in html
    )
    assert 'cal-show-later" open' not in html  # folded by default
    # Every day is still in the page, for the desktop grid.
    assert len(days) == 31


def test_an_occasions_address_is_what_reverse_gives() -> None:
    import uuid

    from commitments.presenters.calendar import _occasion_urls

    url_of = _occasion_urls()
    for pk in (uuid.uuid4(), uuid.uuid4()):
        for day in (date(2026, 1, 1), date(2026, 12, 31), date(2024, 2, 29)):
            assert url_of(pk, day) == reverse("commitments:occasion", args=[pk, day])
