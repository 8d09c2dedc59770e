"""The private calendar feed: what it holds, for whom, and what its address unlocks."""

from __future__ import annotations

import base64
import importlib
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar, Component

from commitments import feed as feeds
from commitments import services
from commitments.models import Cadence, CalendarFeed, Commitment, FeedTitle, Kind, Status
from commitments.occurrences import Rule, dates_between
from conftest import Cast, Persona, ring
from couples import services as couples
from privacy import crypto
from privacy.keyring import PasswordKeyring

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Today is 20 March 2025: the window runs from 18 February to 16 September, so it holds
# the end of February (the "31st" falls on the 28th) and a summer-time change.
NOW = datetime(2025, 3, 20, 10, 0, tzinfo=AMSTERDAM)
TODAY = date(2025, 3, 20)
WINDOW = (TODAY - timedelta(days=30), TODAY + timedelta(days=180))
SETTINGS = "commitments:feed_settings"
KIND_LABELS = set(Kind.labels)
# Imported by name: the package ships no type information.
recurring_ical_events: Any = importlib.import_module("recurring_ical_events")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(clock: time_machine.Traveller, cast: Cast) -> Cast:
    """The personas, made on the frozen day (clock first, so sign-ins happen then too)."""
    return cast


def agreed_rhythms(keys: PasswordKeyring, **choice: Any) -> services.Rhythms:
    """`set_rhythms`, then the partner's same choice: joint rhythms start when both agree."""
    services.set_rhythms(keys, **choice)
    partner = couples.partner_of(keys.user)
    if partner is not None:
        services.set_rhythms(ring(partner), **{**choice, "checkin": False})
    return services.current_rhythms(keys.user)


def make(
    person: Persona,
    title: str,
    rule: Rule,
    starts_on: date,
    ends_on: date | None = None,
    shared: bool = False,
) -> Commitment:
    return services.create_commitment(
        ring(person.user),
        title=title,
        rule=rule,
        starts_on=starts_on,
        ends_on=ends_on,
        shared=shared,
    )


def start_feed(person: Persona) -> str:
    """Turn the feed on through the settings page and read the address it shows."""
    response = person.client.post(reverse(SETTINGS), {"action": "start"})
    assert response.status_code == 302
    return token_on_page(person)


def token_on_page(person: Persona) -> str:
    page = person.client.get(reverse(SETTINGS))
    assert page.status_code == 200
    found = re.search(r'id="feed_url" type="text" readonly value="([^"]+)"', page.text)
    assert found, "the settings page doesn't show the feed address"
    url = found.group(1)
    assert url.startswith("http://testserver/calendar/feed/") and url.endswith(".ics")
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def feed_path(token: str) -> str:
    return reverse("commitments:feed", args=[token])


def fetch(token: str) -> bytes:
    """As a calendar app fetches it: a fresh client, no cookies, no session."""
    response = Client().get(feed_path(token))
    assert response.status_code == 200, response.status_code
    return response.content


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def start_of(event: Component) -> date:
    day = event.decoded("DTSTART")
    assert isinstance(day, date) and not isinstance(day, datetime), "not an all-day date"
    return day


def events(body: bytes) -> list[dict[str, object]]:
    return [
        {"uid": str(e["UID"]), "summary": str(e["SUMMARY"]), "start": start_of(e)}
        for e in parse(body).walk("VEVENT")
    ]


def commitment_ids(body: bytes) -> set[str]:
    return {str(e["uid"])[:36] for e in events(body)}


def summaries(body: bytes) -> set[str]:
    return {str(e["summary"]) for e in events(body)}


def occasions_in(body: bytes, window: tuple[date, date] = WINDOW) -> set[tuple[str, date]]:
    """An independent expansion of the feed's recurrence rules."""
    lo, hi = window
    found = recurring_ical_events.of(parse(body)).between(lo, hi + timedelta(days=1))
    return {(str(e["UID"])[:36], start_of(e)) for e in found}


def expected_occasions(
    chosen: list[Commitment], window: tuple[date, date] = WINDOW
) -> set[tuple[str, date]]:
    out = set()
    for c in chosen:
        c = Commitment.objects.get(pk=c.pk)
        for day in dates_between(list(c.schedules.all()), c.starts_on, c.ends_on, window):
            out.add((str(c.pk), day))
    return out


# -- what the feed holds, cross-checked ------------------------------------------------------


