"""Reading agreements and their versions: what one may see, what waits for an answer or a
conversation, opening the words, and the history of versions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, QuerySet

from accounts.models import User
from accounts.probes import Answers, Probes

# Agreement and Concern are re-exported on purpose (`X as X`): other areas may name these
# types, and reach the rest through the package's functions.
from agreements.models import Agreement as Agreement
from agreements.models import AgreementVersion, Status, VersionState
from agreements.models import Concern as Concern
from agreements.services.guards import AgreementProblem
from privacy import entries
from privacy.access import visible_or_404
from privacy.keyring import Keyring


def visible_agreement_or_404(user: User, pk: Any) -> Agreement:
    """One agreement this person may read, for another area (a conversation about it)."""
    return visible_or_404(Agreement, user, pk)


def visible_concern_or_404(user: User, pk: Any) -> Concern:
    """One concern this person may read, for another area (a conversation about it)."""
    return visible_or_404(Concern, user, pk)


def visible_agreements(user: User) -> QuerySet[Agreement]:
    return (
        Agreement.objects.visible_to(user)
        .select_related("current", "pending", "author", "stepped_back_by")
        .order_by("created_at")
    )


def waiting_for_answer(user: User) -> QuerySet[Agreement]:
    """Agreements with a proposal from the partner that this person hasn't answered."""
    return (
        visible_agreements(user)
        .filter(pending__isnull=False, status__in=(Status.PROPOSED, Status.IN_EFFECT))
        .exclude(pending__author=user)
    )


WAITING_FOR_ANSWER = "agreements.waiting_for_answer"


def today_probes(user: User) -> Probes:
    """Today's question to this practice (`accounts.probes`): a proposal to answer."""
    return {WAITING_FOR_ANSWER: Exists(waiting_for_answer(user))}


def waiting_today(user: User, answers: Answers | None = None) -> list[Agreement]:
    """`waiting_for_answer` as a list for Today: no query when its probe said none."""
    if answers is not None and not answers[WAITING_FOR_ANSWER]:
        return []
    return list(waiting_for_answer(user))


def needing_conversation(user: User) -> QuerySet[Agreement]:
    """Agreements someone stepped back from: for the weekly conversation's agenda."""
    return visible_agreements(user).filter(status=Status.IN_EFFECT, stepped_back_by__isnull=False)


def last_proposals(user: User, agreements: list[Agreement]) -> list[AgreementVersion]:
    """The last version of each agreement with nothing in effect or waiting (a first
    proposal withdrawn or not taken up), for its title: one query for all of them, through
    the access core's reading rule."""
    ids = [a.pk for a in agreements if a.current_id is None and a.pending_id is None]
    if not ids:
        return []
    latest: dict[Any, AgreementVersion] = {}
    for version in (
        AgreementVersion.objects.visible_to(user)
        .filter(agreement_id__in=ids)
        .order_by("agreement_id", "number")
    ):
        latest[version.agreement_id] = version
    return list(latest.values())


def reveal_versions(ring: Keyring, versions: Iterable[AgreementVersion]) -> list[AgreementVersion]:
    return entries.reveal(list(versions), ring)  # type: ignore[return-value]


def reveal_agreements(ring: Keyring, agreements: Iterable[Agreement | None]) -> list[Agreement]:
    """Open the current and the waiting version of each agreement (one pass, no queries).
    None stands for an agreement its author removed with their account, and is skipped."""
    chosen = [a for a in agreements if a is not None]
    versions = [v for a in chosen for v in (a.current, a.pending) if v is not None]
    reveal_versions(ring, versions)
    return chosen


def replaced_by(version: AgreementVersion) -> AgreementVersion | None:
    """The proposal this one replaced, when it replaced one (a counter-proposal made
    before anything was in effect)."""
    if version.number <= 1 or version.agreement_id is None:
        return None
    found: AgreementVersion | None = (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id,
            number__lt=version.number,
            state=VersionState.REPLACED,
        )
        .order_by("-number")
        .first()
    )
    return found


def history(agreement: Agreement) -> QuerySet[AgreementVersion]:
    return agreement.versions.select_related("author", "answered_by").order_by("number")


def version_of(agreement: Agreement, version_id: Any) -> AgreementVersion:
    """The version a form names (a hidden field), of an agreement the caller may see
    (checked by privacy.access before this is called)."""
    try:
        key = uuid.UUID(str(version_id))
    except ValueError:
        raise AgreementProblem("That proposal isn't part of this agreement.") from None
    version: AgreementVersion | None = agreement.versions.filter(pk=key).first()
    if version is None:
        raise AgreementProblem("That proposal isn't part of this agreement.")
    return version
