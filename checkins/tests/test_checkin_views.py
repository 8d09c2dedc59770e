"""The check-in pages through real URLs: today's check-in, a missed day filled in late, the
history, sharing and the sharing preference, and the card on Today. Each bad input gets a
clear message and changes nothing; everything a person wrote is escaped wherever shown."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from checkins import services
from checkins.models import CheckIn, CheckInPreference, HardDay
from commitments import services as commitments
from commitments.models import Kind, Outcome, Result
from commitments.tests.helpers import how_it_went
from conftest import Cast, make_user, pair, ring, signed_in
from privacy import entries
from tests.support import count_queries
from tests.support import markup as page

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
YESTERDAY = TODAY - timedelta(days=1)
NASTY = "<script>alert('x')</script> & <b>bold</b>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"

TODAY_URL = reverse("checkins:today")
HISTORY = reverse("checkins:history")
THEIRS = HISTORY + "?whose=partner"
SHARING = reverse("checkins:sharing")


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def day_url(day: date) -> str:
    return reverse("checkins:day", args=[day])


def share_url(entry: CheckIn) -> str:
    return reverse("checkins:share", args=[entry.pk])


def unshare_url(entry: CheckIn) -> str:
    return reverse("checkins:unshare", args=[entry.pk])


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"safety": "6", "closeness": "4", "heaviness": "3", "words": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make(user: User, day: date = TODAY, **overrides: Any) -> CheckIn:
    values: dict[str, Any] = {"safety": 6, "closeness": 4, "heaviness": 3, **overrides}
    return services.check_in(ring(user), day, **values)


def opened(entry_id: uuid.UUID, reader: User | None = None) -> dict[str, Any]:
    fresh = CheckIn.objects.get(pk=entry_id)
    (shown,) = entries.reveal([fresh], ring(reader or fresh.author))
    return dict(shown.plain)


def db_state() -> tuple[object, ...]:
    """Everything these pages could change, to prove a refused request changed nothing."""
    return (
        sorted(
            CheckIn.objects.values_list(
                "id", "author_id", "day", "late", "visibility", "couple_id", "safety",
                "closeness", "heaviness", "moments", "words", "updated_at",
            )
        ),
        sorted(CheckInPreference.objects.values_list("user_id", "start_shared")),
        sorted(Outcome.objects.values_list("commitment_id", "on_date", "how_it_went")),
    )  # fmt: skip


def checked(html: str, name: str) -> list[str]:
    """The values of the checked inputs called `name`."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and " checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            found.append(value.group(1) if value else "on")
    return found


