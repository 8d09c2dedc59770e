"""Both partners acting at once on the same conversation.

Every step names the revision its screen showed; of two steps made on the same revision,
exactly one lands and the other is told the conversation moved on, with nothing of it
kept. A pause needs no revision and always lands.

Each race runs two ways:
- "in turn": both screens are drawn first (the same revision, the same stage), then the
  two steps arrive one after the other: the deterministic interleaving, on any database;
- "threads": both steps at once, from two threads with their own database connections,
  released together by a barrier. PostgreSQL only (SQLite serialises writers, and the
  test database there is not shared between connections).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from commitments import services as commitments
from commitments.models import Cadence, Outcome, Result
from commitments.models import Kind as RhythmKind
from commitments.occurrences import Rule
from commitments.tests.helpers import how_it_went
from conftest import Cast, ring
from conversations import services
from conversations.models import Conversation, Exchange, Kind, Mode, Said, Stage
from conversations.services import ConversationProblem, MovedOn, turns

ON_POSTGRES = connection.vendor == "postgresql"

# A step as a screen makes it: `prepare` draws the screen (loads the conversation, opens
# the keys) and returns the tap, which is made later.
Tap = Callable[[], object]
Prepare = Callable[[], Tap]
Runner = Callable[..., list[str]]


def fresh(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def outcome_of(tap: Tap) -> str:
    try:
        tap()
    except MovedOn:
        return "moved on"
    except ConversationProblem as problem:
        return f"refused: {problem}"
    return "done"


def in_turn(*prepares: Prepare) -> list[str]:
    """Both screens drawn on the same state; the taps arrive in the order given."""
    taps = [prepare() for prepare in prepares]
    return [outcome_of(tap) for tap in taps]


def in_threads(*prepares: Prepare) -> list[str]:
    """Each screen in its own thread and connection; the taps released at once."""
    start = threading.Barrier(len(prepares))
    outcomes: list[str] = ["not run"] * len(prepares)
    errors: list[BaseException] = []

    def worker(n: int, prepare: Prepare) -> None:
        try:
            tap = prepare()
            start.wait(timeout=30)
            outcomes[n] = outcome_of(tap)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n, p)) for n, p in enumerate(prepares)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return outcomes


@pytest.fixture(
    params=[
        pytest.param("in turn", id="in-turn"),
        pytest.param(
            "threads",
            id="threads",
            marks=[
                pytest.mark.skipif(
                    not ON_POSTGRES, reason="real concurrency needs separate connections"
                ),
                pytest.mark.django_db(transaction=True),
            ],
        ),
    ]
)
def run(request: pytest.FixtureRequest) -> Runner:
    return in_turn if request.param == "in turn" else in_threads


# -- screens ---------------------------------------------------------------------------------


def screen(conversation: Conversation, act: Callable[[Conversation, int], object]) -> Prepare:
    """A screen showing the conversation as it is when drawn; the tap names its revision."""

    def prepare() -> Tap:
        shown = fresh(conversation)
        revision = shown.revision
        return lambda: act(shown, revision)

    return prepare


def begin(user: User, conversation: Conversation, first: User) -> Prepare:
    return screen(conversation, lambda c, r: services.begin(user, c, r, first))


def said_it(user: User, conversation: Conversation, words: str = "") -> Prepare:
    def prepare() -> Tap:
        keys = ring(user)
        return screen(conversation, lambda c, r: services.said_it(keys, c, r, words))()

    return prepare


def reflect(user: User, conversation: Conversation, words: str = "") -> Prepare:
    def prepare() -> Tap:
        keys = ring(user)
        return screen(conversation, lambda c, r: services.reflect(keys, c, r, words))()

    return prepare


def check(user: User, conversation: Conversation, *, heard: bool, missed: str = "") -> Prepare:
    def prepare() -> Tap:
        keys = ring(user)
        return screen(
            conversation,
            lambda c, r: services.check(keys, c, r, heard=heard, missed=missed),
        )()

    return prepare


def done(user: User, conversation: Conversation) -> Prepare:
    """`user` says their "what I will do" list is done."""

    def prepare() -> Tap:
        keys = ring(user)
        return screen(conversation, lambda c, r: services.done_writing(keys, c, user))()

    return prepare


def finish(conversation: Conversation, first: User, second: User) -> None:
    """Both say their lists are done, one after the other: that finishes it."""
    step(done(first, conversation))
    step(done(second, conversation))


def another_round(user: User, conversation: Conversation) -> Prepare:
    return screen(conversation, lambda c, r: services.another_round(user, c, r))


def pause(user: User, conversation: Conversation) -> Prepare:
    return screen(conversation, lambda c, r: services.pause(user, c))


def write_items(user: User, conversation: Conversation, texts: list[str]) -> Prepare:
    def prepare() -> Tap:
        keys = ring(user)
        return screen(conversation, lambda c, r: services.write_items(keys, c, user, texts))()

    return prepare


def step(prepare: Prepare) -> None:
    """One step on its own (setting the scene)."""
    assert outcome_of(prepare()) == "done"


def said(conversation: Conversation) -> list[str]:
    return list(
        Exchange.objects.filter(conversation=conversation)
        .order_by("created_at")
        .values_list("said", flat=True)
    )


def state(conversation: Conversation) -> dict[str, Any]:
    c = fresh(conversation)
    return {
        "stage": c.stage,
        "speaker": c.speaker_id,
        "round": c.round,
        "second_half": c.second_half,
        "attempt": c.attempt,
        "paused_by": c.paused_by_id,
        "revision": c.revision,
    }


def one_won(outcomes: list[str]) -> int:
    """Exactly one tap landed and the other moved on; which one landed."""
    assert sorted(outcomes) == ["done", "moved on"], outcomes
    return outcomes.index("done")


def checking(cast: Cast, mode: str) -> Conversation:
    """Alice speaking first, bob has said it back: her answer is due."""
    alice, bob = cast.alice.user, cast.bob.user
    conversation = services.start(ring(alice), kind=Kind.WEEKLY, mode=mode)
    step(begin(alice, conversation, alice))
    step(said_it(alice, conversation, "The week felt long"))
    step(reflect(bob, conversation, "You felt the week was long"))
    return conversation


def closing(cast: Cast) -> Conversation:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = checking(cast, Mode.APART)
    step(check(alice, conversation, heard=True))
    step(said_it(bob, conversation, "I missed our walks"))
    step(reflect(alice, conversation, "You missed walking together"))
    step(check(bob, conversation, heard=True))
    assert fresh(conversation).stage == Stage.CLOSING
    return conversation


# -- both acting on the same revision --------------------------------------------------------


def test_both_begin_at_once_with_different_first_speakers(cast: Cast, run: Runner) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = services.start(ring(alice), kind=Kind.WEEKLY, mode=Mode.APART)
    outcomes = run(begin(alice, conversation, alice), begin(bob, conversation, bob))
    winner = (alice, bob)[one_won(outcomes)]
    c = fresh(conversation)
    assert (c.stage, c.speaker_id, c.first_speaker_id) == (Stage.SPEAKING, winner.pk, winner.pk)
    assert c.revision == 2


@pytest.mark.parametrize("answers", [(True, True), (False, False), (True, False)])
def test_both_answer_at_once_on_one_phone(
    cast: Cast, run: Runner, answers: tuple[bool, bool]
) -> None:
    """Side by side, both tap an answer at the same moment (two sessions, one screen)."""
    alice, bob = cast.alice.user, cast.bob.user
    conversation = checking(cast, Mode.TOGETHER)
    for _ in range(3):  # a few times over, so the threads meet in more than one order
        before = state(conversation)
        steps_before = said(conversation)
        first, second = answers
        outcomes = run(
            check(alice, conversation, heard=first, missed="Long, and lonely"),
            check(bob, conversation, heard=second, missed="Long, and lonely"),
        )
        heard = answers[one_won(outcomes)]
        now = state(conversation)
        assert now["revision"] == before["revision"] + 1
        added = said(conversation)[len(steps_before) :]
        if heard:
            assert added == [Said.HEARD]
            assert (now["stage"], now["speaker"], now["second_half"], now["attempt"]) == (
                Stage.SPEAKING,
                bob.pk,
                True,
                1,
            )
            return
        assert added == [Said.MISSED]
        assert (now["stage"], now["speaker"], now["attempt"]) == (
            Stage.REFLECTING,
            alice.pk,
            before["attempt"] + 1,
        )
        step(reflect(bob, conversation, "You felt the week was long and lonely"))


def test_the_speakers_two_tabs_answer_at_once(cast: Cast, run: Runner) -> None:
    alice = cast.alice.user
    conversation = checking(cast, Mode.APART)
    outcomes = run(
        check(alice, conversation, heard=True),
        check(alice, conversation, heard=False, missed="Lonely too"),
    )
    won = one_won(outcomes)
    assert said(conversation)[-1] == (Said.HEARD, Said.MISSED)[won]
    assert len(said(conversation)) == 3
    assert fresh(conversation).revision == 5


def test_both_say_it_back_at_once_on_one_phone(cast: Cast, run: Runner) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = services.start(ring(alice), kind=Kind.WEEKLY, mode=Mode.TOGETHER)
    step(begin(alice, conversation, alice))
    step(said_it(alice, conversation, "The week felt long"))
    outcomes = run(
        reflect(alice, conversation, "From alice's session"),
        reflect(bob, conversation, "From bob's session"),
    )
    won = one_won(outcomes)
    (reflection,) = services.exchanges(ring(alice), fresh(conversation))[1:]
    assert reflection.plain["words"] == ("From alice's session", "From bob's session")[won]
    assert reflection.by_id == bob.pk  # on one phone, bob was saying it back either way
    assert state(conversation)["stage"] == Stage.CHECKING


def test_both_say_they_are_done_at_once(cast: Cast, run: Runner) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    today = services.local_today(alice)
    rhythm = commitments.create_commitment(
        ring(alice),
        title="Weekly conversation",
        rule=Rule(Cadence.WEEKLY, weekdays=tuple(range(7))),
        starts_on=today - timedelta(days=14),
        kind=RhythmKind.CONVERSATION,
        joint=True,
    )
    conversation = closing(cast)
    step(write_items(alice, conversation, ["Walk on Sunday"]))
    assert run(done(alice, conversation), done(bob, conversation)) == ["done", "done"]
    c = fresh(conversation)
    assert c.stage == Stage.DONE and c.finished_at is not None
    note = services.reveal(ring(bob), c).plain["summary"]
    assert note["will_do"] == {str(alice.pk): ["Walk on Sunday"]}
    (kept,) = Outcome.objects.filter(commitment=rhythm)
    assert (kept.on_date, how_it_went(kept)) == (today, Result.KEPT)


def test_both_ask_for_another_round_at_once(cast: Cast, run: Runner) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = closing(cast)
    revision = fresh(conversation).revision
    one_won(run(another_round(alice, conversation), another_round(bob, conversation)))
    now = state(conversation)
    assert (now["stage"], now["round"], now["speaker"], now["revision"]) == (
        Stage.SPEAKING,
        2,
        alice.pk,
        revision + 1,
    )


def test_both_write_what_they_will_do_at_once(cast: Cast, run: Runner) -> None:
    """Each writes their own on two devices: both lists are kept, whatever the order."""
    alice, bob = cast.alice.user, cast.bob.user
    conversation = closing(cast)
    revision = fresh(conversation).revision
    outcomes = run(
        write_items(alice, conversation, ["Call at lunch"]),
        write_items(bob, conversation, ["Cook on Friday", "Walk on Sunday"]),
    )
    assert outcomes == ["done", "done"]
    texts = sorted(i.plain["text"] for i in services.items(ring(alice), fresh(conversation)))
    assert texts == ["Call at lunch", "Cook on Friday", "Walk on Sunday"]
    # Drafts keep the screens as they are: nobody's typing is interrupted.
    assert fresh(conversation).revision == revision


# -- a pause racing a step -------------------------------------------------------------------

# The step raced, how far into the conversation it comes, and who pauses (the other one).
RACES: dict[str, tuple[Callable[[User, User, Conversation], Prepare], int, str]] = {
    "begin": (lambda a, b, c: begin(b, c, b), 0, "alice"),
    "said it": (lambda a, b, c: said_it(a, c, "x"), 1, "bob"),
    "reflect": (lambda a, b, c: reflect(b, c, "x"), 2, "alice"),
    "check": (lambda a, b, c: check(a, c, heard=True), 3, "bob"),
    "not quite": (lambda a, b, c: check(a, c, heard=False, missed="x"), 3, "bob"),
    "another round": (lambda a, b, c: another_round(b, c), 7, "alice"),
}


def to_scene(cast: Cast, steps: int) -> Conversation:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = services.start(ring(alice), kind=Kind.WEEKLY, mode=Mode.APART)
    scene = [
        begin(alice, conversation, alice),
        said_it(alice, conversation, "The week felt long"),
        reflect(bob, conversation, "You felt the week was long"),
        check(alice, conversation, heard=True),
        said_it(bob, conversation, "I missed our walks"),
        reflect(alice, conversation, "You missed walking together"),
        check(bob, conversation, heard=True),
    ]
    for prepare in scene[:steps]:
        step(prepare)
    return conversation


@pytest.mark.parametrize("pause_first", [True, False], ids=["pause-first", "step-first"])
@pytest.mark.parametrize("action", list(RACES))
def test_a_pause_always_lands_whatever_it_races(
    cast: Cast, run: Runner, action: str, pause_first: bool
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    make_step, steps, pauser_name = RACES[action]
    conversation = to_scene(cast, steps)
    before = state(conversation)
    steps_before = said(conversation)
    the_step = make_step(alice, bob, conversation)
    pauser = getattr(cast, pauser_name).user
    racers = [pause(pauser, conversation), the_step]
    outcomes = run(*(racers if pause_first else racers[::-1]))
    if not pause_first:
        outcomes = outcomes[::-1]
    paused, stepped = outcomes
    assert paused == "done"
    now = state(conversation)
    if stepped == "done" and now["stage"] == Stage.DONE:
        # Finishing landed first: a finished conversation has nothing left to pause.
        assert now["paused_by"] is None
        return
    assert now["paused_by"] == pauser.pk
    if stepped == "done":  # the step landed first; the pause landed on top of it
        assert now["revision"] == before["revision"] + 2
        assert now["stage"] != before["stage"] or now["attempt"] != before["attempt"]
    else:  # the pause landed first; the step changed nothing
        assert stepped == "moved on"
        assert now == before | {"paused_by": pauser.pk, "revision": before["revision"] + 1}
        assert said(conversation) == steps_before
    if run is in_turn:
        assert stepped == ("moved on" if pause_first else "done")


def test_both_pause_at_once(cast: Cast, run: Runner) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = to_scene(cast, 2)
    revision = fresh(conversation).revision
    assert run(pause(alice, conversation), pause(bob, conversation)) == ["done", "done"]
    c = fresh(conversation)
    assert c.paused_by_id in (alice.pk, bob.pk)
    assert c.revision == revision + 1
    if run is in_turn:
        assert c.paused_by_id == alice.pk  # the first pauser is kept


# -- known races (services.py is owned elsewhere; each xfail is a report) --------------------


def both_look_before_either_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each `start` just after it looked for a conversation going, until the other
    has looked too (a lock that keeps the second out breaks the wait, and it goes on)."""
    both_looked = threading.Barrier(2)
    real = services.open_conversation

    def look_then_wait(user: User) -> Conversation | None:
        found = real(user)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait(timeout=3)
        return found

    monkeypatch.setattr(turns, "open_conversation", look_then_wait)  # where `start` looks


