"""The closeness path: the overview, one's own answers, own steps, pausing, slowing down and
the email choice.

Thin on purpose: parse with a form, call `closeness.services` (which decides every rule
again), render what `closeness.presenters` builds (it says what a page may show about the
partner's answers: only the shared yes). Messages never carry step words or times (the
session isn't encrypted). Forms that were typed into come back with a 400 and the typed
values; one-tap buttons come back with a message and a redirect.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closeness import presenters, services
from closeness.forms import (
    EMAIL_ON,
    NOT_OFFERED,
    AddStepForm,
    AnswersForm,
    EmailSettingForm,
    ExtendSlowDownForm,
    ProposeSlowDownForm,
    SlowDownAnswerForm,
)
from closeness.models import OwnStep
from closeness.presenters import first_error
from privacy.access import visible_or_404
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

# -- pieces the moment pages share --------------------------------------------------------


def render_paused(
    request: HtmxHttpRequest, *, problem: str = "", status: int = 200
) -> HttpResponse:
    """While the path is paused: "paused for now", and nothing else, for whoever didn't
    pause it; the one who did may resume."""
    context = presenters.paused_context(signed_in_user(request), problem)
    return render(request, "closeness/paused.html", context, status=status)


def back_to(request: HtmxHttpRequest, default: str = "closeness:index") -> HttpResponse:
    """Where a one-tap button returns to: the overview, or the page it was on."""
    if request.POST.get("back") == "index":
        return redirect("closeness:index")
    return redirect(default)


# -- the overview ----------------------------------------------------------------------------


def _render_index(
    request: HtmxHttpRequest,
    *,
    propose_form: ProposeSlowDownForm | None = None,
    extend_form: ExtendSlowDownForm | None = None,
    email_form: EmailSettingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = presenters.index_context(
        keyring_for(request),
        signed_in_user(request),
        propose_form=propose_form,
        extend_form=extend_form,
        email_form=email_form,
    )
    return render(request, "closeness/index.html", context, status=status)


@require_GET
@kept_briefly
def index(request: HtmxHttpRequest) -> HttpResponse:
    return _render_index(request)


# -- one's own answers and steps -------------------------------------------------------------


def _render_mine(
    request: HtmxHttpRequest,
    *,
    form: AnswersForm | None = None,
    add_form: AddStepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = presenters.mine_context(
        keyring_for(request), signed_in_user(request), form=form, add_form=add_form
    )
    return render(request, "closeness/mine.html", context, status=status)


@require_http_methods(["GET", "POST"])
def mine(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_mine(request)
    ring = keyring_for(request)
    form = AnswersForm(request.POST, steps=services.all_steps(ring))
    if not form.is_valid():
        return _render_mine(request, form=form, status=400)
    try:
        services.save_answers(ring, form.answers(), form.hidden())
    except services.ClosenessProblem as problem:
        form.add_error(None, str(problem))
        return _render_mine(request, form=form, status=400)
    messages.success(
        request,
        "Saved. Your answers are yours alone; only what you both say yes to is shown to you both.",
    )
    return redirect("closeness:mine")


@require_POST
def add_step(request: HtmxHttpRequest) -> HttpResponse:
    form = AddStepForm(request.POST)
    if not form.is_valid():
        return _render_mine(request, add_form=form, status=400)
    data = form.cleaned_data
    try:
        services.add_step(keyring_for(request), data["words"], data["tier"], token=data["token"])
    except services.ClosenessProblem as problem:
        form.add_error(None, str(problem))
        return _render_mine(request, add_form=form, status=400)
    messages.success(request, "Added to both your lists, unanswered. Answer it whenever you like.")
    return redirect("closeness:mine")


@require_POST
def remove_step(request: HtmxHttpRequest, step_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    step = visible_or_404(OwnStep, user, step_id)
    try:
        services.remove_step(user, step)
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.info(request, "Removed from both your lists.")
    return redirect("closeness:mine")


# -- pausing, slowing down, email ------------------------------------------------------------


@require_POST
def pause(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action")
    try:
        if action == "pause":
            services.pause(user)
            messages.info(
                request,
                "Paused. Any moments you'd planned are called off, and nothing here moves "
                "until you resume it.",
            )
        elif action == "resume":
            services.resume(user)
            if services.path_state(user) == services.OPEN:
                messages.info(request, "The path is open again, at whatever pace suits you both.")
            else:
                messages.info(request, "Your pause is lifted.")
        else:
            messages.error(request, NOT_OFFERED)
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    return redirect("closeness:index")


def _slow_down_answer(request: HtmxHttpRequest, action: str) -> HttpResponse:
    form = SlowDownAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("closeness:index")
    user = signed_in_user(request)
    try:
        services.answer_slow_down(user, form.cleaned_data["slow_down"], action == "agree")
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        words = {
            "agree": "Agreed. The slow-down starts now; either of you can make it longer.",
            "decline": "Set aside for now. Nothing changes.",
            "withdraw": "Your suggestion is set aside.",
        }
        messages.info(request, words[action])
    return redirect("closeness:index")


@require_POST
def slow_down(request: HtmxHttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if action in {"agree", "decline", "withdraw"}:
        return _slow_down_answer(request, action)
    if action == "propose":
        return _propose_slow_down(request)
    if action == "extend":
        return _extend_slow_down(request)
    messages.error(request, NOT_OFFERED)
    return redirect("closeness:index")


def _propose_slow_down(request: HtmxHttpRequest) -> HttpResponse:
    propose = ProposeSlowDownForm(request.POST)
    if not propose.is_valid():
        return _render_index(request, propose_form=propose, status=400)
    try:
        services.propose_slow_down(
            signed_in_user(request),
            propose.cleaned_data["up_to_tier"],
            propose.cleaned_data["weeks"],
        )
    except services.ClosenessProblem as problem:
        propose.add_error(None, str(problem))
        return _render_index(request, propose_form=propose, status=400)
    messages.info(request, "Suggested. It starts once your partner agrees too.")
    return redirect("closeness:index")


def _extend_slow_down(request: HtmxHttpRequest) -> HttpResponse:
    extend = ExtendSlowDownForm(request.POST)
    if not extend.is_valid():
        return _render_index(request, extend_form=extend, status=400)
    try:
        services.extend_slow_down(
            signed_in_user(request), extend.cleaned_data["slow_down"], extend.cleaned_data["weeks"]
        )
    except services.ClosenessProblem as problem:
        extend.add_error(None, str(problem))
        return _render_index(request, extend_form=extend, status=400)
    messages.info(request, "The slow-down is longer now. Going slower never needs a yes.")
    return redirect("closeness:index")


@require_POST
def email_setting(request: HtmxHttpRequest) -> HttpResponse:
    form = EmailSettingForm(request.POST)
    if not form.is_valid():
        return _render_index(request, email_form=form, status=400)
    on = form.cleaned_data["email"] == EMAIL_ON
    services.save_setting(signed_in_user(request), email_checkins=on)
    if on:
        messages.info(request, "A short email will say when something is waiting, and no more.")
    else:
        messages.info(request, "Check-ins before a moment will wait for you in Tending only.")
    return redirect("closeness:index")
