"""Indistinguishability: the closeness path's key privacy property (issue 9, product rule 3).

Whatever alice answers short of a yes ("maybe later", "not yet", nothing at all, or a step
she hid, whatever she had answered under it), everything bob can load is the same, byte
for byte, once per-request tokens are taken out.

How it works. Hypothesis draws an answer set for bob, and for alice a *pair* of answer sets
over every step (the built-in ones plus one own step each of them added): the first is
random, the second keeps each of alice's shown yes answers and draws every other step again
among later / not yet / unanswered / hidden-with-any-answer. So the two alice-states differ
in everything bob must not learn, and agree in the one thing he may: which steps she said
yes to. It also draws the rest of the world both states share: a slow-down (agreed or
proposed, by either), a moment bob planned from the shared yes (days ahead, inside its
consent check-in, or just past; proposed, accepted, "not this time" or off), and alice's
own private afterthoughts about that moment ("still feels good", how it was), drawn again
for the second state because those are hers alone too.

For each example, inside a savepoint that is rolled back afterwards: set bob's answers and
the first alice-state, build the shared world, render everything bob can load, switch
alice to the second state, render it all again, and compare. "Everything" is: Today, the
couple page, the closeness overview, his answers, the planning page, the moment's page and
its "afterwards" page (and each as an htmx request, HX-Request: true, wherever the view
answers htmx with a fragment: it says so with Vary: HX-Request); a refused plan
that names his own yes steps alice didn't match; re-saving his own answers; the account
export download (the zip's bytes) and `privacy.lifecycle.build_export` as JSON. The clock is
frozen, so nothing differs by time; only CSRF tokens and the random per-form tokens
(uuid4 values of hidden "token" inputs) are normalised, and cookies are left out.

A second property does the same while the path is paused (by alice, bob, or both): then
bob must learn nothing at all, not even her yes answers, so the two alice-states are
independent. Plain tests add the exact case "hidden vs never answered", a sweep of every
page without an object in its URL (and bob's calendar feed), a determinism check of the
normalisation, and positive controls: the same comparison does tell a change in a yes both
gave (so it isn't comparing blanks).

The number of examples that ran is printed and written to
test-artifacts/closeness-indistinguishability.json.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import re
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from activity.models import Notice
from closeness import services
from closeness.models import Aftercare, ConsentCheck, Feeling, Moment, MomentState
from closeness.services import LATER, NOT_YET, YES
from closeness.steps import BUILT_IN
from commitments import feed as calendar_feed
from conftest import PASSWORD, Cast
from privacy.keyring import PasswordKeyring
from privacy.lifecycle import build_export

# Wednesday 11 March 2026, 12:00 UTC (13:00 in Amsterdam, where the cast lives).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
ARTIFACT = (
    Path(__file__).resolve().parents[2] / "test-artifacts" / "closeness-indistinguishability.json"
)

# -- what is drawn -----------------------------------------------------------------------------

BUILT_IN_KEYS = tuple(s.key for s in BUILT_IN)
# Stand-ins for the own steps, whose keys exist only once the test has made them.
OWN_BY_ALICE, OWN_BY_BOB = "own step added by alice", "own step added by bob"
SLOTS = (*BUILT_IN_KEYS, OWN_BY_ALICE, OWN_BY_BOB)

Choice = tuple[str, bool]  # (answer, or "" for none; hidden from one's own list)
SHOWN_YES: Choice = (YES, False)
Answers = dict[str, Choice]

# Everything that must look like nothing from the partner's side.
non_yes: st.SearchStrategy[Choice] = st.one_of(
    st.sampled_from([(LATER, False), (NOT_YET, False), ("", False)]),
    st.tuples(st.sampled_from([YES, LATER, NOT_YET, ""]), st.just(True)),
)
any_choice: st.SearchStrategy[Choice] = st.one_of(st.just(SHOWN_YES), non_yes)
answer_sets: st.SearchStrategy[Answers] = st.fixed_dictionaries(dict.fromkeys(SLOTS, any_choice))


@st.composite
def alice_pairs(draw: st.DrawFn) -> tuple[Answers, Answers]:
    """Two answer sets with the same shown yes, and everything else drawn again."""
    first = draw(answer_sets)
    second = {slot: c if c == SHOWN_YES else draw(non_yes) for slot, c in first.items()}
    return first, second


@dataclass(frozen=True)
class Private:
    """alice's own afterthoughts about the moment: hers alone, like her answers."""

    still_good: bool
    feeling: str | None


