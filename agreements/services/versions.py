"""Agreements and their versions: the words of a version, proposing, answering, revising
and retiring, stepping back, and reading what one may see. Nobody changes an agreement
alone; every action names the revision it saw (see the package's docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from agreements.models import (
    FIELD_MAX,
    NOTES_MAX,
    TITLE_MAX,
    AgreementVersion,
    Area,
    Change,
    Kind,
    Status,
    VersionState,
)

# Re-exported on purpose (`X as X`): other areas may name these types, and reach the rest
# through the functions below.
from agreements.models import Agreement as Agreement
from agreements.models import Concern as Concern
from couples import services as couples
from couples.models import CoupleSpace
from privacy import entries
from privacy.access import visible_or_404
from privacy.entries import Visibility
from privacy.keyring import Keyring


class AgreementProblem(Exception):
    """A plain reason why nothing changed."""


class StaleAgreement(AgreementProblem):
    """The agreement changed since the form was opened."""

    def __init__(self, current: Agreement) -> None:
        super().__init__(
            "This agreement changed while you had it open. Here is how it stands now; "
            "what you typed is kept below, so nothing is lost."
        )
        self.current = current


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


# -- the words of a version ----------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """The words of one version. Which fields count depends on the kind."""

    title: str = ""
    what: str = ""
    how_often: str = ""
    channel: str = ""
    area: str = ""
    text: str = ""
    notes: str = ""

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Terms:
        return cls(**{f.name: plain.get(f.name) or "" for f in fields(cls)})

    def as_values(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) or None for f in fields(self)}


# Field labels in the order a person reads them, by kind: pages and comparisons use these.
FIELD_LABELS: dict[str, list[tuple[str, str]]] = {
    Kind.TRANSPARENCY: [
        ("title", "In a few words"),
        ("what", "What will be shared"),
        ("how_often", "How often"),
        ("channel", "Through which channel"),
        ("notes", "Notes"),
    ],
    Kind.BOUNDARY: [
        ("title", "In a few words"),
        ("area", "What it's about"),
        ("text", "The boundary"),
        ("notes", "Notes"),
    ],
    Kind.OTHER: [
        ("title", "In a few words"),
        ("text", "What we agree"),
        ("notes", "Notes"),
    ],
    Kind.HEADING: [
        ("text", "Where we're heading"),
    ],
}

_LIMITS = {
    "title": TITLE_MAX,
    "what": FIELD_MAX,
    "how_often": FIELD_MAX,
    "channel": FIELD_MAX,
    "text": FIELD_MAX * 2,
    "notes": NOTES_MAX,
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    Kind.TRANSPARENCY: ("title", "what", "how_often", "channel"),
    Kind.BOUNDARY: ("title", "area", "text"),
    Kind.OTHER: ("title", "text"),
    Kind.HEADING: ("text",),
}


def check_terms(kind: str, terms: Terms) -> Terms:
    """The words, tidied, with only the fields this kind uses; AgreementProblem otherwise."""
    if kind not in Kind.values:
        raise AgreementProblem("That kind of agreement isn't one Tending offers.")
    used = {name for name, _ in FIELD_LABELS[kind]}
    tidy = {f.name: (getattr(terms, f.name) or "").strip() for f in fields(Terms)}
    tidy = {name: (value if name in used else "") for name, value in tidy.items()}
    labels = dict(FIELD_LABELS[kind])
    for name in _REQUIRED[kind]:
        if not tidy[name]:
            raise AgreementProblem(f"Please fill in \u201c{labels[name]}\u201d.")
    for name, limit in _LIMITS.items():
        if len(tidy[name]) > limit:
            raise AgreementProblem(
                f"\u201c{labels.get(name, name)}\u201d can be up to {limit:,} characters."
            )
    if kind == Kind.BOUNDARY and tidy["area"] not in Area.values:
        raise AgreementProblem("Choose what the boundary is about.")
    return Terms(**tidy)


# -- guards --------------------------------------------------------------------------------


def _couple_of(user: User) -> CoupleSpace:
    membership = couples.current_membership(user)
    if membership is None or couples.partner_of(user) is None:
        raise AgreementProblem("Agreements are made by two. Invite your partner first.")
    return membership.couple


def _check_open(agreement: Agreement) -> None:
    if (
        agreement.couple_id is None
        or CoupleSpace.objects.filter(pk=agreement.couple_id, ended_at__isnull=False).exists()
    ):
        raise AgreementProblem(
            "This agreement was made with a partner who has since left; it stays as history."
        )


def _claim(agreement: Agreement, expected_revision: int, **changes: Any) -> None:
    """Optimistic lock: only an action that saw the current revision may change it."""
    claimed = Agreement.objects.filter(pk=agreement.pk, revision=expected_revision).update(
        revision=F("revision") + 1, updated_at=timezone.now(), **changes
    )
    if claimed != 1:
        raise StaleAgreement(Agreement.objects.get(pk=agreement.pk))
    agreement.refresh_from_db()


@contextmanager
def _plainly() -> Iterator[None]:
    """A key that hasn't arrived yet is a plain reason, not an error page."""
    try:
        yield
    except entries.NotReady as reason:
        raise AgreementProblem(str(reason)) from None


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


# -- reading -------------------------------------------------------------------------------


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


# -- where we're heading (its page lives in projects) --------------------------------------

HEADING_TITLE = "Where we're heading"
HEADING_MAX = FIELD_MAX * 2  # the `text` field's limit


def heading_of(user: User) -> Agreement | None:
    """The couple's shared picture of the future: their one "heading" agreement that is
    proposed or in effect (the first, should two have been started at once)."""
    found: Agreement | None = (
        visible_agreements(user)
        .filter(kind=Kind.HEADING, status__in=(Status.PROPOSED, Status.IN_EFFECT))
        .first()
    )
    return found


def propose_heading(
    ring: Keyring, text: str, *, expected_revision: int | None, token: uuid.UUID | None = None
) -> Agreement:
    """New words for where we're heading: the first proposal, or a change to the words in
    effect (or waiting), which holds once the partner accepts it. `expected_revision` is the
    revision the form saw (None: it saw no heading yet)."""
    terms = Terms(title=HEADING_TITLE, text=text)
    current = heading_of(ring.user)
    if current is None:
        return propose(ring, Kind.HEADING, terms, token=token)
    if expected_revision is None:
        earlier = _version_by_token(ring.user, token)
        if earlier is not None and earlier.agreement_id == current.pk:
            return current  # the same first proposal, sent twice
        raise StaleAgreement(current)
    revise(ring, current, terms, expected_revision=expected_revision, token=token)
    return current
