"""The agreement pages: the list, proposing one, one agreement, revising it, answering a
proposal, retiring it, stepping back from it, and its history.

Thin on purpose: parse with a form, call `agreements.services` (which decides every rule
again), render. Every page works without JavaScript, and every POST redirects once it has
done its work. Messages never carry an agreement's words: they live in the session, which
isn't encrypted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from agreements import compare, services
from agreements.forms import OUT_OF_DATE, ReviseForm, TermsForm, initial_from
from agreements.models import Agreement, AgreementVersion, Change, Kind, Status, VersionState
from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

KIND_WORDS: dict[str, str] = {
    Kind.TRANSPARENCY: "Transparency",
    Kind.BOUNDARY: "Boundary",
    Kind.OTHER: "Something else",
}
# What each kind is, in one line, where a person chooses which to propose.
KIND_CHOICES = (
    (
        Kind.TRANSPARENCY,
        "A transparency agreement",
        "What one of you will share with the other, how often, and how.",
    ),
    (
        Kind.BOUNDARY,
        "A boundary",
        "A line you both keep, about people, devices, social media, privacy or time.",
    ),
    (
        Kind.OTHER,
        "Something else",
        "Any other agreement the two of you want to make, in your own words.",
    ),
)
PROPOSE_HEADINGS: dict[str, str] = {
    Kind.TRANSPARENCY: "Propose a transparency agreement",
    Kind.BOUNDARY: "Propose a boundary",
    Kind.OTHER: "Propose an agreement",
}
CHANGE_WORDS: dict[str, str] = {
    Change.PROPOSE: "First proposal",
    Change.REVISE: "A change to the words",
    Change.RETIRE: "Ending it",
}
VERSION_STATE_WORDS: dict[str, str] = {
    VersionState.PENDING: "Waiting for an answer",
    VersionState.ACCEPTED: "Accepted",
    VersionState.REPLACED: "Replaced by a later proposal",
    VersionState.WITHDRAWN: "Withdrawn",
    VersionState.DECLINED: "Not taken up",
}

NO_SUCH_KIND = "That kind of agreement isn't one Tending offers. Please choose one of these three."
NOTHING_CHANGED = "That couldn't be done, so nothing changed."
ALREADY_ANSWERED = "That proposal had already been answered, so nothing changed."
CHANGED_MEANWHILE = (
    "This agreement changed while you had it open, so nothing was done. Here is how it stands now."
)

# Where an agreement shows on the list, in reading order.
SECTIONS = (
    ("answer", "Waiting for your answer"),
    ("stepped_back", "Stepped back: to talk about"),
    ("in_effect", "In effect"),
    ("mine", "Proposed by you"),
)


# -- who is who, and whether the couple space is still open ------------------------------


@dataclass(frozen=True)
class Pair:
    user: User
    partner: User | None
    open_couple_id: int | None  # the couple space, while both are in it

    @property
    def partner_name(self) -> str:
        return self.partner.display_name if self.partner is not None else "your partner"

    def is_open(self, agreement: Agreement) -> bool:
        """Whether anything about it can still change (not once a partner has left)."""
        return self.open_couple_id is not None and agreement.couple_id == self.open_couple_id

    def who(self, person_id: Any, load: Callable[[], User | None]) -> str:
        """ "you", the partner's name, or (after a leave) the name of whoever it was."""
        if person_id is None:
            return ""
        if person_id == self.user.pk:
            return "you"
        if self.partner is not None and person_id == self.partner.pk:
            return self.partner.display_name
        person = load()
        return person.display_name if person is not None else "your partner"


def _pair(user: User) -> Pair:
    membership = couples.current_membership(user)
    if membership is None or membership.couple.ended_at is not None:
        return Pair(user, None, None)
    theirs = couples.partner_membership(membership)
    if theirs is None:
        return Pair(user, None, None)
    return Pair(user, theirs.user, membership.couple_id)


# -- reading an agreement ------------------------------------------------------------------


def _author(version: AgreementVersion) -> Callable[[], User | None]:
    return lambda: version.author


def _answerer(version: AgreementVersion) -> Callable[[], User | None]:
    return lambda: version.answered_by


def _readable(version: AgreementVersion | None) -> bool:
    return version is not None and not (version.waiting or version.unreadable)


def _title(agreement: Agreement, last: AgreementVersion | None = None) -> str:
    """From the version in effect, else the one proposed, else (for a proposal that wasn't
    taken up) the last one there was. Versions are revealed first."""
    versions = (agreement.current, agreement.pending, last)
    for version in versions:
        if version is not None and _readable(version):
            return str(version.plain.get("title") or "")
    kind = KIND_WORDS.get(agreement.kind, "An agreement")
    if any(v is not None and v.waiting for v in versions):
        return f"{kind} (its words open once your partner next visits Tending)"
    return f"{kind} (its words can't be opened any more)"


