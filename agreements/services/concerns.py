"""Concerns: raising one about an agreement (a private draft until sent), the partner's
answer, and settling it or keeping it open."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from agreements.models import (
    CONCERN_MAX,
    Agreement,
    Concern,
    ConcernAnswer,
    Status,
)
from agreements.services.guards import AgreementProblem, _check_open, _plainly
from couples import services as couples
from privacy import entries
from privacy.keyring import Keyring

# -- concerns ------------------------------------------------------------------------------


def _check_concern_text(
    values: dict[str, str], required: str, label: str, *, send: bool
) -> dict[str, str]:
    tidy = {k: v.strip() for k, v in values.items()}
    for value in tidy.values():
        if len(value) > CONCERN_MAX:
            raise AgreementProblem(f"Each answer can be up to {CONCERN_MAX:,} characters.")
    if not any(tidy.values()):
        raise AgreementProblem("Please write something first; nothing was saved.")
    if send and not tidy[required]:
        raise AgreementProblem(f"Please write \u201c{label}\u201d before sending.")
    return tidy


def _concern_by_token(user: User, token: uuid.UUID | None) -> Concern | None:
    if token is None:
        return None
    found: Concern | None = Concern.objects.authored_by(user).filter(form_token=token).first()
    return found


@transaction.atomic
def write_concern(
    ring: Keyring,
    agreement: Agreement,
    *,
    what_happened: str,
    how_it_felt: str,
    what_i_need: str,
    send: bool,
    concern: Concern | None = None,
    token: uuid.UUID | None = None,
) -> Concern:
    """A concern is private while it's a draft; sending shares it with the partner and
    opens a repair topic. A sent concern isn't edited any more. A second submit of the
    form that started it (same token) changes nothing."""
    if concern is None:
        concern = _concern_by_token(ring.user, token)
        if concern is not None and concern.agreement_id == agreement.pk:
            return concern
    if concern is not None:
        if concern.author_id != ring.user.pk or concern.agreement_id != agreement.pk:
            raise PermissionError("Only the author can change a concern.")
        if concern.sent_at is not None:
            return concern  # already sent (a double submit): nothing changes
    _check_open(agreement)
    if agreement.status != Status.IN_EFFECT:
        raise AgreementProblem("A concern can be raised about an agreement in effect.")
    values = {
        "what_happened": what_happened,
        "how_it_felt": how_it_felt,
        "what_i_need": what_i_need,
    }
    tidy = _check_concern_text(values, "what_happened", "What happened", send=send)
    if concern is None:
        concern = Concern(
            author=ring.user, agreement=agreement, couple_id=agreement.couple_id, form_token=token
        )
    concern.updated_at = timezone.now()
    with _plainly():
        entries.encrypt_into(concern, ring, {k: v or None for k, v in tidy.items()})
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:  # the same form twice at once: the other one won
        earlier = _concern_by_token(ring.user, token)
        if earlier is None:
            raise
        return earlier
    if send:
        with _plainly():
            entries.share(concern, ring)
        concern.sent_at = timezone.now()
        concern.save(update_fields=["sent_at"])
    return concern


@transaction.atomic
def answer_concern(
    ring: Keyring,
    concern: Concern,
    *,
    what_i_did: str,
    how_it_affected: str,
    what_i_will_do: str,
    send: bool,
) -> ConcernAnswer:
    """The partner's answer, owning their part. Private while a draft; sent, both see it."""
    if concern.author_id == ring.user.pk:
        raise AgreementProblem("This is your own concern; your partner answers it.")
    if concern.sent_at is None or not concern.is_shared:
        raise AgreementProblem("This concern hasn't been sent.")
    answer: ConcernAnswer | None = ConcernAnswer.objects.filter(concern=concern).first()
    if answer is not None:
        if answer.author_id != ring.user.pk:
            raise PermissionError("Only the partner who answers can change the answer.")
        if answer.sent_at is not None:
            return answer  # already sent (a double submit): nothing changes
    values = {
        "what_i_did": what_i_did,
        "how_it_affected": how_it_affected,
        "what_i_will_do": what_i_will_do,
    }
    tidy = _check_concern_text(values, "what_i_will_do", "What I will do", send=send)
    if answer is None:
        answer = ConcernAnswer(concern=concern, author=ring.user, couple_id=concern.couple_id)
    answer.updated_at = timezone.now()
    with _plainly():
        entries.encrypt_into(answer, ring, {k: v or None for k, v in tidy.items()})
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:  # a double submit of the first draft: the other one won
        existing: ConcernAnswer = ConcernAnswer.objects.get(concern=concern)
        return existing
    if send:
        with _plainly():
            entries.share(answer, ring)
        answer.sent_at = timezone.now()
        answer.save(update_fields=["sent_at"])
    return answer


