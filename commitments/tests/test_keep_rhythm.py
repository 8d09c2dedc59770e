"""`keep_rhythm_in`: a practice done (a monthly review finished, a weekly conversation held,
a check-in) marks its rhythm's occasion in a window kept: the latest one that has come,
or, done early, the first still ahead; nothing when the rhythm is off or has no occasion
there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.models import User
from commitments import services
from commitments.models import Kind, Outcome, Result
from commitments.occurrences import month_bounds
from commitments.tests.helpers import how_it_went
from conftest import Cast, ring
from couples import services as couples

# Wednesday 11 March 2026, 13:00 in Amsterdam.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
MARCH = month_bounds(2026, 3)
MONDAY = 0


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def rhythms(
    user: User,
    traveller: time_machine.Traveller,
    *,
    checkin: bool = False,
    conversation: int | None = None,
    review: int | None = None,
    since: timedelta = timedelta(days=60),
) -> None:
    """Switch rhythms on as if it had been done `since` ago."""
    traveller.move_to(NOW - since)
    services.set_rhythms(
        ring(user), checkin=checkin, conversation_weekday=conversation, review_day=review
    )
    partner = couples.partner_of(user)
    if partner is not None and (conversation is not None or review is not None):
        # Joint rhythms start when both agree (rule 6): the partner makes the same choice.
        services.set_rhythms(
            ring(partner), checkin=False, conversation_weekday=conversation, review_day=review
        )
    traveller.move_to(NOW)


def kept(kind: str) -> list[tuple[date, str]]:
    return sorted(
        (o.on_date, how_it_went(o)) for o in Outcome.objects.filter(commitment__kind=kind)
    )


def test_the_latest_occasion_that_has_come_is_marked_kept(
    cast: Cast, _frozen: time_machine.Traveller
) -> None:
    rhythms(cast.alice.user, _frozen, conversation=MONDAY)
    outcome = services.keep_rhythm_in(ring(cast.alice.user), Kind.CONVERSATION, MARCH)
    # Mondays in March 2026: the 2nd and the 9th have come; the 16th hasn't.
    assert outcome is not None and outcome.on_date == date(2026, 3, 9)
    assert kept(Kind.CONVERSATION) == [(date(2026, 3, 9), Result.KEPT)]
    assert outcome.author == cast.alice.user and outcome.is_shared


def test_done_early_marks_the_first_occasion_still_ahead(
    cast: Cast, _frozen: time_machine.Traveller
) -> None:
    rhythms(cast.alice.user, _frozen, review=20)
    outcome = services.keep_rhythm_in(ring(cast.alice.user), Kind.REVIEW, MARCH)
    assert outcome is not None and outcome.on_date == date(2026, 3, 20)
    assert kept(Kind.REVIEW) == [(date(2026, 3, 20), Result.KEPT)]


def test_a_joint_rhythm_is_marked_by_either_partner_once(
    cast: Cast, _frozen: time_machine.Traveller
) -> None:
    rhythms(cast.alice.user, _frozen, review=5)
    services.keep_rhythm_in(ring(cast.bob.user), Kind.REVIEW, MARCH)
    services.keep_rhythm_in(ring(cast.alice.user), Kind.REVIEW, MARCH)
    assert kept(Kind.REVIEW) == [(date(2026, 3, 5), Result.KEPT)]
    # Another couple's practice marks nothing of theirs.
    assert services.keep_rhythm_in(ring(cast.carol.user), Kind.REVIEW, MARCH) is None
    assert len(kept(Kind.REVIEW)) == 1


def test_a_check_in_rhythm_is_each_persons_own(cast: Cast, _frozen: time_machine.Traveller) -> None:
    rhythms(cast.alice.user, _frozen, checkin=True)
    today = (date(2026, 3, 11), date(2026, 3, 11))
    assert services.keep_rhythm_in(ring(cast.bob.user), Kind.CHECKIN, today) is None
    assert kept(Kind.CHECKIN) == []
    services.keep_rhythm_in(ring(cast.alice.user), Kind.CHECKIN, today)
    assert kept(Kind.CHECKIN) == [(date(2026, 3, 11), Result.KEPT)]


def test_nothing_is_marked_without_the_rhythm(cast: Cast, _frozen: time_machine.Traveller) -> None:
    rhythms(cast.alice.user, _frozen, conversation=MONDAY)  # a conversation, not a review
    assert services.keep_rhythm_in(ring(cast.alice.user), Kind.REVIEW, MARCH) is None
    assert services.keep_rhythm_in(ring(cast.alice.user), Kind.PROMISE, MARCH) is None
    assert services.keep_rhythm_in(ring(cast.erin.user), Kind.REVIEW, MARCH) is None
    assert not Outcome.objects.exists()


def test_nothing_is_marked_once_the_rhythm_is_switched_off(
    cast: Cast, _frozen: time_machine.Traveller
) -> None:
    rhythms(cast.alice.user, _frozen, review=5)
    services.set_rhythms(
        ring(cast.alice.user), checkin=False, conversation_weekday=None, review_day=None
    )
    assert services.keep_rhythm_in(ring(cast.alice.user), Kind.REVIEW, MARCH) is None
    assert not Outcome.objects.exists()


def test_nothing_is_marked_when_the_window_holds_no_occasion(
    cast: Cast, _frozen: time_machine.Traveller
) -> None:
    # Switched on today with the 5th as its day: March's occasion was before it began.
    rhythms(cast.alice.user, _frozen, review=5, since=timedelta(0))
    assert services.keep_rhythm_in(ring(cast.alice.user), Kind.REVIEW, MARCH) is None
    # A window of days that aren't Mondays holds no weekly conversation either.
    rhythms(cast.bob.user, _frozen, conversation=MONDAY)
    midweek = (date(2026, 3, 10), date(2026, 3, 13))
    assert services.keep_rhythm_in(ring(cast.bob.user), Kind.CONVERSATION, midweek) is None
    assert not Outcome.objects.exists()
