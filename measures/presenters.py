"""Page building and wording for the questionnaire pages, as plain values the templates
render: the questions with what was chosen, one's own line and the partner's shared one,
and one set of answers in words. Views parse, call and render. A line is one person's:
nothing here compares two people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from accounts.models import User
from measures import charts, scoring, services
from measures.models import Form, Response
from privacy import entries
from privacy.keyring import Keyring

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


def problem_with(errors: dict[int, str]) -> str:
    """What the page says above answers that came back with a problem."""
    if any("needs" in e for e in errors.values()):
        return "A few questions still need an answer. Everything you chose is kept below."
    return "One answer didn't match its question. Everything else is kept below."


def take_context(
    user: User,
    form: str,
    *,
    done: Response | None,
    chosen: dict[int, int],
    errors: dict[int, str],
    problem: str,
    shared_checked: bool,
    token: UUID | None,
) -> dict[str, Any]:
    """The questions, with what was chosen so far; a fresh token unless one came back."""
    return {
        "form_key": form,
        "title": FORM_NAMES[Form(form)],
        "questions": _questions(form, chosen, errors),
        "instruction": scoring.WORD_PAIR_INSTRUCTION,
        "problem": problem,
        "done": done,
        "partner": services.partner_of(user),
        "shared_checked": shared_checked,
        "token": token or uuid4(),
    }


def _section(ring: Keyring, partner: User | None, form: Form) -> dict[str, Any]:
    mine = services.own_line(ring, form)
    theirs = services.shared_line(ring, partner, form)
    lines = [("measure-mine", "Your answers", mine)]
    if theirs and partner is not None:
        lines.append(("measure-theirs", f"{partner.display_name}'s shared answers", theirs))
    return {
        "form": form,
        "name": FORM_NAMES[form],
        "maximum": scoring.MAXIMUM[form],
        "mine": list(reversed(mine)),
        "theirs": list(reversed(theirs)),
        "chart": charts.line_chart(f"line-{form}", form, lines),
        "change": services.change_between(form, mine),
    }


def index_context(ring: Keyring, user: User) -> dict[str, Any]:
    """Each questionnaire: one's own line and, beside it, the partner's shared one."""
    partner = services.partner_of(user)
    return {
        "sections": [_section(ring, partner, form) for form in (Form.CSI4, Form.CSI16)],
        "partner": partner,
        "done": services.this_months_csi4(user),
        "reminder": services.reminder_on(user),
    }


def detail_context(ring: Keyring, user: User, response: Response) -> dict[str, Any]:
    """One set of answers, each question with the answer chosen, in words."""
    entries.reveal([response], ring)
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
    return {
        "response": response,
        "name": FORM_NAMES[Form(response.form)],
        "rows": rows,
        "total": response.score(),
        "maximum": scoring.MAXIMUM[response.form],
        "partner": services.partner_of(user),
    }
