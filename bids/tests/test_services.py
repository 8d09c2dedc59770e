"""The bid rules: noting, the optional details, double submits, encryption, sharing, and the
weekly rates (empty weeks are gaps; weeks follow the person's own time zone)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection

from accounts.models import User
from bids import charts, services
from bids.models import Bid
from conftest import Cast, make_user, ring
from privacy import entries

# Wednesday 11 March 2026, 12:00 UTC.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
MONDAY = date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def note(user: User, who: str = "me", response: str = "toward", **more: object) -> Bid:
    bid, created = services.note_bid(ring(user), who=who, kind="touch", response=response, **more)  # type: ignore[arg-type]
    assert created
    return bid


def raw_row(bid: Bid) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT who, kind, response, words FROM bids_bid WHERE id = %s",
            [bid.pk.hex if connection.vendor == "sqlite" else bid.pk],
        )
        row = cursor.fetchone()
    return b"|".join(bytes(v) for v in row if v is not None)


# -- noting -----------------------------------------------------------------------------------


def test_a_bid_is_private_and_encrypted(cast: Cast) -> None:
    bid = note(cast.alice.user, words="a squeeze of the hand in the queue")
    assert not bid.is_shared
    stored = raw_row(bid)
    for plain in (b"touch", b"toward", b'"me"', b"squeeze"):
        assert plain not in stored
    (opened,) = services.reveal_bids(ring(cast.alice.user), [Bid.objects.get(pk=bid.pk)])
    assert opened.plain == {
        "who": "me",
        "kind": "touch",
        "response": "toward",
        "words": "a squeeze of the hand in the queue",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("who", "them"), ("kind", "shouting"), ("response", "ignored"), ("kind", "")],
)
def test_unknown_choices_change_nothing(cast: Cast, field: str, value: str) -> None:
    values: dict[str, Any] = {"who": "me", "kind": "touch", "response": "toward", field: value}
    with pytest.raises(services.BidProblem, match="isn't one Tending offers"):
        services.note_bid(ring(cast.alice.user), **values)
    assert not Bid.objects.exists()


def test_future_times_and_long_words_are_refused(cast: Cast) -> None:
    with pytest.raises(services.BidProblem, match="hasn't come yet"):
        note(cast.alice.user, at=NOW + timedelta(hours=1))
    with pytest.raises(services.BidProblem, match="up to 300"):
        note(cast.alice.user, words="x" * 301)
    assert not Bid.objects.exists()
    note(cast.alice.user, at=NOW + timedelta(minutes=1))  # a phone a little fast is now


def test_the_same_form_twice_makes_one_bid(cast: Cast) -> None:
    token = uuid.uuid4()
    first, created = services.note_bid(
        ring(cast.alice.user), who="me", kind="humour", response="toward", token=token
    )
    again, created_again = services.note_bid(
        ring(cast.alice.user), who="me", kind="humour", response="away", token=token
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Bid.objects.count() == 1
    # Another person's form can't collide with it.
    services.note_bid(ring(cast.bob.user), who="me", kind="humour", response="toward", token=token)
    assert Bid.objects.count() == 2


def test_details_change_words_and_time_but_not_the_future(cast: Cast) -> None:
    bid = note(cast.alice.user)
    earlier = NOW - timedelta(days=2)
    services.add_detail(ring(cast.alice.user), bid, words="  at breakfast  ", at=earlier)
    fresh = Bid.objects.get(pk=bid.pk)
    assert fresh.noted_at == earlier
    (opened,) = services.reveal_bids(ring(cast.alice.user), [fresh])
    assert opened.plain["words"] == "at breakfast"
    with pytest.raises(services.BidProblem):
        services.add_detail(ring(cast.alice.user), fresh, words="later", at=NOW + timedelta(days=1))
    assert Bid.objects.get(pk=bid.pk).noted_at == earlier
    with pytest.raises(PermissionError):
        services.add_detail(ring(cast.bob.user), fresh, words="mine now", at=earlier)


def test_share_and_unshare(cast: Cast) -> None:
    bid = note(cast.alice.user, words="a joke about the cat")
    assert not services.partners_shared_bids(cast.bob.user).exists()
    entries.share(bid, ring(cast.alice.user))
    (seen,) = services.partners_shared_bids(cast.bob.user)
    (opened,) = services.reveal_bids(ring(cast.bob.user), [seen])
    assert opened.plain["words"] == "a joke about the cat"
    assert b"cat" not in raw_row(Bid.objects.get(pk=bid.pk))
    assert not services.partners_shared_bids(cast.carol.user).exists()
    entries.unshare(Bid.objects.get(pk=bid.pk), ring(cast.alice.user))
    assert not services.partners_shared_bids(cast.bob.user).exists()
    assert services.own_bids(cast.alice.user).count() == 1


def test_noted_today_is_the_persons_own_day(db: None) -> None:
    auckland = make_user("Aroha", "Pacific/Auckland")  # 01:00 on Thursday there
    note(auckland, at=NOW - timedelta(hours=2))  # 23:00 on Wednesday in Auckland
    assert not services.noted_today(auckland)
    note(auckland, at=NOW - timedelta(minutes=30))
    assert services.noted_today(auckland)


# -- weekly rates -----------------------------------------------------------------------------


def test_empty_weeks_are_gaps(cast: Cast) -> None:
    weeks = services.weekly_rates(ring(cast.alice.user))
    assert len(weeks) == 8
    assert weeks[-1].start == MONDAY
    assert weeks[0].start == MONDAY - timedelta(weeks=7)
    assert all(w.mine_rate is None and w.theirs_rate is None for w in weeks)
    assert charts.sentence(weeks, "Bob") == "Over the last 8 weeks, you haven't noted any bids yet."


def test_rates_count_own_reaches_and_the_partners_as_noticed(cast: Cast) -> None:
    alice = cast.alice.user
    for response in ("toward", "toward", "away", "against"):
        note(alice, who="me", response=response)
    for response in ("toward", "toward", "toward", "away"):
        note(alice, who="partner", response=response, at=NOW - timedelta(weeks=2))
    note(alice, who="me", response="toward", at=NOW - timedelta(weeks=9))  # outside the window
    note(cast.bob.user, who="partner", response="against")  # Bob's log is his own
    weeks = services.weekly_rates(ring(alice))
    this, two_ago = weeks[-1], weeks[-3]
    assert (this.mine_met, this.mine, this.mine_rate) == (2, 4, 0.5)
    assert (this.theirs, this.theirs_rate) == (0, None)
    assert (two_ago.theirs_met, two_ago.theirs, two_ago.theirs_rate) == (3, 4, 0.75)
    assert two_ago.mine_rate is None
    assert sum(w.mine + w.theirs for w in weeks) == 8
    sentence = charts.sentence(weeks, "Bob")
    # With so few bids the sentence gives counts, not percentages.
    assert "you noticed 4 reaches from Bob and turned toward 3 of them;" in sentence
    assert "2 of the 4 reaches you made felt met." in sentence
    assert "%" not in sentence


def test_weeks_follow_the_persons_time_zone(db: None) -> None:
    """Sunday 8 March, 20:00 UTC, is Monday morning in Auckland: that week, not the one before."""
    auckland = make_user("Aroha", "Pacific/Auckland")
    london = make_user("Lou", "Europe/London")
    at = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)
    note(auckland, at=at)
    note(london, at=at)
    nz = services.weekly_rates(ring(auckland))
    uk = services.weekly_rates(ring(london))
    assert nz[-1].start == date(2026, 3, 9) and nz[-1].mine == 1  # Thursday 12 March there
    assert uk[-1].start == date(2026, 3, 9) and uk[-1].mine == 0
    assert uk[-2].start == date(2026, 3, 2) and uk[-2].mine == 1


def test_the_chart_leaves_gaps_and_describes_them(cast: Cast) -> None:
    note(cast.alice.user, who="partner", response="toward")
    note(cast.alice.user, who="partner", response="away", at=NOW - timedelta(weeks=1))
    note(cast.alice.user, who="partner", response="toward", at=NOW - timedelta(weeks=4))
    weeks = services.weekly_rates(ring(cast.alice.user))
    chart = charts.rates_chart(weeks, "Bob", today=TODAY)
    theirs, mine = chart.series
    assert len(theirs.dots) == 3 and len(theirs.paths) == 1  # the last two weeks join up
    assert mine.dots == () and mine.paths == ()
    assert "3 of 8 weeks have bids; the others are gaps." in chart.description
    assert chart.last_week == "this week"


def test_percentages_appear_only_once_there_are_enough_bids() -> None:
    from datetime import date

    from bids.charts import FEW, rate_words, sentence
    from bids.services import WeekRate

    few = [WeekRate(date(2026, 11, 16), mine=3, mine_met=1, theirs=2, theirs_met=2)]
    many = [WeekRate(date(2026, 11, 16), mine=FEW, mine_met=7, theirs=FEW, theirs_met=9)]
    assert "%" not in sentence(few, "Bob") and rate_words(1, 3) == "1 of 3"
    assert "about 90%" in sentence(many, "Bob") and "about 70%" in sentence(many, "Bob")
    assert rate_words(7, FEW) == f"7 of {FEW} (70%)"
