"""The monthly review: each partner's private answers about the agreements in effect,
sealed from the other until both have finished, then shown side by side."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from agreements.models import (
    REVIEW_NOTE_MAX,
    Agreement,
    Choice,
    Review,
    ReviewAnswer,
    ReviewTurn,
    Status,
)
from agreements.services.guards import AgreementProblem, _couple_of, _plainly, local_today
from agreements.services.reading import reveal_agreements, visible_agreements
from commitments import services as commitments
from couples import services as couples
from couples.models import Membership
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring

# -- the monthly review --------------------------------------------------------------------


def month_of(day: date) -> date:
    return day.replace(day=1)


def _adjacent_review(couple_id: Any, month: date) -> Review | None:
    """Partners in different time zones turn the month at different moments: a review one
    of them began in the last two days of *their* month is the same review."""
    found: Review | None = (
        Review.objects.filter(
            couple_id=couple_id,
            finished_at__isnull=True,
            started_at__gte=timezone.now() - timedelta(days=2),
            month__gte=month - timedelta(days=31),
            month__lte=month + timedelta(days=31),
        )
        .exclude(month=month)
        .first()
    )
    return found


def find_review(user: User, month: date | None = None) -> Review | None:
    """This month's review of this person's couple space, if it has begun."""
    membership = couples.current_membership(user)
    if membership is None:
        return None
    month = month or month_of(local_today(user))
    found: Review | None = Review.objects.filter(
        couple_id=membership.couple_id, month=month
    ).first()
    return found or _adjacent_review(membership.couple_id, month)


def _review_for_writing(user: User) -> Review:
    couple = _couple_of(user)
    month = month_of(local_today(user))
    existing = find_review(user, month)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            review, _ = Review.objects.get_or_create(couple=couple, month=month)
    except IntegrityError:  # both began it at the same moment
        review = Review.objects.get(couple=couple, month=month)
    return review


def to_review(user: User) -> list[Agreement]:
    """Every agreement in effect, the ones someone stepped back from first."""
    found = list(visible_agreements(user).filter(status=Status.IN_EFFECT))
    return sorted(found, key=lambda a: (not a.stepped_back, a.created_at))


def has_finished(user: User, review: Review | None) -> bool:
    return review is not None and review.turns.filter(user=user).exists()


def my_answers(ring: Keyring, review: Review | None) -> dict[Any, ReviewAnswer]:
    if review is None:
        return {}
    mine = list(ReviewAnswer.objects.authored_by(ring.user).filter(review=review))
    entries.reveal(mine, ring)
    return {a.agreement_id: a for a in mine}


@transaction.atomic
def save_review_answers(ring: Keyring, answers: dict[Any, tuple[str, str]]) -> Review:
    """Keep, revise or retire, with a note, per agreement: private to their author until
    both have finished. Saving again updates them, until one has finished."""
    review = _review_for_writing(ring.user)
    if review.finished_at is not None or has_finished(ring.user, review):
        raise AgreementProblem("You've finished this month's review; your answers are set.")
    reviewable = {a.pk: a for a in to_review(ring.user)}
    for agreement_id, (choice, note) in answers.items():
        if agreement_id not in reviewable:
            raise AgreementProblem(
                "One of these agreements has changed since the page was opened; please look again."
            )
        if choice not in Choice.values:
            raise AgreementProblem("Choose keep, revise or retire for each agreement.")
        note = note.strip()
        if len(note) > REVIEW_NOTE_MAX:
            raise AgreementProblem(f"A note can be up to {REVIEW_NOTE_MAX} characters.")
    existing = {
        a.agreement_id: a for a in ReviewAnswer.objects.authored_by(ring.user).filter(review=review)
    }
    for agreement_id, (choice, note) in answers.items():
        answer = existing.get(agreement_id) or ReviewAnswer(
            review=review,
            agreement_id=agreement_id,
            author=ring.user,
            couple_id=review.couple_id,
            visibility=Visibility.SHARED,
        )
        answer.updated_at = timezone.now()
        with _plainly():
            entries.encrypt_into(answer, ring, {"choice": choice, "note": note.strip() or None})
        answer.save()
    return review


@transaction.atomic
def finish_review(ring: Keyring) -> Review:
    """One person has answered for every agreement. When both have, the review is done,
    the answers show side by side, and the month's review occasion is marked kept."""
    review = _review_for_writing(ring.user)
    if review.finished_at is not None:
        return review
    if not has_finished(ring.user, review):
        needed = {a.pk for a in to_review(ring.user)}
        if not needed:
            raise AgreementProblem("There are no agreements in effect to review this month.")
        answered = set(
            ReviewAnswer.objects.authored_by(ring.user)
            .filter(review=review)
            .values_list("agreement_id", flat=True)
        )
        if needed - answered:
            raise AgreementProblem(
                "Please choose keep, revise or retire for every agreement first."
            )
        _, turn_is_new = ReviewTurn.objects.get_or_create(review=review, user=ring.user)
        if turn_is_new:
            activity.tell_partner(
                ring.user, "agreements.review_finished", reverse("agreements:review")
            )
    return _finish_if_both(ring, review)


