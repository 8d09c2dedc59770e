"""Concerns: saying that an agreement wasn't kept, as one saw it, and answering one.

A concern is written privately first (what happened, how it felt, what I need now) and
then sent, which shares it and opens a repair topic. The partner answers with prompts for
ownership (what I did, how I see it affected you, what I will do), privately first too.
That it has been talked through settles when both agree: one suggests it, the other
accepts or not yet (rule 6: the slower partner sets the pace).

Thin on purpose: parse with a form, call `agreements.services` and `privacy.access`,
render. Every POST redirects once it has done its work; messages never carry what anyone
wrote. Nothing here counts concerns, and the page never shows whether the partner has a
draft answer: the answer comes only from `services.reveal_concern`, which gives the author
a sent answer and nothing else.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from agreements import services
from agreements.models import Agreement, Concern, ConcernAnswer, Status
from agreements.review_forms import (
    ConcernAnswerForm,
    ConcernForm,
    agreement_title,
    offer_wording_aid,
)
from conversations import services as conversations
from couples import services as couples
from privacy.access import own_or_404, visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

FIELD_TROUBLE = "Something here needs another look. Nothing was saved."
CONCERN_FIELDS = ("what_happened", "how_it_felt", "what_i_need")
ANSWER_FIELDS = ("what_i_did", "how_it_affected", "what_i_will_do")


def _partner_name(user: User) -> str:
    partner = couples.partner_of(user)
    return partner.display_name if partner else "your partner"


def _problems(form: ConcernForm | ConcernAnswerForm | None, problem: str) -> list[str]:
    if problem:
        return [problem]
    if form is not None and form.errors:
        # The two buttons share the field `send`, which has no place of its own to show
        # an error, so its problem is said at the top with the form's own.
        said = [str(e) for e in (*form.non_field_errors(), *form.errors.get("send", []))]
        return said or [FIELD_TROUBLE]
    return []


def _readable(entry: Concern | ConcernAnswer | None) -> bool:
    return entry is not None and not entry.unreadable and not entry.waiting


# -- a new concern ------------------------------------------------------------------------------


def _render_new(
    request: HtmxHttpRequest,
    agreement: Agreement,
    form: ConcernForm,
    *,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    services.reveal_agreements(keyring_for(request), [agreement])
    wording_on = conversations.wording_aid_on(user)
    if wording_on:
        offer_wording_aid(form, CONCERN_FIELDS)
    context: dict[str, Any] = {
        "wording_on": wording_on,
        "agreement": agreement,
        "title": agreement_title(agreement),
        "in_effect": agreement.status == Status.IN_EFFECT,
        "partner": _partner_name(user),
        "form": form,
        "problems": _problems(form, problem),
        # A second submit of the same form (a double tap) finds the first concern.
        "token": request.POST.get("token") or uuid.uuid4(),
    }
    return render(request, "agreements/concern_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def new(request: HtmxHttpRequest, agreement_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    agreement = visible_or_404(Agreement, user, agreement_id)
    if request.method != "POST":
        return _render_new(request, agreement, ConcernForm())
    form = ConcernForm(request.POST)
    if not form.is_valid():
        return _render_new(request, agreement, form, status=400)
    try:
        concern = services.write_concern(
            keyring_for(request),
            agreement,
            **{name: form.cleaned_data[name] for name in CONCERN_FIELDS},
            send=form.sending,
            token=_token(request),
        )
    except services.AgreementProblem as problem:
        return _render_new(request, agreement, form, problem=str(problem), status=400)
    _said_concern(request, user, sent=form.sending)
    return redirect("agreements:concern", concern_id=concern.pk)


def _token(request: HtmxHttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


def _said_concern(request: HtmxHttpRequest, user: User, *, sent: bool) -> None:
    if sent:
        messages.success(
            request,
            f"Sent to {_partner_name(user)}. It is open now as something to talk through "
            "together, whenever you are both ready.",
        )
    else:
        messages.success(request, "Kept as a private draft. Only you can see it.")


# -- one concern ----------------------------------------------------------------------------


def _render_concern(
    request: HtmxHttpRequest,
    concern: Concern,
    *,
    form: ConcernForm | None = None,
    answer_form: ConcernAnswerForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    concern, answer = services.reveal_concern(ring, concern)
    agreement = concern.agreement
    services.reveal_agreements(ring, [agreement])
    mine = concern.author_id == user.pk
    sent = concern.sent_at is not None
    # What the author may see of an answer is only ever a sent one; the service already
    # keeps a draft from them, and this keeps it so even if that changed.
    answer_sent = answer is not None and answer.sent_at is not None
    my_draft_answer = answer is not None and answer.author_id == user.pk and answer.sent_at is None
    editable = mine and not sent
    if editable and form is None:
        initial = concern.plain if _readable(concern) else {}
        form = ConcernForm(initial={name: initial.get(name) or "" for name in CONCERN_FIELDS})
    answering = not mine and sent and not answer_sent
    if answering and answer_form is None:
        initial = (
            answer.plain if answer is not None and my_draft_answer and _readable(answer) else {}
        )
        answer_form = ConcernAnswerForm(
            initial={name: initial.get(name) or "" for name in ANSWER_FIELDS}
        )
    wording_on = conversations.wording_aid_on(user) and (editable or answering)
    if wording_on and editable and form is not None:
        offer_wording_aid(form, CONCERN_FIELDS)
    if wording_on and answering and answer_form is not None:
        offer_wording_aid(answer_form, ANSWER_FIELDS)
    context: dict[str, Any] = {
        "wording_on": wording_on,
        "concern": concern,
        "agreement": agreement,
        "title": agreement_title(agreement),
        "partner": _partner_name(user),
        "mine": mine,
        "sent": sent,
        "editable": editable,
        "form": form if editable else None,
        "answer": answer if answer_sent else None,
        "answering": answering,
        "answer_form": answer_form if answering else None,
        "my_draft_answer": my_draft_answer,
        "settle_suggested_by_me": concern.settle_suggested_by_id == user.pk,
        "settle_suggested_by_partner": concern.settle_suggested_by_id not in (None, user.pk),
        "problems": _problems(form if editable else answer_form, problem),
    }
    return render(request, "agreements/concern.html", context, status=status)


AGREEMENT_GONE = (
    "The agreement this was about was removed with its author's account, so it can't be "
    "sent any more. Your words are still here, and in your export."
)


@require_http_methods(["GET", "POST"])
def detail(request: HtmxHttpRequest, concern_id: UUID) -> HttpResponse:
    """Read a concern; its author may change and send a draft (a POST here)."""
    user = signed_in_user(request)
    if request.method != "POST":
        return _render_concern(request, visible_or_404(Concern, user, concern_id))
    concern = own_or_404(Concern, user, concern_id)
    form = ConcernForm(request.POST)
    if not form.is_valid():
        return _render_concern(request, concern, form=form, status=400)
    already_sent = concern.sent_at is not None
    if concern.agreement is None:  # its agreement left with its author's account
        return _render_concern(request, concern, form=form, problem=AGREEMENT_GONE, status=409)
    try:
        services.write_concern(
            keyring_for(request),
            concern.agreement,
            **{name: form.cleaned_data[name] for name in CONCERN_FIELDS},
            send=form.sending,
            concern=concern,
        )
    except services.AgreementProblem as problem:
        return _render_concern(request, concern, form=form, problem=str(problem), status=400)
    if already_sent:
        messages.info(request, "This concern was already sent, so nothing changed.")
    else:
        _said_concern(request, user, sent=form.sending)
    return redirect("agreements:concern", concern_id=concern.pk)


@require_POST
def answer(request: HtmxHttpRequest, concern_id: UUID) -> HttpResponse:
    """The partner's answer: kept as a private draft, or sent."""
    user = signed_in_user(request)
    concern = visible_or_404(Concern, user, concern_id)
    form = ConcernAnswerForm(request.POST)
    if not form.is_valid():
        return _render_concern(request, concern, answer_form=form, status=400)
    before = services.concern_answer(user, concern)
    already_sent = before is not None and before.sent_at is not None
    try:
        services.answer_concern(
            keyring_for(request),
            concern,
            **{name: form.cleaned_data[name] for name in ANSWER_FIELDS},
            send=form.sending,
        )
    except services.AgreementProblem as problem:
        return _render_concern(request, concern, answer_form=form, problem=str(problem), status=400)
    if already_sent:
        messages.info(request, "Your answer was already sent, so nothing changed.")
    elif form.sending:
        messages.success(request, f"Your answer is sent to {_partner_name(user)}.")
    else:
        messages.success(request, "Your answer is kept as a private draft. Only you can see it.")
    return redirect("agreements:concern", concern_id=concern.pk)