def _state_words(agreement: Agreement, pair: Pair) -> str:
    status = agreement.status
    if status == Status.RETIRED:
        return "Retired: you both agreed to end it"
    if status == Status.NOT_AGREED:
        return "Not taken up"
    if not pair.is_open(agreement):
        return "Kept as history: the couple space it was made in has closed"
    partner = pair.partner_name
    pending = agreement.pending
    mine = pending is not None and pending.author_id == pair.user.pk
    if status == Status.PROPOSED:
        if mine:
            return f"Proposed by you, waiting for {partner}'s answer"
        return f"Proposed by {partner}, waiting for your answer"
    words = "In effect"
    if agreement.stepped_back:
        by = "you" if agreement.stepped_back_by_id == pair.user.pk else partner
        words += f"; {by} stepped back from it, so it's there to talk about"
    if pending is not None:
        what = "ending it" if pending.change == Change.RETIRE else "a change"
        if mine:
            words += f"; you proposed {what}, waiting for {partner}'s answer"
        else:
            words += f"; {partner} proposed {what}, waiting for your answer"
    return words


def _shown_fields(kind: str, version: AgreementVersion) -> list[compare.FieldChange]:
    """A version's words as a person reads them, empty fields left out."""
    changes = compare.compare(services.FIELD_LABELS[kind], None, version.plain)
    return [c for c in changes if c.after]


def _comparison(
    kind: str, before: AgreementVersion | None, after: AgreementVersion
) -> list[compare.FieldChange]:
    base = before.plain if before is not None and _readable(before) else None
    changes = compare.compare(services.FIELD_LABELS[kind], base, after.plain)
    return [c for c in changes if c.before or c.after]


def _standing(request: HtmxHttpRequest, agreement: Agreement, pair: Pair) -> dict[str, Any]:
    """The agreement as it stands: its version in effect, and a proposal waiting beside it."""
    current, pending = agreement.current, agreement.pending
    # Never agreed: nothing is in effect or waiting, so show the last proposal there was.
    last = None
    if current is None and pending is None:
        last = next(iter(services.history(agreement).reverse()), None)
    # What a waiting proposal is read against: the words in effect, or, before anything is
    # in effect, the proposal it replaced (a counter-proposal shows what it changed).
    before = current or (services.replaced_by(pending) if pending is not None else None)
    services.reveal_versions(
        keyring_for(request), [v for v in (current, pending, last, before) if v]
    )
    is_open = pair.is_open(agreement)
    context: dict[str, Any] = {
        "agreement": agreement,
        "title": _title(agreement, last),
        "kind_words": KIND_WORDS.get(agreement.kind, ""),
        "state": _state_words(agreement, pair),
        "is_open": is_open,
        "partner_name": pair.partner_name,
        "current": current,
        "pending": pending,
    }
    if current is not None:
        context |= {
            "current_heading": (
                "In effect"
                if agreement.status == Status.IN_EFFECT and is_open
                else "As it stood when you ended it"
                if agreement.status == Status.RETIRED
                else "As the two of you agreed it"
            ),
            "current_readable": _readable(current),
            "current_fields": _shown_fields(agreement.kind, current) if _readable(current) else [],
            "current_by": pair.who(current.author_id, _author(current)),
            "current_accepted_by": pair.who(current.answered_by_id, _answerer(current)),
        }
    if pending is not None:
        retiring = pending.change == Change.RETIRE
        context |= {
            "pending_heading": (
                "Proposed: ending it"
                if retiring
                else "Proposed change"
                if current is not None
                else "Proposed agreement"
            ),
            "pending_mine": pending.author_id == pair.user.pk,
            "pending_by": pair.who(pending.author_id, _author(pending)),
            "pending_readable": _readable(pending),
            "retiring": retiring,
            "comparison": _comparison(agreement.kind, before, pending)
            if _readable(pending)
            else [],
            "compared": before is not None and _readable(before),
            "compared_with_proposal": current is None and before is not None,
        }
    if last is not None:
        context |= {
            "last": last,
            "last_readable": _readable(last),
            "last_fields": _shown_fields(agreement.kind, last) if _readable(last) else [],
            "last_by": pair.who(last.author_id, _author(last)),
            "last_answer": _answer_phrase(last, pair.who(last.answered_by_id, _answerer(last))),
        }
    return context


# -- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    agreement: Agreement
    title: str
    kind: str
    state: str


