"""Reflection prompts: today's suggestion for the person's role, others on request, and the
answers (one's own, and what the partner chose to share).

Thin on purpose: parse with a form, call `checkins.services`, render what
`checkins.presenters.reflect` builds. Answers are private unless their author shares them.
Messages never carry what a person wrote: they live in the session, which isn't encrypted.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from checkins import services
from checkins.forms import ReflectionForm
from checkins.models import Reflection
from checkins.presenters import reflect as presenters
from checkins.presenters.reflect import UNKNOWN_PROMPT_KEPT, Situation
from checkins.prompts import Prompt
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user


def _render(
    request: HtmxHttpRequest,
    form: ReflectionForm,
    prompt: Prompt,
    situation: Situation,
    *,
    chosen: bool = False,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = presenters.reflect_context(
        keyring_for(request),
        signed_in_user(request),
        form,
        prompt,
        situation,
        asked_page=request.GET.get("page"),
        chosen=chosen,
        problem=problem,
    )
    template = "checkins/reflect.html#reflect-answers" if request.htmx else "checkins/reflect.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def prompts(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    situation = presenters.situation_of(user)
    if request.method == "POST":
        return _answer(request, situation)
    shown = presenters.chosen_prompt(user, situation.role, request.GET.get("prompt"))
    form = ReflectionForm(initial={"prompt": shown.prompt.key}, question=shown.prompt.text)
    return _render(
        request, form, shown.prompt, situation, chosen=shown.chosen, problem=shown.problem
    )


def _answer(request: HtmxHttpRequest, situation: Situation) -> HttpResponse:
    user = signed_in_user(request)
    shown = presenters.chosen_prompt(user, situation.role, request.POST.get("prompt") or "?")
    prompt, chosen = shown.prompt, shown.chosen
    form = ReflectionForm(request.POST, question=prompt.text)
    if shown.problem:
        # Keep what was typed, under today's prompt, and save nothing.
        data = QueryDict(mutable=True)
        data.update({**request.POST.dict(), "prompt": prompt.key})
        form = ReflectionForm(data, question=prompt.text)
        form.is_valid()
        return _render(request, form, prompt, situation, problem=UNKNOWN_PROMPT_KEPT, status=422)
    if not form.is_valid():
        return _render(request, form, prompt, situation, chosen=chosen, status=422)
    try:
        services.reflect(
            keyring_for(request),
            prompt.key,
            form.cleaned_data["answer"],
            shared=form.cleaned_data["shared"],
        )
    except services.CheckInProblem as reason:
        form.add_error(None, str(reason))
        return _render(request, form, prompt, situation, chosen=chosen, status=409)
    if form.cleaned_data["shared"] and situation.partner is not None:
        messages.success(request, f"Kept, and shared with {situation.partner.display_name}.")
    else:
        messages.success(request, "Kept. Only you can read this answer.")
    return redirect("checkins:reflect")


@require_POST
def share(request: HtmxHttpRequest, reflection_id: UUID) -> HttpResponse:
    said = "Shared with your partner. You can stop sharing at any time."
    back = presenters.back_url(request.POST.get("page", ""))
    return change_sharing(request, Reflection, reflection_id, shared=True, back=back, said=said)


@require_POST
def unshare(request: HtmxHttpRequest, reflection_id: UUID) -> HttpResponse:
    said = "Only you can read this answer now."
    back = presenters.back_url(request.POST.get("page", ""))
    return change_sharing(request, Reflection, reflection_id, shared=False, back=back, said=said)
