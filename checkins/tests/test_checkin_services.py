"""The check-in rules in checkins.services: one per person per day, up to a week late,
ratings in range and encrypted, the hard-day options, sharing, and the daily rhythm."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from accounts.models import User
from checkins import services
from checkins.models import CheckIn, CheckInPreference, HardDay
from commitments import services as commitments
from commitments.models import Kind, Outcome, Result
from conftest import Cast, make_user, ring
from privacy import entries

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
YESTERDAY = TODAY - timedelta(days=1)
WORDS = "a marmalade-coloured secret"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def check_in(user: User, day: date = TODAY, **overrides: Any) -> CheckIn:
    values: dict[str, Any] = {"safety": 6, "closeness": 4, "heaviness": 3, **overrides}
    return services.check_in(ring(user), day, **values)


def opened(entry: CheckIn, reader: User | None = None) -> dict[str, Any]:
    fresh = CheckIn.objects.get(pk=entry.pk)
    (shown,) = entries.reveal([fresh], ring(reader or fresh.author))
    return dict(shown.plain)


def rows() -> list[tuple[object, ...]]:
    return sorted(
        CheckIn.objects.values_list(
            "id", "author_id", "day", "late", "visibility", "safety", "closeness", "heaviness",
            "moments", "words", "updated_at",
        )
    )  # fmt: skip


# -- one per day ----------------------------------------------------------------------------


def test_a_second_check_in_for_the_same_day_updates_the_first(cast: Cast) -> None:
    alice = cast.alice.user
    first = check_in(alice, safety=2, words="first go")
    second = check_in(alice, safety=8, closeness=9, heaviness=1, words="second go")
    assert second.pk == first.pk
    assert CheckIn.objects.filter(author=alice).count() == 1
    plain = opened(first)
    assert (plain["safety"], plain["closeness"], plain["heaviness"]) == (8, 9, 1)
    assert plain["words"] == "second go"


def test_each_person_and_each_day_has_its_own_check_in(cast: Cast) -> None:
    check_in(cast.alice.user)
    check_in(cast.alice.user, YESTERDAY)
    check_in(cast.bob.user)
    assert CheckIn.objects.count() == 3
    assert services.checked_in_on(cast.alice.user, TODAY)
    assert services.checked_in_on(cast.alice.user, YESTERDAY)
    assert not services.checked_in_on(cast.bob.user, YESTERDAY)
    assert not services.checked_in_on(cast.carol.user, TODAY)


def test_empty_words_are_kept_as_none_and_words_are_trimmed(cast: Cast) -> None:
    blank = check_in(cast.alice.user, words="   ")
    assert opened(blank)["words"] is None
    padded = check_in(cast.bob.user, words="  still here \n")
    assert opened(padded)["words"] == "still here"


# -- which days -------------------------------------------------------------------------------


def test_a_day_filled_in_later_is_marked_late_and_today_is_not(cast: Cast) -> None:
    alice = cast.alice.user
    assert check_in(alice).late is False
    assert check_in(alice, YESTERDAY).late is True
    week_back = check_in(alice, TODAY - timedelta(days=7))
    assert week_back.late is True
    assert services.check_day(alice, TODAY) is False
    assert services.check_day(alice, YESTERDAY) is True


def test_changing_a_check_in_on_a_later_day_does_not_make_it_late(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        on_time = check_in(alice, YESTERDAY, safety=3)
    changed = check_in(alice, YESTERDAY, safety=5)
    assert changed.pk == on_time.pk
    assert CheckIn.objects.get(pk=on_time.pk).late is False
    assert opened(changed)["safety"] == 5


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (TODAY + timedelta(days=1), "hasn't come yet"),
        (TODAY + timedelta(days=400), "hasn't come yet"),
        (TODAY - timedelta(days=8), "up to a week late"),
        (TODAY - timedelta(days=365), "up to a week late"),
    ],
)
def test_a_future_day_or_one_over_a_week_back_is_refused(cast: Cast, day: date, words: str) -> None:
    with pytest.raises(services.CheckInProblem, match=words):
        check_in(cast.alice.user, day)
    with pytest.raises(services.CheckInProblem, match=words):
        services.check_day(cast.alice.user, day)
    assert not CheckIn.objects.exists()


def test_today_is_the_persons_own_day_in_their_time_zone(cast: Cast) -> None:
    # 06:30 UTC on the 11th: already the 11th in Amsterdam, still the 10th in Los Angeles.
    fay = make_user("Fay", time_zone="America/Los_Angeles")
    with time_machine.travel(datetime(2026, 3, 11, 6, 30, tzinfo=UTC), tick=False):
        assert services.local_today(fay) == YESTERDAY
        assert services.local_today(cast.alice.user) == TODAY
        with pytest.raises(services.CheckInProblem, match="hasn't come yet"):
            check_in(fay, TODAY)
        assert check_in(fay, YESTERDAY).late is False
        assert check_in(cast.alice.user, TODAY).late is False


# -- ratings and options ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"safety": -1},
        {"safety": 11},
        {"closeness": 11},
        {"closeness": -3},
        {"heaviness": 0},
        {"heaviness": 6},
        {"safety": "5"},
        {"closeness": 4.5},
        {"heaviness": True},
        {"safety": None},
    ],
)
def test_ratings_out_of_range_or_not_whole_numbers_are_refused(
    cast: Cast, bad: dict[str, Any]
) -> None:
    check_in(cast.alice.user, words="kept as it was")
    before = rows()
    with pytest.raises(services.CheckInProblem, match="Please choose"):
        check_in(cast.alice.user, **bad)
    assert rows() == before


@pytest.mark.parametrize(
    ("name", "low", "high"), [("safety", 0, 10), ("closeness", 0, 10), ("heaviness", 1, 5)]
)
def test_both_ends_of_every_scale_are_accepted(cast: Cast, name: str, low: int, high: int) -> None:
    entry = check_in(cast.alice.user, TODAY, **{name: low})
    assert opened(entry)[name] == low
    entry = check_in(cast.alice.user, TODAY, **{name: high})
    assert opened(entry)[name] == high


def test_the_hard_day_options_are_kept_once_each_and_unknown_ones_refused(cast: Cast) -> None:
    alice = cast.alice.user
    entry = check_in(alice, moments=[HardDay.STILL_HURTS, HardDay.NOT_READY, HardDay.STILL_HURTS])
    assert opened(entry)["moments"] == sorted([HardDay.STILL_HURTS, HardDay.NOT_READY])
    before = rows()
    with pytest.raises(services.CheckInProblem, match="isn't one Tending offers"):
        check_in(alice, moments=[HardDay.GOOD_MOMENT, "all_better_now"])
    assert rows() == before
    cleared = check_in(alice, moments=[])
    assert opened(cleared)["moments"] == []


# -- encrypted at rest --------------------------------------------------------------------------


def test_ratings_options_and_words_are_encrypted_at_rest(cast: Cast) -> None:
    entry = check_in(
        cast.alice.user,
        safety=7,
        closeness=9,
        heaviness=2,
        moments=[HardDay.GOOD_MOMENT],
        words=WORDS,
    )
    stored = CheckIn.objects.values("safety", "closeness", "heaviness", "moments", "words").get(
        pk=entry.pk
    )
    blobs = {n: bytes(v) for n, v in stored.items() if isinstance(v, bytes | memoryview)}
    assert len(blobs) == 5
    everything = b"".join(blobs.values())
    assert WORDS.encode() not in everything
    assert b"marmalade" not in everything
    assert HardDay.GOOD_MOMENT.encode() not in everything
    # A rating is not stored as its number either: each is a ciphertext of some length.
    for name in ("safety", "closeness", "heaviness"):
        assert blobs[name] not in (b"7", b"9", b"2") and len(blobs[name]) > 16
    # ...and each field is bound to itself: two equal plaintexts don't look alike.
    same = check_in(cast.bob.user, safety=5, closeness=5, heaviness=5)
    raw = CheckIn.objects.values_list("safety", "closeness").get(pk=same.pk)
    assert bytes(raw[0]) != bytes(raw[1])
    assert opened(entry) == {
        "safety": 7,
        "closeness": 9,
        "heaviness": 2,
        "moments": [HardDay.GOOD_MOMENT],
        "words": WORDS,
    }


# -- private unless shared ----------------------------------------------------------------------


def test_check_ins_start_private_and_the_partner_cannot_see_them(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    assert services.starts_shared(alice) is False
    entry = check_in(alice, words=WORDS)
    assert entry.is_shared is False
    assert not CheckIn.objects.visible_to(bob).filter(pk=entry.pk).exists()
    assert not CheckIn.objects.visible_to(cast.carol.user).exists()
    with pytest.raises(PermissionError):
        opened(entry, reader=bob)


def test_the_sharing_preference_sets_how_new_check_ins_start(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    services.set_starts_shared(alice, True)
    assert services.starts_shared(alice) is True
    assert services.starts_shared(bob) is False  # each person's own
    shared = check_in(alice, words=WORDS)
    assert shared.is_shared
    assert CheckIn.objects.visible_to(bob).filter(pk=shared.pk).exists()
    assert opened(shared, reader=bob)["words"] == WORDS
    # An explicit choice wins over the preference.
    private = check_in(alice, YESTERDAY, shared=False)
    assert not private.is_shared
    services.set_starts_shared(alice, False)
    assert CheckInPreference.objects.filter(user=alice).count() == 1
    assert not check_in(alice, TODAY - timedelta(days=2)).is_shared


def test_an_update_keeps_its_visibility_unless_told_otherwise(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    entry = check_in(alice, shared=True)
    services.set_starts_shared(alice, False)
    assert check_in(alice, safety=1).is_shared  # the preference is for new ones only
    assert opened(entry, reader=bob)["safety"] == 1
    unshared = check_in(alice, safety=2, shared=False)
    assert not unshared.is_shared
    assert not CheckIn.objects.visible_to(bob).filter(pk=entry.pk).exists()


def test_sharing_without_a_partner_saves_nothing(cast: Cast) -> None:
    with pytest.raises(services.CheckInProblem, match="needs a partner"):
        check_in(cast.erin.user, shared=True)
    assert not CheckIn.objects.exists()
    assert not check_in(cast.erin.user, shared=False).is_shared


# -- the daily check-in rhythm ------------------------------------------------------------------


def rhythm_outcomes(user: User) -> list[tuple[date, str]]:
    from commitments.tests.helpers import how_it_went

    outcomes = Outcome.objects.filter(commitment__author=user, commitment__kind=Kind.CHECKIN)
    return sorted((o.on_date, how_it_went(o)) for o in outcomes)


def test_a_check_in_marks_the_days_rhythm_occasion_kept(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        commitments.set_rhythms(
            ring(alice), checkin=True, conversation_weekday=None, review_day=None
        )
    check_in(alice)
    check_in(alice, YESTERDAY)
    check_in(alice)  # an update marks nothing twice
    assert rhythm_outcomes(alice) == [(YESTERDAY, Result.KEPT), (TODAY, Result.KEPT)]
    # A day before the rhythm began has nothing to mark; the check-in is still kept.
    early = check_in(alice, TODAY - timedelta(days=5))
    assert early.pk and len(rhythm_outcomes(alice)) == 2
    # Bob has no rhythm of his own: his check-in marks nothing, and not alice's either.
    check_in(cast.bob.user, TODAY - timedelta(days=2))
    assert rhythm_outcomes(cast.bob.user) == []
    assert len(rhythm_outcomes(alice)) == 2


def test_without_the_rhythm_a_check_in_marks_nothing(cast: Cast) -> None:
    alice = cast.alice.user
    commitments.set_rhythms(ring(alice), checkin=True, conversation_weekday=None, review_day=None)
    commitments.set_rhythms(ring(alice), checkin=False, conversation_weekday=None, review_day=None)
    check_in(alice)
    assert rhythm_outcomes(alice) == []