@transaction.atomic
def save_and_finish_review(ring: Keyring, answers: dict[Any, tuple[str, str]]) -> Review:
    """Save what the finishing form holds, then finish one's part: both steps or neither, so
    a refused finish leaves the saved answers as they were."""
    if answers:
        save_review_answers(ring, answers)
    return finish_review(ring)


def _finish_if_both(ring: Keyring, review: Review) -> Review:
    """Both have finished: the review is done. The review row is locked first, so when
    both finish at the same moment the second one to get the lock sees both turns (the
    other's committed) and finishes it; finishing again also gets here."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    members = Membership.objects.current().filter(couple_id=review.couple_id)
    everyone = set(members.values_list("user_id", flat=True))
    done = set(review.turns.values_list("user_id", flat=True))
    if len(everyone) == 2 and everyone <= done and review.finished_at is None:
        review.finished_at = timezone.now()
        review.save(update_fields=["finished_at"])
        first, last = commitments.month_bounds(review.month.year, review.month.month)
        # When the rhythm can't be marked (a key not here yet), the review still counts.
        with suppress(commitments.CommitmentProblem):
            commitments.keep_rhythm_in(ring, commitments.RhythmKind.REVIEW, (first, last))
    return review


@dataclass
class ReviewRow:
    agreement: Agreement
    mine: ReviewAnswer | None
    theirs: ReviewAnswer | None

    @property
    def differs(self) -> bool:
        if self.mine is None or self.theirs is None:
            return True
        return bool(self.mine.plain.get("choice") != self.theirs.plain.get("choice"))


def review_results(ring: Keyring, review: Review) -> list[ReviewRow]:
    """Both partners' answers side by side, once both have finished (before that, the
    access rule shows a person only their own)."""
    answers = entries.reveal(
        list(
            ReviewAnswer.objects.visible_to(ring.user)
            .filter(review=review)
            .select_related("agreement__current", "agreement__pending")
        ),
        ring,
    )
    rows: dict[Any, ReviewRow] = {}
    for answer in answers:
        assert isinstance(answer, ReviewAnswer)
        if answer.agreement is None:  # removed with its author's account
            continue
        row = rows.setdefault(answer.agreement_id, ReviewRow(answer.agreement, None, None))
        if answer.author_id == ring.user.pk:
            row.mine = answer
        else:
            row.theirs = answer
    reveal_agreements(ring, [r.agreement for r in rows.values()])
    return sorted(rows.values(), key=lambda r: (not r.differs, r.agreement.created_at))


def past_reviews(user: User) -> QuerySet[Review]:
    membership = couples.current_membership(user)
    if membership is None:
        return Review.objects.none()
    return Review.objects.filter(couple_id=membership.couple_id, finished_at__isnull=False)
