"""Two people acting on the same agreement at once: optimistic versioning lets exactly one
change through, the other is told what changed (StaleAgreement carries how it stands now),
and nothing the loser typed is saved as a version. A double submit by the same person is
applied once and reports no error.

The interleavings are simulated step by step (any database), and on PostgreSQL also run
for real on separate connections, with each thread held at a barrier inside its own
transaction so that both have read the same state before either writes.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from agreements import services
from agreements.models import (
    Agreement,
    AgreementVersion,
    Choice,
    Kind,
    Review,
    ReviewAnswer,
    ReviewTurn,
    Status,
    VersionState,
)
from agreements.services import AgreementProblem, StaleAgreement, Terms, versions
from conftest import Cast, ring

ON_POSTGRES = connection.vendor == "postgresql"
on_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="real concurrency needs separate connections"
)

FIRST = Terms(title="Phones", what="Messages", how_often="Daily", channel="In person")
ALICES = Terms(title="Phones", what="Messages", how_often="alice: weekly", channel="In person")
BOBS = Terms(title="Phones", what="Messages", how_often="bob: monthly", channel="In person")


def fresh(agreement: Agreement) -> Agreement:
    return Agreement.objects.get(pk=agreement.pk)


def version(pk: Any) -> AgreementVersion:
    return AgreementVersion.objects.get(pk=pk)


def proposed(cast: Cast) -> Agreement:
    return fresh(services.propose(ring(cast.alice.user), Kind.TRANSPARENCY, FIRST))


def in_effect(cast: Cast) -> Agreement:
    agreement = proposed(cast)
    services.accept(cast.bob.user, agreement, version(agreement.pending_id))
    return fresh(agreement)


def all_how_often(user: User, agreement: Agreement) -> list[str]:
    """The words of every version there is, read with `user`'s keys."""
    versions = services.reveal_versions(ring(user), services.history(agreement))
    return [v.plain["how_often"] for v in versions]