privates = st.builds(
    Private, still_good=st.booleans(), feeling=st.none() | st.sampled_from(Feeling.values)
)

SlowKind = Literal["none", "agreed", "proposed by alice", "proposed by bob"]
When = Literal["none", "days ahead", "check-in open", "just past"]
MomentEnd = Literal["proposed", "accepted", "not this time", "off"]


@dataclass(frozen=True)
class World:
    """What both alice-states share: set up once per example, before the first render."""

    slow: SlowKind
    slow_tier: str
    when: When
    end: MomentEnd
    pauser: Literal["nobody", "alice", "bob", "both"] = "nobody"


def worlds(when: When) -> st.SearchStrategy[World]:
    return st.builds(
        World,
        slow=st.sampled_from(["none", "none", "agreed", "proposed by alice", "proposed by bob"]),
        slow_tier=st.sampled_from(["presence", "affection", "sensual"]),
        when=st.just(when),
        # Accepted twice as often: that is the state with a check-in and an afterwards.
        end=st.sampled_from(["accepted", "proposed", "accepted", "not this time", "off"]),
    )


def paused_worlds(pauser: Literal["alice", "bob", "both"]) -> st.SearchStrategy[World]:
    return st.builds(
        World,
        slow=st.sampled_from(["none", "agreed", "proposed by bob"]),
        slow_tier=st.sampled_from(["presence", "affection", "sensual"]),
        when=st.sampled_from(["days ahead", "check-in open", "just past", "none"]),
        end=st.sampled_from(["accepted", "proposed"]),
        pauser=st.just(pauser),
    )


RUNS: Counter[str] = Counter()
SECONDS: dict[str, float] = {}

# -- the stage ---------------------------------------------------------------------------------


@dataclass
class Stage:
    cast: Cast
    clock: time_machine.Traveller
    rings: dict[str, PasswordKeyring]
    own: dict[str, str]  # slot -> the real step key
    feed_url: str

    @property
    def alice(self) -> User:
        return self.cast.alice.user

    @property
    def bob(self) -> User:
        return self.cast.bob.user

    def key(self, slot: str) -> str:
        return self.own.get(slot, slot)

    def save(self, who: str, answers: Answers) -> None:
        services.save_answers(
            self.rings[who],
            {self.key(slot): answer for slot, (answer, _) in answers.items()},
            [self.key(slot) for slot, (_, hidden) in answers.items() if hidden],
        )

    def bob_shown_yes(self, answers: Answers) -> list[str]:
        return [self.key(slot) for slot, choice in answers.items() if choice == SHOWN_YES]


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def stage(cast: Cast, clock: time_machine.Traveller) -> Stage:
    rings = {"alice": PasswordKeyring(cast.alice.user, PASSWORD)}
    rings["bob"] = PasswordKeyring(cast.bob.user, PASSWORD)
    by_alice = services.add_step(rings["alice"], "Dancing slowly in the kitchen", "affection")
    by_bob = services.add_step(rings["bob"], "Reading aloud to each other", "presence")
    feed_token = calendar_feed.start_feed(rings["bob"])
    made = Stage(
        cast=cast,
        clock=clock,
        rings=rings,
        own={OWN_BY_ALICE: by_alice.key, OWN_BY_BOB: by_bob.key},
        feed_url=reverse("commitments:feed", kwargs={"feed_token": feed_token}),
    )
    # One warm-up visit of everything, so nothing a first visit does lands in a comparison.
    bob_sees(made, None, [])
    return made


def build_world(
    stage: Stage, world: World, pick: Callable[[list[str]], list[str]], tally: str = "other"
) -> Moment | None:
    """The shared part of both states, made after the first alice-state is saved. A moment
    is planned by bob from the shared yes, which both alice-states have in common."""
    alice, bob = stage.alice, stage.bob
    if world.slow != "none":
        proposer, other = (alice, bob) if world.slow != "proposed by bob" else (bob, alice)
        slow = services.propose_slow_down(proposer, world.slow_tier, 3)
        if world.slow == "agreed":
            services.answer_slow_down(other, slow.pk, agree=True)
    moment = None
    shared = [s.key for s in services.shared_yes(stage.rings["bob"]) or []]
    if world.when != "none" and shared:
        at = NOW + (timedelta(days=3) if world.when == "days ahead" else timedelta(hours=1))
        moment = services.plan_moment(stage.rings["bob"], at, pick(shared))
        if world.end in ("accepted", "off"):
            services.answer_moment(alice, moment, yes=True)
        if world.end == "not this time":
            services.answer_moment(alice, moment, yes=False)
        if world.end == "off":
            services.call_off(alice, moment)
        RUNS[f"{tally}: moment {world.when}, {world.end}"] += 1
    if world.when == "just past":
        stage.clock.move_to(NOW + timedelta(hours=2))
    if world.pauser in ("alice", "both"):
        services.pause(alice)
    if world.pauser in ("bob", "both"):
        services.pause(bob)
    if moment is not None:
        moment.refresh_from_db()
    return moment


