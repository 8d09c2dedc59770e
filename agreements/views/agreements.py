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
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from agreements import services
from agreements.forms import OUT_OF_DATE, ReviseForm, TermsForm, initial_from
from agreements.models import Agreement, AgreementVersion, Change, Kind, Status, VersionState
from agreements.presenters.agreements import (
    ALREADY_ANSWERED,
    CHANGED_MEANWHILE,
    KIND_CHOICES,
    NO_SUCH_KIND,
    NOTHING_CHANGED,
    PROPOSE_HEADINGS,
    Pair,
    history_context,
    is_readable,
    list_context,
    pair_of,
    standing,
)
from privacy.access import visible_or_404
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user


@require_GET
@kept_briefly
def index(request: HtmxHttpRequest) -> HttpResponse:
    context = list_context(keyring_for(request), signed_in_user(request))
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
    pair = pair_of(signed_in_user(request))
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
    pair = pair_of(user)
    context = standing(keyring_for(request), agreement, pair)
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
    context = standing(keyring_for(request), agreement, pair) | {
        "form": form,
        "problem": problem,
        "stale": stale,
    }
    return render(request, "agreements/revise.html", context, status=status)


@require_http_methods(["GET", "POST"])
def revise(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    pair = pair_of(user)
    if request.method == "POST":
        return _save_revision(request, agreement, pair)
    if not pair.is_open(agreement) or agreement.status not in (Status.PROPOSED, Status.IN_EFFECT):
        messages.info(request, "This agreement can't be changed any more; it stays as history.")
        return redirect("agreements:detail", agreement.pk)
    words: dict[str, str] = {}
    source = agreement.pending or agreement.current
    if source is not None:
        services.reveal_versions(keyring_for(request), [source])
        if is_readable(source):
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
            f"{pair_of(user).partner_name} accepts.",
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


@require_GET
@kept_briefly
def history(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    context = history_context(keyring_for(request), user, agreement)
    return render(request, "agreements/history.html", context)
