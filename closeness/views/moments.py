"""Planned moments of closeness: planning one from the shared yes, answering it, the consent
check-in shortly before, calling it off, and the private "how was it for you" afterwards.

Thin on purpose, like the rest of the path (see path_views): services decide, this parses
and renders what `closeness.presenters` builds. A moment shows only its time, its state in
words and those of its steps that are still in the shared yes; never who called it off.
While the path is paused, every page here shows only that.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closeness import presenters, services
from closeness.forms import NOT_OFFERED, AftercareForm, PlanForm
from closeness.models import Moment
from closeness.presenters import partner_name
from closeness.views.path_views import back_to, render_paused
from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

PAUSED_NOTHING_PLANNED = "The path is paused for now, so nothing can be planned."
UNPAIRED = "This is something the two of you share; invite your partner first."


def _moment_url(moment: Moment) -> str:
    return reverse("closeness:moment", kwargs={"moment_id": moment.pk})


# -- planning --------------------------------------------------------------------------------


def _render_plan(
    request: HtmxHttpRequest,
    form: PlanForm | None,
    *,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = presenters.plan_context(signed_in_user(request), form, problem)
    return render(request, "closeness/plan.html", context, status=status)


@require_http_methods(["GET", "POST"])
def plan(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    posted = request.method == "POST"
    if services.path_state(user) != services.OPEN:
        problem = PAUSED_NOTHING_PLANNED if posted else ""
        return render_paused(request, problem=problem, status=400 if posted else 200)
    if couples.partner_of(user) is None:
        return _render_plan(
            request, None, problem=UNPAIRED if posted else "", status=400 if posted else 200
        )
    ring = keyring_for(request)
    shared = services.shared_yes(ring) or []
    if not posted:
        return _render_plan(
            request, PlanForm(initial={"token": uuid4()}, shared=shared, zone_name=user.time_zone)
        )
    form = PlanForm(request.POST, shared=shared, zone_name=user.time_zone)
    if not form.is_valid():
        return _render_plan(request, form, status=400)
    data = form.cleaned_data
    try:
        moment = services.plan_moment(ring, data["at"], data["steps"], token=data["token"])
    except services.ClosenessProblem as problem:
        form.add_error(None, str(problem))
        return _render_plan(request, form, status=400)
    messages.success(
        request,
        f"Suggested. {partner_name(user)} can answer yes or not this time, whenever they're ready.",
    )
    return redirect(_moment_url(moment))


# -- one moment ------------------------------------------------------------------------------


@require_GET
def detail(request: HtmxHttpRequest, moment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    moment = visible_or_404(Moment, user, moment_id)
    if services.path_state(user) != services.OPEN:
        return render_paused(request)
    context = presenters.moment_context(keyring_for(request), user, moment)
    return render(request, "closeness/moment.html", context)


@require_POST
def answer(request: HtmxHttpRequest, moment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    moment = visible_or_404(Moment, user, moment_id)
    choice = request.POST.get("answer")
    if choice not in {"yes", "no"}:
        messages.error(request, NOT_OFFERED)
        return back_to(request, _moment_url(moment))
    try:
        services.answer_moment(user, moment, choice == "yes")
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        if choice == "yes":
            messages.success(
                request, "Planned. Either of you can still call it off, at any time, no reason."
            )
        else:
            messages.info(request, "Not this time. Nothing more is asked.")
    return back_to(request, _moment_url(moment))


@require_POST
def call_off(request: HtmxHttpRequest, moment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    moment = visible_or_404(Moment, user, moment_id)
    try:
        services.call_off(user, moment)
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.info(request, "It's called off. No reason is needed, and none is asked.")
    return back_to(request, _moment_url(moment))


@require_POST
def still_good(request: HtmxHttpRequest, moment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    moment = visible_or_404(Moment, user, moment_id)
    try:
        services.still_good(keyring_for(request), moment)
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, "Thank you. That stays with you; you can still change your mind at any time."
        )
    return back_to(request, _moment_url(moment))


# -- afterwards ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def aftercare(request: HtmxHttpRequest, moment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    moment = visible_or_404(Moment, user, moment_id)
    posted = request.method == "POST"
    if services.path_state(user) != services.OPEN:
        return render_paused(request, status=400 if posted else 200)
    ring = keyring_for(request)
    if posted:
        form = AftercareForm(request.POST)
        if form.is_valid():
            try:
                services.note_aftercare(
                    ring, moment, form.cleaned_data["feeling"], form.cleaned_data["note"]
                )
            except services.ClosenessProblem as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(request, "Kept, just for you.")
                return redirect("closeness:aftercare", moment_id=moment.pk)
        return _render_aftercare(request, moment, form, status=400)
    return _render_aftercare(request, moment, None)


def _render_aftercare(
    request: HtmxHttpRequest, moment: Moment, form: AftercareForm | None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    context = presenters.aftercare_context(keyring_for(request), user, moment, form)
    return render(request, "closeness/aftercare.html", context, status=status)
