"""Agreements and their versions: proposing, answering, revising and retiring, and
stepping back. Nobody changes an agreement alone; every action names the revision it saw
(see the package's docstring)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from agreements.models import Agreement, AgreementVersion, Change, Status, VersionState
from agreements.services.guards import (
    AgreementProblem,
    StaleAgreement,
    _check_open,
    _claim,
    _couple_of,
    _plainly,
)
from agreements.services.reading import reveal_versions
from agreements.services.terms import Terms, check_terms
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring

_USED_FORM = "This form was already used for something else. Please open it again."


def _version_by_token(user: User, token: uuid.UUID | None) -> AgreementVersion | None:
    if token is None:
        return None
    found: AgreementVersion | None = (
        AgreementVersion.objects.filter(author=user, form_token=token)
        .select_related("agreement")
        .first()
    )
    return found


def _add_version(
    ring: Keyring,
    agreement: Agreement,
    change: str,
    terms: Terms,
    token: uuid.UUID | None,
) -> AgreementVersion:
    number = (
        agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = AgreementVersion(
        agreement=agreement,
        author=ring.user,
        couple_id=agreement.couple_id,
        visibility=Visibility.SHARED,
        number=number,
        change=change,
        form_token=token,
    )
    with _plainly():
        entries.encrypt_into(version, ring, terms.as_values())
    version.save(force_insert=True)
    return version


# -- proposing and answering ---------------------------------------------------------------


@transaction.atomic
def propose(ring: Keyring, kind: str, terms: Terms, *, token: uuid.UUID | None = None) -> Agreement:
    """A new agreement, waiting for the partner. A second submit of the same form (same
    token) returns the first and changes nothing."""
    earlier = _version_by_token(ring.user, token)
    if earlier is not None:
        if earlier.number != 1 or earlier.agreement is None:
            raise AgreementProblem(_USED_FORM)
        return earlier.agreement
    terms = check_terms(kind, terms)
    couple = _couple_of(ring.user)
    agreement = Agreement(
        author=ring.user,
        couple=couple,
        visibility=Visibility.SHARED,
        kind=kind,
        form_token=token,
    )
    try:
        with transaction.atomic():
            agreement.save(force_insert=True)
            version = _add_version(ring, agreement, Change.PROPOSE, terms, token)
    except IntegrityError:
        again = _version_by_token(ring.user, token)
        if again is None or again.agreement is None:
            raise
        return again.agreement
    agreement.pending = version
    agreement.save(update_fields=["pending"])
    _tell(ring.user, "agreements.proposed", agreement)
    return agreement


@transaction.atomic
def revise(
    ring: Keyring,
    agreement: Agreement,
    terms: Terms,
    *,
    expected_revision: int,
    token: uuid.UUID | None = None,
) -> AgreementVersion:
    """Propose new words. The accepted version (if any) holds until the partner accepts
    these; a proposal still waiting is replaced by this one."""
    earlier = _version_by_token(ring.user, token)
    if earlier is not None:
        if earlier.agreement_id != agreement.pk or earlier.change != Change.REVISE:
            raise AgreementProblem(_USED_FORM)
        return earlier
    terms = check_terms(agreement.kind, terms)
    _check_open(agreement)
    if agreement.status not in (Status.PROPOSED, Status.IN_EFFECT):
        raise AgreementProblem("This agreement has ended; propose a new one instead.")
    try:
        _claim(agreement, expected_revision)
    except StaleAgreement:
        # The same form sent twice at once: the other request made the version.
        again = _version_by_token(ring.user, token)
        if again is not None and again.agreement_id == agreement.pk:
            return again
        raise
    _replace_pending(agreement)
    version = _add_version(ring, agreement, Change.REVISE, terms, token)
    agreement.pending = version
    agreement.save(update_fields=["pending"])
    _tell(ring.user, "agreements.revised", agreement)
    return version


@transaction.atomic
def propose_retiring(
    ring: Keyring, agreement: Agreement, *, expected_revision: int, token: uuid.UUID | None = None
) -> AgreementVersion:
    """Propose ending an agreement in effect; it holds until the partner accepts."""
    earlier = _version_by_token(ring.user, token)
    if earlier is not None:
        if earlier.agreement_id != agreement.pk or earlier.change != Change.RETIRE:
            raise AgreementProblem(_USED_FORM)
        return earlier
    _check_open(agreement)
    if agreement.status != Status.IN_EFFECT or agreement.current is None:
        raise AgreementProblem("Only an agreement in effect can be retired.")
    (current,) = reveal_versions(ring, [agreement.current])
    if current.waiting or current.unreadable:
        raise AgreementProblem("This agreement can't be opened right now; try again later.")
    _claim(agreement, expected_revision)
    _replace_pending(agreement)
    version = _add_version(ring, agreement, Change.RETIRE, Terms.from_plain(current.plain), token)
    agreement.pending = version
    agreement.save(update_fields=["pending"])
    _tell(ring.user, "agreements.revised", agreement)
    return version


def _replace_pending(agreement: Agreement) -> None:
    if agreement.pending_id is not None:
        AgreementVersion.objects.filter(pk=agreement.pending_id, state=VersionState.PENDING).update(
            state=VersionState.REPLACED, answered_at=timezone.now()
        )


def _pending_or_problem(
    user: User, agreement: Agreement, version: AgreementVersion, wanted: str
) -> bool:
    """True when there is something to do; False when this person already did exactly
    this (a double submit: `wanted` is the state the action leads to). AgreementProblem
    when the version can't be answered."""
    version.refresh_from_db()
    if version.agreement_id != agreement.pk:
        raise AgreementProblem("That proposal belongs to another agreement.")
    if version.state != VersionState.PENDING:
        if version.answered_by_id == user.pk and version.state == wanted:
            return False
        if version.state == VersionState.REPLACED:
            raise AgreementProblem(
                "That proposal has since been replaced by a newer one. Here is the newest."
            )
        raise AgreementProblem("That proposal has already been answered.")
    if agreement.pending_id != version.pk:
        raise AgreementProblem(
            "That proposal has since been replaced by a newer one. Here is the newest."
        )
    return True