def test_recurrence_rules_expand_to_the_same_occasions_as_the_calendar(people: Cast) -> None:
    alice = people.alice
    mine = [
        make(alice, "Text when I'm running late", Rule(Cadence.DAILY), date(2025, 1, 1)),
        make(
            alice,
            "Walk together",
            Rule(Cadence.WEEKLY, weekdays=(1, 3)),
            date(2025, 2, 20),
            shared=True,
        ),
        make(alice, "Pay the rent", Rule(Cadence.MONTHLY, month_day=31), date(2024, 12, 31)),
        make(
            alice,
            "Family lunch",
            Rule(Cadence.MONTHLY, month_week=2, month_weekday=6),
            date(2025, 1, 1),
            ends_on=date(2025, 8, 1),
        ),
        make(
            alice,
            "Last Friday cinema",
            Rule(Cadence.MONTHLY, month_week=-1, month_weekday=4),
            date(2025, 3, 1),
        ),
        make(alice, "Birthday dinner", Rule(Cadence.ONCE), date(2025, 5, 5)),
        make(alice, "Long ago, once", Rule(Cadence.ONCE), date(2025, 1, 2)),
        make(alice, "Not yet", Rule(Cadence.DAILY), date(2025, 12, 1)),
    ]
    # A cadence change today: daily until yesterday, Mondays and Fridays from today on.
    changed = make(alice, "Stretch", Rule(Cadence.DAILY), date(2025, 2, 1))
    services.change_cadence(
        ring(alice.user), changed, expected_revision=1, rule=Rule(Cadence.WEEKLY, weekdays=(0, 4))
    )
    mine.append(changed)
    rhythms = agreed_rhythms(ring(alice.user), checkin=True, conversation_weekday=2, review_day=30)
    mine += [r for r in (rhythms.checkin, rhythms.conversation, rhythms.review) if r]

    body = fetch(start_feed(alice))
    expected = expected_occasions(mine)
    assert occasions_in(body) == expected
    # The comparison is about something: all of these are in the window...
    days = {day for _, day in expected}
    assert date(2025, 2, 28) in days  # the 31st, in February
    assert (str(changed.pk), date(2025, 3, 19)) in expected  # a Wednesday, daily still
    assert (str(changed.pk), date(2025, 3, 26)) not in expected  # a Wednesday, weekly now
    assert (str(changed.pk), date(2025, 3, 21)) in expected
    assert len(expected) > 400
    # ...and each rhythm is one VEVENT per schedule segment, as a rule, not a list of days.
    stretch = [e for e in events(body) if str(e["uid"]).startswith(str(changed.pk))]
    assert len(stretch) == 2
    assert len(events(body)) == len(mine) - 2 + 1  # two out of the window, Stretch twice
    rrules = [e for e in parse(body).walk("VEVENT") if "RRULE" in e]
    assert len(rrules) == len(mine) - 3 + 1  # the once-commitments are single events


def test_events_are_all_day_dates_with_stable_ids(
    people: Cast, clock: time_machine.Traveller
) -> None:
    alice = people.alice
    daily = make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    token = start_feed(alice)
    first = parse(fetch(token))
    (event,) = first.walk("VEVENT")
    assert str(event["UID"]) == f"{daily.pk}-20250101@tending"
    lo, hi = WINDOW
    assert start_of(event) == lo  # an all-day DATE, the first occasion in the window
    assert event.decoded("RRULE")["UNTIL"] == [hi]
    clock.move_to(NOW + timedelta(days=3))
    (later,) = parse(fetch(token)).walk("VEVENT")
    # The window moved, the event is the same one: calendar apps update it, not duplicate it.
    assert str(later["UID"]) == str(event["UID"])
    assert start_of(later) == lo + timedelta(days=3)


def test_calendar_is_named_tending_and_names_no_one(people: Cast) -> None:
    alice = people.alice
    make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    response = Client().get(feed_path(start_feed(alice)))
    cal = parse(response.content)
    assert str(cal["X-WR-CALNAME"]) == "Tending"
    assert str(cal["PRODID"]) == "-//Tending//Calendar feed//EN"
    text = response.content.decode()
    for person in (people.alice, people.bob):
        assert person.user.display_name not in text
        assert person.user.email not in text


