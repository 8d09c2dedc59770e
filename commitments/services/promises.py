"""Making and changing a commitment: its words, its cadence, pausing and retiring, and the
rituals both partners agreed to. Every change names the revision it saw (`_claim_revision`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from commitments.models import (
    Cadence,
    Commitment,
    Kind,
    Schedule,
    Status,
)
from commitments.occurrences import Rule
from couples.models import CoupleSpace
from privacy import entries
from privacy.keyring import Keyring


class CommitmentProblem(Exception):
    """A plain reason why nothing changed."""


class StaleEdit(CommitmentProblem):
    """Someone changed this commitment since the form was opened."""

    def __init__(self, current: Commitment) -> None:
        super().__init__(
            "This commitment was changed while you were editing it. Here is how it reads now; "
            "what you typed is kept below so you can apply it again."
        )
        self.current = current


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


# -- validation -----------------------------------------------------------------------------


def check_plan(rule: Rule, starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise CommitmentProblem("The end date is before the start date.")
    if rule.cadence == Cadence.WEEKLY:
        if not rule.weekdays:
            raise CommitmentProblem("Choose at least one day of the week.")
        if any(d not in range(7) for d in rule.weekdays):
            raise CommitmentProblem("Days of the week go from Monday to Sunday.")
    if rule.cadence == Cadence.MONTHLY:
        by_day = rule.month_day is not None
        by_weekday = rule.month_weekday is not None
        if by_day == by_weekday:
            raise CommitmentProblem(
                "Choose either a day of the month, or a weekday such as the second Sunday."
            )
        if by_day and rule.month_day not in range(1, 32):
            raise CommitmentProblem("A day of the month is between 1 and 31.")
        if by_weekday and (
            rule.month_weekday not in range(7) or rule.month_week not in (1, 2, 3, 4, -1)
        ):
            raise CommitmentProblem("Choose which weekday: first to fourth, or the last.")


def _check_text(title: str) -> str:
    title = title.strip()
    if not title:
        raise CommitmentProblem("Please give the commitment a few words.")
    return title


def _schedule(commitment: Commitment, rule: Rule, effective_from: date) -> Schedule:
    return Schedule.objects.create(
        commitment=commitment,
        effective_from=effective_from,
        cadence=rule.cadence,
        weekdays=",".join(str(d) for d in sorted(set(rule.weekdays))),
        month_day=rule.month_day,
        month_week=rule.month_week if rule.month_weekday is not None else None,
        month_weekday=rule.month_weekday,
    )


# -- making and changing --------------------------------------------------------------------


@transaction.atomic
def create_commitment(
    ring: Keyring,
    *,
    title: str,
    rule: Rule,
    starts_on: date,
    ends_on: date | None = None,
    details: str = "",
    shared: bool = True,
    kind: str = Kind.PROMISE,
    joint: bool = False,
) -> Commitment:
    title = _check_text(title)
    check_plan(rule, starts_on, ends_on)
    commitment = Commitment(
        author=ring.user, kind=kind, joint=joint, starts_on=starts_on, ends_on=ends_on
    )
    entries.encrypt_into(commitment, ring, {"title": title, "details": details.strip() or None})
    commitment.save()
    _schedule(commitment, rule, starts_on)
    if shared or joint:
        try:
            entries.share(commitment, ring)
        except entries.NotReady as reason:
            raise CommitmentProblem(str(reason)) from None
    return commitment


def start_ritual(ring: Keyring, *, title: str, weekday: int, starts_on: date) -> Commitment:
    """A ritual both partners agreed to: a joint commitment of its own kind (its own colour
    on the calendar), weekly on one day, which either may mark or rest."""
    if weekday not in range(7):
        raise CommitmentProblem("Please choose a day of the week.")
    return create_commitment(
        ring,
        title=title,
        rule=Rule(Cadence.WEEKLY, weekdays=(weekday,)),
        starts_on=starts_on,
        kind=Kind.RITUAL,
        joint=True,
    )


@transaction.atomic
def rest_ritual(user: User, commitment_id: Any, resting: bool) -> None:
    """Pause a ritual for a while, or take it up again: either partner, no reason needed."""
    ritual = (
        Commitment.objects.visible_to(user)
        .filter(pk=commitment_id, kind=Kind.RITUAL, joint=True)
        .exclude(status=Status.RETIRED)
        .first()
    )
    if ritual is None:
        raise CommitmentProblem("This ritual isn't here any more.")
    ritual.status = Status.PAUSED if resting else Status.ACTIVE
    ritual.save(update_fields=["status"])


def ritual_statuses(user: User, commitment_ids: Iterable[Any]) -> dict[Any, str]:
    """Active or paused, for the rituals' own list (one query)."""
    return dict(
        Commitment.objects.visible_to(user)
        .filter(pk__in=list(commitment_ids), kind=Kind.RITUAL)
        .values_list("pk", "status")
    )