@require_POST
def settle(request: HtmxHttpRequest, concern_id: UUID) -> HttpResponse:
    """ "Talked through" settles when both agree: the first suggests it, the other says yes
    or not yet (and the one who suggested it may take it back)."""
    user = signed_in_user(request)
    concern = visible_or_404(Concern, user, concern_id)
    talked = request.POST.get("talked")
    if talked not in {"yes", "not_yet"}:
        return _render_concern(
            request,
            concern,
            problem="That isn't one of the buttons on this page. Nothing changed.",
            status=400,
        )
    partner = _partner_name(user)
    try:
        if talked == "not_yet":
            if services.keep_open(user, concern):
                messages.info(request, "It stays open, as it was. No reason is needed.")
            else:
                messages.info(request, "It was already open, so nothing changed.")
            return redirect("agreements:concern", concern_id=concern.pk)
        done = services.settle(user, concern)
    except services.AgreementProblem as problem:
        return _render_concern(request, concern, problem=str(problem), status=400)
    if done == services.SUGGESTED:
        messages.success(
            request,
            f"Suggested. It rests as talked through once {partner} agrees too; "
            "until then it stays open.",
        )
    elif done == services.SETTLED:
        messages.success(request, "Talked through, by you both. Thank you for taking the time.")
    elif concern.settled_at is not None:
        messages.info(request, "This was already marked as talked through.")
    else:
        messages.info(request, f"You've suggested this already; it's up to {partner} now.")
    return redirect("agreements:concern", concern_id=concern.pk)