def test_paused_and_retired_commitments_are_not_in_the_feed(people: Cast) -> None:
    alice = people.alice
    kept = make(alice, "Kept going", Rule(Cadence.DAILY), date(2025, 1, 1))
    paused = make(alice, "Paused", Rule(Cadence.DAILY), date(2025, 1, 1))
    retired = make(alice, "Retired", Rule(Cadence.DAILY), date(2025, 1, 1))
    services.set_status(paused, Status.PAUSED, expected_revision=1)
    services.set_status(retired, Status.RETIRED, expected_revision=1)
    assert commitment_ids(fetch(start_feed(alice))) == {str(kept.pk)}


# -- whose commitments --------------------------------------------------------------------------


def test_a_private_commitment_never_reaches_the_partners_feed(people: Cast) -> None:
    alice, bob = people.alice, people.bob
    private = make(alice, "Alice's own private plan", Rule(Cadence.DAILY), date(2025, 1, 1))
    shared = make(
        alice, "Alice's promise to Bob", Rule(Cadence.DAILY), date(2025, 1, 1), shared=True
    )
    rhythms = agreed_rhythms(ring(alice.user), checkin=True, conversation_weekday=6, review_day=1)
    assert rhythms.conversation and rhythms.review and rhythms.checkin
    joint = {str(rhythms.conversation.pk), str(rhythms.review.pk)}

    bob_token = start_feed(bob)
    assert bob.client.post(reverse(SETTINGS), {"action": "titles_on"}).status_code == 302
    bob_body = fetch(bob_token)
    # Bob sees the joint rhythms, by their titles since he opted in...
    assert commitment_ids(bob_body) == joint
    assert summaries(bob_body) == {"Weekly conversation", "Monthly review of our agreements"}
    # ...and nothing of Alice's own: not her private commitment, not even its title.
    assert b"private plan" not in bob_body and b"Alice" not in bob_body
    assert str(private.pk).encode() not in bob_body
    assert str(shared.pk).encode() not in bob_body
    assert str(rhythms.checkin.pk).encode() not in bob_body
    bob_feed = CalendarFeed.objects.get(user=bob.user)
    assert {str(t.commitment_id) for t in FeedTitle.objects.filter(feed=bob_feed)} == joint

    alice_body = fetch(start_feed(alice))
    assert commitment_ids(alice_body) == {
        str(private.pk),
        str(shared.pk),
        str(rhythms.checkin.pk),
        *joint,
    }
    # Carol, of another couple, gets none of it.
    carol_body = fetch(start_feed(people.carol))
    assert events(carol_body) == []


def test_a_commitment_made_private_again_leaves_the_partners_feed(people: Cast) -> None:
    alice, bob = people.alice, people.bob
    rhythms = agreed_rhythms(
        ring(alice.user), checkin=False, conversation_weekday=2, review_day=None
    )
    assert rhythms.conversation
    bob_token = start_feed(bob)
    assert bob.client.post(reverse(SETTINGS), {"action": "titles_on"}).status_code == 302
    assert commitment_ids(fetch(bob_token)) == {str(rhythms.conversation.pk)}
    from privacy import entries

    entries.unshare(rhythms.conversation, ring(alice.user))
    assert events(fetch(bob_token)) == []
    # The title copy of what is no longer his to see is dropped too.
    assert not FeedTitle.objects.filter(feed__user=bob.user).exists()


@pytest.mark.parametrize("leaver", ["bob", "alice"])
def test_when_a_partner_leaves_the_joint_rhythms_leave_both_feeds(
    people: Cast, leaver: str
) -> None:
    alice, bob = people.alice, people.bob
    own = make(alice, "Alice's own", Rule(Cadence.DAILY), date(2025, 1, 1))
    rhythms = agreed_rhythms(ring(alice.user), checkin=False, conversation_weekday=2, review_day=15)
    assert rhythms.conversation and rhythms.review
    alice_token, bob_token = start_feed(alice), start_feed(bob)
    bob.client.post(reverse(SETTINGS), {"action": "titles_on"})
    assert len(commitment_ids(fetch(alice_token))) == 3
    assert len(commitment_ids(fetch(bob_token))) == 2
    assert FeedTitle.objects.filter(feed__user=bob.user).count() == 2

    couples.leave(getattr(people, leaver).user)
    # Alice made the rhythms, yet they were the couple's: they end with the space,
    # whoever left and whoever stays.
    assert commitment_ids(fetch(alice_token)) == {str(own.pk)}
    assert events(fetch(bob_token)) == []
    assert not FeedTitle.objects.filter(feed__user=bob.user).exists()


# -- titles: off by default, opt-in, keyed by the address ------------------------------------


