from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import keyring_for
from rituals import ideas, services
from rituals.forms import RitualForm
from rituals.models import Ritual
from tending.http import HtmxHttpRequest, signed_in_user


def _page(
    request: HtmxHttpRequest, form: RitualForm, status: int = 200, problem: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "rituals": services.ours(keyring_for(request)),
        "ideas": ideas.IDEAS,
        "partner": couples.partner_of(signed_in_user(request)),
        "problem": problem,
    }
    return render(request, "rituals/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, RitualForm(initial={"token": uuid.uuid4()}))
    form = RitualForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    try:
        services.propose(
            keyring_for(request),
            title=data["title"],
            weekday=data["weekday"],
            idea_key=data["idea"],
            token=data["token"],
        )
    except services.RitualProblem as problem:
        form.add_error(None, str(problem))
        return _page(request, form, status=409)
    messages.success(request, "Suggested. It starts once your partner says yes.")
    return redirect("rituals:index")


def _act(request: HtmxHttpRequest, ritual_id: UUID, action: str) -> HttpResponse:
    user = signed_in_user(request)
    ritual = visible_or_404(Ritual, user, ritual_id)
    try:
        if action == "yes":
            services.accept(keyring_for(request), ritual)
            messages.success(request, "Agreed. It's on your calendar from this week.")
        elif action == "no":
            services.decline(user, ritual)
            messages.info(request, "Not for now. No reason needed.")
        elif action == "withdraw":
            services.withdraw(user, ritual)
            messages.info(request, "Withdrawn.")
        else:
            services.rest(user, ritual, resting=action == "rest")
            messages.info(
                request,
                "Resting for now. Take it up again whenever you like."
                if action == "rest"
                else "Welcome back to it.",
            )
    except services.RitualProblem as problem:
        return _page(
            request, RitualForm(initial={"token": uuid.uuid4()}), status=409, problem=str(problem)
        )
    return redirect("rituals:index")


@require_POST
def answer(request: HtmxHttpRequest, ritual_id: UUID) -> HttpResponse:
    return _act(request, ritual_id, "yes" if request.POST.get("answer") == "yes" else "no")


@require_POST
def withdraw(request: HtmxHttpRequest, ritual_id: UUID) -> HttpResponse:
    return _act(request, ritual_id, "withdraw")


@require_POST
def rest(request: HtmxHttpRequest, ritual_id: UUID) -> HttpResponse:
    return _act(request, ritual_id, "resume" if request.POST.get("resume") else "rest")
