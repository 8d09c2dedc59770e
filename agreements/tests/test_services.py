"""The agreement rules: proposing and accepting, revisions that wait beside the version in
effect, replacing, declining, withdrawing, retiring, stepping back, optimistic versioning,
double submits, the words each kind asks for, leaving, the monthly review (answers sealed
until both finished) and concerns (private drafts, then shared); everything encrypted."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Model

from accounts.models import User
from agreements import services
from agreements.models import (
    CONCERN_MAX,
    FIELD_MAX,
    NOTES_MAX,
    REVIEW_NOTE_MAX,
    TITLE_MAX,
    Agreement,
    AgreementVersion,
    Area,
    Change,
    Choice,
    Concern,
    ConcernAnswer,
    Kind,
    Review,
    ReviewAnswer,
    ReviewTurn,
    Status,
    VersionState,
)
from agreements.services import AgreementProblem, StaleAgreement, Terms
from commitments import services as commitments
from commitments.models import Kind as RhythmKind
from commitments.models import Outcome, Result
from commitments.tests.helpers import how_it_went
from conftest import Cast, ring
from couples import services as couples
from privacy.entries import Visibility

# Wednesday 11 March 2026, 12:00 UTC (13:00 in Amsterdam, where everyone lives).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
MARCH = date(2026, 3, 1)

TRANSPARENCY = Terms(
    title="Phone stays open on the table",
    what="Who I message and what about",
    how_often="Every evening",
    channel="Face to face, over dinner",
    notes="We look again in a month",
)
REVISED = Terms(
    title="Phone stays open on the table",
    what="Who I message",
    how_often="Every Sunday evening",
    channel="Face to face, over dinner",
    notes="We look again in a month",
)
BOUNDARY = Terms(title="No contact with J", area=Area.PEOPLE, text="I won't reply to J at all")


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def fresh(agreement: Agreement) -> Agreement:
    return Agreement.objects.get(pk=agreement.pk)


def version(pk: Any) -> AgreementVersion:
    return AgreementVersion.objects.get(pk=pk)


def propose(user: User, terms: Terms = TRANSPARENCY, kind: str = Kind.TRANSPARENCY) -> Agreement:
    return services.propose(ring(user), kind, terms, token=uuid.uuid4())


def in_effect(cast: Cast, terms: Terms = TRANSPARENCY, kind: str = Kind.TRANSPARENCY) -> Agreement:
    """Proposed by alice, accepted by bob."""
    agreement = propose(cast.alice.user, terms, kind)
    services.accept(cast.bob.user, fresh(agreement), version(agreement.pending_id))
    return fresh(agreement)


def revise(user: User, agreement: Agreement, terms: Terms = REVISED) -> AgreementVersion:
    agreement = fresh(agreement)
    return services.revise(
        ring(user), agreement, terms, expected_revision=agreement.revision, token=uuid.uuid4()
    )


def retire(user: User, agreement: Agreement) -> AgreementVersion:
    agreement = fresh(agreement)
    return services.propose_retiring(
        ring(user), agreement, expected_revision=agreement.revision, token=uuid.uuid4()
    )


def words(user: User, pk: Any) -> dict[str, Any]:
    (opened,) = services.reveal_versions(ring(user), [version(pk)])
    assert not opened.waiting and not opened.unreadable
    return dict(opened.plain)


def states(agreement: Agreement) -> list[tuple[int, str, str]]:
    return list(
        AgreementVersion.objects.filter(agreement=agreement)
        .order_by("number")
        .values_list("number", "change", "state")
    )


def everything() -> list[Any]:
    """Every row of every agreements table, to prove that a refusal changed nothing."""
    rows: list[Any] = []
    models: list[type[Model]] = [
        Agreement,
        AgreementVersion,
        Review,
        ReviewTurn,
        ReviewAnswer,
        Concern,
        ConcernAnswer,
    ]
    for model in models:
        for row in model._default_manager.order_by("pk").values():
            rows.append({k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()})
    return rows


def raw(model: type[Model], pk: Any, names: list[str]) -> bytes:
    """The stored bytes of some columns, read with SQL past the ORM."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(names)} FROM {table} WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return b"|".join(bytes(v) for v in row if v is not None)


# -- proposing and accepting ------------------------------------------------------------------