def assert_consistent(agreement: Agreement) -> None:
    """At most one version waits, and it is the one the agreement points to."""
    agreement = fresh(agreement)
    waiting = list(AgreementVersion.objects.filter(agreement=agreement, state=VersionState.PENDING))
    assert [v.pk for v in waiting] == ([agreement.pending_id] if agreement.pending_id else [])
    numbers = list(services.history(agreement).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


# -- simulated interleavings (any database) ---------------------------------------------------


@pytest.mark.parametrize("start", ["a first proposal", "an agreement in effect"])
@pytest.mark.parametrize("first", ["alice", "bob"])
def test_the_second_of_two_revisions_from_the_same_revision_is_refused(
    cast: Cast, start: str, first: str
) -> None:
    agreement = proposed(cast) if start == "a first proposal" else in_effect(cast)
    # Both open the revise form on the same revision.
    alices_form, bobs_form = fresh(agreement), fresh(agreement)
    seen = alices_form.revision
    who = {"alice": (cast.alice.user, alices_form, ALICES), "bob": (cast.bob.user, bobs_form, BOBS)}
    winner, loser = (who["alice"], who["bob"]) if first == "alice" else (who["bob"], who["alice"])
    before = list(AgreementVersion.objects.filter(agreement=agreement).values_list("pk", "state"))

    won = services.revise(
        ring(winner[0]), winner[1], winner[2], expected_revision=seen, token=uuid.uuid4()
    )
    with pytest.raises(StaleAgreement) as stale:
        services.revise(
            ring(loser[0]), loser[1], loser[2], expected_revision=seen, token=uuid.uuid4()
        )

    now = fresh(agreement)
    # The loser is shown how it stands now: the winner's proposal waiting.
    assert stale.value.current.revision == now.revision == seen + 1
    assert stale.value.current.pending_id == won.pk == now.pending_id
    # Nothing the loser typed became a version; the winner's did, and waits.
    assert loser[2].how_often not in all_how_often(cast.alice.user, agreement)
    assert winner[2].how_often in all_how_often(cast.bob.user, agreement)
    assert AgreementVersion.objects.filter(agreement=agreement).count() == len(before) + 1
    assert version(won.pk).state == VersionState.PENDING
    assert_consistent(agreement)
    # With how it stands now, the loser may propose their words again, replacing it.
    again = services.revise(
        ring(loser[0]), now, loser[2], expected_revision=now.revision, token=uuid.uuid4()
    )
    assert version(won.pk).state == VersionState.REPLACED
    assert fresh(agreement).pending_id == again.pk
    assert_consistent(agreement)


def test_an_accept_opened_before_a_newer_proposal_is_refused_and_changes_nothing(
    cast: Cast,
) -> None:
    agreement = in_effect(cast)
    waiting = services.revise(
        ring(cast.alice.user), agreement, ALICES, expected_revision=agreement.revision
    )
    bobs_page = fresh(agreement)  # bob opens the page with alice's revision on it
    newer = services.revise(
        ring(cast.alice.user), fresh(agreement), BOBS, expected_revision=bobs_page.revision
    )
    before = fresh(agreement)
    with pytest.raises(AgreementProblem, match="replaced by a newer one"):
        services.accept(cast.bob.user, bobs_page, version(waiting.pk))
    after = fresh(agreement)
    assert (after.current_id, after.pending_id, after.revision) == (
        before.current_id,
        newer.pk,
        before.revision,
    )
    assert version(waiting.pk).state == VersionState.REPLACED
    assert_consistent(agreement)


def test_an_accept_racing_a_change_is_undone_whole(cast: Cast) -> None:
    """Bob accepts from a page opened before alice stepped back: the version's answer and the
    agreement's change happen together or not at all."""
    agreement = in_effect(cast)
    waiting = services.revise(
        ring(cast.alice.user), agreement, ALICES, expected_revision=agreement.revision
    )
    bobs_page = fresh(agreement)
    services.step_back(cast.alice.user, fresh(agreement))
    with pytest.raises(StaleAgreement):
        services.accept(cast.bob.user, bobs_page, version(waiting.pk))
    assert version(waiting.pk).state == VersionState.PENDING
    assert version(waiting.pk).answered_by is None
    assert fresh(agreement).pending_id == waiting.pk
    # Opened again, it goes through.
    services.accept(cast.bob.user, fresh(agreement), version(waiting.pk))
    assert fresh(agreement).current_id == waiting.pk


def test_the_same_accept_submitted_twice_from_one_page_applies_once(cast: Cast) -> None:
    agreement = proposed(cast)
    page = fresh(agreement)  # both submits come from the same page
    first = version(page.pending_id)
    services.accept(cast.bob.user, page, version(first.pk))
    after = fresh(agreement)
    # Again: with the version as the page had it (still waiting), and the old revision.
    services.accept(cast.bob.user, page, first)
    services.accept(cast.bob.user, fresh(agreement), first)
    assert fresh(agreement).revision == after.revision
    assert fresh(agreement).status == Status.IN_EFFECT
    assert version(first.pk).answered_by == cast.bob.user
    assert_consistent(agreement)


# -- real threads on PostgreSQL ---------------------------------------------------------------


def meet(barrier: threading.Barrier) -> None:
    """Wait for the other thread; an implementation that makes it wait on a lock instead
    (so it can't arrive) is fine too: after the timeout each goes on alone."""
    with suppress(threading.BrokenBarrierError):
        barrier.wait()


@contextmanager
def held_inside(target: Any, name: str, barrier: threading.Barrier) -> Iterator[None]:
    """Make `target.name` wait for the other thread first: both are then inside their own
    transaction, having read the same state, before either goes on to write."""
    original = getattr(target, name)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        meet(barrier)
        return original(*args, **kwargs)

    setattr(target, name, waiting)
    try:
        yield
    finally:
        setattr(target, name, original)


def run_together(*work: Callable[[], Any]) -> list[Any]:
    """Each callable on its own thread and connection; its result or the exception raised."""
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        try:
            results[index] = work[index]()
        except BaseException as error:  # handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


@on_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("start", ["a first proposal", "an agreement in effect"])
def test_two_partners_revising_at_once_one_wins_the_other_is_told(cast: Cast, start: str) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = proposed(cast) if start == "a first proposal" else in_effect(cast)
    seen = agreement.revision
    versions_before = AgreementVersion.objects.filter(agreement=agreement).count()
    barrier = threading.Barrier(2, timeout=5)

    def revising(user: User, terms: Terms) -> Callable[[], Any]:
        return lambda: services.revise(
            ring(user), fresh(agreement), terms, expected_revision=seen, token=uuid.uuid4()
        )

    with held_inside(versions, "check_terms", barrier):
        results = run_together(revising(alice, ALICES), revising(bob, BOBS))

    won = [r for r in results if isinstance(r, AgreementVersion)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], StaleAgreement), repr(lost[0])
    winner_terms, loser_terms = (ALICES, BOBS) if won[0].author_id == alice.pk else (BOBS, ALICES)
    now = fresh(agreement)
    assert now.revision == seen + 1 and now.pending_id == won[0].pk
    assert lost[0].current.pending_id == won[0].pk
    words = all_how_often(alice, agreement)
    assert winner_terms.how_often in words and loser_terms.how_often not in words
    assert AgreementVersion.objects.filter(agreement=agreement).count() == versions_before + 1
    assert_consistent(agreement)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_revision_form_twice_at_once_returns_one_version(cast: Cast) -> None:
    agreement = in_effect(cast)
    seen, token = agreement.revision, uuid.uuid4()
    barrier = threading.Barrier(2, timeout=5)

    def submitting() -> Any:
        return services.revise(
            ring(cast.bob.user), fresh(agreement), BOBS, expected_revision=seen, token=token
        )

    with held_inside(versions, "check_terms", barrier):
        results = run_together(submitting, submitting)

    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2
    assert_consistent(agreement)
    assert all(isinstance(r, AgreementVersion) for r in results), results
    assert results[0].pk == results[1].pk == fresh(agreement).pending_id


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_accept_twice_at_once_applies_once_without_an_error(cast: Cast) -> None:
    agreement = proposed(cast)
    pending = agreement.pending_id
    barrier = threading.Barrier(2, timeout=5)

    def accepting() -> Any:
        return services.accept(cast.bob.user, fresh(agreement), version(pending))

    with held_inside(versions, "_check_open", barrier):
        results = run_together(accepting, accepting)

    assert results == [None, None]
    now = fresh(agreement)
    assert now.status == Status.IN_EFFECT and now.current_id == pending
    assert now.revision == agreement.revision + 1  # changed once
    accepted = version(pending)
    assert (accepted.state, accepted.answered_by) == (VersionState.ACCEPTED, cast.bob.user)
    assert_consistent(agreement)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_accept_and_withdraw_at_once_one_applies_the_other_is_refused(cast: Cast) -> None:
    agreement = in_effect(cast)
    waiting = services.revise(
        ring(cast.alice.user), agreement, ALICES, expected_revision=agreement.revision
    )
    barrier = threading.Barrier(2, timeout=5)
    with held_inside(versions, "_check_open", barrier):
        results = run_together(
            lambda: services.accept(cast.bob.user, fresh(agreement), version(waiting.pk)),
            lambda: services.withdraw(cast.alice.user, fresh(agreement), version(waiting.pk)),
        )

    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], AgreementProblem), results
    now = fresh(agreement)
    state = version(waiting.pk).state
    if results[0] is None:  # the accept won
        assert state == VersionState.ACCEPTED and now.current_id == waiting.pk
    else:
        assert state == VersionState.WITHDRAWN and now.current_id != waiting.pk
    assert now.pending_id is None
    assert_consistent(agreement)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_both_finishing_the_review_at_once_finishes_it(cast: Cast) -> None:
    agreement = in_effect(cast)
    for persona in (cast.alice, cast.bob):
        services.save_review_answers(ring(persona.user), {agreement.pk: (Choice.KEEP, "")})
    barrier = threading.Barrier(2, timeout=5)

    def hold_after_counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """After this person's turn is written and the turns are read back: wait for the
        other, so both have counted before either commits."""
        result = execute(sql, params, many, context)
        table = '"agreements_reviewturn"'
        if sql.startswith("INSERT") and table in sql:
            context["connection"].turn_written = True
        elif (
            sql.startswith("SELECT")
            and table in sql
            and getattr(context["connection"], "turn_written", False)
        ):
            meet(barrier)
        return result

    def finishing(user: User) -> Callable[[], Any]:
        def work() -> Any:
            with connection.execute_wrapper(hold_after_counting):
                return services.finish_review(ring(user))

        return work

    results = run_together(finishing(cast.alice.user), finishing(cast.bob.user))
    assert all(isinstance(r, Review) for r in results), results
    assert ReviewTurn.objects.count() == 2
    review = Review.objects.get()
    assert review.finished_at is not None
    # The answers are no longer sealed: each sees the other's.
    assert ReviewAnswer.objects.visible_to(cast.alice.user).count() == 2