def messages_of(html: str) -> str:
    match = re.search(r'<div class="messages"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


# -- the page -------------------------------------------------------------------------------------


def test_the_check_in_page_asks_three_scales_the_options_and_a_few_words(cast: Cast) -> None:
    response = cast.alice.client.get(TODAY_URL)
    assert response.status_code == 200
    html = page(response)
    assert "How safe do I feel with Bob today?" in html
    assert "How close do I feel?" in html and "How heavy is today?" in html
    # Accessible groups: a fieldset and legend each, the ends described in words.
    assert html.count("<fieldset") >= 4 and html.count("<legend>") >= 4
    assert 'aria-describedby="id_safety_ends"' in html
    assert "0 is not at all" in html and "10 is completely" in html
    assert "1 is light" in html and "5 is very heavy" in html
    for name, values in (
        ("safety", range(11)),
        ("closeness", range(11)),
        ("heaviness", range(1, 6)),
    ):
        radios = re.findall(rf'<input type="radio" name="{name}" value="(\d+)"', html)
        assert radios == [str(v) for v in values]
    for value, label in HardDay.choices:
        assert f'value="{value}"' in html and label in html
    assert 'name="words"' in html and 'data-limit="500"' in html and "Up to 500 characters." in html
    assert "Share this check-in with Bob" in html
    assert checked(html, "shared") == []  # private by default
    # No score, no streak, no urging.
    lowered = html.lower()
    for word in ("streak", "score", "don't forget", "missed", "you haven't"):
        assert word not in lowered


def test_the_share_choice_starts_as_the_persons_preference(cast: Cast) -> None:
    services.set_starts_shared(cast.alice.user, True)
    assert checked(page(cast.alice.client.get(TODAY_URL)), "shared") == ["on"]
    assert checked(page(cast.bob.client.get(TODAY_URL)), "shared") == []


def test_checking_in_saves_once_thanks_calmly_and_the_form_comes_back_filled(cast: Cast) -> None:
    client = cast.alice.client
    data = form_data(
        safety="7", closeness="5", heaviness="2", moments=["good_moment"], words="a slow walk"
    )
    response = client.post(TODAY_URL, data)
    # Saved: back to Today, not left on the form (issue 13).
    assert response.status_code == 302 and response["Location"] == reverse("today")
    (entry,) = CheckIn.objects.filter(author=cast.alice.user)
    assert entry.day == TODAY and entry.late is False and not entry.is_shared
    assert opened(entry.pk) == {
        "safety": 7,
        "closeness": 5,
        "heaviness": 2,
        "moments": ["good_moment"],
        "words": "a slow walk",
    }
    html = page(client.get(TODAY_URL))
    assert "Thank you for checking in." in messages_of(html)
    assert "You've checked in for this day" in html
    assert checked(html, "safety") == ["7"] and checked(html, "closeness") == ["5"]
    assert checked(html, "heaviness") == ["2"] and checked(html, "moments") == ["good_moment"]
    assert "a slow walk</textarea>" in html
    assert "Save changes" in html
    for word in ("streak", "score", "in a row", "/10"):
        assert word not in html.lower()


def test_a_second_check_in_the_same_day_updates_the_first(cast: Cast) -> None:
    client = cast.alice.client
    client.post(TODAY_URL, form_data(safety="2", words="morning"))
    first = CheckIn.objects.get(author=cast.alice.user)
    response = client.post(TODAY_URL, form_data(safety="8", moments=["still_hurts"]))
    assert response.status_code == 302
    (entry,) = CheckIn.objects.filter(author=cast.alice.user)
    assert entry.pk == first.pk
    plain = opened(entry.pk)
    assert plain["safety"] == 8 and plain["moments"] == ["still_hurts"] and plain["words"] is None


def test_sharing_on_the_form_shares_and_unticking_it_unshares(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    alice.client.post(TODAY_URL, form_data(shared="on", words="for bob to see"))
    entry = CheckIn.objects.get(author=alice.user)
    assert entry.is_shared
    assert "for bob to see" in page(bob.client.get(THEIRS))
    alice.client.post(TODAY_URL, form_data(words="for bob to see"))  # unticked
    assert not CheckIn.objects.get(pk=entry.pk).is_shared
    assert "for bob to see" not in page(bob.client.get(THEIRS))


def test_someone_without_a_partner_checks_in_privately(cast: Cast) -> None:
    erin = cast.erin
    html = page(erin.client.get(TODAY_URL))
    assert "How safe do I feel with my partner today?" in html
    assert 'name="shared"' not in html and "Only you can see your check-ins." in html
    # Even a hand-made request to share keeps it private: there's nobody to share with.
    assert erin.client.post(TODAY_URL, form_data(shared="on")).status_code == 302
    assert not CheckIn.objects.get(author=erin.user).is_shared


def test_the_daily_rhythm_is_marked_kept_by_checking_in(cast: Cast) -> None:
    alice = cast.alice
    commitments.set_rhythms(
        ring(alice.user), checkin=True, conversation_weekday=None, review_day=None
    )
    assert alice.client.post(TODAY_URL, form_data()).status_code == 302
    kept = Outcome.objects.filter(commitment__author=alice.user, commitment__kind=Kind.CHECKIN)
    assert [(o.on_date, how_it_went(o)) for o in kept] == [(TODAY, Result.KEPT)]


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"safety": "11"}, "Please choose how safe you feel, from 0 to 10."),
        ({"safety": "-1"}, "Please choose how safe you feel, from 0 to 10."),
        ({"safety": "seven"}, "Please choose how safe you feel, from 0 to 10."),
        ({"safety": "5.5"}, "Please choose how safe you feel, from 0 to 10."),
        ({"safety": None}, "Please choose how safe you feel, from 0 to 10."),
        ({"closeness": "99"}, "Please choose how close you feel, from 0 to 10."),
        ({"closeness": ""}, "Please choose how close you feel, from 0 to 10."),
        ({"heaviness": "0"}, "Please choose how heavy today is, from 1 to 5."),
        ({"heaviness": "6"}, "Please choose how heavy today is, from 1 to 5."),
        ({"moments": ["still_hurts", "all_fine_now"]}, "isn&#x27;t one Tending offers"),
        ({"words": "x" * 501}, "A few words can be up to 500 characters; this has 501."),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    cast: Cast, overrides: dict[str, Any], words: str
) -> None:
    make(cast.alice.user, safety=3, words="as it was")
    before = db_state()
    response = cast.alice.client.post(TODAY_URL, form_data(**overrides))
    assert response.status_code == 422
    html = page(response)
    assert words in html
    assert 'role="alert"' in html
    assert db_state() == before
    assert opened(CheckIn.objects.get(author=cast.alice.user).pk)["words"] == "as it was"