def _section(agreement: Agreement, pair: Pair) -> str:
    if agreement.status in (Status.RETIRED, Status.NOT_AGREED) or not pair.is_open(agreement):
        return "ended"
    pending = agreement.pending
    if pending is not None and pending.author_id != pair.user.pk:
        return "answer"
    if agreement.status == Status.IN_EFFECT and agreement.stepped_back:
        return "stepped_back"
    if pending is not None:
        return "mine"
    return "in_effect" if agreement.status == Status.IN_EFFECT else "mine"


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    pair = _pair(user)
    ring = keyring_for(request)
    # Where we're heading has its own page (projects); the agreements list leaves it out.
    found = services.reveal_agreements(
        ring, services.visible_agreements(user).exclude(kind=Kind.HEADING)
    )
    never_agreed = services.reveal_versions(ring, services.last_proposals(user, found))
    last = {version.agreement_id: version for version in never_agreed}
    grouped: dict[str, list[Item]] = {key: [] for key, _ in (*SECTIONS, ("ended", ""))}
    titles: dict[Any, str] = {}
    for agreement in found:
        title = _title(agreement, last.get(agreement.pk))
        titles[agreement.pk] = title
        item = Item(
            agreement, title, KIND_WORDS.get(agreement.kind, ""), _state_words(agreement, pair)
        )
        grouped[_section(agreement, pair)].append(item)
    # Each open repair topic by its agreement and when it was sent: never a count of them.
    topics = [
        (concern.pk, titles.get(concern.agreement_id, "an agreement"), concern.sent_at)
        for concern in services.open_topics(user)
    ]
    drafts = [
        (concern.pk, titles.get(concern.agreement_id, "an agreement"), concern.created_at)
        for concern in services.my_drafts(user)
    ]
    context = {
        "partner": pair.partner,
        "drafts": drafts,
        "sections": [(key, heading, grouped[key]) for key, heading in SECTIONS if grouped[key]],
        "ended": grouped["ended"],
        "topics": topics,
        "has_any": bool(found),
    }
    return render(request, "agreements/index.html", context)


# -- proposing -----------------------------------------------------------------------------