def test_one_saying_done_never_ends_the_others_turn(cast: Cast) -> None:
    """Issue 13, bug 1: bob's list was saved, alice's typed item was lost when he finished."""
    alice, bob = cast.alice.user, cast.bob.user
    conversation = closing(cast)
    step(write_items(bob, conversation, ["Cook on Friday"]))
    late = write_items(alice, conversation, ["Call at lunch"])()  # alice's screen, drawn
    step(done(bob, conversation))
    assert fresh(conversation).finished_at is None
    assert outcome_of(late) == "done"
    step(done(alice, conversation))
    note = services.reveal(ring(bob), fresh(conversation)).plain["summary"]
    assert note["will_do"] == {str(bob.pk): ["Cook on Friday"], str(alice.pk): ["Call at lunch"]}


def test_a_pause_as_one_says_done_lands_and_nothing_is_lost(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = closing(cast)
    late = done(bob, conversation)()
    step(pause(alice, conversation))
    assert outcome_of(late).startswith("refused: The conversation is paused")
    c = fresh(conversation)
    assert c.paused_by_id == alice.pk and c.done_writing == []
    services.resume(alice, c)
    step(done(bob, conversation))
    step(pause(alice, conversation))
    c = fresh(conversation)
    assert c.paused_by_id == alice.pk and c.done_writing == [str(bob.pk)]


def test_a_pause_tapped_as_the_other_finishes_leaves_it_finished(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    conversation = closing(cast)
    late = pause(bob, conversation)()
    finish(conversation, alice, bob)
    outcome_of(late)
    c = fresh(conversation)
    assert c.stage == Stage.DONE
    assert c.paused_by_id is None


@pytest.mark.skipif(not ON_POSTGRES, reason="real concurrency needs separate connections")
@pytest.mark.django_db(transaction=True)
def test_both_start_at_once_and_one_conversation_goes_on(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_look_before_either_writes(monkeypatch)
    alice, bob = cast.alice.user, cast.bob.user
    outcomes = in_threads(
        lambda: lambda: services.start(ring(alice), kind=Kind.WEEKLY, mode=Mode.APART),
        lambda: lambda: services.start(ring(bob), kind=Kind.WEEKLY, mode=Mode.APART),
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["done", "refused"]
    assert Conversation.objects.filter(finished_at__isnull=True, resting=False).count() == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="real concurrency needs separate connections")
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_of_start_at_once_gives_one_conversation(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_look_before_either_writes(monkeypatch)
    alice = cast.alice.user
    token = uuid.uuid4()
    made: list[Any] = []

    def submit() -> Tap:
        keys = ring(alice)
        return lambda: made.append(
            services.start(keys, kind=Kind.WEEKLY, mode=Mode.APART, token=token).pk
        )

    outcomes = in_threads(submit, submit)  # an IntegrityError fails in_threads' check
    assert outcomes == ["done", "done"]
    assert len(set(made)) == 1 and Conversation.objects.count() == 1