SUGGESTED, SETTLED, ALREADY = "suggested", "settled", "already"


@transaction.atomic
def settle(user: User, concern: Concern) -> str:
    """That it has been talked through settles only when both agree: the first to say so
    suggests it, and the repair topic stays open until the other says yes too (alone, once
    the partner has left). Nothing is counted. Returns what happened: SUGGESTED, SETTLED,
    or ALREADY (settled before, or suggested by this person already)."""
    if concern.sent_at is None:
        raise AgreementProblem("This concern hasn't been sent.")
    found = Concern.objects.select_for_update().filter(pk=concern.pk).first()
    if found is None or found.settled_at is not None:
        return ALREADY
    suggested_by = found.settle_suggested_by_id
    if suggested_by == user.pk:
        return ALREADY
    if suggested_by is None and couples.partner_of(user) is not None:
        Concern.objects.filter(pk=concern.pk).update(settle_suggested_by=user)
        concern.refresh_from_db()
        return SUGGESTED
    Concern.objects.filter(pk=concern.pk, settled_at__isnull=True).update(settled_at=timezone.now())
    concern.refresh_from_db()
    return SETTLED


@transaction.atomic
def keep_open(user: User, concern: Concern) -> bool:
    """Not yet: the other declines the suggestion, or its author takes it back. The topic
    stays open, as it was; no reason is asked. Returns whether a suggestion was set aside."""
    if concern.sent_at is None:
        raise AgreementProblem("This concern hasn't been sent.")
    cleared = Concern.objects.filter(
        pk=concern.pk, settled_at__isnull=True, settle_suggested_by__isnull=False
    ).update(settle_suggested_by=None)
    concern.refresh_from_db()
    return bool(cleared)


def visible_concerns(user: User) -> QuerySet[Concern]:
    """One's own (drafts too) and the partner's sent ones, newest first."""
    return (
        Concern.objects.visible_to(user)
        .select_related("agreement__current", "agreement__pending", "author")
        .order_by("-created_at")
    )


def my_drafts(user: User) -> QuerySet[Concern]:
    """This person's concerns not sent yet: only ever theirs."""
    return Concern.objects.authored_by(user).filter(sent_at__isnull=True).order_by("-created_at")


def open_topics(user: User) -> QuerySet[Concern]:
    """Repair topics: concerns sent and not yet talked through (for a conversation)."""
    return visible_concerns(user).filter(
        sent_at__isnull=False, settled_at__isnull=True, agreement__isnull=False
    )


def concern_answer(user: User, concern: Concern) -> ConcernAnswer | None:
    """The answer this person may see: their own (a draft too), or a sent one."""
    found: ConcernAnswer | None = (
        ConcernAnswer.objects.visible_to(user).filter(concern=concern).first()
    )
    return found


def reveal_concern(ring: Keyring, concern: Concern) -> tuple[Concern, ConcernAnswer | None]:
    entries.reveal([concern], ring)
    answer = concern_answer(ring.user, concern)
    if answer is not None:
        entries.reveal([answer], ring)
    return concern, answer
