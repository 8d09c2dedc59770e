"""Property test of the access core: what each persona can list is exactly what the rule says.

The rule (product rule 1): a person sees an entry when they wrote it, or when it is shared,
its author is their *current* partner, and it belongs to the couple space the two of them
share now. The expected answer is worked out here from a small model of who is paired with
whom, never by asking the code under test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from accounts.request_scope import request_scope
from conftest import Cast, examples, pair
from couples import services as couples
from couples.models import CoupleSpace
from notes.models import Note
from privacy.access import own_or_404, visible_or_404
from privacy.entries import Visibility

PEOPLE = ("alice", "bob", "carol", "dan", "erin")
Scenario = Literal["as cast", "bob left", "bob left and paired with erin", "alice left, then new"]
SCENARIOS: tuple[Scenario, ...] = (
    "as cast",
    "bob left",
    "bob left and paired with erin",
    "alice left, then new",
)
# Which couple space a note says it belongs to: the author's current one, none, or a given one.
CoupleChoice = Literal["author's", "none", "ab", "cd", "newest"]
COUPLE_CHOICES: tuple[CoupleChoice, ...] = ("author's", "none", "ab", "cd", "newest")


@dataclass(frozen=True)
class Planned:
    author: str
    shared: bool
    couple: CoupleChoice


planned_notes = st.lists(
    st.builds(
        Planned,
        author=st.sampled_from(PEOPLE),
        shared=st.booleans(),
        couple=st.sampled_from(COUPLE_CHOICES),
    ),
    max_size=12,
)


def _space_of(user: User) -> int | None:
    membership = couples.current_membership(user)
    return membership.couple_id if membership else None


def _apply(scenario: Scenario, people: dict[str, User]) -> dict[str, int | None]:
    """Change who's paired, through the real services; return the model of current spaces."""
    ab, cd = _space_of(people["alice"]), _space_of(people["carol"])
    current: dict[str, int | None] = {
        "alice": ab,
        "bob": ab,
        "carol": cd,
        "dan": cd,
        "erin": None,
    }
    if scenario in ("bob left", "bob left and paired with erin"):
        couples.leave(people["bob"])
        current["bob"] = None  # alice stays in the (now ended) space, alone
    if scenario == "bob left and paired with erin":
        pair(people["bob"], people["erin"])
        current["bob"] = current["erin"] = _space_of(people["bob"])
    if scenario == "alice left, then new":
        couples.leave(people["alice"])
        couples.create_couple_space(people["alice"])
        current["alice"] = _space_of(people["alice"])  # bob stays in the old, ended space
    return current


def _partner(name: str, current: dict[str, int | None]) -> str | None:
    space = current[name]
    if space is None:
        return None
    others = [other for other in PEOPLE if other != name and current[other] == space]
    assert len(others) <= 1
    return others[0] if others else None


def _expected(
    name: str, notes: list[tuple[Planned, Note]], current: dict[str, int | None]
) -> set[uuid.UUID]:
    partner = _partner(name, current)
    return {
        note.pk
        for plan, note in notes
        if plan.author == name
        or (
            plan.shared
            and plan.author == partner
            and note.couple_id is not None
            and note.couple_id == current[name]
        )
    }


def _couple_for(
    plan: Planned, people: dict[str, User], current: dict[str, int | None]
) -> int | None:
    if plan.couple == "author's":
        return current[plan.author]
    if plan.couple == "none":
        return None
    spaces = CoupleSpace.objects.order_by("pk")
    if plan.couple == "newest":
        return spaces.values_list("pk", flat=True).last()
    first = people["alice" if plan.couple == "ab" else "carol"]
    return spaces.filter(memberships__user=first).values_list("pk", flat=True).first()


