"""Knowing each other: parse, call, render (the pages are built in `insight.presenters`)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insight import presenters, reflection, services
from insight.models import PART_MAX, ClosenessReflection, GuidePart, Section
from privacy import entries
from privacy.keyring import keyring_for
from tending.http import signed_in_user

TOLD_KEY = "insight_told_at"
TOLD_AGAIN_AFTER = 10 * 60  # seconds: a second tap soon after the first tells no one twice


def _check_guide(
    texts: dict[str, str], current: dict[str, GuidePart]
) -> tuple[dict[str, str], str]:
    """Each part's problem, and one for the whole form (nothing written at all)."""
    errors: dict[str, str] = {}
    for section, text in texts.items():
        if len(text.strip()) > PART_MAX:
            errors[section] = (
                f"Each part can be up to {PART_MAX:,} characters; this one has "
                f"{len(text.strip()):,}. Nothing has been lost."
            )
    if not errors and not current and not any(t.strip() for t in texts.values()):
        return errors, "Write at least one part first; the others can wait."
    return errors, ""


def _render_guide(
    request: HttpRequest,
    values: dict[str, str],
    sharing: set[str],
    *,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = presenters.guide_context(
        keyring_for(request),
        signed_in_user(request),
        values=values,
        sharing=sharing,
        errors=errors or {},
        problem=problem,
    )
    return render(request, "insight/guide.html", context, status=status)


@require_http_methods(["GET", "POST"])
def guide(request: HttpRequest) -> HttpResponse:
    ring = keyring_for(request)
    current = services.current_guide(ring)
    if request.method != "POST":
        return _render_guide(request, *presenters.saved_guide(current))
    texts = {s: request.POST.get(s, "") for s in Section.values}
    shared = {s for s in Section.values if request.POST.get(f"share-{s}") == "on"}
    errors, problem = _check_guide(texts, current)
    if errors or problem:
        return _render_guide(request, texts, shared, errors=errors, problem=problem, status=422)
    try:
        services.save_guide(ring, texts, shared)
    except entries.NotReady as reason:
        return _render_guide(request, texts, shared, problem=str(reason), status=409)
    messages.success(request, "Kept.")
    return redirect("insight:guide")


@require_GET
def earlier(request: HttpRequest) -> HttpResponse:
    return render(
        request, "insight/earlier.html", {"parts": services.earlier_parts(keyring_for(request))}
    )


@require_GET
def partner_guide(request: HttpRequest) -> HttpResponse:
    partner = services.partner_of(signed_in_user(request))
    parts = services.partner_guide(keyring_for(request), partner)
    return render(request, "insight/partner_guide.html", {"partner": partner, "parts": parts})


def _parse_reflection(data: Any) -> tuple[dict[str, Any], str]:
    kinds = {}
    for key, _ in reflection.KINDS:
        level = data.get(f"kind-{key}", "")
        if level in reflection.LEVEL_NAMES:
            kinds[key] = level
        elif level:
            return {}, "One answer wasn't one of the choices. Please choose again."
    pace = data.get("pace", "")
    if pace and pace not in reflection.PACE_NAMES:
        return {}, "One answer wasn't one of the choices. Please choose again."
    reassurance = [k for k in data.getlist("reassurance") if k in reflection.REASSURANCE_NAMES]
    harder = data.get("harder", "").strip()
    answers = {"kinds": kinds, "pace": pace, "reassurance": reassurance, "harder": harder}
    if len(harder) > reflection.HARDER_MAX:
        return answers, (
            f"What makes closeness harder can be up to {reflection.HARDER_MAX:,} characters; "
            f"this has {len(harder):,}. Nothing has been lost."
        )
    if not kinds and not pace and not reassurance and not harder:
        return answers, "Answer at least one question first; you can leave any of them."
    return answers, ""


def _render_closeness(
    request: HttpRequest,
    mine: list[ClosenessReflection],
    answers: Any,
    *,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = presenters.closeness_context(
        keyring_for(request), signed_in_user(request), mine, answers, problem
    )
    return render(request, "insight/closeness.html", context, status=status)


@require_http_methods(["GET", "POST"])
def closeness(request: HttpRequest) -> HttpResponse:
    ring = keyring_for(request)
    mine = services.own_reflections(ring)
    if request.method != "POST":
        return _render_closeness(request, mine, presenters.latest_answers(mine))
    answers, problem = _parse_reflection(request.POST)
    if problem:
        return _render_closeness(request, mine, answers, problem=problem, status=422)
    try:
        services.reflect(ring, answers, shared=request.POST.get("shared") == "on")
    except entries.NotReady as reason:
        return _render_closeness(request, mine, answers, problem=str(reason), status=409)
    messages.success(request, "Kept. You can answer again whenever things change.")
    return redirect("insight:closeness")


@require_POST
def closeness_share(request: HttpRequest) -> HttpResponse:
    ring = keyring_for(request)
    mine = services.own_reflections(ring)
    if not mine:
        messages.info(request, "There's nothing to share yet.")
        return redirect("insight:closeness")
    try:
        services.set_reflection_shared(ring, mine[0], request.POST.get("share") == "on")
    except entries.NotReady as reason:
        messages.error(request, str(reason))
    return redirect("insight:closeness")


@login_not_required
@require_GET
def grounding(request: HttpRequest) -> HttpResponse:
    partner = services.partner_of(request.user) if request.user.is_authenticated else None
    return render(request, "insight/grounding.html", {"partner": partner})


@require_POST
def tell(request: HttpRequest) -> HttpResponse:
    """Only ever on the person's own tap: tells the partner they are taking a moment."""
    user = signed_in_user(request)
    partner = services.partner_of(user)
    told_at = request.session.get(TOLD_KEY)
    if partner is None:
        messages.info(request, "There's no partner in your space to tell. Take the time you need.")
    elif isinstance(told_at, (int, float)) and time.time() - told_at < TOLD_AGAIN_AFTER:
        messages.info(request, f"{partner.display_name} already knows. Take the time you need.")
    else:
        services.tell_partner_taking_a_moment(user)
        request.session[TOLD_KEY] = time.time()
        messages.info(
            request,
            f"{partner.display_name} now knows you're taking a moment. Take the time you need.",
        )
    return redirect("insight:grounding")
