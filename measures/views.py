"""Questionnaires: parse, call, render. The scoring lives in `scoring`, the rules in
`services`, the pages' building and words in `presenters`."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from measures import presenters, scoring, services
from measures.models import Form, Response
from privacy import entries
from privacy.access import own_or_404, visible_or_404
from privacy.keyring import keyring_for
from tending.http import signed_in_user


def _parse(form: str, data: dict[str, str]) -> tuple[dict[int, int], dict[int, str]]:
    chosen: dict[int, int] = {}
    errors: dict[int, str] = {}
    for n in range(1, len(scoring.items(form)) + 1):
        raw = data.get(f"item-{n}", "").strip()
        if not raw:
            errors[n] = "This one still needs an answer."
            continue
        try:
            value = int(raw)
            scoring.points_for(form, n, value)
        except ValueError:
            errors[n] = "That isn't one of the answers to this question. Please choose again."
            continue
        chosen[n] = value
    return chosen, errors


def _token(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None


ALREADY_KEPT = "This month's answers are already kept. Thank you."


def _render_take(
    request: HttpRequest,
    form: str,
    *,
    done: Response | None = None,
    chosen: dict[int, int] | None = None,
    errors: dict[int, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = presenters.take_context(
        signed_in_user(request),
        form,
        done=done,
        chosen=chosen or {},
        errors=errors or {},
        problem=problem,
        shared_checked=request.POST.get("shared") == "on",
        token=_token(request.POST.get("token", "")),
    )
    return render(request, "measures/take.html", context, status=status)


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, form: str) -> HttpResponse:
    done = services.this_months_csi4(signed_in_user(request)) if form == Form.CSI4 else None
    if request.method != "POST":
        return _render_take(request, form, done=done)
    if done is not None:
        messages.info(request, ALREADY_KEPT)
        return redirect("measures:index")
    chosen, errors = _parse(form, request.POST.dict())
    if errors:
        problem = presenters.problem_with(errors)
        return _render_take(
            request, form, chosen=chosen, errors=errors, problem=problem, status=422
        )
    options = [chosen[n] for n in range(1, len(scoring.items(form)) + 1)]
    try:
        services.take(
            keyring_for(request),
            form,
            options,
            shared=request.POST.get("shared") == "on",
            token=_token(request.POST.get("token", "")),
        )
    except services.AlreadyThisMonth:
        messages.info(request, ALREADY_KEPT)
        return redirect("measures:index")
    except entries.NotReady as reason:
        return _render_take(request, form, chosen=chosen, problem=str(reason), status=409)
    messages.success(request, "Kept. Thank you for taking the time.")
    return redirect("measures:index")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = presenters.index_context(keyring_for(request), signed_in_user(request))
    return render(request, "measures/index.html", context)


@require_GET
def detail(request: HttpRequest, response_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    response = visible_or_404(Response, user, response_id)
    context = presenters.detail_context(keyring_for(request), user, response)
    return render(request, "measures/detail.html", context)


@require_POST
def share(request: HttpRequest, response_id: UUID) -> HttpResponse:
    response = own_or_404(Response, signed_in_user(request), response_id)
    try:
        entries.share(response, keyring_for(request))
    except entries.NotReady as reason:
        messages.error(request, str(reason))
    return redirect("measures:index")


@require_POST
def unshare(request: HttpRequest, response_id: UUID) -> HttpResponse:
    response = own_or_404(Response, signed_in_user(request), response_id)
    entries.unshare(response, keyring_for(request))
    messages.info(request, "Only you can see these answers now.")
    return redirect("measures:index")


@require_POST
def delete(request: HttpRequest, response_id: UUID) -> HttpResponse:
    response = own_or_404(Response, signed_in_user(request), response_id)
    services.delete_response(keyring_for(request), response)
    messages.info(request, "Deleted.")
    return redirect("measures:index")


@require_POST
def reminder(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("monthly") == "on"
    services.set_reminder(signed_in_user(request), on)
    messages.info(
        request,
        "One email a month, when the four questions are open."
        if on
        else "No questionnaire emails. You can come back here any time.",
    )
    return redirect("measures:index")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/about.html", {"items": scoring.CSI16_ITEMS})
