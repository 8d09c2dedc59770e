"""A project's dated steps on the calendar (`projects.services` calls these): a joint
one-time commitment of their own kind, ticked, unticked, or ended with the project."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from commitments.models import (
    Cadence,
    Commitment,
    Kind,
    Outcome,
    Result,
    Status,
)
from commitments.occurrences import Rule
from commitments.services.outcomes import record_outcome
from commitments.services.promises import create_commitment
from privacy.keyring import Keyring

# -- project steps (projects.services) -------------------------------------------------------


def plan_project_step(ring: Keyring, *, title: str, on: date) -> Commitment:
    """A dated step of a project both share: a joint one-time commitment of its own kind, so
    it shows on both calendars in its own colour and either may keep it."""
    return create_commitment(
        ring, title=title, rule=Rule(Cadence.ONCE), starts_on=on, kind=Kind.PROJECT, joint=True
    )


def _project_step(user: User, commitment_id: Any) -> Commitment | None:
    found: Commitment | None = (
        Commitment.objects.visible_to(user)
        .filter(pk=commitment_id, kind=Kind.PROJECT, joint=True)
        .prefetch_related("schedules")
        .first()
    )
    return found


@transaction.atomic
def mark_project_step(ring: Keyring, commitment_id: Any, done: bool) -> None:
    """A step ticked off (its day kept, even ahead of time) or unticked (its mark removed)."""
    step = _project_step(ring.user, commitment_id)
    if step is None or step.status != Status.ACTIVE:
        return
    if done:
        record_outcome(ring, step, step.starts_on, Result.KEPT, ahead_ok=True)
    else:
        Outcome.objects.filter(commitment=step, on_date=step.starts_on).delete()


def end_project_steps(user: User, commitment_ids: Iterable[Any]) -> None:
    """Steps left unticked when a project is done together leave the calendar quietly."""
    Commitment.objects.visible_to(user).filter(
        pk__in=list(commitment_ids), kind=Kind.PROJECT, joint=True
    ).update(status=Status.RETIRED, updated_at=timezone.now())
