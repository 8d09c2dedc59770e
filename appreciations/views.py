from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from appreciations import services
from appreciations.forms import AnswerForm, AppreciationForm
from appreciations.models import Appreciation
from couples import services as couples
from privacy.access import own_or_404, visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user


def _index(request: HtmxHttpRequest, form: AppreciationForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "notes": services.collection(keyring_for(request)),
        "partner": couples.partner_of(signed_in_user(request)),
    }
    return render(request, "appreciations/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    """ "What we appreciate": every note both can read, and a form to write one."""
    if request.method != "POST":
        return _index(request, AppreciationForm(initial={"token": uuid.uuid4()}))
    form = AppreciationForm(request.POST)
    if not form.is_valid():
        return _index(request, form, status=422)
    data = form.cleaned_data
    try:
        services.write(
            keyring_for(request),
            what_they_did=data["what_they_did"],
            what_it_meant=data["what_it_meant"],
            says_about_them=data["says_about_them"],
            token=data["token"],
        )
    except services.AppreciationProblem as problem:
        form.add_error(None, str(problem))
        return _index(request, form, status=409)
    messages.success(request, "Sent. It's waiting for them, with what you wrote.")
    return redirect("appreciations:index")


def _detail(
    request: HtmxHttpRequest, note: Appreciation, form: AnswerForm, status: int = 200
) -> HttpResponse:
    services.one(keyring_for(request), note)
    return render(request, "appreciations/detail.html", {"note": note, "form": form}, status=status)


@require_http_methods(["GET"])
def detail(request: HtmxHttpRequest, appreciation_id: UUID) -> HttpResponse:
    note = visible_or_404(Appreciation, signed_in_user(request), appreciation_id)
    return _detail(request, note, AnswerForm())


@require_POST
def answer(request: HtmxHttpRequest, appreciation_id: UUID) -> HttpResponse:
    note = visible_or_404(Appreciation, signed_in_user(request), appreciation_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, note, form, status=422)
    try:
        services.answer(
            keyring_for(request),
            note,
            meant_a_lot=form.cleaned_data["meant_a_lot"],
            words=form.cleaned_data["words"],
        )
    except services.AppreciationProblem as problem:
        form.add_error(None, str(problem))
        return _detail(request, note, form, status=409)
    messages.success(request, "Sent back.")
    return redirect("appreciations:detail", appreciation_id=note.pk)


@require_POST
def delete(request: HtmxHttpRequest, appreciation_id: UUID) -> HttpResponse:
    note = own_or_404(Appreciation, signed_in_user(request), appreciation_id)
    services.delete(note)
    messages.info(request, "Deleted. It's gone for both of you.")
    return redirect("appreciations:index")
