"""Page building and wording for the insight pages, as plain values the templates render:
"when it's hard for me" part by part, and "what closeness means to me" with the partner's
shared answers and where the two meet. Views parse, call and render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from insight import reflection, services
from insight.models import PART_MAX, ClosenessReflection, GuidePart, Section
from privacy.keyring import Keyring

# -- when it's hard for me ------------------------------------------------------------------


def saved_guide(current: Mapping[str, GuidePart]) -> tuple[dict[str, str], set[str]]:
    """What each part says now, and which parts are shared."""
    values = {s: str(p.plain.get("text", "")) for s, p in current.items()}
    sharing = {s for s, p in current.items() if p.is_shared}
    return values, sharing


def guide_context(
    ring: Keyring,
    user: User,
    *,
    values: Mapping[str, str],
    sharing: set[str],
    errors: Mapping[str, str],
    problem: str,
) -> dict[str, Any]:
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
    return {
        "fields": fields,
        "problem": problem,
        "partner": partner,
        "partner_has_shared": bool(services.partner_guide(ring, partner)),
        "has_earlier": bool(services.earlier_parts(ring)),
        "max": PART_MAX,
    }


# -- what closeness means to me ---------------------------------------------------------------


def latest_answers(mine: list[ClosenessReflection]) -> Any:
    """The newest answers kept, to start the form from."""
    return mine[0].plain.get("answers") if mine else {}


def _words(item: ClosenessReflection | None) -> list[tuple[str, str]]:
    return services.answers_in_words(item.plain.get("answers")) if item else []


def closeness_context(
    ring: Keyring,
    user: User,
    mine: list[ClosenessReflection],
    answers: Any,
    problem: str,
) -> dict[str, Any]:
    """One's answers (the form, the newest in words, the earlier ones), the partner's shared
    ones, and, when both share, where they meet."""
    partner = services.partner_of(user)
    latest = mine[0] if mine else None
    theirs = services.partner_reflection(ring, partner)
    both = latest is not None and latest.is_shared and theirs is not None
    answers = answers if isinstance(answers, dict) else {}
    meet = (
        reflection.meeting_places(
            latest.plain.get("answers") or {}, theirs.plain.get("answers") or {}
        )
        if both and latest is not None and theirs is not None
        else []
    )
    return {
        "kinds": reflection.KINDS,
        "levels": reflection.LEVELS,
        "paces": reflection.PACES,
        "reassurances": reflection.REASSURANCES,
        "answers": answers,
        "chosen_kinds": answers.get("kinds") or {},
        "problem": problem,
        "latest": latest,
        "latest_words": _words(latest),
        "earlier": [(r, _words(r)) for r in mine[1:]],
        "partner": partner,
        "theirs_words": _words(theirs),
        "meet": meet,
        "both": both,
        "max": reflection.HARDER_MAX,
    }