def set_alice(stage: Stage, answers: Answers, private: Private, moment: Moment | None) -> None:
    """alice's whole private state: her answers, and her afterthoughts about the moment."""
    stage.save("alice", answers)
    ConsentCheck.objects.filter(author=stage.alice).delete()
    Aftercare.objects.filter(author=stage.alice).delete()
    if moment is None or moment.state != MomentState.ACCEPTED:
        return
    if private.still_good and services.in_checkin_window(moment):
        services.still_good(stage.rings["alice"], moment)
    if private.feeling and moment.at <= timezone.now():
        services.note_aftercare(stage.rings["alice"], moment, private.feeling, "just for me")


# -- what bob can load -------------------------------------------------------------------------

_INPUT = re.compile(r"<input\b[^>]*>")
_NAME = re.compile(r'\bname="([^"]*)"')
_VALUE = re.compile(r'\bvalue="[^"]*"')
PER_REQUEST_INPUTS = frozenset({"csrfmiddlewaretoken", "token"})


def normalised(text: str) -> str:
    """Per-request tokens out: the masked CSRF token, and the random uuid4 a form carries
    so that a double submit makes one thing (checked to be a uuid4 before it's replaced)."""

    def tame(match: re.Match[str]) -> str:
        tag = match.group(0)
        name = _NAME.search(tag)
        if name is None or name.group(1) not in PER_REQUEST_INPUTS:
            return tag
        value = _VALUE.search(tag)
        if value is None:
            return tag
        raw = value.group(0)[len('value="') : -1]
        if name.group(1) == "token":
            assert uuid.UUID(raw).version == 4, tag
        return tag.replace(value.group(0), f'value="[{name.group(1)}]"')

    return _INPUT.sub(tame, text)


def described(response: Any) -> str:
    headers = "\n".join(f"{k}: {v}" for k, v in sorted(response.headers.items()))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = [
                f"== {i.filename} {i.date_time}\n{archive.read(i).decode()}"
                for i in archive.infolist()
            ]
        body = f"zip bytes: {len(content)}\n" + "\n".join(files)
        # The bytes themselves too: the same files must pack the same.
        body += f"\nsha: {hashlib.sha256(content).hexdigest()}"
    else:
        body = normalised(content.decode())
    return f"{response.status_code}\n{headers}\n\n{body}"


HTMX = {"HX-Request": "true"}


def serves_htmx(response: Any) -> bool:
    """A view that answers htmx with a fragment says so (Vary: HX-Request); the sweep
    below asks every page as htmx too, whatever it says."""
    return "hx-request" in response.get("Vary", "").lower()


def closeness_pages(moment: Moment | None) -> list[tuple[str, str]]:
    pages = [
        ("today", reverse("today")),
        ("couple", reverse("couples:couple")),
        ("closeness:index", reverse("closeness:index")),
        ("closeness:mine", reverse("closeness:mine")),
        ("closeness:plan", reverse("closeness:plan")),
    ]
    if moment is not None:
        for name in ("closeness:moment", "closeness:aftercare"):
            pages.append((name, reverse(name, kwargs={"moment_id": moment.pk})))
    return pages