def test_words_of_exactly_the_limit_are_kept(cast: Cast) -> None:
    assert cast.alice.client.post(TODAY_URL, form_data(words="y" * 500)).status_code == 302
    assert opened(CheckIn.objects.get(author=cast.alice.user).pk)["words"] == "y" * 500


def test_sharing_that_cannot_happen_yet_says_why_and_saves_nothing(cast: Cast) -> None:
    fay, gus = make_user("Fay"), make_user("Gus")
    pair(fay, gus)
    client = signed_in(gus)  # gus joined; fay hasn't visited since, so gus holds no couple key
    before = db_state()
    response = client.post(TODAY_URL, form_data(shared="on"))
    assert response.status_code == 422
    assert "next visits Tending" in page(response)
    assert db_state() == before


def test_html_and_script_are_escaped_everywhere(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    assert alice.client.post(TODAY_URL, form_data(words=NASTY, shared="on")).status_code == 302
    for html in (
        page(alice.client.get(TODAY_URL)),
        page(alice.client.get(HISTORY)),
        page(bob.client.get(THEIRS)),
    ):
        assert "<script>alert" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    # An over-long nasty text comes back escaped in the form too, and is not kept.
    response = alice.client.post(TODAY_URL, form_data(words=NASTY * 20))
    assert response.status_code == 422
    assert "<script>alert" not in page(response) and ESCAPED in page(response)
    assert opened(CheckIn.objects.get(author=alice.user).pk)["words"] == NASTY


# -- a missed day, filled in later -----------------------------------------------------------------


def test_a_missed_day_can_be_filled_in_and_is_marked_late(cast: Cast) -> None:
    client = cast.alice.client
    html = page(client.get(day_url(YESTERDAY)))
    assert "Check-in for Tuesday" in html and "</time> · it will show as filled in later" in html
    assert f'action="{day_url(YESTERDAY)}"' in html
    response = client.post(day_url(YESTERDAY), form_data(safety="4"))
    assert response.status_code == 302 and response["Location"] == HISTORY
    entry = CheckIn.objects.get(author=cast.alice.user)
    assert entry.day == YESTERDAY and entry.late is True
    assert "Thank you. It&#x27;s kept, marked as filled in later." in page(client.get(HISTORY))
    followed = page(client.get(day_url(YESTERDAY)))
    assert checked(followed, "safety") == ["4"]
    assert "</time> · filled in later" in followed
    assert "filled in later" in page(client.get(HISTORY))


def test_a_week_back_is_the_furthest_a_day_can_be_filled_in(cast: Cast) -> None:
    week = TODAY - timedelta(days=7)
    assert cast.alice.client.get(day_url(week)).status_code == 200
    assert cast.alice.client.post(day_url(week), form_data()).status_code == 302
    assert CheckIn.objects.get(author=cast.alice.user).day == week


def test_the_page_for_today_by_date_is_todays_check_in(cast: Cast) -> None:
    html = page(cast.alice.client.get(day_url(TODAY)))
    assert "Today's check-in" in html and "</time> · filled in later" not in html
    response = cast.alice.client.post(day_url(TODAY), form_data())
    assert response["Location"] == reverse("today")
    assert CheckIn.objects.get(author=cast.alice.user).late is False


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (TODAY + timedelta(days=1), "That day hasn&#x27;t come yet."),
        (TODAY + timedelta(days=30), "That day hasn&#x27;t come yet."),
        (TODAY - timedelta(days=8), "up to a week late, not more."),
        (TODAY - timedelta(days=400), "up to a week late, not more."),
    ],
)
def test_a_future_day_or_one_over_a_week_back_is_refused(cast: Cast, day: date, words: str) -> None:
    make(cast.alice.user)
    before = db_state()
    for response in (
        cast.alice.client.get(day_url(day)),
        cast.alice.client.post(day_url(day), form_data()),
    ):
        assert response.status_code == 400
        html = page(response)
        assert words in html and "Nothing has been changed." in html
        assert 'name="safety"' not in html
    assert db_state() == before


