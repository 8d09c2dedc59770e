from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from privacy.access import changeable_or_404
from privacy.keyring import keyring_for
from questions import services
from questions.forms import AnswerForm, CadenceForm, OwnForm
from questions.models import Round
from tending.http import HtmxHttpRequest, signed_in_user


def _page(request: HtmxHttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    page = services.our_question(keyring_for(request))
    context = {
        "page": page,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "cadence_form": forms.get("cadence_form") or CadenceForm(initial={"cadence": page.cadence}),
        "own_form": forms.get("own_form") or OwnForm(initial={"token": uuid.uuid4()}),
        "problem": forms.get("problem"),
    }
    return render(request, "questions/index.html", context, status=status)


@require_http_methods(["GET"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def answer(request: HtmxHttpRequest, round_id: UUID) -> HttpResponse:
    asked = changeable_or_404(Round, signed_in_user(request), round_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, status=422, answer_form=form)
    try:
        services.answer(keyring_for(request), asked, form.cleaned_data["text"])
    except services.QuestionProblem as problem:
        form.add_error(None, str(problem))
        return _page(request, status=409, answer_form=form, problem=str(problem))
    if asked.both_answered_at:
        messages.success(request, "You've both answered. Here they are, side by side.")
    else:
        messages.success(request, "Kept. It shows to both of you once you've both answered.")
    return redirect("questions:index")


@require_POST
def skip(request: HtmxHttpRequest, round_id: UUID) -> HttpResponse:
    asked = changeable_or_404(Round, signed_in_user(request), round_id)
    try:
        services.skip(signed_in_user(request), asked)
    except services.QuestionProblem as problem:
        return _page(request, status=409, problem=str(problem))
    messages.info(request, "Let go. There'll be another question, and no one is told.")
    return redirect("questions:index")


@require_POST
def cadence(request: HtmxHttpRequest) -> HttpResponse:
    form = CadenceForm(request.POST)
    if not form.is_valid():
        return _page(request, status=422, cadence_form=form)
    try:
        services.set_cadence(signed_in_user(request), form.cleaned_data["cadence"])
    except services.QuestionProblem as problem:
        form.add_error(None, str(problem))
        return _page(request, status=409, cadence_form=form)
    messages.success(request, "Saved. The next question comes on the new rhythm.")
    return redirect("questions:index")


@require_POST
def own(request: HtmxHttpRequest) -> HttpResponse:
    form = OwnForm(request.POST)
    if not form.is_valid():
        return _page(request, status=422, own_form=form)
    try:
        services.add_own(
            keyring_for(request), form.cleaned_data["question"], form.cleaned_data["token"]
        )
    except services.QuestionProblem as problem:
        form.add_error(None, str(problem))
        return _page(request, status=409, own_form=form)
    messages.success(request, "Added. It will be one of the next questions.")
    return redirect("questions:index")