def test_a_proposal_waits_for_the_partner_and_takes_effect_when_accepted(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = propose(alice)
    agreement = fresh(agreement)
    assert agreement.status == Status.PROPOSED and not agreement.joint
    assert agreement.current_id is None and agreement.author == alice
    assert agreement.is_shared and agreement.couple_id is not None
    first = version(agreement.pending_id)
    assert (first.number, first.change, first.state) == (1, Change.PROPOSE, VersionState.PENDING)
    assert first.author == alice and first.answered_by is None
    # Both read the words, each with their own keys.
    assert words(bob, first.pk) == words(alice, first.pk)
    assert words(bob, first.pk)["what"] == TRANSPARENCY.what

    services.accept(bob, agreement, first)

    agreement = fresh(agreement)
    assert agreement.status == Status.IN_EFFECT and agreement.joint
    assert agreement.current_id == first.pk and agreement.pending_id is None
    accepted = version(first.pk)
    assert accepted.state == VersionState.ACCEPTED
    assert (accepted.answered_by, accepted.answered_at) == (bob, NOW)


def test_accepting_ones_own_proposal_is_refused_and_changes_nothing(cast: Cast) -> None:
    agreement = fresh(propose(cast.alice.user))
    before = everything()
    with pytest.raises(AgreementProblem, match="takes effect when your partner accepts"):
        services.accept(cast.alice.user, agreement, version(agreement.pending_id))
    assert everything() == before


def test_a_revision_waits_while_the_current_version_stays_in_effect(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    first = agreement.current_id
    second = revise(bob, agreement)

    agreement = fresh(agreement)
    assert (second.number, second.change, second.state) == (2, Change.REVISE, VersionState.PENDING)
    assert agreement.status == Status.IN_EFFECT
    assert (agreement.current_id, agreement.pending_id) == (first, second.pk)
    assert words(alice, agreement.current_id)["how_often"] == "Every evening"
    # Bob proposed it, so bob can't accept it; alice can.
    with pytest.raises(AgreementProblem, match="takes effect when your partner accepts"):
        services.accept(bob, agreement, version(second.pk))

    services.accept(alice, agreement, version(second.pk))

    agreement = fresh(agreement)
    assert (agreement.current_id, agreement.pending_id) == (second.pk, None)
    assert words(bob, agreement.current_id)["how_often"] == "Every Sunday evening"
    # Every version is kept, with who proposed and who accepted it.
    assert states(agreement) == [
        (1, Change.PROPOSE, VersionState.ACCEPTED),
        (2, Change.REVISE, VersionState.ACCEPTED),
    ]
    history = list(services.history(agreement))
    assert [(v.author, v.answered_by) for v in history] == [(alice, bob), (bob, alice)]


def test_a_newer_proposal_replaces_a_waiting_one_which_can_no_longer_be_accepted(
    cast: Cast,
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    replaced = revise(alice, agreement, REVISED)
    newest = revise(alice, agreement, replace(TRANSPARENCY, how_often="Twice a week"))
    assert states(agreement) == [
        (1, Change.PROPOSE, VersionState.ACCEPTED),
        (2, Change.REVISE, VersionState.REPLACED),
        (3, Change.REVISE, VersionState.PENDING),
    ]
    assert fresh(agreement).pending_id == newest.pk

    before = everything()
    for answer in (services.accept, services.decline):
        with pytest.raises(AgreementProblem, match="replaced by a newer one"):
            answer(bob, fresh(agreement), version(replaced.pk))
    with pytest.raises(AgreementProblem, match="replaced by a newer one"):
        services.withdraw(alice, fresh(agreement), version(replaced.pk))
    assert everything() == before

    services.accept(bob, fresh(agreement), version(newest.pk))
    assert words(alice, fresh(agreement).current_id)["how_often"] == "Twice a week"


def test_the_partner_may_answer_a_first_proposal_with_a_revision_of_their_own(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = propose(alice)
    counter = revise(bob, agreement)
    agreement = fresh(agreement)
    assert agreement.status == Status.PROPOSED and not agreement.joint
    assert states(agreement) == [
        (1, Change.PROPOSE, VersionState.REPLACED),
        (2, Change.REVISE, VersionState.PENDING),
    ]
    with pytest.raises(AgreementProblem, match="takes effect when your partner accepts"):
        services.accept(bob, agreement, version(counter.pk))
    services.accept(alice, agreement, version(counter.pk))
    agreement = fresh(agreement)
    assert agreement.status == Status.IN_EFFECT and agreement.current_id == counter.pk


@pytest.mark.parametrize("how", ["declined by the partner", "withdrawn by its author"])
def test_a_first_proposal_declined_or_withdrawn_is_not_agreed(cast: Cast, how: str) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = fresh(propose(alice))
    first = version(agreement.pending_id)
    if how.startswith("declined"):
        services.decline(bob, agreement, first)
        expected, by = VersionState.DECLINED, bob
    else:
        services.withdraw(alice, agreement, first)
        expected, by = VersionState.WITHDRAWN, alice
    agreement = fresh(agreement)
    assert agreement.status == Status.NOT_AGREED and not agreement.joint
    assert (agreement.current_id, agreement.pending_id) == (None, None)
    first.refresh_from_db()
    assert (first.state, first.answered_by, first.answered_at) == (expected, by, NOW)
    # It has ended: nothing more can be proposed on it.
    with pytest.raises(AgreementProblem, match="has ended"):
        revise(bob, agreement)
    with pytest.raises(AgreementProblem, match="Only an agreement in effect"):
        services.step_back(bob, agreement)


@pytest.mark.parametrize("how", ["declined by the partner", "withdrawn by its author"])
@pytest.mark.parametrize("change", [Change.REVISE, Change.RETIRE])
def test_a_revision_or_retiring_declined_or_withdrawn_leaves_the_current_version(
    cast: Cast, how: str, change: str
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    current = agreement.current_id
    waiting = revise(bob, agreement) if change == Change.REVISE else retire(bob, agreement)
    if how.startswith("declined"):
        services.decline(alice, fresh(agreement), version(waiting.pk))
        expected = VersionState.DECLINED
    else:
        services.withdraw(bob, fresh(agreement), version(waiting.pk))
        expected = VersionState.WITHDRAWN
    agreement = fresh(agreement)
    assert agreement.status == Status.IN_EFFECT and agreement.joint
    assert (agreement.current_id, agreement.pending_id) == (current, None)
    assert version(waiting.pk).state == expected
    assert words(alice, current)["how_often"] == "Every evening"


def test_only_the_partner_declines_and_only_the_author_withdraws(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = fresh(propose(alice))
    first = version(agreement.pending_id)
    before = everything()
    with pytest.raises(AgreementProblem, match="withdraw it instead"):
        services.decline(alice, agreement, first)
    with pytest.raises(AgreementProblem, match="Only the person who proposed"):
        services.withdraw(bob, agreement, first)
    assert everything() == before


def test_a_version_of_another_agreement_is_refused(cast: Cast) -> None:
    one, other = fresh(propose(cast.alice.user)), fresh(propose(cast.alice.user))
    before = everything()
    with pytest.raises(AgreementProblem, match="belongs to another agreement"):
        services.accept(cast.bob.user, one, version(other.pending_id))
    with pytest.raises(AgreementProblem, match="isn't part of this agreement"):
        services.version_of(one, other.pending_id)
    with pytest.raises(AgreementProblem, match="isn't part of this agreement"):
        services.version_of(one, "not-a-uuid")
    assert services.version_of(one, str(one.pending_id)).pk == one.pending_id
    assert everything() == before


# -- retiring -----------------------------------------------------------------------------------


def test_retiring_holds_until_the_partner_accepts_then_it_is_retired(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    current = agreement.current_id
    ending = retire(bob, agreement)
    agreement = fresh(agreement)
    assert agreement.status == Status.IN_EFFECT and agreement.pending_id == ending.pk
    assert ending.change == Change.RETIRE
    # Retiring keeps the words, so the history reads what was ended.
    assert words(alice, ending.pk) == words(alice, current)

    services.accept(alice, agreement, version(ending.pk))

    agreement = fresh(agreement)
    assert agreement.status == Status.RETIRED
    assert (agreement.current_id, agreement.pending_id) == (current, None)
    assert version(ending.pk).state == VersionState.ACCEPTED
    for action in (
        lambda: revise(alice, agreement),
        lambda: retire(alice, agreement),
        lambda: services.step_back(alice, fresh(agreement)),
    ):
        with pytest.raises(AgreementProblem):
            action()


def test_only_an_agreement_in_effect_can_be_retired(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    before = everything()
    with pytest.raises(AgreementProblem, match="Only an agreement in effect can be retired"):
        retire(cast.bob.user, agreement)
    assert everything() == before


# -- stepping back ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_either_partner_steps_back_alone_and_it_needs_a_conversation(cast: Cast, who: str) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    one = getattr(cast, who).user
    other = bob if one == alice else alice
    agreement = in_effect(cast)
    untouched = in_effect(cast, BOUNDARY, Kind.BOUNDARY)
    revision = agreement.revision

    services.step_back(one, agreement)

    agreement = fresh(agreement)
    assert agreement.status == Status.IN_EFFECT and agreement.stepped_back
    assert (agreement.stepped_back_by, agreement.stepped_back_at) == (one, NOW)
    assert agreement.revision == revision + 1
    for person in (alice, bob):
        assert list(services.needing_conversation(person)) == [agreement]
    assert not services.needing_conversation(cast.carol.user).exists()
    # On the monthly review, what someone stepped back from comes first.
    assert services.to_review(other)[0] == agreement
    assert untouched in services.to_review(other)

    # Already marked: the other stepping back too changes nothing.
    services.step_back(other, fresh(agreement))
    assert fresh(agreement).stepped_back_by == one
    # Only the one who stepped back can take it up again.
    before = everything()
    with pytest.raises(AgreementProblem, match="Only the one who stepped back"):
        services.step_back_in(other, fresh(agreement))
    assert everything() == before
    services.step_back_in(one, fresh(agreement))
    agreement = fresh(agreement)
    assert not agreement.stepped_back and agreement.stepped_back_at is None
    assert not services.needing_conversation(alice).exists()


def test_an_accepted_revision_clears_a_step_back_and_a_declined_one_does_not(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    services.step_back(bob, agreement)
    declined = revise(alice, agreement)
    services.decline(bob, fresh(agreement), version(declined.pk))
    assert fresh(agreement).stepped_back_by == bob
    accepted = revise(bob, agreement)
    services.accept(alice, fresh(agreement), version(accepted.pk))
    agreement = fresh(agreement)
    assert not agreement.stepped_back and agreement.current_id == accepted.pk
    assert not services.needing_conversation(bob).exists()


def test_only_an_agreement_in_effect_can_be_stepped_back_from(cast: Cast) -> None:
    agreement = fresh(propose(cast.alice.user))
    before = everything()
    with pytest.raises(AgreementProblem, match="Only an agreement in effect"):
        services.step_back(cast.bob.user, agreement)
    assert everything() == before


# -- optimistic versioning and double submits ---------------------------------------------------


def test_a_stale_revision_is_refused_with_how_it_stands_now_and_changes_nothing(
    cast: Cast,
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    opened = fresh(agreement)  # bob opens the revise form
    services.step_back(alice, fresh(agreement))  # meanwhile alice changes something
    before = everything()
    actions: list[Callable[[], object]] = [
        lambda: services.revise(
            ring(bob), opened, REVISED, expected_revision=opened.revision, token=uuid.uuid4()
        ),
        lambda: services.propose_retiring(
            ring(bob), opened, expected_revision=opened.revision, token=uuid.uuid4()
        ),
    ]
    for action in actions:
        with pytest.raises(StaleAgreement) as stale:
            action()
        assert isinstance(stale.value, AgreementProblem)
        assert stale.value.current.pk == agreement.pk
        assert stale.value.current.revision == fresh(agreement).revision > opened.revision
        assert stale.value.current.stepped_back_by == alice
        assert "nothing is lost" in str(stale.value)
    assert everything() == before


def test_the_same_form_submitted_twice_makes_one_agreement(cast: Cast) -> None:
    token = uuid.uuid4()
    first = services.propose(ring(cast.alice.user), Kind.TRANSPARENCY, TRANSPARENCY, token=token)
    again = services.propose(ring(cast.alice.user), Kind.TRANSPARENCY, TRANSPARENCY, token=token)
    assert again.pk == first.pk
    assert Agreement.objects.count() == 1 and AgreementVersion.objects.count() == 1
    # Another form (another token) is another agreement.
    propose(cast.alice.user)
    assert Agreement.objects.count() == 2


def test_a_revision_or_retiring_submitted_twice_is_made_once(cast: Cast) -> None:
    bob = cast.bob.user
    agreement = in_effect(cast)
    seen = fresh(agreement).revision
    token = uuid.uuid4()
    for _ in range(2):  # the second submit names the revision the first one saw
        made = services.revise(
            ring(bob), fresh(agreement), REVISED, expected_revision=seen, token=token
        )
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2
    assert fresh(agreement).pending_id == made.pk

    seen = fresh(agreement).revision
    token = uuid.uuid4()
    ending = [
        services.propose_retiring(ring(bob), fresh(agreement), expected_revision=seen, token=token)
        for _ in range(2)
    ]
    assert ending[0].pk == ending[1].pk == fresh(agreement).pending_id
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 3


def test_answering_twice_answers_once_without_an_error(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = fresh(propose(alice))
    first = agreement.pending_id
    services.accept(bob, fresh(agreement), version(first))
    after_first = everything()
    services.accept(bob, fresh(agreement), version(first))
    assert everything() == after_first

    waiting = revise(alice, agreement)
    services.decline(bob, fresh(agreement), version(waiting.pk))
    after_first = everything()
    services.decline(bob, fresh(agreement), version(waiting.pk))
    assert everything() == after_first

    waiting = revise(alice, agreement)
    services.withdraw(alice, fresh(agreement), version(waiting.pk))
    after_first = everything()
    services.withdraw(alice, fresh(agreement), version(waiting.pk))
    assert everything() == after_first


def test_a_proposal_the_other_answered_cant_be_answered_again(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    waiting = revise(alice, agreement)
    services.decline(bob, fresh(agreement), version(waiting.pk))
    before = everything()
    with pytest.raises(AgreementProblem, match="already been answered"):
        services.withdraw(alice, fresh(agreement), version(waiting.pk))
    assert everything() == before


def test_accepting_a_proposal_one_has_declined_says_it_was_already_answered(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    waiting = revise(alice, agreement)
    services.decline(bob, fresh(agreement), version(waiting.pk))
    before = everything()
    with pytest.raises(AgreementProblem, match="already been answered"):
        services.accept(bob, fresh(agreement), version(waiting.pk))
    assert everything() == before


# -- the words each kind asks for ---------------------------------------------------------------


def test_each_kind_keeps_only_its_own_fields_tidied() -> None:
    messy = Terms(
        title="  Evenings  ",
        what=" Who I message ",
        how_often="Daily",
        channel="In person",
        area=Area.TIME,
        text="Phones away after nine",
        notes=" ",
    )
    assert services.check_terms(Kind.TRANSPARENCY, messy) == Terms(
        title="Evenings", what="Who I message", how_often="Daily", channel="In person"
    )
    assert services.check_terms(Kind.BOUNDARY, messy) == Terms(
        title="Evenings", area=Area.TIME, text="Phones away after nine"
    )
    assert services.check_terms(Kind.OTHER, messy) == Terms(
        title="Evenings", text="Phones away after nine"
    )


def test_fields_of_another_kind_are_not_stored(cast: Cast) -> None:
    mixed = Terms(title="Quiet hours", area=Area.TIME, text="No calls after ten", what="stray")
    agreement = propose(cast.alice.user, mixed, Kind.BOUNDARY)
    stored = words(cast.alice.user, agreement.pending_id)
    assert stored["what"] is None and stored["area"] == Area.TIME


@pytest.mark.parametrize(
    ("kind", "terms", "message"),
    [
        (Kind.TRANSPARENCY, Terms(what="a", how_often="b", channel="c"), "In a few words"),
        (Kind.TRANSPARENCY, Terms(title="t", how_often="b", channel="c"), "What will be shared"),
        (Kind.TRANSPARENCY, Terms(title="t", what="a", channel="c"), "How often"),
        (Kind.TRANSPARENCY, Terms(title="t", what="a", how_often="b"), "Through which channel"),
        (Kind.TRANSPARENCY, Terms(title="t", what="   ", how_often="b", channel="c"), "What will"),
        (Kind.BOUNDARY, Terms(title="t", text="x"), "What it's about"),
        (Kind.BOUNDARY, Terms(title="t", area=Area.SOCIAL), "The boundary"),
        (Kind.BOUNDARY, Terms(title="t", area="phones", text="x"), "Choose what the boundary"),
        (Kind.OTHER, Terms(title="t"), "What we agree"),
        (Kind.OTHER, Terms(text="x"), "In a few words"),
        (Kind.OTHER, Terms(title="t" * (TITLE_MAX + 1), text="x"), f"up to {TITLE_MAX}"),
        (Kind.OTHER, Terms(title="t", text="x" * (FIELD_MAX * 2 + 1)), f"up to {FIELD_MAX * 2}"),
        (Kind.OTHER, Terms(title="t", text="x", notes="n" * (NOTES_MAX + 1)), "up to 2,000"),
        (
            Kind.TRANSPARENCY,
            Terms(title="t", what="a" * (FIELD_MAX + 1), how_often="b", channel="c"),
            f"up to {FIELD_MAX}",
        ),
        ("contract", Terms(title="t", text="x"), "isn't one Tending offers"),
        ("", Terms(title="t", text="x"), "isn't one Tending offers"),
    ],
)
def test_missing_over_long_or_unknown_words_are_refused_and_nothing_is_made(
    cast: Cast, kind: str, terms: Terms, message: str
) -> None:
    with pytest.raises(AgreementProblem, match=message):
        services.check_terms(kind, terms)
    with pytest.raises(AgreementProblem, match=message):
        services.propose(ring(cast.alice.user), kind, terms, token=uuid.uuid4())
    assert everything() == []


def test_the_longest_allowed_words_are_accepted() -> None:
    longest = Terms(title="t" * TITLE_MAX, text="x" * FIELD_MAX * 2, notes="n" * NOTES_MAX)
    assert services.check_terms(Kind.OTHER, longest) == longest


def test_a_revision_with_bad_words_changes_nothing(cast: Cast) -> None:
    agreement = in_effect(cast)
    before = everything()
    with pytest.raises(AgreementProblem, match="How often"):
        revise(cast.bob.user, agreement, Terms(title="t", what="a", channel="c"))
    assert everything() == before


# -- who may do what -------------------------------------------------------------------------


def test_a_person_without_a_partner_cant_propose(cast: Cast) -> None:
    with pytest.raises(AgreementProblem, match="made by two"):
        propose(cast.erin.user)
    assert everything() == []


def test_another_couple_never_sees_an_agreement_or_its_words(cast: Cast) -> None:
    agreement = in_effect(cast)
    waiting = revise(cast.bob.user, agreement)
    services.step_back(cast.bob.user, fresh(agreement))
    concern = services.write_concern(
        ring(cast.bob.user),
        fresh(agreement),
        what_happened="It wasn't open",
        how_it_felt="",
        what_i_need="",
        send=True,
    )
    for person in (cast.alice.user, cast.bob.user):
        assert list(Agreement.objects.visible_to(person)) == [agreement]
        assert AgreementVersion.objects.visible_to(person).count() == 2
        assert list(Concern.objects.visible_to(person)) == [concern]
    for person in (cast.carol.user, cast.dan.user, cast.erin.user):
        assert not Agreement.objects.visible_to(person).exists()
        assert not AgreementVersion.objects.visible_to(person).filter(pk=waiting.pk).exists()
        assert not AgreementVersion.objects.visible_to(person).exists()
        assert not Concern.objects.visible_to(person).exists()
        assert not services.needing_conversation(person).exists()
        assert not services.open_topics(person).exists()
        assert services.to_review(person) == []


@pytest.mark.parametrize(("leaver", "stayer"), [("alice", "bob"), ("bob", "alice")])
def test_after_the_partner_leaves_it_stays_read_only_with_the_one_who_remains(
    cast: Cast, leaver: str, stayer: str
) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    gone, remains = getattr(cast, leaver).user, getattr(cast, stayer).user
    agreement = in_effect(cast)
    waiting = revise(alice, agreement)
    draft = services.write_concern(
        ring(remains),
        fresh(agreement),
        what_happened="It slipped",
        how_it_felt="",
        what_i_need="",
        send=False,
    )
    never_accepted = propose(gone)  # only its author's: it was never agreed
    couples.leave(gone)

    seen = list(services.visible_agreements(remains))
    assert seen == [agreement]
    assert never_accepted not in Agreement.objects.visible_to(remains)
    shown = services.reveal_agreements(ring(remains), seen)[0]
    assert shown.current is not None and shown.current.plain["title"] == TRANSPARENCY.title
    assert list(services.history(agreement).values_list("number", flat=True)) == [1, 2]

    agreement = fresh(agreement)
    before = everything()
    pending = version(waiting.pk)
    for action in (
        lambda: revise(remains, agreement),
        lambda: retire(remains, agreement),
        lambda: services.accept(bob, agreement, pending),
        lambda: services.decline(bob, agreement, pending),
        lambda: services.withdraw(alice, agreement, pending),
        lambda: services.step_back(remains, agreement),
        lambda: services.step_back_in(remains, agreement),
        lambda: services.write_concern(
            ring(remains),
            agreement,
            what_happened="Again",
            how_it_felt="",
            what_i_need="",
            send=True,
            concern=draft,
        ),
        lambda: services.save_review_answers(ring(remains), {agreement.pk: (Choice.KEEP, "")}),
        lambda: services.finish_review(ring(remains)),
        lambda: propose(remains),
    ):
        with pytest.raises(AgreementProblem):
            action()
    assert everything() == before


def test_stepping_back_in_after_the_partner_left_is_refused_too(cast: Cast) -> None:
    agreement = in_effect(cast)
    services.step_back(cast.alice.user, agreement)
    couples.leave(cast.bob.user)
    before = everything()
    with pytest.raises(AgreementProblem, match="has since left"):
        services.step_back_in(cast.alice.user, fresh(agreement))
    assert everything() == before


# -- the monthly review -----------------------------------------------------------------------


def two_in_effect(cast: Cast) -> tuple[Agreement, Agreement]:
    return in_effect(cast), in_effect(cast, BOUNDARY, Kind.BOUNDARY)


def test_answers_are_sealed_from_the_partner_until_both_have_finished(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    first, second = two_in_effect(cast)
    services.save_review_answers(
        ring(alice), {first.pk: (Choice.KEEP, ""), second.pk: (Choice.REVISE, "Too strict")}
    )
    review = services.save_review_answers(
        ring(bob), {first.pk: (Choice.KEEP, "Works"), second.pk: (Choice.RETIRE, "")}
    )
    assert review.month == MARCH and review == services.find_review(alice)
    bobs = ReviewAnswer.objects.filter(author=bob)
    assert bobs.count() == 2 and all(a.is_shared for a in bobs)

    def sees(person: User) -> set[Any]:
        return set(ReviewAnswer.objects.visible_to(person).values_list("author", flat=True))

    assert sees(alice) == {alice.pk} and sees(bob) == {bob.pk}
    services.finish_review(ring(alice))
    assert Review.objects.get(pk=review.pk).finished_at is None
    assert sees(alice) == {alice.pk} and sees(bob) == {bob.pk}
    assert not ReviewAnswer.objects.visible_to(cast.carol.user).exists()

    done = services.finish_review(ring(bob))

    assert done.finished_at == NOW
    assert sees(alice) == sees(bob) == {alice.pk, bob.pk}
    assert not ReviewAnswer.objects.visible_to(cast.carol.user).exists()
    assert list(services.past_reviews(alice)) == [done]


def test_the_results_show_both_answers_and_flag_the_differences(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    same, differs = two_in_effect(cast)
    services.save_review_answers(
        ring(alice), {same.pk: (Choice.KEEP, "Good"), differs.pk: (Choice.REVISE, "Too strict")}
    )
    services.save_review_answers(
        ring(bob), {same.pk: (Choice.KEEP, ""), differs.pk: (Choice.RETIRE, "Not needed now")}
    )
    services.finish_review(ring(alice))
    review = services.finish_review(ring(bob))

    rows = services.review_results(ring(alice), review)
    assert [(r.agreement.pk, r.differs) for r in rows] == [(differs.pk, True), (same.pk, False)]
    flagged = rows[0]
    assert flagged.mine is not None and flagged.theirs is not None
    assert (flagged.mine.author, flagged.theirs.author) == (alice, bob)
    assert flagged.mine.plain == {"choice": Choice.REVISE, "note": "Too strict"}
    assert flagged.theirs.plain == {"choice": Choice.RETIRE, "note": "Not needed now"}
    assert rows[1].theirs is not None and rows[1].theirs.plain["note"] is None
    assert flagged.agreement.current is not None
    assert flagged.agreement.current.plain["title"] == BOUNDARY.title
    # Bob sees the same, from his side.
    for_bob = services.review_results(ring(bob), review)
    assert [(r.agreement.pk, r.differs) for r in for_bob] == [(differs.pk, True), (same.pk, False)]
    assert for_bob[0].mine is not None and for_bob[0].mine.author == bob


def test_finishing_needs_an_answer_for_every_agreement_in_effect(cast: Cast) -> None:
    first, second = two_in_effect(cast)
    propose(cast.alice.user)  # a proposal isn't reviewed
    alice = ring(cast.alice.user)
    services.save_review_answers(alice, {first.pk: (Choice.KEEP, "")})
    with pytest.raises(AgreementProblem, match="every agreement"):
        services.finish_review(alice)
    assert not ReviewTurn.objects.exists()
    services.save_review_answers(alice, {second.pk: (Choice.KEEP, "")})
    review = services.finish_review(alice)
    assert services.has_finished(cast.alice.user, review)
    assert not services.has_finished(cast.bob.user, review)
    assert review.finished_at is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (lambda a, p: {a.pk: ("maybe", "")}, "Choose keep, revise or retire"),
        (lambda a, p: {a.pk: (Choice.KEEP, "n" * (REVIEW_NOTE_MAX + 1))}, "up to 500"),
        (lambda a, p: {p.pk: (Choice.KEEP, "")}, "has changed since the page was opened"),
        (lambda a, p: {uuid.uuid4(): (Choice.KEEP, "")}, "has changed since the page was opened"),
    ],
)
def test_a_review_answer_that_doesnt_fit_saves_nothing(
    cast: Cast, answers: Any, message: str
) -> None:
    agreement = in_effect(cast)
    proposal = propose(cast.bob.user)
    with pytest.raises(AgreementProblem, match=message):
        services.save_review_answers(ring(cast.alice.user), answers(agreement, proposal))
    assert not ReviewAnswer.objects.exists()


def test_saving_again_updates_until_ones_own_finish_then_answers_are_set(cast: Cast) -> None:
    agreement = in_effect(cast)
    alice = ring(cast.alice.user)
    services.save_review_answers(alice, {agreement.pk: (Choice.KEEP, "first")})
    review = services.save_review_answers(alice, {agreement.pk: (Choice.REVISE, "second")})
    mine = services.my_answers(ring(cast.alice.user), review)
    assert mine[agreement.pk].plain == {"choice": Choice.REVISE, "note": "second"}
    assert ReviewAnswer.objects.count() == 1
    services.finish_review(alice)
    before = everything()
    with pytest.raises(AgreementProblem, match="answers are set"):
        services.save_review_answers(alice, {agreement.pk: (Choice.RETIRE, "third")})
    assert everything() == before
    # Bob hasn't finished: he may still change his.
    services.save_review_answers(ring(cast.bob.user), {agreement.pk: (Choice.KEEP, "")})


def test_finishing_again_changes_nothing_and_an_empty_review_cant_be_finished(
    cast: Cast,
) -> None:
    with pytest.raises(AgreementProblem, match="no agreements in effect"):
        services.finish_review(ring(cast.alice.user))
    assert not ReviewTurn.objects.exists()
    review = finish_both(cast, in_effect(cast))
    before = everything()
    for persona in (cast.alice, cast.bob):
        assert services.finish_review(ring(persona.user)) == review
    assert everything() == before


def review_outcomes() -> list[tuple[date, str]]:
    return sorted(
        (o.on_date, how_it_went(o))
        for o in Outcome.objects.filter(commitment__kind=RhythmKind.REVIEW)
    )


def finish_both(cast: Cast, agreement: Agreement) -> Review:
    for persona in (cast.alice, cast.bob):
        services.save_review_answers(ring(persona.user), {agreement.pk: (Choice.KEEP, "")})
        review = services.finish_review(ring(persona.user))
    return review


def test_finishing_by_both_marks_the_months_review_occasion_kept(
    cast: Cast, _frozen: time_machine.Traveller
) -> None:
    _frozen.move_to(NOW - timedelta(days=40))  # the rhythm began in January
    commitments.set_rhythms(
        ring(cast.bob.user), checkin=False, conversation_weekday=None, review_day=5
    )
    # A joint rhythm starts when both say yes (rule 6): Alice chooses the same day.
    commitments.set_rhythms(
        ring(cast.alice.user), checkin=False, conversation_weekday=None, review_day=5
    )
    _frozen.move_to(NOW)
    agreement = in_effect(cast)
    services.save_review_answers(ring(cast.alice.user), {agreement.pk: (Choice.KEEP, "")})
    services.finish_review(ring(cast.alice.user))
    assert review_outcomes() == []  # one finish isn't the review
    services.save_review_answers(ring(cast.bob.user), {agreement.pk: (Choice.KEEP, "")})
    review = services.finish_review(ring(cast.bob.user))
    assert review.finished_at is not None
    assert review_outcomes() == [(date(2026, 3, 5), Result.KEPT)]


def test_a_review_finished_before_its_day_marks_that_days_occasion(cast: Cast) -> None:
    for person in (cast.alice, cast.bob):  # suggested, then the same choice: both agree
        commitments.set_rhythms(
            ring(person.user), checkin=False, conversation_weekday=None, review_day=20
        )
    finish_both(cast, in_effect(cast))
    assert review_outcomes() == [(date(2026, 3, 20), Result.KEPT)]


def test_without_the_review_rhythm_finishing_marks_nothing(cast: Cast) -> None:
    commitments.set_rhythms(
        ring(cast.alice.user), checkin=True, conversation_weekday=2, review_day=None
    )
    review = finish_both(cast, in_effect(cast))
    assert review.finished_at == NOW
    assert not Outcome.objects.exists()


# -- concerns -----------------------------------------------------------------------------------


def write(
    user: User, agreement: Agreement, *, send: bool, concern: Concern | None = None
) -> Concern:
    return services.write_concern(
        ring(user),
        fresh(agreement),
        what_happened="You checked my phone while I slept",
        how_it_felt="Small",
        what_i_need="To be asked",
        send=send,
        concern=concern,
    )


def answer(user: User, concern: Concern, *, send: bool) -> ConcernAnswer:
    return services.answer_concern(
        ring(user),
        Concern.objects.get(pk=concern.pk),
        what_i_did="I looked",
        how_it_affected="You felt watched",
        what_i_will_do="Ask first",
        send=send,
    )


def test_a_concern_is_private_while_a_draft_and_shared_once_sent(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    draft = write(bob, agreement, send=False)
    assert not draft.is_shared and draft.sent_at is None
    assert not Concern.objects.visible_to(alice).exists()
    assert not services.open_topics(alice).exists() and not services.open_topics(bob).exists()
    with pytest.raises(AgreementProblem, match="hasn't been sent"):
        answer(alice, draft, send=False)
    with pytest.raises(AgreementProblem, match="hasn't been sent"):
        services.settle(bob, draft)

    sent = write(bob, agreement, send=True, concern=Concern.objects.get(pk=draft.pk))

    assert sent.pk == draft.pk and sent.is_shared and sent.sent_at == NOW
    assert list(Concern.objects.visible_to(alice)) == [sent]
    assert list(services.open_topics(alice)) == [sent]
    opened, no_answer = services.reveal_concern(ring(alice), Concern.objects.get(pk=sent.pk))
    assert opened.plain["what_happened"] == "You checked my phone while I slept"
    assert no_answer is None
    # Sent is sent: writing again (a double submit) changes nothing.
    before = everything()
    write(bob, agreement, send=True, concern=Concern.objects.get(pk=draft.pk))
    assert everything() == before


def test_only_the_partner_answers_and_their_draft_stays_theirs(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    concern = write(bob, in_effect(cast), send=True)
    with pytest.raises(AgreementProblem, match="your partner answers it"):
        answer(bob, concern, send=True)
    assert not ConcernAnswer.objects.exists()

    draft = answer(alice, concern, send=False)
    assert not draft.is_shared and draft.sent_at is None
    assert services.concern_answer(bob, concern) is None
    assert not ConcernAnswer.objects.visible_to(bob).exists()
    assert services.concern_answer(alice, concern) == draft

    sent = answer(alice, concern, send=True)
    assert sent.pk == draft.pk and sent.is_shared and sent.sent_at == NOW
    assert ConcernAnswer.objects.count() == 1
    _, seen = services.reveal_concern(ring(bob), Concern.objects.get(pk=concern.pk))
    assert seen is not None and seen.plain["what_i_will_do"] == "Ask first"
    assert not ConcernAnswer.objects.visible_to(cast.carol.user).exists()


@pytest.mark.parametrize(("first", "second"), [("alice", "bob"), ("bob", "alice")])
def test_a_concern_settles_only_when_both_agree_and_nothing_is_counted(
    cast: Cast, first: str, second: str
) -> None:
    """Issue 13, rule 6: one partner alone marked a concern "talked through"."""
    concern = write(cast.bob.user, in_effect(cast), send=True)
    one, other = getattr(cast, first).user, getattr(cast, second).user
    assert services.settle(one, concern) == services.SUGGESTED
    concern.refresh_from_db()
    assert concern.settled_at is None and concern.settle_suggested_by_id == one.pk
    assert list(services.open_topics(cast.alice.user)) == [concern]  # still open
    assert services.settle(one, concern) == services.ALREADY  # a double tap
    # The other isn't ready: it stays open, and the suggestion is set aside.
    assert services.keep_open(other, concern)
    concern.refresh_from_db()
    assert concern.settled_at is None and concern.settle_suggested_by_id is None
    # Suggested again, then accepted: it rests as talked through.
    services.settle(one, concern)
    assert services.settle(other, concern) == services.SETTLED
    concern.refresh_from_db()
    assert concern.settled_at == NOW
    assert not services.open_topics(cast.alice.user).exists()
    # Settling again keeps the first time.
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert services.settle(cast.alice.user, concern) == services.ALREADY
    concern.refresh_from_db()
    assert concern.settled_at == NOW


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"what_happened": "", "how_it_felt": "", "what_i_need": ""}, "write something first"),
        ({"what_happened": " ", "how_it_felt": "Hurt", "what_i_need": ""}, "What happened"),
        ({"what_happened": "x" * (CONCERN_MAX + 1), "how_it_felt": "", "what_i_need": ""}, "2,000"),
        (
            {"what_happened": "x", "how_it_felt": "y" * (CONCERN_MAX + 1), "what_i_need": ""},
            "2,000",
        ),
    ],
)
def test_a_concern_without_words_or_too_long_saves_nothing(
    cast: Cast, values: dict[str, str], message: str
) -> None:
    agreement = in_effect(cast)
    before = everything()
    with pytest.raises(AgreementProblem, match=message):
        services.write_concern(
            ring(cast.bob.user),
            agreement,
            what_happened=values["what_happened"],
            how_it_felt=values["how_it_felt"],
            what_i_need=values["what_i_need"],
            send=True,
        )
    assert everything() == before


def test_an_answer_without_what_i_will_do_is_refused(cast: Cast) -> None:
    concern = write(cast.bob.user, in_effect(cast), send=True)
    with pytest.raises(AgreementProblem, match="What I will do"):
        services.answer_concern(
            ring(cast.alice.user),
            concern,
            what_i_did="I looked",
            how_it_affected="",
            what_i_will_do="",
            send=True,
        )
    assert not ConcernAnswer.objects.exists()


def test_a_draft_may_leave_out_what_sending_needs(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast)
    draft = services.write_concern(
        ring(bob), agreement, what_happened="", how_it_felt="Uneasy", what_i_need="", send=False
    )
    with pytest.raises(AgreementProblem, match="What happened"):
        services.write_concern(
            ring(bob),
            fresh(agreement),
            what_happened="",
            how_it_felt="Uneasy",
            what_i_need="",
            send=True,
            concern=Concern.objects.get(pk=draft.pk),
        )
    assert Concern.objects.get(pk=draft.pk).sent_at is None
    sent = write(bob, agreement, send=True, concern=Concern.objects.get(pk=draft.pk))
    reply = services.answer_concern(
        ring(alice), sent, what_i_did="I looked", how_it_affected="", what_i_will_do="", send=False
    )
    assert reply.sent_at is None and not reply.is_shared


def test_the_same_concern_form_submitted_twice_makes_one_concern(cast: Cast) -> None:
    agreement = in_effect(cast)
    token = uuid.uuid4()
    made = [
        services.write_concern(
            ring(cast.bob.user),
            fresh(agreement),
            what_happened="It slipped",
            how_it_felt="",
            what_i_need="",
            send=True,
            token=token,
        )
        for _ in range(2)
    ]
    assert made[0].pk == made[1].pk and Concern.objects.count() == 1


def test_a_concern_is_about_an_agreement_in_effect(cast: Cast) -> None:
    proposal = propose(cast.alice.user)
    with pytest.raises(AgreementProblem, match="agreement in effect"):
        write(cast.bob.user, proposal, send=False)
    assert not Concern.objects.exists()


# -- encryption ------------------------------------------------------------------------------


def test_the_stored_bytes_hold_none_of_the_words(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = in_effect(cast, BOUNDARY, Kind.BOUNDARY)
    services.save_review_answers(ring(alice), {agreement.pk: (Choice.RETIRE, "Secret note")})
    concern = write(bob, agreement, send=False)
    reply_to = write(bob, agreement, send=True)
    answer(alice, reply_to, send=True)

    version_bytes = raw(
        AgreementVersion,
        agreement.current_id,
        ["title", "what", "how_often", "channel", "area", "text", "notes"],
    )
    for plain in (b"No contact with J", b"reply to J", b'"people"', b"people"):
        assert plain not in version_bytes
    review_bytes = raw(ReviewAnswer, ReviewAnswer.objects.get(author=alice).pk, ["choice", "note"])
    assert b"retire" not in review_bytes and b"Secret note" not in review_bytes
    for item in (concern, reply_to):
        stored = raw(Concern, item.pk, ["what_happened", "how_it_felt", "what_i_need"])
        assert b"checked my phone" not in stored and b"To be asked" not in stored
    answer_bytes = raw(
        ConcernAnswer,
        ConcernAnswer.objects.get().pk,
        ["what_i_did", "how_it_affected", "what_i_will_do"],
    )
    assert b"I looked" not in answer_bytes and b"Ask first" not in answer_bytes
    # The positive control: the same words are there to be read with the keys.
    assert words(bob, agreement.current_id)["text"] == BOUNDARY.text
    assert version(agreement.current_id).visibility == Visibility.SHARED