def _check_one_example(
    cast: Cast, scenario: Scenario, plans: list[Planned], probe_every: int
) -> None:
    """List for everyone; with probe_every > 0, also fetch every n-th note one by one (slow)."""
    people = {name: getattr(cast, name).user for name in PEOPLE}
    with transaction.atomic():
        current = _apply(scenario, people)
        notes = []
        for plan in plans:
            author = people[plan.author]
            note = Note.objects.create(
                author=author,
                couple_id=_couple_for(plan, people, current),
                visibility=Visibility.SHARED if plan.shared else Visibility.PRIVATE,
                body=b"not what this test is about",
            )
            notes.append((plan, note))
        unknown = uuid.uuid4()
        with pytest.raises(Http404) as missing:
            visible_or_404(Note, people["alice"], unknown)
        not_found = str(missing.value)
        for name, user in people.items():
            expected = _expected(name, notes, current)
            listed = list(Note.objects.visible_to(user).values_list("pk", flat=True))
            assert len(listed) == len(set(listed)), f"{name} sees an entry twice"
            assert set(listed) == expected, (name, scenario, plans)
            # Inside a request that has read the couple pair, the rule is built from those
            # values instead of subqueries (privacy/entries.py): the same rows either way.
            with request_scope():
                couples.pair_of(user)
                in_a_page = list(Note.objects.visible_to(user).values_list("pk", flat=True))
            assert sorted(in_a_page) == sorted(listed), (name, scenario, plans)
            own = set(Note.objects.authored_by(user).values_list("pk", flat=True))
            assert own == {note.pk for plan, note in notes if plan.author == name}
            if not probe_every:
                continue
            for index, (plan, note) in enumerate(notes[::probe_every]):
                for pk in (note.pk, str(note.pk)) if index == 0 else (note.pk,):
                    if note.pk in expected:
                        assert visible_or_404(Note, user, pk) == note
                    else:
                        with pytest.raises(Http404) as refused:
                            visible_or_404(Note, user, pk)
                        assert str(refused.value) == not_found, "not yours must look like missing"
                    if plan.author == name:
                        assert own_or_404(Note, user, pk) == note
                    else:
                        with pytest.raises(Http404) as refused:
                            own_or_404(Note, user, pk)
                        assert str(refused.value) == not_found
            for bogus in (unknown, str(unknown), "not-a-uuid", "", 12):
                for check in (visible_or_404, own_or_404):
                    with pytest.raises(Http404) as refused:
                        check(Note, user, bogus)
                    assert str(refused.value) == not_found
        assert not Note.objects.visible_to(AnonymousUser()).exists()  # type: ignore[arg-type]
        transaction.set_rollback(True)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    scenario=st.sampled_from(SCENARIOS),
    plans=planned_notes,
    probe_every=st.sampled_from([0, 0, 3]),
)
def test_each_persona_lists_exactly_what_the_rule_allows(
    cast: Cast, scenario: Scenario, plans: list[Planned], probe_every: int
) -> None:
    _check_one_example(cast, scenario, plans, probe_every)
    assert Note.objects.count() == 0, "each example cleans up after itself"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_with_every_kind_of_note(cast: Cast, scenario: Scenario) -> None:
    """Explicitly: each scenario with every (author, shared, couple) combination at once."""
    plans = [
        Planned(author, shared, couple)
        for author in PEOPLE
        for shared in (False, True)
        for couple in COUPLE_CHOICES
    ]
    # Every 7th of the 50 notes: each author, shared and private, several couple choices.
    _check_one_example(cast, scenario, plans, probe_every=7)


def test_the_rule_as_told_in_words(cast: Cast) -> None:
    """A readable anchor for the property: who sees alice's and bob's shared notes."""
    people = {name: getattr(cast, name).user for name in PEOPLE}
    with transaction.atomic():
        current = _apply("as cast", people)
        alice_shared = Note.objects.create(
            author=people["alice"], couple_id=current["alice"], visibility="shared", body=b""
        )
        alice_private = Note.objects.create(
            author=people["alice"], couple_id=current["alice"], visibility="private", body=b""
        )
        bob_shared = Note.objects.create(
            author=people["bob"], couple_id=current["bob"], visibility="shared", body=b""
        )
        assert set(Note.objects.visible_to(people["bob"])) == {alice_shared, bob_shared}
        assert set(Note.objects.visible_to(people["alice"])) == {
            alice_shared,
            alice_private,
            bob_shared,
        }
        for outsider in ("carol", "dan", "erin"):
            assert not Note.objects.visible_to(people[outsider]).exists()
        couples.leave(people["bob"])
        assert set(Note.objects.visible_to(people["alice"])) == {alice_shared, alice_private}
        assert set(Note.objects.visible_to(people["bob"])) == {bob_shared}
        transaction.set_rollback(True)
