"""Reflection prompts: today's suggestion for the person's role, others on request, and the
answers (one's own, and what the partner chose to share).

Thin on purpose: parse with a form, call `checkins.services`, render. Answers are private
unless their author shares them. Messages never carry what a person wrote: they live in
the session, which isn't encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from checkins import services
from checkins.forms import ReflectionForm
from checkins.models import Reflection
from checkins.prompts import PROMPTS, Prompt, for_role, suggested
from couples import services as couples
from couples.models import Role
from privacy import entries
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user
from tending.paging import page_or_first

PER_PAGE = 20
UNKNOWN_PROMPT = "We couldn't find that prompt, so here is today's."
UNKNOWN_PROMPT_KEPT = (
    "We couldn't find that prompt, so here is today's. What you wrote is still in the box; "
    "nothing was kept yet."
)
BAD_PAGE = "There's no such page of answers, so here are the newest."


@dataclass(frozen=True)
class Answer:
    """One answer as the page shows it: the entry, its prompt's words, and whose it is."""

    entry: Reflection
    prompt_text: str
    mine: bool


@dataclass(frozen=True)
class Situation:
    role: str
    partner: User | None


def _situation(user: User) -> Situation:
    # Unpaired people have no role yet: they get the balanced set for both of us.
    membership = couples.current_membership(user)
    if membership is None:
        return Situation(Role.BOTH.value, None)
    theirs = couples.partner_membership(membership)
    return Situation(membership.role, theirs.user if theirs else None)


def _chosen(user: User, role: str, key: str | None) -> tuple[Prompt, bool, str]:
    """The prompt to show: the one asked for by key, or today's suggestion.
    Returns (prompt, whether it was chosen rather than suggested, a problem to show)."""
    today = services.local_today(user)
    if key:
        found = PROMPTS.get(key)
        if found is not None:
            return found, found != suggested(role, today, user.pk), ""
        return suggested(role, today, user.pk), False, UNKNOWN_PROMPT
    return suggested(role, today, user.pk), False, ""


def _page(request: HtmxHttpRequest, user: User) -> tuple[Page[Reflection], str]:
    visible = (
        Reflection.objects.visible_to(user)
        .select_related("author")
        .order_by("-day", "-created_at", "-pk")
    )
    return page_or_first(request, visible, PER_PAGE, BAD_PAGE)


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
    user = signed_in_user(request)
    page, page_problem = _page(request, user)
    rows = list(page.object_list)
    opened: list[Reflection] = entries.reveal(rows, keyring_for(request))  # type: ignore[assignment]
    answers = [
        Answer(
            entry,
            PROMPTS[entry.prompt_key].text
            if entry.prompt_key in PROMPTS
            else "A prompt Tending no longer offers",
            entry.author_id == user.pk,
        )
        for entry in opened
    ]
    others = [p for p in for_role(situation.role) if p.key != prompt.key]
    context = {
        "form": form,
        "prompt": prompt,
        "chosen": chosen,
        "problem": problem,
        "page_problem": page_problem,
        "others": others,
        "partner": situation.partner,
        "answers": answers,
        "page": page,
    }
    template = "checkins/reflect.html#reflect-answers" if request.htmx else "checkins/reflect.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def prompts(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    situation = _situation(user)
    if request.method != "POST":
        prompt, chosen, problem = _chosen(user, situation.role, request.GET.get("prompt"))
        form = ReflectionForm(initial={"prompt": prompt.key}, question=prompt.text)
        return _render(request, form, prompt, situation, chosen=chosen, problem=problem)

    prompt, chosen, problem = _chosen(user, situation.role, request.POST.get("prompt") or "?")
    form = ReflectionForm(request.POST, question=prompt.text)
    if problem:
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
    return change_sharing(
        request, Reflection, reflection_id, shared=True, back=_back(request), said=said
    )


@require_POST
def unshare(request: HtmxHttpRequest, reflection_id: UUID) -> HttpResponse:
    said = "Only you can read this answer now."
    return change_sharing(
        request, Reflection, reflection_id, shared=False, back=_back(request), said=said
    )


def _back(request: HtmxHttpRequest) -> str:
    """Back to the list page the person was on (a page number only, never a free URL)."""
    url = reverse("checkins:reflect")
    page = request.POST.get("page", "")
    return f"{url}?page={page}" if page.isascii() and page.isdigit() and page != "1" else url