def bob_sees(stage: Stage, moment: Moment | None, not_matched: list[str]) -> dict[str, str]:
    """Every response bob can load about the path, described for comparison."""
    client: Client = stage.cast.bob.client
    seen: dict[str, str] = {}
    # Today shows a partner's line as new once, then under "earlier" (issue 14): settle them
    # first, so both states are compared with the very same lines in view.
    Notice.objects.filter(recipient=stage.cast.bob.user).update(seen_at=NOW)
    for label, url in closeness_pages(moment):
        response = client.get(url)
        seen[label] = described(response)
        if serves_htmx(response):
            seen[f"{label} (htmx)"] = described(client.get(url, headers=HTMX))
    # Planning from his own yes steps that alice didn't match: refused, in the same words.
    when = (NOW + timedelta(days=3)).astimezone(stage.bob.zone).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        reverse("closeness:plan"),
        {
            "at": when,
            "steps": not_matched or ["not-a-step"],
            "token": str(uuid.UUID(int=1, version=4)),
        },
    )
    assert refused.status_code == 400, "the refused plan must not plan anything"
    seen["closeness:plan refused"] = described(refused)
    # Re-saving his own answers (as they are): the page he comes back to.
    mine = services.my_answers(stage.rings["bob"])
    form = {}
    for step in services.all_steps(stage.rings["bob"]):
        form[f"answer-{step.key}"] = mine.answers.get(step.key, "")
        if step.key in mine.hidden:
            form[f"hide-{step.key}"] = "on"
    resaved = client.post(reverse("closeness:mine"), form, follow=True)
    seen["closeness:mine re-saved"] = described(resaved) + f"\nvia {resaved.redirect_chain}"
    # The export: the download, and what it's made from.
    seen["privacy:export download"] = described(
        client.post(reverse("privacy:export"), {"password": PASSWORD})
    )
    export = build_export(stage.bob, stage.rings["bob"])
    seen["build_export"] = json.dumps(export, indent=1, sort_keys=True, ensure_ascii=False)
    return seen


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    assert first.keys() == second.keys()
    found = []
    for label in first:
        if first[label] != second[label]:
            diff = difflib.unified_diff(
                first[label].splitlines(),
                second[label].splitlines(),
                f"{label} (first alice-state)",
                f"{label} (second alice-state)",
                lineterm="",
                n=2,
            )
            found.append("\n".join(diff))
    return found


def compare(
    stage: Stage,
    bob: Answers,
    alice: tuple[Answers, Answers],
    world: World,
    private: tuple[Private, Private],
    pick: Callable[[list[str]], list[str]],
    tally: str = "other",
) -> None:
    """One example, rolled back afterwards."""
    with transaction.atomic():
        stage.clock.move_to(NOW)
        stage.save("bob", bob)
        stage.save("alice", alice[0])
        moment = build_world(stage, world, pick, tally)
        shared = {s.key for s in services.shared_yes(stage.rings["bob"]) or []}
        not_matched = [k for k in stage.bob_shown_yes(bob) if k not in shared]
        set_alice(stage, alice[0], private[0], moment)
        first = bob_sees(stage, moment, not_matched)
        set_alice(stage, alice[1], private[1], moment)
        second = bob_sees(stage, moment, not_matched)
        found = differences(first, second)
        assert not found, "bob can tell alice's two states apart:\n\n" + "\n\n".join(found)
        RUNS[f"{tally}: examples compared"] += 1
        if world.pauser == "nobody":
            RUNS[f"{tally}: with a non-empty shared yes"] += bool(shared)
        RUNS[f"{tally}: alice's two states differ"] += alice[0] != alice[1]
        RUNS[f"{tally}: with a moment"] += moment is not None
        transaction.set_rollback(True)


def _record(name: str, started: float) -> None:
    SECONDS[name] = round(time.monotonic() - started, 1)
    summary = {"runs": dict(sorted(RUNS.items())), "seconds": SECONDS}
    print(f"\n{name}: {json.dumps(summary, indent=1)}")
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(summary, indent=1) + "\n")


def property_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def picker(data: st.DataObject) -> Callable[[list[str]], list[str]]:
    """Which of the shared yes steps bob's moment is about."""

    def pick(shared: list[str]) -> list[str]:
        return data.draw(st.lists(st.sampled_from(shared), min_size=1, unique=True))

    return pick


# -- the properties ----------------------------------------------------------------------------
# Each is split by the one thing Hypothesis would otherwise spread unevenly over a few dozen
# examples (where the moment is in its life; who paused), so every case gets its share.


@pytest.mark.parametrize("when", ["none", "days ahead", "check-in open", "just past"])
def test_bob_cannot_tell_alices_non_yes_answers_apart(stage: Stage, when: When) -> None:
    tally = f"open path, moment {when}"

    @property_settings(10)
    @given(
        bob=answer_sets,
        alice=alice_pairs(),
        world=worlds(when),
        private=st.tuples(privates, privates),
        data=st.data(),
    )
    def check(
        bob: Answers,
        alice: tuple[Answers, Answers],
        world: World,
        private: tuple[Private, Private],
        data: st.DataObject,
    ) -> None:
        compare(stage, bob, alice, world, private, picker(data), tally)

    started = time.monotonic()
    check()
    _record(tally, started)
    assert RUNS[f"{tally}: examples compared"] >= 8
    assert RUNS[f"{tally}: with a non-empty shared yes"] >= 4, "too little was shared"
    if when != "none":
        assert RUNS[f"{tally}: with a moment"] >= 4, "too few moments"