@contextmanager
def _plainly() -> Iterator[None]:
    """A key that hasn't arrived yet is a plain reason, not an error page."""
    try:
        yield
    except entries.NotReady as reason:
        raise CommitmentProblem(str(reason)) from None


def _check_open(commitment: Commitment) -> None:
    """Joint records stay with the one who remains after a leave, as history only."""
    if commitment.joint and commitment.couple_id is not None:
        ended = CoupleSpace.objects.filter(pk=commitment.couple_id, ended_at__isnull=False)
        if ended.exists():
            raise CommitmentProblem(
                "This was kept together with a partner who has since left; it stays as history."
            )


def _claim_revision(commitment: Commitment, expected: int) -> None:
    """Optimistic lock: only the form that saw the current revision may change it."""
    claimed = Commitment.objects.filter(pk=commitment.pk, revision=expected).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        current = Commitment.objects.get(pk=commitment.pk)
        raise StaleEdit(current)
    commitment.revision = expected + 1


@transaction.atomic
def edit_commitment(
    ring: Keyring,
    commitment: Commitment,
    *,
    expected_revision: int,
    title: str,
    details: str,
    ends_on: date | None,
) -> None:
    title = _check_text(title)
    if ends_on is not None and ends_on < commitment.starts_on:
        raise CommitmentProblem("The end date is before the start date.")
    _check_open(commitment)
    _claim_revision(commitment, expected_revision)
    with _plainly():
        entries.encrypt_into(commitment, ring, {"title": title, "details": details.strip() or None})
    commitment.ends_on = ends_on
    commitment.save(update_fields=["title", "details", "ends_on"])


@transaction.atomic
def change_cadence(
    ring: Keyring, commitment: Commitment, *, expected_revision: int, rule: Rule
) -> None:
    """Applies from today on; the past keeps its schedule, its occasions and their outcomes."""
    today = local_today(ring.user)
    first = max(today, commitment.starts_on)
    if rule.cadence == Cadence.ONCE:
        raise CommitmentProblem(
            "A commitment can't become a one-time one once it has begun; make a new one instead."
        )
    check_plan(rule, first, commitment.ends_on)
    _check_open(commitment)
    _claim_revision(commitment, expected_revision)
    commitment.schedules.filter(effective_from__gte=first).delete()
    _schedule(commitment, rule, first)


@transaction.atomic
def set_status(
    commitment: Commitment, status: str, *, expected_revision: int, by: User | None = None
) -> None:
    """Pausing or retiring is anyone's to do alone. A joint rhythm starts again only when
    both agree (rule 6): one partner bringing it back suggests it to the other."""
    if status not in Status.values or status == Status.SUGGESTED:
        raise CommitmentProblem("That isn't a status a commitment can have.")
    _check_open(commitment)
    _claim_revision(commitment, expected_revision)
    resuming = status == Status.ACTIVE and commitment.status != Status.ACTIVE
    if commitment.joint and resuming and by is not None:
        commitment.status = Status.SUGGESTED
        commitment.suggested_by = by
        commitment.save(update_fields=["status", "suggested_by"])
        return
    commitment.status = status
    commitment.suggested_by = None
    commitment.save(update_fields=["status", "suggested_by"])