def test_a_malformed_date_is_not_found(cast: Cast) -> None:
    for bad in ("2026-02-30", "2026-13-01", "yesterday", "11-03-2026"):
        assert cast.alice.client.get(f"/check-in/{bad}/").status_code == 404


# -- the history -------------------------------------------------------------------------------


def test_history_lists_my_own_newest_first_and_never_my_partners_private_ones(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    make(alice.user, TODAY - timedelta(days=2), words="alice two days ago")
    make(alice.user, TODAY, words="alice today", shared=True)
    make(alice.user, YESTERDAY, words="alice yesterday")
    make(bob.user, TODAY, words="bob shares this", shared=True, safety=2)
    make(bob.user, YESTERDAY, words="bob keeps this")

    html = page(alice.client.get(HISTORY))
    assert html.index("alice today") < html.index("alice yesterday") < html.index("alice two days")
    assert "bob shares this" not in html and "bob keeps this" not in html
    assert "Shared with Bob" in html and "Only you" in html

    theirs = page(alice.client.get(THEIRS))
    assert "bob shares this" in theirs and "Bob's check-in" in theirs
    assert "bob keeps this" not in theirs and "alice today" not in theirs
    assert "2 of 10" in theirs  # their rating, as theirs
    # Their entries can't be changed or shared from here.
    assert "/share/" not in theirs and "/unshare/" not in theirs and "Change</a>" not in theirs

    bobs = page(bob.client.get(THEIRS))
    assert "alice today" in bobs and "alice yesterday" not in bobs
    assert "alice two days ago" not in bobs
    for persona in (cast.carol, cast.dan, cast.erin):
        for url in (HISTORY, THEIRS):
            other = page(persona.client.get(url))
            assert "alice" not in other and "bob shares" not in other and "bob keeps" not in other


def test_history_shows_each_check_in_in_words(cast: Cast) -> None:
    make(
        cast.alice.user,
        safety=7,
        closeness=3,
        heaviness=4,
        moments=[HardDay.NOT_READY, HardDay.GOOD_MOMENT],
        words="first line\nsecond line",
    )
    html = page(cast.alice.client.get(HISTORY))
    assert "Feeling safe</dt><dd>7 of 10" in html
    assert "Feeling close</dt><dd>3 of 10" in html
    assert "How heavy</dt><dd>4 of 5" in html
    assert "<li>Not ready to talk about it</li>" in html and "<li>A good moment today</li>" in html
    assert "first line<br>second line" in html
    assert f'href="{TODAY_URL}">Change</a>' in html


def test_only_the_last_week_can_be_changed_from_the_history(cast: Cast) -> None:
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        make(cast.alice.user, TODAY - timedelta(days=10))
    make(cast.alice.user, YESTERDAY)
    html = page(cast.alice.client.get(HISTORY))
    assert f'href="{day_url(YESTERDAY)}">Change</a>' in html
    assert day_url(TODAY - timedelta(days=10)) not in html


def fill_days(user: User, count: int, *, shared: bool = False) -> None:
    """`count` check-ins, one a day going back from today, each made on its own day."""
    keys = ring(user)
    for n in range(count):
        day = TODAY - timedelta(days=n)
        with time_machine.travel(NOW - timedelta(days=n), tick=False):
            services.check_in(
                keys, day, safety=n % 11, closeness=5, heaviness=2, words=f"day {n}.", shared=shared
            )


def test_history_pages_thirty_at_a_time(cast: Cast) -> None:
    fill_days(cast.alice.user, 35)
    client = cast.alice.client
    first = page(client.get(HISTORY))
    assert first.count('class="entry checkin-entry"') == 30
    assert "day 0." in first and "day 29." in first and "day 30." not in first
    assert 'href="?page=2"' in first and "Page 1 of 2" in first
    second = page(client.get(HISTORY + "?page=2"))
    assert second.count('class="entry checkin-entry"') == 5
    assert "day 30." in second and "day 34." in second and "day 29." not in second
    assert 'href="?page=1"' in second
    for bad in ("99", "0", "two", "-1"):
        response = client.get(HISTORY + f"?page={bad}")
        assert response.status_code == 200
        assert "no such page" in page(response) and "day 0." in page(response)


def test_history_queries_do_not_grow_with_check_ins(cast: Cast) -> None:
    fill_days(cast.alice.user, 5)
    fill_days(cast.bob.user, 5, shared=True)
    pages = [HISTORY, THEIRS, TODAY_URL, day_url(YESTERDAY), reverse("today")]
    before = {url: count_queries(cast.alice.client, url) for url in pages}
    CheckIn.objects.all().delete()
    fill_days(cast.alice.user, 60)
    fill_days(cast.bob.user, 60, shared=True)
    assert CheckIn.objects.count() == 120
    after = {url: count_queries(cast.alice.client, url) for url in pages}
    assert after == before
    # A budget, so a page that quietly doubles its queries is noticed. The home page
    # gathers a line from every practice; its own budget is in tests/test_query_budgets.py.
    assert max(v for url, v in after.items() if url != reverse("today")) <= 12, after


# -- sharing and unsharing one check-in ----------------------------------------------------------


def test_sharing_and_unsharing_my_own_check_in(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    entry = make(alice.user, words="now you see it")
    response = alice.client.post(share_url(entry))
    assert response.status_code == 302 and response["Location"] == HISTORY
    assert CheckIn.objects.get(pk=entry.pk).is_shared
    assert "Shared with Bob." in messages_of(page(alice.client.get(HISTORY)))
    assert "now you see it" in page(bob.client.get(THEIRS))
    assert opened(entry.pk, reader=bob.user)["words"] == "now you see it"

    response = alice.client.post(unshare_url(entry), {"page": "2"})
    assert response["Location"] == HISTORY + "?page=2"
    assert not CheckIn.objects.get(pk=entry.pk).is_shared
    assert "now you see it" not in page(bob.client.get(THEIRS))
    with pytest.raises(PermissionError):
        opened(entry.pk, reader=bob.user)


def test_nobody_else_can_share_or_unshare_a_check_in(cast: Cast) -> None:
    private = make(cast.alice.user, words="alice alone")
    shared = make(cast.alice.user, YESTERDAY, words="alice with bob", shared=True)
    before = db_state()
    for persona in (cast.bob, cast.carol, cast.dan, cast.erin):
        for entry in (private, shared):
            for url in (share_url(entry), unshare_url(entry)):
                response = persona.client.post(url)
                assert response.status_code == 404, (persona.name, url)
                assert "alice" not in page(response)
    unknown = reverse("checkins:share", args=[uuid.uuid4()])
    assert cast.alice.client.post(unknown).status_code == 404
    assert db_state() == before


def test_share_and_unshare_take_only_post(cast: Cast) -> None:
    entry = make(cast.alice.user)
    assert cast.alice.client.get(share_url(entry)).status_code == 405
    assert cast.alice.client.get(unshare_url(entry)).status_code == 405
    assert cast.alice.client.get(SHARING).status_code == 405
    assert not CheckIn.objects.get(pk=entry.pk).is_shared


def test_the_signed_out_are_sent_to_sign_in(cast: Cast) -> None:
    entry = make(cast.alice.user)
    before = db_state()
    for url in (TODAY_URL, day_url(YESTERDAY), HISTORY, SHARING, share_url(entry)):
        for response in (cast.anonymous.get(url), cast.anonymous.post(url, form_data())):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert db_state() == before


# -- the sharing preference ------------------------------------------------------------------------


def test_the_sharing_preference_is_set_from_the_history(cast: Cast) -> None:
    client = cast.alice.client
    html = page(client.get(HISTORY))
    assert 'id="sharing"' in html and "Shared with Bob" in html
    assert checked(html, "start") == ["private"]
    response = client.post(SHARING, {"start": "shared"})
    assert response.status_code == 302 and response["Location"] == HISTORY
    assert services.starts_shared(cast.alice.user) is True
    assert services.starts_shared(cast.bob.user) is False
    html = page(client.get(HISTORY))
    assert "New check-ins will start shared with Bob." in messages_of(html)
    assert checked(html, "start") == ["shared"]
    assert checked(page(client.get(TODAY_URL)), "shared") == ["on"]
    client.post(SHARING, {"start": "private"})
    assert services.starts_shared(cast.alice.user) is False


@pytest.mark.parametrize("data", [{}, {"start": "everyone"}, {"start": ""}, {"start": "<b>x</b>"}])
def test_a_bad_sharing_preference_changes_nothing(cast: Cast, data: dict[str, str]) -> None:
    services.set_starts_shared(cast.alice.user, True)
    before = db_state()
    response = cast.alice.client.post(SHARING, data)
    assert response.status_code == 422
    assert "Please choose private or shared." in page(response)
    assert "<b>x</b>" not in page(response)
    assert db_state() == before


def test_without_a_partner_check_ins_cannot_start_shared(cast: Cast) -> None:
    html = page(cast.erin.client.get(HISTORY))
    assert 'id="sharing"' not in html and "?whose=partner" not in html
    response = cast.erin.client.post(SHARING, {"start": "shared"})
    assert response.status_code == 422
    assert "Sharing needs a partner in your couple space." in page(response)
    assert not CheckInPreference.objects.exists()
    assert cast.erin.client.post(SHARING, {"start": "private"}).status_code == 302


# -- the card on Today ---------------------------------------------------------------------------


def checkin_card(html: str) -> str:
    return html.split('id="checkin-heading"')[1].split("</section>")[0]


def test_today_shows_whether_the_check_in_is_done_without_pressure(cast: Cast) -> None:
    client = cast.alice.client
    card = checkin_card(page(client.get(reverse("today"))))
    assert f'href="{TODAY_URL}"' in card and "Check in</a>" in card
    assert "checked in today" not in card
    make(cast.alice.user, YESTERDAY)  # yesterday's doesn't count for today
    assert "checked in today" not in checkin_card(page(client.get(reverse("today"))))
    make(cast.alice.user)
    card = checkin_card(page(client.get(reverse("today"))))
    assert "You've checked in today. Thank you." in card
    assert f'href="{TODAY_URL}"' in card and f'href="{HISTORY}"' in card
    # Bob's day is his own: alice's check-in doesn't show as his.
    assert "checked in today" not in checkin_card(page(cast.bob.client.get(reverse("today"))))