@transaction.atomic
def accept(user: User, agreement: Agreement, version: AgreementVersion) -> None:
    """The other partner accepts a waiting proposal: it takes effect now."""
    _check_open(agreement)
    if not _pending_or_problem(user, agreement, version, VersionState.ACCEPTED):
        return
    if version.author_id == user.pk:
        raise AgreementProblem(
            "You proposed this, so it takes effect when your partner accepts it."
        )
    now = timezone.now()
    claimed = AgreementVersion.objects.filter(pk=version.pk, state=VersionState.PENDING).update(
        state=VersionState.ACCEPTED, answered_by=user, answered_at=now
    )
    if claimed != 1:  # answered a moment ago by the other tab
        version.refresh_from_db()
        if version.answered_by_id == user.pk and version.state == VersionState.ACCEPTED:
            return
        raise AgreementProblem("That proposal has already been answered.")
    changes: dict[str, Any] = {"pending": None}
    if version.change == Change.RETIRE:
        changes |= {"status": Status.RETIRED, "stepped_back_by": None, "stepped_back_at": None}
    else:
        changes |= {
            "status": Status.IN_EFFECT,
            "current": version,
            "joint": True,
            "stepped_back_by": None,
            "stepped_back_at": None,
        }
    _claim(agreement, agreement.revision, **changes)
    _tell(user, "agreements.accepted", agreement)


def _tell(user: User, kind: str, agreement: Agreement) -> None:
    url = reverse("agreements:detail", args=[agreement.pk])
    activity.tell_partner(user, kind, url, entry=agreement)


@transaction.atomic
def decline(user: User, agreement: Agreement, version: AgreementVersion) -> None:
    """ "Not this one": the proposal is set aside. A first proposal ends there; a revision
    or retiring leaves the accepted version in effect."""
    _check_open(agreement)
    if not _pending_or_problem(user, agreement, version, VersionState.DECLINED):
        return
    if version.author_id == user.pk:
        raise AgreementProblem("This is your own proposal; you can withdraw it instead.")
    _close_pending(user, agreement, version, VersionState.DECLINED)


@transaction.atomic
def withdraw(user: User, agreement: Agreement, version: AgreementVersion) -> None:
    _check_open(agreement)
    if version.author_id != user.pk:
        raise AgreementProblem("Only the person who proposed this can withdraw it.")
    if not _pending_or_problem(user, agreement, version, VersionState.WITHDRAWN):
        return
    _close_pending(user, agreement, version, VersionState.WITHDRAWN)


def _close_pending(user: User, agreement: Agreement, version: AgreementVersion, state: str) -> None:
    claimed = AgreementVersion.objects.filter(pk=version.pk, state=VersionState.PENDING).update(
        state=state, answered_by=user, answered_at=timezone.now()
    )
    if claimed != 1:
        raise AgreementProblem("That proposal has already been answered.")
    changes: dict[str, Any] = {"pending": None}
    if agreement.status == Status.PROPOSED:
        changes["status"] = Status.NOT_AGREED
    _claim(agreement, agreement.revision, **changes)


# -- stepping back -------------------------------------------------------------------------


@transaction.atomic
def step_back(user: User, agreement: Agreement) -> None:
    """Either partner, alone, at any time: it then needs a conversation."""
    _check_open(agreement)
    if agreement.status != Status.IN_EFFECT:
        raise AgreementProblem("Only an agreement in effect can be stepped back from.")
    if agreement.stepped_back:
        return  # already marked for a conversation, by either of them
    _claim(
        agreement,
        agreement.revision,
        stepped_back_by=user,
        stepped_back_at=timezone.now(),
    )


@transaction.atomic
def step_back_in(user: User, agreement: Agreement) -> None:
    """The one who stepped back may take it up again as it stands."""
    _check_open(agreement)
    if not agreement.stepped_back:
        return
    if agreement.stepped_back_by_id != user.pk:
        raise AgreementProblem(
            "Only the one who stepped back can take it up again; you can talk it through, "
            "or propose a revision."
        )
    _claim(agreement, agreement.revision, stepped_back_by=None, stepped_back_at=None)
