"""Knowing each other: parse, call, render."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insight import reflection, services
from insight.models import PART_MAX, Section
from privacy import entries
from privacy.keyring import keyring_for
from tending.http import signed_in_user

TOLD_KEY = "insight_told_at"
TOLD_AGAIN_AFTER = 10 * 60  # seconds: a second tap soon after the first tells no one twice


@require_http_methods(["GET", "POST"])
def guide(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    current = services.current_guide(ring)
    errors: dict[str, str] = {}
    problem = ""
    status = 200
    if request.method == "POST":
        texts = {s: request.POST.get(s, "") for s in Section.values}
        shared = {s for s in Section.values if request.POST.get(f"share-{s}") == "on"}
        for section, text in texts.items():
            if len(text.strip()) > PART_MAX:
                errors[section] = (
                    f"Each part can be up to {PART_MAX:,} characters; this one has "
                    f"{len(text.strip()):,}. Nothing has been lost."
                )
        if not errors and not current and not any(t.strip() for t in texts.values()):
            problem = "Write at least one part first; the others can wait."
        if errors or problem:
            status = 422
        else:
            try:
                services.save_guide(ring, texts, shared)
            except entries.NotReady as reason:
                problem, status = str(reason), 409
            else:
                messages.success(request, "Kept.")
                return redirect("insight:guide")
        values = {s: texts[s] for s in Section.values}
        sharing = shared
    else:
        values = {s: str(p.plain.get("text", "")) for s, p in current.items()}
        sharing = {s for s, p in current.items() if p.is_shared}
    fields = [
        {
            "key": key,
            "label": label,
            "value": values.get(key, ""),
            "shared": key in sharing,
            "error": errors.get(key, ""),
        }
        for key, label in Section.choices
    ]
    partner = services.partner_of(user)
    return render(
        request,
        "insight/guide.html",
        {
            "fields": fields,
            "problem": problem,
            "partner": partner,
            "partner_has_shared": bool(services.partner_guide(ring, partner)),
            "has_earlier": bool(services.earlier_parts(ring)),
            "max": PART_MAX,
        },
        status=status,
    )


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


@require_http_methods(["GET", "POST"])
def closeness(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    mine = services.own_reflections(ring)
    partner = services.partner_of(user)
    problem = ""
    status = 200
    latest = mine[0] if mine else None
    answers: Any = latest.plain.get("answers") if latest is not None else {}
    if request.method == "POST":
        answers, problem = _parse_reflection(request.POST)
        if problem:
            status = 422
        else:
            try:
                services.reflect(ring, answers, shared=request.POST.get("shared") == "on")
            except entries.NotReady as reason:
                problem, status = str(reason), 409
            else:
                messages.success(request, "Kept. You can answer again whenever things change.")
                return redirect("insight:closeness")
    theirs = services.partner_reflection(ring, partner)
    both = latest is not None and latest.is_shared and theirs is not None
    answers = answers if isinstance(answers, dict) else {}
    return render(
        request,
        "insight/closeness.html",
        {
            "kinds": reflection.KINDS,
            "levels": reflection.LEVELS,
            "paces": reflection.PACES,
            "reassurances": reflection.REASSURANCES,
            "answers": answers,
            "chosen_kinds": answers.get("kinds") or {},
            "problem": problem,
            "latest": latest,
            "latest_words": services.answers_in_words(latest.plain.get("answers"))
            if latest
            else [],
            "earlier": [(r, services.answers_in_words(r.plain.get("answers"))) for r in mine[1:]],
            "partner": partner,
            "theirs_words": services.answers_in_words(theirs.plain.get("answers"))
            if theirs
            else [],
            "meet": reflection.meeting_places(
                latest.plain.get("answers") or {}, theirs.plain.get("answers") or {}
            )
            if both and latest is not None and theirs is not None
            else [],
            "both": both,
            "max": reflection.HARDER_MAX,
        },
        status=status,
    )


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
