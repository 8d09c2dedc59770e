"""The closeness path's rules (closeness/services.py), one at a time.

Product rules 3 and 6 are the specification: only a yes both gave is ever shown; either
partner pauses alone and only they resume; a slow-down needs both to start and either to
extend; planning only from the shared yes as it is now; consent before, private care after.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection

from accounts.models import User
from closeness import services
from closeness.models import (
    Aftercare,
    Answers,
    ConsentCheck,
    Moment,
    MomentState,
    OwnStep,
    Pause,
    SharedYes,
    SlowDown,
    SlowDownState,
    YesList,
)
from closeness.services import LATER, NOT_YET, YES, ClosenessProblem
from closeness.steps import BUILT_IN, BUILT_IN_BY_KEY
from conftest import Cast, ring
from privacy.lifecycle import build_export

# Wednesday 11 March 2026, 12:00 UTC (13:00 in Amsterdam, where everyone in the cast lives).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
SOON = NOW + timedelta(days=2)

PRESENCE = ["b-sit-close", "b-eyes", "b-walk", "b-same-room"]
AFFECTION = ["b-hands", "b-hug", "b-rest", "b-cheek"]
SENSUAL = ["b-massage", "b-kiss", "b-bath", "b-skin"]
SEXUAL = ["b-touch", "b-oral", "b-sex"]


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def answer(user: User, answers: dict[str, str], hidden: tuple[str, ...] = ()) -> None:
    services.save_answers(ring(user), answers, hidden)


def shared(user: User) -> list[str] | None:
    steps = services.shared_yes(ring(user))
    return None if steps is None else [s.key for s in steps]


def all_yes(user: User, keys: list[str]) -> None:
    answer(user, dict.fromkeys(keys, YES))


def plan(user: User, keys: list[str], at: datetime = SOON, **more: Any) -> Moment:
    return services.plan_moment(ring(user), at, keys, **more)


def planned_and_accepted(cast: Cast, at: datetime = SOON) -> Moment:
    """alice proposes a hug at `at`; bob says yes."""
    all_yes(cast.alice.user, ["b-hug"])
    all_yes(cast.bob.user, ["b-hug"])
    moment = plan(cast.alice.user, ["b-hug"], at=at)
    services.answer_moment(cast.bob.user, moment, yes=True)
    moment.refresh_from_db()
    return moment


def raw_column(table: str, column: str, pk: Any) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        (value,) = cursor.fetchone()
    return bytes(value)


def snapshot() -> list[Any]:
    """Every clear fact about the path, to show that a refused action changed nothing."""
    return [
        list(Pause.objects.order_by("pk").values_list("paused_by_id", "ended_at")),
        list(SlowDown.objects.order_by("pk").values_list("pk", "state", "ends_on", "agreed_at")),
        list(Moment.objects.order_by("pk").values_list("pk", "state", "at", "answered_at")),
        list(OwnStep.objects.order_by("pk").values_list("pk", "removed_at")),
        ConsentCheck.objects.count(),
        Aftercare.objects.count(),
    ]


# -- answers -----------------------------------------------------------------------------------


def test_answers_are_saved_and_can_change(cast: Cast) -> None:
    alice = cast.alice.user
    assert services.my_answers(ring(alice)).answers == {}
    answer(alice, {"b-hug": YES, "b-kiss": LATER, "b-sex": NOT_YET, "b-walk": ""}, ("b-oral",))
    mine = services.my_answers(ring(alice))
    assert mine.answers == {"b-hug": YES, "b-kiss": LATER, "b-sex": NOT_YET}  # "" = unanswered
    assert mine.hidden == {"b-oral"}
    answer(alice, {"b-hug": NOT_YET, "b-walk": YES})
    mine = services.my_answers(ring(alice))
    assert mine.answers == {"b-hug": NOT_YET, "b-walk": YES}  # the whole set is replaced
    assert mine.hidden == set()
    assert Answers.objects.filter(author=alice).count() == 1


def test_answers_are_only_ever_the_authors(cast: Cast) -> None:
    answer(cast.alice.user, {"b-hug": YES})
    assert services.my_answers(ring(cast.bob.user)).answers == {}
    assert not Answers.objects.visible_to(cast.bob.user).exists()
    row = Answers.objects.get(author=cast.alice.user)
    assert not row.is_shared


@pytest.mark.parametrize(
    ("answers", "hidden"),
    [
        ({"b-nonsense": YES}, ()),
        ({"b-hug": "maybe"}, ()),
        ({"b-hug": "YES"}, ()),
        ({}, ("b-nonsense",)),
        ({f"own-{uuid.uuid4()}": YES}, ()),
    ],
)
def test_bad_answers_are_refused_and_nothing_changes(
    cast: Cast, answers: dict[str, str], hidden: tuple[str, ...]
) -> None:
    alice = cast.alice.user
    answer(alice, {"b-hug": YES})
    with pytest.raises(ClosenessProblem):
        answer(alice, answers, hidden)
    assert services.my_answers(ring(alice)).answers == {"b-hug": YES}


def test_answers_are_encrypted_at_rest(cast: Cast) -> None:
    alice = cast.alice.user
    every = {s.key: YES for s in BUILT_IN}
    answer(alice, every, ("b-sex", "b-oral"))
    row = Answers.objects.get(author=alice)
    for column in ("answers", "hidden"):
        stored = raw_column("closeness_answers", column, row.pk)
        assert stored, column
        for step in BUILT_IN:
            assert step.key.encode() not in stored, (column, step.key)
        for word in (b"yes", b"later", b"not_yet", b"hidden"):
            assert word not in stored
    yes_row = YesList.objects.get(author=alice)
    stored = raw_column("closeness_yeslist", "steps", yes_row.pk)
    for step in BUILT_IN:
        assert step.key.encode() not in stored
    # And the real thing opens again with the author's keys.
    assert services.my_answers(ring(alice)).answers == every


# -- the shared yes ----------------------------------------------------------------------------


def test_shared_yes_is_exactly_the_intersection_of_both_yes_sets_minus_hidden(
    cast: Cast,
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    answer(
        alice,
        {
            "b-sit-close": YES,  # both yes
            "b-hands": YES,  # both yes, but alice hides it
            "b-hug": YES,  # both yes, but bob hides it
            "b-kiss": YES,  # only alice
            "b-walk": LATER,  # bob yes
            "b-massage": NOT_YET,  # bob yes
            "b-sex": YES,  # both yes
        },
        ("b-hands",),
    )
    answer(
        bob,
        {
            "b-sit-close": YES,
            "b-hands": YES,
            "b-hug": YES,
            "b-walk": YES,
            "b-massage": YES,
            "b-eyes": YES,  # alice never answered
            "b-sex": YES,
        },
        ("b-hug",),
    )
    expected = ["b-sit-close", "b-sex"]  # in tier order
    assert shared(alice) == expected
    assert shared(bob) == expected


def test_shared_yes_is_empty_until_both_have_answered(cast: Cast) -> None:
    all_yes(cast.alice.user, PRESENCE)
    assert shared(cast.alice.user) == []
    assert shared(cast.bob.user) == []


def test_shared_yes_is_in_tier_order(cast: Cast) -> None:
    keys = [*SEXUAL, *PRESENCE, *SENSUAL, *AFFECTION]
    all_yes(cast.alice.user, keys)
    all_yes(cast.bob.user, list(reversed(keys)))
    assert shared(cast.alice.user) == [s.key for s in BUILT_IN]


@pytest.mark.parametrize("who", ["alice", "bob"])
@pytest.mark.parametrize("to", [LATER, NOT_YET, "", "hidden"])
def test_a_step_silently_leaves_when_either_changes_their_yes(
    cast: Cast, who: str, to: str
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug", "b-walk"])
    all_yes(bob, ["b-hug", "b-walk"])
    assert shared(alice) == shared(bob) == ["b-walk", "b-hug"]
    changer = getattr(cast, who).user
    if to == "hidden":
        answer(changer, {"b-hug": YES, "b-walk": YES}, ("b-hug",))
    else:
        answer(changer, {"b-hug": to, "b-walk": YES})
    assert shared(alice) == shared(bob) == ["b-walk"]
    # Saying yes again brings it back.
    answer(changer, {"b-hug": YES, "b-walk": YES})
    assert shared(alice) == shared(bob) == ["b-walk", "b-hug"]


def test_a_different_couple_never_matches(cast: Cast) -> None:
    all_yes(cast.alice.user, PRESENCE)
    all_yes(cast.carol.user, PRESENCE)
    all_yes(cast.dan.user, ["b-walk"])
    assert shared(cast.alice.user) == []
    assert shared(cast.carol.user) == ["b-walk"]
    assert shared(cast.dan.user) == ["b-walk"]


# -- the couple's own steps --------------------------------------------------------------------


def test_own_steps_are_added_by_one_and_listed_for_both(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    step = services.add_step(ring(alice), "  Dancing in the kitchen  ", "affection")
    for person in (alice, bob):
        listed = [s for s in services.all_steps(ring(person)) if s.own]
        assert [(s.key, s.words, s.tier) for s in listed] == [
            (step.key, "Dancing in the kitchen", "affection")
        ]
    keys = [s.key for s in services.all_steps(ring(bob))]
    # Own steps come after the built-in steps of their tier, before the next tier.
    assert keys.index(step.key) == keys.index(AFFECTION[-1]) + 1
    assert step.key not in [s.key for s in services.all_steps(ring(cast.carol.user))]
    # Both can answer it, and a both-yes is shared.
    all_yes(alice, [step.key])
    all_yes(bob, [step.key, "b-hug"])
    assert shared(bob) == [step.key]
    stored = raw_column("closeness_ownstep", "words", step.pk)
    assert b"Dancing" not in stored


def test_an_own_step_is_encrypted_and_a_double_submit_adds_one(cast: Cast) -> None:
    token = uuid.uuid4()
    first = services.add_step(ring(cast.alice.user), "Dancing", "affection", token=token)
    again = services.add_step(ring(cast.alice.user), "Dancing", "affection", token=token)
    assert first.pk == again.pk
    assert OwnStep.objects.count() == 1
    # The same token from the partner is a different form.
    services.add_step(ring(cast.bob.user), "Dancing", "affection", token=token)
    assert OwnStep.objects.count() == 2


@pytest.mark.parametrize(
    ("words", "tier"),
    [("", "affection"), ("   ", "affection"), ("x" * 141, "affection"), ("Fine", "tea")],
)
def test_a_bad_own_step_is_refused(cast: Cast, words: str, tier: str) -> None:
    with pytest.raises(ClosenessProblem):
        services.add_step(ring(cast.alice.user), words, tier)
    assert OwnStep.objects.count() == 0


def test_only_the_author_removes_an_own_step_and_answers_about_it_are_ignored(
    cast: Cast,
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    step = services.add_step(ring(alice), "Dancing in the kitchen", "affection")
    all_yes(alice, [step.key, "b-hug"])
    all_yes(bob, [step.key, "b-hug"])
    assert shared(bob) == ["b-hug", step.key]
    before = snapshot()
    with pytest.raises(ClosenessProblem):
        services.remove_step(bob, step)
    assert snapshot() == before
    assert shared(bob) == ["b-hug", step.key]

    services.remove_step(alice, step)
    for person in (alice, bob):
        assert step.key not in [s.key for s in services.all_steps(ring(person))]
        assert shared(person) == ["b-hug"]  # the old yes answers are ignored
    # Removing twice is harmless.
    services.remove_step(alice, step)
    # The removed step can't be answered any more.
    with pytest.raises(ClosenessProblem):
        answer(bob, {step.key: YES})


def test_an_unpaired_person_cant_add_a_step(cast: Cast) -> None:
    with pytest.raises(ClosenessProblem):
        services.add_step(ring(cast.erin.user), "Dancing", "affection")
    assert OwnStep.objects.count() == 0


# -- hiding ------------------------------------------------------------------------------------


def test_hiding_keeps_the_answer_but_takes_the_step_out_of_the_match(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(bob, ["b-kiss", "b-hug"])
    answer(alice, {"b-kiss": YES, "b-hug": YES}, ("b-kiss",))
    mine = services.my_answers(ring(alice))
    assert mine.answers["b-kiss"] == YES
    assert mine.hidden == {"b-kiss"}
    assert shared(bob) == ["b-hug"]
    answer(alice, {"b-kiss": YES, "b-hug": YES})  # shown again
    assert shared(bob) == ["b-hug", "b-kiss"]


def test_an_own_step_can_be_hidden_too(cast: Cast) -> None:
    step = services.add_step(ring(cast.alice.user), "Dancing", "presence")
    all_yes(cast.alice.user, [step.key])
    answer(cast.bob.user, {step.key: YES}, (step.key,))
    assert shared(cast.alice.user) == []


# -- the yes list is sealed --------------------------------------------------------------------


def test_the_yes_list_is_sealed_from_the_partner(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug", "b-kiss"])
    all_yes(bob, ["b-hug"])
    assert shared(bob) == ["b-hug"]
    alice_list = YesList.objects.get(author=alice)
    assert alice_list.is_shared  # under the couple key, so that the match can be made
    assert list(YesList.objects.visible_to(bob)) == [YesList.objects.get(author=bob)]
    assert alice_list not in YesList.objects.visible_to(bob)
    assert YesList.objects.visible_to(alice).get() == alice_list
    for outsider in (cast.carol.user, cast.dan.user, cast.erin.user):
        assert not YesList.objects.visible_to(outsider).exists()


def test_the_match_is_kept_for_the_couple_and_written_only_when_it_changes(
    cast: Cast,
) -> None:
    """Pages read the couple's kept match, never the partner's list; it is rewritten when
    what both said yes to changes, and left as it was by anything short of that."""
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug", "b-kiss"])
    all_yes(bob, ["b-hug"])
    kept = SharedYes.objects.get(couple=services.path._couple(alice))
    assert kept.is_shared and b"b-hug" not in bytes(kept.steps)
    answer(alice, {"b-hug": YES, "b-kiss": NOT_YET, "b-walk": YES})  # bob's list meets neither
    answer(bob, {"b-hug": YES, "b-eyes": LATER})
    assert SharedYes.objects.get(pk=kept.pk).steps == kept.steps  # not even re-encrypted
    answer(bob, {"b-hug": YES, "b-walk": YES})
    assert SharedYes.objects.get(pk=kept.pk).steps != kept.steps
    assert shared(alice) == shared(bob) == ["b-walk", "b-hug"]


def test_a_couple_from_before_the_match_was_kept_gets_it_on_the_next_look(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug", "b-kiss"])
    all_yes(bob, ["b-hug"])
    SharedYes.objects.all().delete()
    assert shared(bob) == ["b-hug"]
    assert SharedYes.objects.count() == 1
    assert shared(alice) == ["b-hug"]


def test_bobs_export_holds_nothing_of_alices_answers_or_yes_list(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    alice_only = ["b-kiss", "b-bath", "b-walk"]
    answer(
        alice,
        {"b-hug": YES, "b-kiss": YES, "b-bath": LATER, "b-walk": NOT_YET},
        ("b-oral",),
    )
    all_yes(bob, ["b-hug"])
    assert shared(bob) == ["b-hug"]
    export = build_export(bob, ring(bob))
    text = json.dumps(export)
    for key in [*alice_only, "b-oral"]:
        assert key not in text, key
    for row in [*Answers.objects.filter(author=alice), *YesList.objects.filter(author=alice)]:
        assert str(row.pk) not in text
    assert "Closeness answers" not in export["shared_with_me"]
    assert "Closeness yes lists" not in export["shared_with_me"]
    # bob's own are in it: the export is his, complete.
    assert export["my_entries"]["Closeness answers"][0]["fields"]["answers"] == {"b-hug": YES}
    assert export["my_entries"]["Closeness yes lists"][0]["fields"]["steps"] == ["b-hug"]


# -- pause -------------------------------------------------------------------------------------


def test_pausing_is_one_tap_and_the_partner_sees_only_paused(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug"])
    all_yes(bob, ["b-hug"])
    assert services.path_state(alice) == services.path_state(bob) == services.OPEN
    services.pause(bob)
    assert services.path_state(bob) == services.PAUSED_BY_ME
    assert services.path_state(alice) == services.PAUSED
    assert shared(alice) is None
    assert shared(bob) is None
    # A double tap is harmless.
    services.pause(bob)
    assert Pause.objects.filter(ended_at__isnull=True).count() == 1
    # The other couple is untouched.
    assert services.path_state(cast.carol.user) == services.OPEN


def test_only_the_pauser_can_resume(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug"])
    all_yes(bob, ["b-hug"])
    services.pause(bob)
    before = snapshot()
    with pytest.raises(ClosenessProblem):
        services.resume(alice)
    assert snapshot() == before
    assert services.path_state(alice) == services.PAUSED
    services.resume(bob)
    assert services.path_state(alice) == services.path_state(bob) == services.OPEN
    assert shared(alice) == ["b-hug"]
    # Resuming when nothing is paused changes nothing.
    services.resume(bob)
    services.resume(alice)
    assert services.path_state(alice) == services.OPEN


def test_both_pausing_needs_both_to_resume(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    services.pause(alice)
    services.pause(bob)
    assert services.path_state(alice) == services.PAUSED_BY_ME
    assert services.path_state(bob) == services.PAUSED_BY_ME
    services.resume(alice)
    assert services.path_state(alice) == services.PAUSED  # bob's pause still holds
    assert services.path_state(bob) == services.PAUSED_BY_ME
    with pytest.raises(ClosenessProblem):
        services.resume(alice)
    services.resume(bob)
    assert services.path_state(alice) == services.path_state(bob) == services.OPEN


def test_pausing_calls_off_upcoming_moments(cast: Cast, clock: time_machine.Traveller) -> None:
    accepted = planned_and_accepted(cast)
    proposed = plan(cast.alice.user, ["b-hug"], at=NOW + timedelta(days=3))
    past = plan(cast.alice.user, ["b-hug"], at=NOW + timedelta(hours=1))
    services.answer_moment(cast.bob.user, past, yes=True)
    clock.move_to(NOW + timedelta(hours=2))  # `past` has happened now
    services.pause(bob_user := cast.bob.user)
    for moment, state in (
        (accepted, MomentState.OFF),
        (proposed, MomentState.OFF),
        (past, MomentState.ACCEPTED),
    ):
        moment.refresh_from_db()
        assert moment.state == state
    assert services.upcoming(bob_user) == []
    assert services.upcoming(cast.alice.user) == []
    # Resuming doesn't bring them back: a new moment is planned afresh.
    services.resume(bob_user)
    accepted.refresh_from_db()
    assert accepted.state == MomentState.OFF


def test_an_unpaired_person_cant_pause(cast: Cast) -> None:
    erin = cast.erin.user
    with pytest.raises(ClosenessProblem):
        services.pause(erin)
    with pytest.raises(ClosenessProblem):
        services.resume(erin)
    assert services.path_state(erin) == services.OPEN
    assert not Pause.objects.exists()


# -- slowing down ------------------------------------------------------------------------------


def both_yes_to_everything(cast: Cast) -> None:
    keys = [s.key for s in BUILT_IN]
    all_yes(cast.alice.user, keys)
    all_yes(cast.bob.user, keys)


def test_a_slow_down_needs_the_others_agreement(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    both_yes_to_everything(cast)
    proposal = services.propose_slow_down(alice, "affection", 4)
    assert proposal.state == SlowDownState.PROPOSED
    assert proposal.ends_on == TODAY + timedelta(weeks=4)
    # Proposed only: nothing is held back yet, for either.
    assert shared(alice) == shared(bob) == [s.key for s in BUILT_IN]
    assert services.slow_down(bob) == proposal
    # The proposer can't agree to their own.
    before = snapshot()
    with pytest.raises(ClosenessProblem):
        services.answer_slow_down(alice, proposal.pk, agree=True)
    assert snapshot() == before
    services.answer_slow_down(bob, proposal.pk, agree=True)
    proposal.refresh_from_db()
    assert proposal.state == SlowDownState.ACTIVE
    assert proposal.agreed_at == NOW
    assert shared(alice) == shared(bob) == [*PRESENCE, *AFFECTION]
    # A double submit of the agreement is harmless.
    services.answer_slow_down(bob, proposal.pk, agree=True)


def test_a_proposed_slow_down_can_be_declined_or_withdrawn(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    both_yes_to_everything(cast)
    declined = services.propose_slow_down(alice, "presence", 2)
    services.answer_slow_down(bob, declined.pk, agree=False)
    declined.refresh_from_db()
    assert declined.state == SlowDownState.SET_ASIDE
    assert services.slow_down(alice) is None
    assert shared(bob) == [s.key for s in BUILT_IN]
    # Agreeing after it was set aside does nothing.
    services.answer_slow_down(bob, declined.pk, agree=True)
    declined.refresh_from_db()
    assert declined.state == SlowDownState.SET_ASIDE

    withdrawn = services.propose_slow_down(alice, "sensual", 2)
    services.answer_slow_down(alice, withdrawn.pk, agree=False)
    withdrawn.refresh_from_db()
    assert withdrawn.state == SlowDownState.SET_ASIDE
    assert services.slow_down(bob) is None


def test_a_double_submitted_proposal_makes_one_and_a_second_one_is_refused(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    first = services.propose_slow_down(alice, "affection", 4)
    assert services.propose_slow_down(alice, "affection", 4) == first
    with pytest.raises(ClosenessProblem):
        services.propose_slow_down(bob, "presence", 4)
    services.answer_slow_down(bob, first.pk, agree=True)
    with pytest.raises(ClosenessProblem):
        services.propose_slow_down(alice, "presence", 4)
    assert SlowDown.objects.count() == 1


@pytest.mark.parametrize(
    ("tier", "weeks"), [("sexual", 4), ("tea", 4), ("presence", 0), ("presence", 13)]
)
def test_a_bad_slow_down_is_refused(cast: Cast, tier: str, weeks: int) -> None:
    with pytest.raises(ClosenessProblem):
        services.propose_slow_down(cast.alice.user, tier, weeks)
    assert not SlowDown.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_either_extends_a_slow_down_alone(cast: Cast, who: str) -> None:
    proposal = services.propose_slow_down(cast.alice.user, "affection", 4)
    with pytest.raises(ClosenessProblem):  # only an agreed one can be extended
        services.extend_slow_down(cast.bob.user, proposal.pk, 2)
    services.answer_slow_down(cast.bob.user, proposal.pk, agree=True)
    services.extend_slow_down(getattr(cast, who).user, proposal.pk, 2)
    proposal.refresh_from_db()
    assert proposal.ends_on == TODAY + timedelta(weeks=6)
    assert proposal.state == SlowDownState.ACTIVE
    for weeks in (0, 13):
        with pytest.raises(ClosenessProblem):
            services.extend_slow_down(cast.alice.user, proposal.pk, weeks)
    proposal.refresh_from_db()
    assert proposal.ends_on == TODAY + timedelta(weeks=6)


def test_another_couple_cant_touch_a_slow_down(cast: Cast) -> None:
    proposal = services.propose_slow_down(cast.alice.user, "affection", 4)
    before = snapshot()
    with pytest.raises(ClosenessProblem):
        services.answer_slow_down(cast.carol.user, proposal.pk, agree=True)
    with pytest.raises(ClosenessProblem):
        services.answer_slow_down(cast.erin.user, proposal.pk, agree=True)
    with pytest.raises(ClosenessProblem):
        services.extend_slow_down(cast.dan.user, proposal.pk, 2)
    assert snapshot() == before


def test_a_slow_down_ends_by_its_date(cast: Cast, clock: time_machine.Traveller) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    both_yes_to_everything(cast)
    proposal = services.propose_slow_down(alice, "presence", 1)
    services.answer_slow_down(bob, proposal.pk, agree=True)
    assert shared(bob) == PRESENCE
    # Still on, all of its last day (in Amsterdam).
    clock.move_to(datetime(2026, 3, 18, 22, 30, tzinfo=UTC))  # 23:30 on the 18th locally
    assert services.slow_down(bob) == proposal
    assert shared(bob) == PRESENCE
    clock.move_to(datetime(2026, 3, 18, 23, 30, tzinfo=UTC))  # 00:30 on the 19th locally
    assert services.slow_down(bob) is None
    assert shared(alice) == shared(bob) == [s.key for s in BUILT_IN]
    with pytest.raises(ClosenessProblem):
        services.extend_slow_down(alice, proposal.pk, 1)
    # A new one can be proposed now.
    services.propose_slow_down(bob, "affection", 2)


# -- planning a moment -------------------------------------------------------------------------


def test_a_moment_is_planned_from_the_shared_yes(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    all_yes(alice, ["b-hug", "b-walk"])
    all_yes(bob, ["b-hug", "b-walk"])
    moment = plan(alice, ["b-hug", "b-walk", "b-hug"])
    assert moment.state == MomentState.PROPOSED
    assert moment.is_shared
    assert moment.at == SOON
    assert [s.key for s in services.visible_steps(ring(bob), moment)] == ["b-hug", "b-walk"]
    assert services.moments(bob).get() == moment
    assert services.upcoming(alice) == [moment]
    assert not services.moments(cast.carol.user).exists()
    stored = raw_column("closeness_moment", "steps", moment.pk)
    assert b"b-hug" not in stored


@pytest.mark.parametrize(
    "keys",
    [
        ["b-kiss"],  # only alice said yes
        ["b-walk"],  # bob said "maybe later"
        ["b-eyes"],  # nobody answered
        ["b-hug", "b-kiss"],  # one fine, one not
        [],  # nothing chosen
        ["b-nonsense"],
    ],
)
def test_planning_only_from_the_shared_yes(cast: Cast, keys: list[str]) -> None:
    all_yes(cast.alice.user, ["b-hug", "b-kiss", "b-walk"])
    answer(cast.bob.user, {"b-hug": YES, "b-walk": LATER})
    for planner in (cast.alice.user, cast.bob.user):
        with pytest.raises(ClosenessProblem):
            plan(planner, keys)
    assert not Moment.objects.exists()


def test_planning_is_from_the_shared_yes_as_it_is_now(cast: Cast) -> None:
    all_yes(cast.alice.user, ["b-hug"])
    all_yes(cast.bob.user, ["b-hug"])
    answer(cast.bob.user, {"b-hug": NOT_YET})
    with pytest.raises(ClosenessProblem):
        plan(cast.alice.user, ["b-hug"])
    assert not Moment.objects.exists()


def test_a_planned_step_leaves_the_moment_when_it_leaves_the_list(cast: Cast) -> None:
    all_yes(cast.alice.user, ["b-hug", "b-walk"])
    all_yes(cast.bob.user, ["b-hug", "b-walk"])
    moment = plan(cast.alice.user, ["b-hug", "b-walk"])
    answer(cast.bob.user, {"b-walk": YES, "b-hug": LATER})
    for person in (cast.alice.user, cast.bob.user):
        assert [s.key for s in services.visible_steps(ring(person), moment)] == ["b-walk"]


@pytest.mark.parametrize("pauser", ["alice", "bob"])
def test_no_planning_while_paused(cast: Cast, pauser: str) -> None:
    all_yes(cast.alice.user, ["b-hug"])
    all_yes(cast.bob.user, ["b-hug"])
    services.pause(getattr(cast, pauser).user)
    for planner in (cast.alice.user, cast.bob.user):
        with pytest.raises(ClosenessProblem):
            plan(planner, ["b-hug"])
    assert not Moment.objects.exists()


def test_no_planning_from_a_tier_a_slow_down_holds_back(cast: Cast) -> None:
    both_yes_to_everything(cast)
    proposal = services.propose_slow_down(cast.alice.user, "affection", 2)
    # Proposed only: still possible.
    plan(cast.bob.user, ["b-kiss"])
    services.answer_slow_down(cast.bob.user, proposal.pk, agree=True)
    with pytest.raises(ClosenessProblem):
        plan(cast.bob.user, ["b-kiss"])
    with pytest.raises(ClosenessProblem):
        plan(cast.alice.user, ["b-hug", "b-sex"])
    assert Moment.objects.count() == 1
    plan(cast.alice.user, ["b-hug", "b-walk"])
    assert Moment.objects.count() == 2


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        (NOW - timedelta(days=1), False),
        (NOW - timedelta(minutes=2), False),
        (NOW - timedelta(seconds=30), True),  # a clock a few seconds behind is forgiven
        (NOW + timedelta(minutes=5), True),
        (NOW + timedelta(days=90), True),
        (NOW + timedelta(days=90, minutes=1), False),
        (NOW + timedelta(days=400), False),
    ],
)
def test_planning_times(cast: Cast, at: datetime, ok: bool) -> None:
    all_yes(cast.alice.user, ["b-hug"])
    all_yes(cast.bob.user, ["b-hug"])
    if ok:
        plan(cast.alice.user, ["b-hug"], at=at)
        assert Moment.objects.count() == 1
    else:
        with pytest.raises(ClosenessProblem):
            plan(cast.alice.user, ["b-hug"], at=at)
        assert not Moment.objects.exists()


def test_a_double_submitted_plan_makes_one_moment(cast: Cast) -> None:
    all_yes(cast.alice.user, ["b-hug"])
    all_yes(cast.bob.user, ["b-hug"])
    token = uuid.uuid4()
    first = plan(cast.alice.user, ["b-hug"], token=token)
    again = plan(cast.alice.user, ["b-hug"], token=token)
    assert first.pk == again.pk
    assert Moment.objects.count() == 1
    plan(cast.alice.user, ["b-hug"], token=uuid.uuid4())
    assert Moment.objects.count() == 2


def test_an_unpaired_person_cant_plan(cast: Cast) -> None:
    all_yes(cast.erin.user, ["b-hug"])
    assert shared(cast.erin.user) is None
    with pytest.raises(ClosenessProblem):
        plan(cast.erin.user, ["b-hug"])
    with pytest.raises(ClosenessProblem):
        services.propose_slow_down(cast.erin.user, "presence", 2)
    assert not Moment.objects.exists()
    assert not SlowDown.objects.exists()


# -- answering a moment ------------------------------------------------------------------------


def proposed_hug(cast: Cast, at: datetime = SOON) -> Moment:
    all_yes(cast.alice.user, ["b-hug"])
    all_yes(cast.bob.user, ["b-hug"])
    return plan(cast.alice.user, ["b-hug"], at=at)


def test_one_cant_answer_ones_own_moment(cast: Cast) -> None:
    moment = proposed_hug(cast)
    before = snapshot()
    for yes in (True, False):
        with pytest.raises(ClosenessProblem):
            services.answer_moment(cast.alice.user, moment, yes=yes)
    assert snapshot() == before


@pytest.mark.parametrize(("yes", "state"), [(True, "accepted"), (False, "not_this_time")])
def test_the_partner_answers_yes_or_not_this_time(cast: Cast, yes: bool, state: str) -> None:
    moment = proposed_hug(cast)
    services.answer_moment(cast.bob.user, moment, yes=yes)
    moment.refresh_from_db()
    assert moment.state == state
    assert moment.answered_at == NOW
    # A double submit is harmless.
    services.answer_moment(cast.bob.user, moment, yes=yes)
    moment.refresh_from_db()
    assert moment.state == state
    # The other answer, afterwards, is refused.
    with pytest.raises(ClosenessProblem):
        services.answer_moment(cast.bob.user, moment, yes=not yes)
    moment.refresh_from_db()
    assert moment.state == state


def test_a_moment_whose_time_has_passed_cant_be_answered(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    moment = proposed_hug(cast, at=NOW + timedelta(hours=1))
    clock.move_to(NOW + timedelta(hours=1))
    before = snapshot()
    with pytest.raises(ClosenessProblem):
        services.answer_moment(cast.bob.user, moment, yes=True)
    assert snapshot() == before


def test_a_moment_cant_be_answered_while_paused(cast: Cast) -> None:
    moment = proposed_hug(cast)
    services.pause(cast.alice.user)
    with pytest.raises(ClosenessProblem):
        services.answer_moment(cast.bob.user, moment, yes=True)
    moment.refresh_from_db()
    assert moment.state == MomentState.OFF


def test_an_unpaired_person_cant_answer_a_moment(cast: Cast) -> None:
    moment = proposed_hug(cast)
    with pytest.raises(ClosenessProblem):
        services.answer_moment(cast.erin.user, moment, yes=True)
    moment.refresh_from_db()
    assert moment.state == MomentState.PROPOSED


# -- calling off -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob"])
@pytest.mark.parametrize("accepted", [False, True])
def test_either_calls_a_moment_off(cast: Cast, who: str, accepted: bool) -> None:
    moment = planned_and_accepted(cast) if accepted else proposed_hug(cast)
    services.call_off(getattr(cast, who).user, moment)
    moment.refresh_from_db()
    assert moment.state == MomentState.OFF
    # Twice is harmless, and it stays off.
    services.call_off(cast.alice.user, moment)
    moment.refresh_from_db()
    assert moment.state == MomentState.OFF
    with pytest.raises(ClosenessProblem):
        services.answer_moment(cast.bob.user, moment, yes=True)
    assert services.consent_due(cast.bob.user) == []


def test_not_this_time_stays_not_this_time_when_called_off(cast: Cast) -> None:
    moment = proposed_hug(cast)
    services.answer_moment(cast.bob.user, moment, yes=False)
    services.call_off(cast.alice.user, moment)
    moment.refresh_from_db()
    assert moment.state == MomentState.NOT_THIS_TIME


def test_a_moment_that_has_happened_cant_be_called_off(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    moment = planned_and_accepted(cast, at=NOW + timedelta(hours=1))
    clock.move_to(NOW + timedelta(hours=3))
    assert services.aftercare_due(cast.alice.user) == [moment]
    with pytest.raises(ClosenessProblem):
        services.call_off(cast.bob.user, moment)
    moment.refresh_from_db()
    assert moment.state == MomentState.ACCEPTED
    assert services.aftercare_due(cast.alice.user) == [moment]


# -- the consent check-in ----------------------------------------------------------------------


def test_consent_check_in_is_due_for_both_in_the_two_hours_before(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    moment = planned_and_accepted(cast, at=NOW + timedelta(hours=5))
    assert services.consent_due(alice) == services.consent_due(bob) == []
    clock.move_to(NOW + timedelta(hours=2, minutes=59))
    assert services.consent_due(alice) == []
    with pytest.raises(ClosenessProblem):
        services.still_good(ring(alice), moment)
    clock.move_to(NOW + timedelta(hours=3))  # exactly two hours before
    assert services.consent_due(alice) == services.consent_due(bob) == [moment]
    clock.move_to(NOW + timedelta(hours=4, minutes=59))
    assert services.consent_due(alice) == services.consent_due(bob) == [moment]
    clock.move_to(NOW + timedelta(hours=5))
    assert services.consent_due(alice) == services.consent_due(bob) == []
    with pytest.raises(ClosenessProblem):
        services.still_good(ring(alice), moment)
    assert not ConsentCheck.objects.exists()
    assert services.consent_due(cast.carol.user) == []


def test_still_good_hides_the_check_in_only_for_the_one_who_said_it(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    moment = planned_and_accepted(cast, at=NOW + timedelta(hours=1))
    services.still_good(ring(bob), moment)
    services.still_good(ring(bob), moment)  # a double submit
    assert services.consent_due(bob) == []
    assert services.consent_due(alice) == [moment]
    check = ConsentCheck.objects.get()
    assert check.author == bob
    assert not check.is_shared
    assert not ConsentCheck.objects.visible_to(alice).exists()
    moment.refresh_from_db()
    assert moment.state == MomentState.ACCEPTED


def test_no_consent_check_in_for_a_proposed_or_off_moment(cast: Cast) -> None:
    moment = proposed_hug(cast, at=NOW + timedelta(hours=1))
    assert services.consent_due(cast.alice.user) == []
    with pytest.raises(ClosenessProblem):
        services.still_good(ring(cast.alice.user), moment)
    services.answer_moment(cast.bob.user, moment, yes=True)
    assert services.consent_due(cast.alice.user) == [moment]
    services.call_off(cast.alice.user, moment)
    moment.refresh_from_db()
    assert services.consent_due(cast.alice.user) == services.consent_due(cast.bob.user) == []
    with pytest.raises(ClosenessProblem):
        services.still_good(ring(cast.bob.user), moment)


# -- afterwards --------------------------------------------------------------------------------


def test_aftercare_only_after_the_time_and_private(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    moment = planned_and_accepted(cast, at=NOW + timedelta(hours=1))
    assert services.aftercare_due(alice) == []
    with pytest.raises(ClosenessProblem):
        services.note_aftercare(ring(alice), moment, "good")
    assert not Aftercare.objects.exists()

    clock.move_to(NOW + timedelta(hours=1))
    assert services.aftercare_due(alice) == services.aftercare_due(bob) == [moment]
    note = services.note_aftercare(ring(alice), moment, "mixed", "  a lot at once  ")
    assert not note.is_shared
    assert services.aftercare_due(alice) == []
    assert services.aftercare_due(bob) == [moment]
    assert not Aftercare.objects.visible_to(bob).exists()
    assert list(Aftercare.objects.visible_to(alice)) == [note]
    mine = services.my_aftercare(ring(alice), moment)
    assert mine is not None
    assert mine.plain == {"feeling": "mixed", "note": "a lot at once"}
    assert services.my_aftercare(ring(bob), moment) is None
    for column in ("feeling", "note"):
        stored = raw_column("closeness_aftercare", column, note.pk)
        assert b"mixed" not in stored
        assert b"a lot" not in stored
    # Changing it keeps one note.
    services.note_aftercare(ring(alice), moment, "slow_down")
    assert Aftercare.objects.count() == 1
    again = services.my_aftercare(ring(alice), moment)
    assert again is not None
    assert again.plain == {"feeling": "slow_down", "note": None}
    # bob's export carries nothing of it.
    text = json.dumps(build_export(bob, ring(bob)))
    assert "slow_down" not in text
    assert "a lot at once" not in text
    # A week later it's no longer offered.
    clock.move_to(NOW + timedelta(days=7, hours=1))
    assert services.aftercare_due(bob) == []


@pytest.mark.parametrize(
    ("feeling", "note"),
    [("great", ""), ("", ""), ("GOOD", ""), ("good", "x" * 1001)],
)
def test_aftercare_feeling_and_note_are_checked(
    cast: Cast, clock: time_machine.Traveller, feeling: str, note: str
) -> None:
    moment = planned_and_accepted(cast, at=NOW + timedelta(hours=1))
    clock.move_to(NOW + timedelta(hours=2))
    with pytest.raises(ClosenessProblem):
        services.note_aftercare(ring(cast.alice.user), moment, feeling, note)
    assert not Aftercare.objects.exists()


@pytest.mark.parametrize("state", ["proposed", "not_this_time", "off"])
def test_no_aftercare_for_a_moment_that_wasnt_planned(
    cast: Cast, clock: time_machine.Traveller, state: str
) -> None:
    moment = proposed_hug(cast, at=NOW + timedelta(hours=1))
    if state == "not_this_time":
        services.answer_moment(cast.bob.user, moment, yes=False)
    if state == "off":
        services.call_off(cast.bob.user, moment)
    moment.refresh_from_db()
    clock.move_to(NOW + timedelta(hours=2))
    assert services.aftercare_due(cast.alice.user) == []
    with pytest.raises(ClosenessProblem):
        services.note_aftercare(ring(cast.alice.user), moment, "good")


# -- email setting -----------------------------------------------------------------------------


def test_email_for_the_check_in_is_off_unless_chosen(cast: Cast) -> None:
    assert services.setting_for(cast.alice.user).email_checkins is False
    services.save_setting(cast.alice.user, email_checkins=True)
    assert services.setting_for(cast.alice.user).email_checkins is True
    assert services.setting_for(cast.bob.user).email_checkins is False
    services.save_setting(cast.alice.user, email_checkins=False)
    assert services.setting_for(cast.alice.user).email_checkins is False


# -- wording -----------------------------------------------------------------------------------


def test_every_built_in_step_has_a_tier_and_a_stable_key() -> None:
    assert len(BUILT_IN_BY_KEY) == len(BUILT_IN)
    assert [s.key for s in BUILT_IN] == [*PRESENCE, *AFFECTION, *SENSUAL, *SEXUAL]


def test_todays_cards_are_the_two_lists_from_one_read(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    """Today's cards give what `consent_due` and `aftercare_due` give, at every point of a
    moment's day, for both partners, paused or not; from one read of the moments (then the
    pair and the pause, only when a check-in could be due): three queries at most, not six."""
    from django.test.utils import CaptureQueriesContext

    alice, bob = cast.alice.user, cast.bob.user
    moment = planned_and_accepted(cast, at=NOW + timedelta(hours=4))
    for hours in (0, 2, 2.5, 3.5, 4, 5, 24 * 6, 24 * 8):
        clock.move_to(NOW + timedelta(hours=hours))
        if hours == 3.5:
            services.still_good(ring(bob), moment)
        if hours == 5:
            services.note_aftercare(ring(alice), moment, "good")
        for person in (alice, bob):
            with CaptureQueriesContext(connection) as seen:
                cards = services.today_cards(person)
            assert cards == (services.consent_due(person), services.aftercare_due(person))
            assert len(seen) <= 3, [q["sql"][:60] for q in seen]
    clock.move_to(NOW + timedelta(hours=3))
    services.pause(alice)
    assert (
        services.today_cards(alice)
        == ([], [])
        == (
            services.consent_due(alice),
            services.aftercare_due(alice),
        )
    )