def test_by_default_the_feed_shows_kinds_and_dates_only(people: Cast) -> None:
    alice = people.alice
    titles = ["Text when I'm running late", "Walk together on Sundays", "Birthday dinner"]
    make(alice, titles[0], Rule(Cadence.DAILY), date(2025, 1, 1))
    make(alice, titles[1], Rule(Cadence.WEEKLY, weekdays=(6,)), date(2025, 1, 1), shared=True)
    make(alice, titles[2], Rule(Cadence.ONCE), date(2025, 4, 2))
    agreed_rhythms(ring(alice.user), checkin=True, conversation_weekday=1, review_day=3)
    body = fetch(start_feed(alice))
    assert summaries(body) == {
        "Commitment",
        "Daily check-in",
        "Weekly conversation",
        "Monthly review",
    }
    for title in [*titles, "Monthly review of our agreements"]:
        assert title.encode() not in body
        assert title.replace("'", "\\'").encode() not in body
    assert not FeedTitle.objects.exists()


def test_titles_opt_in_sealed_under_the_address_and_rekeyed_with_a_new_one(people: Cast) -> None:
    alice = people.alice
    title = "Text when I'm running late"
    daily = make(alice, title, Rule(Cadence.DAILY), date(2025, 1, 1))
    old = start_feed(alice)
    assert alice.client.post(reverse(SETTINGS), {"action": "titles_on"}).status_code == 302
    assert summaries(fetch(old)) == {title}

    (copy,) = FeedTitle.objects.filter(commitment=daily)
    sealed = bytes(copy.sealed_title)
    assert title.encode() not in sealed and b"running late" not in sealed
    # It is the address that opens it: the key derived from the token, and no other.
    context = f"tending:calendar-feed:title:{copy.feed_id}:{daily.pk}".encode()
    assert crypto.decrypt(sealed, feeds.title_key(old), context) == title.encode()

    assert alice.client.post(reverse(SETTINGS), {"action": "regenerate"}).status_code == 302
    new = token_on_page(alice)
    assert new != old
    assert Client().get(feed_path(old)).status_code == 404
    assert summaries(fetch(new)) == {title}
    copy.refresh_from_db()
    assert bytes(copy.sealed_title) != sealed
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(bytes(copy.sealed_title), feeds.title_key(old), context)

    # Back to kinds only: the copies go.
    assert alice.client.post(reverse(SETTINGS), {"action": "titles_off"}).status_code == 302
    assert summaries(fetch(new)) == {"Commitment"}
    assert not FeedTitle.objects.exists()


def test_titles_follow_edits_once_refreshed(people: Cast) -> None:
    alice = people.alice
    daily = make(alice, "First words", Rule(Cadence.DAILY), date(2025, 1, 1))
    token = start_feed(alice)
    alice.client.post(reverse(SETTINGS), {"action": "titles_on"})
    services.edit_commitment(
        ring(alice.user), daily, expected_revision=1, title="Better words", details="", ends_on=None
    )
    feeds.refresh_feed_titles(ring(alice.user))
    assert summaries(fetch(token)) == {"Better words"}
    # Nothing changed since: a refresh rewrites nothing.
    before = bytes(FeedTitle.objects.get().sealed_title)
    feeds.refresh_feed_titles(ring(alice.user))
    assert bytes(FeedTitle.objects.get().sealed_title) == before
    # A new commitment gets its copy when the settings page opens.
    make(alice, "Newly made", Rule(Cadence.DAILY), date(2025, 1, 1))
    token_on_page(alice)
    assert summaries(fetch(token)) == {"Better words", "Newly made"}


# -- the address -------------------------------------------------------------------------------


