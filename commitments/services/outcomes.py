"""Marking an occasion (kept, partly kept, missed: one outcome per occasion) and the
partner's “I noticed”, which turns effort into evidence."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from commitments.models import (
    Commitment,
    Noticed,
    Outcome,
    Result,
    Status,
)
from commitments.occurrences import falls_on
from commitments.services.promises import (
    CommitmentProblem,
    _check_open,
    _plainly,
    local_today,
)
from privacy import entries, rules
from privacy.entries import Visibility
from privacy.keyring import Keyring

# -- marking and noticing -------------------------------------------------------------------


def may_mark(user: User, commitment: Commitment) -> bool:
    return rules.may_change(user, commitment)


def _check_occasion(
    commitment: Commitment, on_date: date, today: date, *, ahead_ok: bool = False
) -> None:
    _check_open(commitment)
    if commitment.status != Status.ACTIVE:
        raise CommitmentProblem(
            "This commitment is paused or retired, so its days can't be marked now."
        )
    if on_date > today and not ahead_ok:
        raise CommitmentProblem("That day hasn't come yet; it can be marked once it's here.")
    schedules = list(commitment.schedules.all())
    if not falls_on(schedules, commitment.starts_on, commitment.ends_on, on_date):
        raise CommitmentProblem("This commitment doesn't fall on that day.")


@transaction.atomic
def record_outcome(
    ring: Keyring,
    commitment: Commitment,
    on_date: date,
    result: str,
    *,
    in_the_way: str = "",
    will_change: str = "",
    ahead_ok: bool = False,
) -> Outcome:
    """One outcome per occasion: marking again updates it, never adds a second.
    `ahead_ok` is for a practice done early for its period (see `keep_rhythm_in`)."""
    user = ring.user
    if not may_mark(user, commitment):
        raise CommitmentProblem("Only the person who made this commitment marks how it went.")
    if result not in Result.values:
        raise CommitmentProblem("Choose kept, partly kept, or missed.")
    _check_occasion(commitment, on_date, local_today(user), ahead_ok=ahead_ok)
    outcome = Outcome.objects.filter(commitment=commitment, on_date=on_date).first()
    if outcome is None:
        outcome = Outcome(commitment=commitment, on_date=on_date)
    outcome.author = user
    outcome.result = ""  # never in clear again (see Outcome.how_it_went)
    outcome.visibility = commitment.visibility
    outcome.couple_id = commitment.couple_id
    outcome.updated_at = timezone.now()
    reflection = result != Result.KEPT
    with _plainly():
        entries.encrypt_into(
            outcome,
            ring,
            {
                "how_it_went": result,
                "in_the_way": (in_the_way.strip() or None) if reflection else None,
                "will_change": (will_change.strip() or None) if reflection else None,
            },
        )
    try:
        with transaction.atomic():
            outcome.save()
    except IntegrityError:  # the same submit twice at once: the other one won; update it
        existing = Outcome.objects.get(commitment=commitment, on_date=on_date)
        return record_outcome(
            ring,
            commitment,
            existing.on_date,
            result,
            in_the_way=in_the_way,
            will_change=will_change,
        )
    return outcome


@transaction.atomic
def notice(ring: Keyring, commitment: Commitment, on_date: date, note: str = "") -> Noticed:
    user = ring.user
    if rules.may_change(user, commitment):
        raise CommitmentProblem(
            "\u201cI noticed\u201d is for your partner's commitments, not your own."
        )
    if not rules.may_notice(user, commitment):
        raise CommitmentProblem("This commitment isn't shared with you.")
    _check_occasion(commitment, on_date, local_today(user))
    noticed = Noticed.objects.filter(commitment=commitment, on_date=on_date, author=user).first()
    if noticed is None:
        noticed = Noticed(commitment=commitment, on_date=on_date, author=user)
    noticed.couple_id = commitment.couple_id
    noticed.visibility = Visibility.SHARED
    noticed.updated_at = timezone.now()
    with _plainly():
        entries.encrypt_into(noticed, ring, {"note": note.strip() or None})
    try:
        with transaction.atomic():
            noticed.save()
    except IntegrityError:
        return notice(ring, commitment, on_date, note)
    activity.tell_partner(
        user,
        "commitments.noticed",
        reverse("commitments:occasion", args=[commitment.pk, on_date]),
        entry=noticed,
    )
    return noticed