def _render_new(
    request: HtmxHttpRequest,
    pair: Pair,
    *,
    kind: str = "",
    form: TermsForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "kind": kind,
        "kinds": KIND_CHOICES,
        "heading": PROPOSE_HEADINGS.get(kind, "Propose an agreement"),
        "form": form,
        "problem": problem,
        "partner": pair.partner,
        "partner_name": pair.partner_name,
    }
    return render(request, "agreements/new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def new(request: HtmxHttpRequest) -> HttpResponse:
    pair = _pair(signed_in_user(request))
    posted = request.method == "POST"
    kind = (request.POST.get("kind") if posted else None) or request.GET.get("kind", "")
    if not kind and not posted:
        return _render_new(request, pair)
    if kind not in Kind.values or kind == Kind.HEADING:
        return _render_new(request, pair, problem=NO_SUCH_KIND, status=400)
    if not posted:
        # Unpaired, the page says agreements are made by two instead of showing the form.
        form = TermsForm(initial={"token": uuid.uuid4()}, kind=kind) if pair.partner else None
        return _render_new(request, pair, kind=kind, form=form)

    form = TermsForm(request.POST, kind=kind)
    if not form.is_valid():
        return _render_new(request, pair, kind=kind, form=_fresh_token(form, kind), status=400)
    try:
        agreement = services.propose(
            keyring_for(request), kind, form.terms(), token=form.cleaned_data["token"]
        )
    except services.AgreementProblem as problem:
        form.add_error(None, str(problem))
        return _render_new(request, pair, kind=kind, form=form, status=400)
    messages.success(
        request,
        f"Proposed. It waits for {pair.partner_name}, and takes effect once they accept it.",
    )
    return redirect("agreements:detail", agreement.pk)


def _fresh_token(form: TermsForm, kind: str) -> TermsForm:
    """A form whose token was lost or mangled gets a new one; everything typed stays."""
    if "token" not in form.errors:
        return form
    again = TermsForm(_with(form.data, token=str(uuid.uuid4())), kind=kind)
    again.is_valid()
    again.add_error(None, OUT_OF_DATE)
    return again


def _with(data: Any, **values: str) -> QueryDict:
    kept: QueryDict = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
    for name, value in values.items():
        kept[name] = value
    return kept


# -- one agreement -------------------------------------------------------------------------


@require_GET
def detail(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    pair = _pair(user)
    context = _standing(request, agreement, pair)
    is_open = context["is_open"]
    pending = agreement.pending
    in_effect = is_open and agreement.status == Status.IN_EFFECT
    context |= {
        "may_answer": is_open and pending is not None and pending.author_id != user.pk,
        "may_withdraw": is_open and pending is not None and pending.author_id == user.pk,
        "in_effect": in_effect,
        "may_retire": in_effect and not (pending is not None and pending.change == Change.RETIRE),
        "stepped_back_by_me": agreement.stepped_back_by_id == user.pk,
        "stepped_back_by": pair.who(
            agreement.stepped_back_by_id, lambda: agreement.stepped_back_by
        ),
        "token": uuid.uuid4(),
    }
    return render(request, "agreements/detail.html", context)


def _render_revise(
    request: HtmxHttpRequest,
    agreement: Agreement,
    pair: Pair,
    form: ReviseForm | None,
    *,
    problem: str = "",
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = _standing(request, agreement, pair) | {
        "form": form,
        "problem": problem,
        "stale": stale,
    }
    return render(request, "agreements/revise.html", context, status=status)


@require_http_methods(["GET", "POST"])
def revise(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    pair = _pair(user)
    if request.method == "POST":
        return _save_revision(request, agreement, pair)
    if not pair.is_open(agreement) or agreement.status not in (Status.PROPOSED, Status.IN_EFFECT):
        messages.info(request, "This agreement can't be changed any more; it stays as history.")
        return redirect("agreements:detail", agreement.pk)
    words: dict[str, str] = {}
    source = agreement.pending or agreement.current
    if source is not None:
        services.reveal_versions(keyring_for(request), [source])
        if _readable(source):
            words = initial_from(source.plain, agreement.kind)
    form = ReviseForm(
        initial={**words, "token": uuid.uuid4(), "expected_revision": agreement.revision},
        kind=agreement.kind,
    )
    return _render_revise(request, agreement, pair, form)


def _save_revision(request: HtmxHttpRequest, agreement: Agreement, pair: Pair) -> HttpResponse:
    form = ReviseForm(request.POST, kind=agreement.kind)
    if not form.is_valid():
        if "token" in form.errors or "expected_revision" in form.errors:
            # Lost hidden fields: set them to now, so sending again applies.
            form = ReviseForm(
                _with(
                    request.POST,
                    token=str(uuid.uuid4()),
                    expected_revision=str(agreement.revision),
                ),
                kind=agreement.kind,
            )
            form.is_valid()
            form.add_error(None, OUT_OF_DATE)
        return _render_revise(request, agreement, pair, form, status=400)
    try:
        services.revise(
            keyring_for(request),
            agreement,
            form.terms(),
            expected_revision=form.cleaned_data["expected_revision"],
            token=form.cleaned_data["token"],
        )
    except services.StaleAgreement as stale:
        # Exactly what was typed, now aimed at the agreement as it stands.
        again = ReviseForm(
            _with(request.POST, expected_revision=str(stale.current.revision)),
            kind=agreement.kind,
        )
        again.is_valid()
        return _render_revise(
            request, stale.current, pair, again, problem=str(stale), stale=True, status=409
        )
    except services.AgreementProblem as problem:
        form.add_error(None, str(problem))
        fresh = visible_or_404(Agreement, pair.user, agreement.pk)
        return _render_revise(request, fresh, pair, form, status=400)
    if agreement.status == Status.IN_EFFECT:
        messages.success(
            request,
            f"Your proposed change is with {pair.partner_name}. Until they accept it, the "
            "agreement stays as it is.",
        )
    else:
        messages.success(
            request,
            f"Your new wording is with {pair.partner_name}. It takes effect once they accept it.",
        )
    return redirect("agreements:detail", agreement.pk)


def _revision_from(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _token_from(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@require_POST
def retire(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    expected = _revision_from(request.POST.get("expected_revision", ""))
    if expected is None:
        messages.info(request, NOTHING_CHANGED)
        return redirect("agreements:detail", agreement.pk)
    try:
        services.propose_retiring(
            keyring_for(request),
            agreement,
            expected_revision=expected,
            token=_token_from(request.POST.get("token", "")),
        )
    except services.StaleAgreement:
        messages.info(request, CHANGED_MEANWHILE)
    except services.AgreementProblem as problem:
        messages.info(request, str(problem))
    else:
        messages.success(
            request,
            f"You've proposed ending this agreement. It stays in effect until "
            f"{_pair(user).partner_name} accepts.",
        )
    return redirect("agreements:detail", agreement.pk)


ANSWERS: dict[str, Callable[[User, Agreement, AgreementVersion], None]] = {
    "accept": services.accept,
    "decline": services.decline,
    "withdraw": services.withdraw,
}


def _answered(action: str, version: AgreementVersion, was_in_effect: bool) -> str:
    if action == "accept":
        if version.change == Change.RETIRE:
            return "Accepted. The agreement has ended; its history stays."
        return "Accepted. It's in effect for both of you now."
    if action == "decline":
        if was_in_effect:
            return "Set aside. The agreement stays as it was."
        return "Set aside. Nothing takes effect."
    return "Withdrawn." + (" The agreement stays as it was." if was_in_effect else "")


@require_POST
def answer(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    action = request.POST.get("action", "")
    act = ANSWERS.get(action)
    if act is None:
        messages.info(request, NOTHING_CHANGED)
        return redirect("agreements:detail", agreement.pk)
    was_in_effect = agreement.status == Status.IN_EFFECT
    try:
        version = services.version_of(agreement, request.POST.get("version", ""))
        # The services let a second submit pass quietly once a proposal is answered.
        already = version.state != VersionState.PENDING
        act(user, agreement, version)
    except services.StaleAgreement:
        messages.info(request, CHANGED_MEANWHILE)
    except services.AgreementProblem as problem:
        messages.info(request, str(problem))
    else:
        if already:
            messages.info(request, ALREADY_ANSWERED)
        else:
            messages.success(request, _answered(action, version, was_in_effect))
    return redirect("agreements:detail", agreement.pk)


@require_POST
def step_back(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    action = request.POST.get("action", "")
    # The services let a step that's already taken pass quietly; say so rather than thank.
    was_stepped_back = agreement.stepped_back
    try:
        if action == "out":
            services.step_back(user, agreement)
            done = (
                "It was already marked to talk about, so nothing changed."
                if was_stepped_back
                else "You've stepped back. It's marked to talk about together, and it will "
                "come up on your weekly conversation and your monthly review."
            )
        elif action == "in":
            services.step_back_in(user, agreement)
            done = (
                "You've taken it up again, as it stands."
                if was_stepped_back
                else "It's already in effect as it stands, so nothing changed."
            )
        else:
            done = ""
    except services.StaleAgreement:
        messages.info(request, CHANGED_MEANWHILE)
    except services.AgreementProblem as problem:
        messages.info(request, str(problem))
    else:
        if done:
            messages.success(request, done)
        else:
            messages.info(request, NOTHING_CHANGED)
    return redirect("agreements:detail", agreement.pk)


# -- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    version: AgreementVersion
    change: str
    state: str
    proposed_by: str
    answered: str  # who answered and how, as a phrase ("accepted by Bob"); "" if nobody
    readable: bool
    retiring: bool
    compared_with: AgreementVersion | None
    changes: list[compare.FieldChange]


def _answer_phrase(version: AgreementVersion, who: str) -> str:
    if version.state == VersionState.ACCEPTED:
        return f"Accepted by {who}"
    if version.state == VersionState.DECLINED:
        return f"Not taken up by {who}"
    if version.state == VersionState.WITHDRAWN:
        return f"Withdrawn by {who}"
    return ""


@require_GET
def history(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    pair = _pair(user)
    versions = services.reveal_versions(keyring_for(request), services.history(agreement))
    rows: list[HistoryRow] = []
    last_accepted: AgreementVersion | None = None
    previous: AgreementVersion | None = None
    for version in versions:
        base = last_accepted or previous
        if base is not None and not _readable(base):
            base = None
        retiring = version.change == Change.RETIRE
        readable = _readable(version)
        rows.append(
            HistoryRow(
                version=version,
                change=CHANGE_WORDS.get(version.change, ""),
                state=VERSION_STATE_WORDS.get(version.state, ""),
                proposed_by=pair.who(version.author_id, _author(version)),
                answered=_answer_phrase(
                    version,
                    pair.who(version.answered_by_id, _answerer(version)),
                ),
                readable=readable,
                retiring=retiring,
                compared_with=base if readable and not retiring else None,
                changes=_comparison(agreement.kind, base, version)
                if readable and not retiring
                else [],
            )
        )
        if version.state == VersionState.ACCEPTED and not retiring:
            last_accepted = version
        previous = version
    by_id = {v.pk: v for v in versions}
    # The title from the versions already open, without fetching them again.
    agreement.current = by_id.get(agreement.current_id) if agreement.current_id else None
    agreement.pending = by_id.get(agreement.pending_id) if agreement.pending_id else None
    context = {
        "agreement": agreement,
        "title": _title(agreement, versions[-1] if versions else None),
        "kind_words": KIND_WORDS.get(agreement.kind, ""),
        "state": _state_words(agreement, pair),
        "rows": rows,
    }
    return render(request, "agreements/history.html", context)