def test_wrong_revoked_and_unknown_tokens_get_the_same_404(people: Cast) -> None:
    alice = people.alice
    make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    old = start_feed(alice)
    alice.client.post(reverse(SETTINGS), {"action": "regenerate"})
    new = token_on_page(alice)
    client = Client()
    answers = {
        "revoked": client.get(feed_path(old)),
        "wrong": client.get(feed_path(new[:-1] + ("A" if new[-1] != "A" else "B"))),
        "unknown": client.get(feed_path("x" * 43)),
        "short": client.get(feed_path("nothing")),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    assert len({r.content for r in answers.values()}) == 1
    assert len({r["Content-Type"] for r in answers.values()}) == 1
    assert client.get(feed_path(new)).status_code == 200


def test_the_feed_needs_no_cookies_and_sets_none(people: Cast) -> None:
    alice = people.alice
    make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    token = start_feed(alice)
    sessions = Session.objects.count()
    client = Client()
    response = client.get(feed_path(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert not response.cookies and not client.cookies
    assert Session.objects.count() == sessions
    assert client.head(feed_path(token)).status_code == 200
    assert client.post(feed_path(token)).status_code == 405


def test_the_raw_token_is_stored_nowhere_in_clear(people: Cast) -> None:
    alice = people.alice
    make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    token = start_feed(alice)
    alice.client.post(reverse(SETTINGS), {"action": "titles_on"})
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    forms = [token.encode(), raw, raw.hex().encode(), feeds.title_key(token)]

    row = CalendarFeed.objects.filter(user=alice.user).values().get()
    for value in row.values():
        blob = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert not any(form in blob for form in forms), value
    # Nor anywhere else in the database.
    everything = b"".join(
        repr(list(model._default_manager.values_list())).encode()
        + b"".join(
            bytes(v)
            for r in model._default_manager.values_list()
            for v in r
            if isinstance(v, bytes | memoryview)
        )
        for model in apps.get_models()
    )
    assert not any(form in everything for form in forms)
    # The search can find what is there: the keyed hash is, and it names this feed.
    assert row["token_hash"].encode() in everything
    assert feeds.find_feed(token) == CalendarFeed.objects.get(user=alice.user)


def test_settings_page_shows_the_same_address_until_a_new_one_is_made(people: Cast) -> None:
    alice = people.alice
    page = alice.client.get(reverse(SETTINGS))
    assert page.status_code == 200
    assert "Make my calendar feed" in page.text
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    token = start_feed(alice)
    # A second "start" (a double submit) keeps the address that may already be copied.
    alice.client.post(reverse(SETTINGS), {"action": "start"})
    assert token_on_page(alice) == token
    page = alice.client.get(reverse(SETTINGS))
    assert 'data-copy="feed_url"' in page.text
    assert "Show titles in my calendar" in page.text
    assert "anyone who has your feed's address" in page.text
    assert "no-store" in page["Cache-Control"]
    # Bob's page never shows Alice's address.
    assert token not in people.bob.client.get(reverse(SETTINGS)).text


def test_turning_the_feed_off_deletes_it(people: Cast) -> None:
    alice = people.alice
    make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    token = start_feed(alice)
    alice.client.post(reverse(SETTINGS), {"action": "titles_on"})
    assert FeedTitle.objects.exists()
    assert alice.client.post(reverse(SETTINGS), {"action": "stop"}).status_code == 302
    assert Client().get(feed_path(token)).status_code == 404
    assert not CalendarFeed.objects.exists() and not FeedTitle.objects.exists()
    # And a new one is a new address.
    assert start_feed(alice) != token


def test_an_address_locked_under_a_lost_key_can_be_replaced(people: Cast) -> None:
    """After a reset without the recovery code the stored token can't be opened."""
    alice = people.alice
    make(alice, "Daily", Rule(Cadence.DAILY), date(2025, 1, 1))
    token = start_feed(alice)
    feed = CalendarFeed.objects.get(user=alice.user)
    feed.sealed_token = crypto.encrypt(b"gone", crypto.new_key(), b"another key")
    feed.save(update_fields=["sealed_token"])
    page = alice.client.get(reverse(SETTINGS))
    assert page.status_code == 200 and "can't be shown any more" in page.text
    assert token not in page.text
    assert fetch(token)  # the calendar app keeps working meanwhile
    alice.client.post(reverse(SETTINGS), {"action": "regenerate"})
    new = token_on_page(alice)
    assert new != token and fetch(new)
    assert Client().get(feed_path(token)).status_code == 404


def test_an_unknown_action_changes_nothing(people: Cast) -> None:
    alice = people.alice
    response = alice.client.post(reverse(SETTINGS), {"action": "everything"})
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_feed_queries_do_not_grow_with_commitments(people: Cast) -> None:
    alice = people.alice
    make(alice, "One", Rule(Cadence.DAILY), date(2025, 1, 1))
    agreed_rhythms(ring(alice.user), checkin=True, conversation_weekday=1, review_day=3)
    token = start_feed(alice)
    alice.client.post(reverse(SETTINGS), {"action": "titles_on"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            fetch(token)
        return len(captured)

    before = queries()
    for n in range(8):
        make(alice, f"More {n}", Rule(Cadence.WEEKLY, weekdays=(n % 7,)), date(2025, 1, 1))
    token_on_page(alice)  # refresh the title copies
    assert queries() == before <= 6
