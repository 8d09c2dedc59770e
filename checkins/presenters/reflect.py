"""Reflection prompts as the page shows them: today's suggestion for the person's role,
others on request, and the answers (one's own, and what the partner chose to share)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from accounts.models import User
from checkins import services
from checkins.forms import ReflectionForm
from checkins.models import Reflection
from checkins.prompts import PROMPTS, Prompt, for_role, suggested
from couples import services as couples
from couples.models import Role
from privacy import entries
from privacy.keyring import Keyring
from tending.paging import page_of

PER_PAGE = 20
UNKNOWN_PROMPT = "We couldn't find that prompt, so here is today's."
UNKNOWN_PROMPT_KEPT = (
    "We couldn't find that prompt, so here is today's. What you wrote is still in the box; "
    "nothing was kept yet."
)
BAD_PAGE = "There's no such page of answers, so here are the newest."
NO_LONGER_OFFERED = "A prompt Tending no longer offers"


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


def situation_of(user: User) -> Situation:
    # Unpaired people have no role yet: they get the balanced set for both of us.
    membership = couples.current_membership(user)
    if membership is None:
        return Situation(Role.BOTH.value, None)
    theirs = couples.partner_membership(membership)
    return Situation(membership.role, theirs.user if theirs else None)


@dataclass(frozen=True)
class Chosen:
    """The prompt to show, whether it was chosen rather than suggested, a problem to show."""

    prompt: Prompt
    chosen: bool
    problem: str


def chosen_prompt(user: User, role: str, key: str | None) -> Chosen:
    """The prompt asked for by key, or today's suggestion."""
    today = services.local_today(user)
    if key:
        found = PROMPTS.get(key)
        if found is not None:
            return Chosen(found, found != suggested(role, today, user.pk), "")
        return Chosen(suggested(role, today, user.pk), False, UNKNOWN_PROMPT)
    return Chosen(suggested(role, today, user.pk), False, "")


def _answers(ring: Keyring, user: User, asked_page: str | None) -> dict[str, Any]:
    visible = (
        Reflection.objects.visible_to(user)
        .select_related("author")
        .order_by("-day", "-created_at", "-pk")
    )
    page, page_problem = page_of(visible, asked_page, PER_PAGE, BAD_PAGE)
    opened: list[Reflection] = entries.reveal(list(page.object_list), ring)  # type: ignore[assignment]
    answers = [
        Answer(
            entry,
            PROMPTS[entry.prompt_key].text if entry.prompt_key in PROMPTS else NO_LONGER_OFFERED,
            entry.author_id == user.pk,
        )
        for entry in opened
    ]
    return {"answers": answers, "page": page, "page_problem": page_problem}


def reflect_context(
    ring: Keyring,
    user: User,
    form: ReflectionForm,
    prompt: Prompt,
    situation: Situation,
    *,
    asked_page: str | None,
    chosen: bool = False,
    problem: str = "",
) -> dict[str, Any]:
    return {
        "form": form,
        "prompt": prompt,
        "chosen": chosen,
        "problem": problem,
        "others": [p for p in for_role(situation.role) if p.key != prompt.key],
        "partner": situation.partner,
        **_answers(ring, user, asked_page),
    }


def back_url(page: str) -> str:
    """Back to the list page the person was on (a page number only, never a free URL)."""
    url = reverse("checkins:reflect")
    return f"{url}?page={page}" if page.isascii() and page.isdigit() and page != "1" else url
