"""Questionnaires: parse, call, render. The scoring lives in `scoring`, the rules in `services`."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from measures import charts, scoring, services
from measures.models import Form, Response
from privacy import entries
from privacy.access import own_or_404, visible_or_404
from privacy.keyring import keyring_for
from tending.http import signed_in_user

FORM_NAMES = {
    Form.CSI4: "The monthly four questions",
    Form.CSI16: "The fuller sixteen questions",
}


@dataclass(frozen=True)
class Choice:
    value: int
    label: str
    checked: bool


@dataclass(frozen=True)
class Question:
    number: int
    item: scoring.Item
    choices: list[Choice]
    error: str


def _questions(form: str, chosen: dict[int, int], errors: dict[int, str]) -> list[Question]:
    return [
        Question(
            n,
            item,
            [
                Choice(i, label or f"Box {i + 1} of 6", chosen.get(n) == i)
                for i, label in enumerate(item.options)
            ],
            errors.get(n, ""),
        )
        for n, item in enumerate(scoring.items(form), start=1)
    ]


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


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, form: str) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    done = services.this_months_csi4(user) if form == Form.CSI4 else None
    chosen: dict[int, int] = {}
    errors: dict[int, str] = {}
    problem = ""
    status = 200
    if request.method == "POST" and done is None:
        chosen, errors = _parse(form, request.POST.dict())
        if errors:
            problem = (
                "A few questions still need an answer. Everything you chose is kept below."
                if any("needs" in e for e in errors.values())
                else "One answer didn't match its question. Everything else is kept below."
            )
            status = 422
        else:
            options = [chosen[n] for n in range(1, len(scoring.items(form)) + 1)]
            try:
                services.take(
                    ring,
                    form,
                    options,
                    shared=request.POST.get("shared") == "on",
                    token=_token(request.POST.get("token", "")),
                )
            except services.AlreadyThisMonth:
                messages.info(request, "This month's answers are already kept. Thank you.")
                return redirect("measures:index")
            except entries.NotReady as reason:
                problem, status = str(reason), 409
            else:
                messages.success(request, "Kept. Thank you for taking the time.")
                return redirect("measures:index")
    elif request.method == "POST":
        messages.info(request, "This month's answers are already kept. Thank you.")
        return redirect("measures:index")
    return render(
        request,
        "measures/take.html",
        {
            "form_key": form,
            "title": FORM_NAMES[Form(form)],
            "questions": _questions(form, chosen, errors),
            "instruction": scoring.WORD_PAIR_INSTRUCTION,
            "problem": problem,
            "done": done,
            "partner": services.partner_of(user),
            "shared_checked": request.POST.get("shared") == "on",
            "token": _token(request.POST.get("token", "")) or uuid4(),
        },
        status=status,
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    partner = services.partner_of(user)
    sections = []
    for form in (Form.CSI4, Form.CSI16):
        mine = services.own_line(ring, form)
        theirs = services.shared_line(ring, partner, form)
        lines = [("measure-mine", "Your answers", mine)]
        if theirs and partner is not None:
            lines.append(("measure-theirs", f"{partner.display_name}'s shared answers", theirs))
        sections.append(
            {
                "form": form,
                "name": FORM_NAMES[form],
                "maximum": scoring.MAXIMUM[form],
                "mine": list(reversed(mine)),
                "theirs": list(reversed(theirs)),
                "chart": charts.line_chart(f"line-{form}", form, lines),
                "change": services.change_between(form, mine),
            }
        )
    return render(
        request,
        "measures/index.html",
        {
            "sections": sections,
            "partner": partner,
            "done": services.this_months_csi4(user),
            "reminder": services.reminder_on(user),
        },
    )


@require_GET
def detail(request: HttpRequest, response_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    response = visible_or_404(Response, user, response_id)
    entries.reveal([response], keyring_for(request))
    chosen = response.options()
    rows = []
    if chosen is not None:
        for item, option in zip(scoring.items(response.form), chosen, strict=True):
            answer = (
                f"Box {option + 1} of 6, from {item.left} to {item.right}"
                if item.is_word_pair
                else item.options[option]
            )
            rows.append((item.text, answer))
    return render(
        request,
        "measures/detail.html",
        {
            "response": response,
            "name": FORM_NAMES[Form(response.form)],
            "rows": rows,
            "total": response.score(),
            "maximum": scoring.MAXIMUM[response.form],
            "partner": services.partner_of(user),
        },
    )


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
    response.delete()
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