@pytest.mark.parametrize("pauser", ["alice", "bob", "both"])
def test_while_paused_bob_cannot_tell_any_two_of_alices_answer_sets_apart(
    stage: Stage, pauser: Literal["alice", "bob", "both"]
) -> None:
    tally = f"paused by {pauser}"

    @property_settings(14)
    @given(
        bob=answer_sets,
        alice=st.tuples(answer_sets, answer_sets),
        world=paused_worlds(pauser),
        private=st.tuples(privates, privates),
        data=st.data(),
    )
    def check(
        bob: Answers,
        alice: tuple[Answers, Answers],
        world: World,
        private: tuple[Private, Private],
        data: st.DataObject,
    ) -> None:
        compare(stage, bob, alice, world, private, picker(data), tally)

    started = time.monotonic()
    check()
    _record(tally, started)
    assert RUNS[f"{tally}: examples compared"] >= 12
    assert RUNS[f"{tally}: alice's two states differ"] >= 10


# -- exact cases -------------------------------------------------------------------------------

EVERYTHING_YES: Answers = dict.fromkeys(SLOTS, SHOWN_YES)
NOBODY: Private = Private(still_good=False, feeling=None)


def first_step_only(shared: list[str]) -> list[str]:
    return shared[:1]


def test_hidden_looks_exactly_like_never_answered(stage: Stage) -> None:
    """The exact case of the issue: steps alice hid (with any answer under them) against
    the same steps never answered; bob says yes to everything."""
    groups = {
        "all built-in": BUILT_IN_KEYS,
        "sexual and sensual": tuple(s.key for s in BUILT_IN if s.tier in ("sexual", "sensual")),
        "one": ("b-kiss",),
    }
    world = World(slow="none", slow_tier="presence", when="check-in open", end="accepted")
    for keys in groups.values():
        base: Answers = {slot: SHOWN_YES for slot in SLOTS if slot not in keys}
        never = {**base, **{k: ("", False) for k in keys}}
        for answer_under in (YES, LATER, NOT_YET, ""):
            hidden = {**base, **{k: (answer_under, True) for k in keys}}
            pair = (hidden, never)
            compare(stage, EVERYTHING_YES, pair, world, (NOBODY, NOBODY), first_step_only)


def test_alices_afterthoughts_about_a_moment_dont_show(stage: Stage) -> None:
    """A planned moment, at each point of its life; alice has said it still feels good and
    noted how it was (where that can be), or not; with and without her non-yes answers
    differing too."""
    first: Answers = {**EVERYTHING_YES, "b-kiss": (LATER, False), "b-sex": (YES, True)}
    second: Answers = {**EVERYTHING_YES, "b-kiss": ("", False), "b-sex": (NOT_YET, False)}
    said = Private(still_good=True, feeling=Feeling.SLOW_DOWN)
    for when in ("days ahead", "check-in open", "just past"):
        world = World(slow="none", slow_tier="presence", when=when, end="accepted")
        compare(stage, EVERYTHING_YES, (first, second), world, (said, NOBODY), first_step_only)
        compare(stage, EVERYTHING_YES, (first, first), world, (NOBODY, said), first_step_only)


def everything(choice: Choice) -> Answers:
    return dict.fromkeys(SLOTS, choice)


EXTREMES = {
    "all later": everything((LATER, False)),
    "all not yet": everything((NOT_YET, False)),
    "all hidden yes": everything((YES, True)),
    "all hidden later": everything((LATER, True)),
}


def every_plain_page() -> list[tuple[str, str]]:
    """Every GET without an object in its URL (the sweep's parameters filled in), except
    the few that act on GET."""
    parameters = {
        "year": NOW.year,
        "month": NOW.month,
        "on_date": (NOW - timedelta(days=1)).date(),
        "day": (NOW - timedelta(days=1)).date(),
    }
    # Pages that end the session on GET (quick exit, the idle lock) would sign bob out mid-sweep.
    skip = {
        "accounts:sign_out",
        "accounts:sign_out_everywhere",
        "couples:leave",
        "safety:quick_exit",
        "accounts:lock",
    }
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                converters = getattr(entry.pattern, "converters", {})
                if name in skip or name.startswith("admin:") or set(converters) - set(parameters):
                    continue
                found.append((name, reverse(name, kwargs={k: parameters[k] for k in converters})))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_page_bob_can_load_is_the_same_for_the_extremes(stage: Stage) -> None:
    """Not only the closeness pages: every page without an object in its URL, and bob's
    calendar feed, for alice answering everything later, not yet, or hiding everything."""
    client = stage.cast.bob.client
    pages = [*every_plain_page(), ("commitments:feed", stage.feed_url)]
    assert ("closeness:index", reverse("closeness:index")) in pages

    property_urls = {url for _, url in closeness_pages(None)}

    def sweep() -> dict[str, str]:
        seen = {}
        for name, url in pages:
            plain = client.get(url)
            seen[name] = described(plain)
            seen[f"{name} (htmx)"] = described(client.get(url, headers=HTMX))
            if url in property_urls and not serves_htmx(plain):
                # The properties ask these as htmx only when they say they vary by it.
                assert seen[f"{name} (htmx)"] == seen[name], f"{name} answers htmx unsaid"
        return seen

    with transaction.atomic():
        stage.save("bob", EVERYTHING_YES)
        stage.save("alice", EXTREMES["all later"])
        sweep()  # a warm-up, so nothing a first visit does is compared
        first = sweep()
        for name, answers in EXTREMES.items():
            stage.save("alice", answers)
            found = differences(first, sweep())
            assert not found, f"{name}:\n\n" + "\n\n".join(found)
        transaction.set_rollback(True)


# -- the comparison can fail -------------------------------------------------------------------


def test_the_same_state_renders_the_same(stage: Stage) -> None:
    """The normalisation takes out only what changes per request: rendering the very same
    state twice gives the same bytes, moment pages and export included."""
    world = World(slow="agreed", slow_tier="sensual", when="check-in open", end="accepted")
    with transaction.atomic():
        stage.save("bob", EVERYTHING_YES)
        stage.save("alice", EVERYTHING_YES)
        moment = build_world(stage, world, first_step_only)
        assert moment is not None
        first = bob_sees(stage, moment, [])
        assert not differences(first, bob_sees(stage, moment, []))
        assert "Dancing slowly in the kitchen" in first["closeness:index"]
        assert first["closeness:index"].startswith("200\n")
        transaction.set_rollback(True)


def test_a_yes_both_gave_does_show(stage: Stage) -> None:
    """Positive control: when alice takes back a yes bob also gave (in any of the four
    ways), his overview, planning page and the moment's page change (the step leaves
    both), so an empty comparison proves something."""
    world = World(slow="none", slow_tier="presence", when="days ahead", end="accepted")

    def hug(shared: list[str]) -> list[str]:
        return ["b-hug", "b-walk"]

    for to in ((LATER, False), (NOT_YET, False), ("", False), (YES, True)):
        changed = {**EVERYTHING_YES, "b-hug": to}
        with pytest.raises(AssertionError) as told:
            compare(stage, EVERYTHING_YES, (EVERYTHING_YES, changed), world, (NOBODY, NOBODY), hug)
        message = str(told.value)
        for page in ("closeness:index", "closeness:plan", "closeness:moment"):
            assert f"{page} (first alice-state)" in message, (to, page)
        lines = [line.strip() for line in message.splitlines()]
        assert any(line.startswith("-") and "<li>A long hug</li>" in line for line in lines)
        assert not any(line.startswith("+") and "<li>A long hug</li>" in line for line in lines)
        assert "build_export (first" not in message  # the export never had alice's answers


def test_a_private_afterthought_of_bobs_own_does_show(stage: Stage) -> None:
    """Positive control for the afterwards page: bob's own note changes his own page."""
    world = World(slow="none", slow_tier="presence", when="just past", end="accepted")
    with transaction.atomic():
        stage.save("bob", EVERYTHING_YES)
        stage.save("alice", EVERYTHING_YES)
        moment = build_world(stage, world, first_step_only)
        assert moment is not None
        before = bob_sees(stage, moment, [])
        services.note_aftercare(stage.rings["bob"], moment, "good", "a quiet evening")
        after = bob_sees(stage, moment, [])
        labels = {d.splitlines()[0] for d in differences(before, after)}
        assert "--- closeness:aftercare (first alice-state)" in labels
        transaction.set_rollback(True)
