"""The reflection prompts: enough of them for every role, stable keys, one suggestion a day,
and the tone review written down as code.

Tone: every prompt in checkins/prompts.py was read by a person, aloud, against the
product's rules (warm, plain, no pressure; nothing that pushes to forgive, trust faster or
be close; the repairing partner looks at their own part, the hurt partner sets the pace).
The checks below can't judge warmth; they catch the words that turn a question into a
demand, so a new prompt that slips one in fails here before anyone reads it.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest

from checkins import prompts
from checkins.prompts import PROMPTS, for_role, suggested
from couples.models import Role

ROLES = [role.value for role in Role]

# The keys answers refer to. A key, once used, stays: an answer stores its prompt's key,
# so renaming or removing one would orphan what people wrote. Adding a prompt means
# adding its key here too; removing one from this set needs a migration of answers.
KEYS = {
    "r-safer", "r-consistent", "r-repair-or-reassure", "r-owned", "r-impact", "r-defend",
    "r-honest-small", "r-patience", "r-promise", "r-listen", "r-trigger", "r-support",
    "r-proud", "r-not-yet",
    "h-unsafe", "h-not-yet", "h-helped", "h-body", "h-evidence", "h-need", "h-allowed",
    "h-pace", "h-care", "h-doubt", "h-boundary", "h-moment", "h-question", "h-kind",
    "b-turned-toward", "b-appreciate", "b-hard", "b-request", "b-distance", "b-my-part",
    "b-old-pattern", "b-curious", "b-ease", "b-ritual", "b-listened", "b-repair", "b-hope",
    "b-grateful", "b-rest", "b-enough",
}  # fmt: skip

# Words that press: obligation, hurry, or a push to forgive, trust faster or be close.
PRESSURE = [
    "should",
    "must",
    "ought",
    "need to",
    "needs to",
    "have to",
    "has to",
    "got to",
    "supposed to",
    "why can't",
    "why don't",
    "why won't",
    "forgive",
    "get over",
    "move on",
    "moving on",
    "let it go",
    "let go",
    "get past",
    "put it behind",
    "by now",
    "already",
    "still not",
    "hurry",
    "finally",
    "overreact",
    "too sensitive",
    "calm down",
    "trust again",
    "intimate",
    "sex",
]
LONGEST = 110


def _pressure_in(text: str) -> list[str]:
    words = text.lower().replace("\u2019", "'")
    return [w for w in PRESSURE if re.search(rf"\b{re.escape(w)}\b", words)]


# -- how many, for whom --------------------------------------------------------------------


def test_there_are_at_least_forty_prompts_and_every_role_gets_at_least_twelve() -> None:
    assert len(PROMPTS) >= 40
    for role in ROLES:
        assert len(for_role(role)) >= 12, role


def test_keys_are_unique_and_stable() -> None:
    listed = [p.key for p in prompts._ALL_PROMPTS]
    assert len(listed) == len(set(listed)), "two prompts share a key"
    assert set(PROMPTS) == KEYS
    assert all(PROMPTS[key].key == key for key in KEYS)
    assert all(len(key) <= 40 for key in KEYS)  # Reflection.prompt_key holds 40


def test_each_role_gets_its_own_prompts_and_not_the_others() -> None:
    repairing = {p.key for p in for_role(Role.REPAIRING)}
    hurt = {p.key for p in for_role(Role.HURT)}
    both = {p.key for p in for_role(Role.BOTH)}
    # The repairing partner looks at their own part; the hurt partner's pace is theirs.
    assert {"r-safer", "r-consistent", "r-repair-or-reassure", "r-owned"} <= repairing
    assert {"h-unsafe", "h-not-yet", "h-helped"} <= hurt
    assert not any(key.startswith("h-") for key in repairing)
    assert not any(key.startswith("r-") for key in hurt)
    assert not any(key.startswith(("r-", "h-")) for key in both)
    # A role nobody has is offered nothing, rather than someone else's prompts.
    assert for_role("stranger") == []


# -- one suggestion a day ------------------------------------------------------------------

DAY = date(2026, 3, 11)


@pytest.mark.parametrize("role", ROLES)
def test_the_suggestion_is_the_same_all_day_and_from_the_roles_list(role: str) -> None:
    offered = for_role(role)
    for person in (1, 2, 37, 1000):
        first = suggested(role, DAY, person)
        assert first in offered
        assert all(suggested(role, DAY, person) == first for _ in range(5))


@pytest.mark.parametrize("role", ROLES)
def test_the_suggestion_changes_across_days(role: str) -> None:
    month = [suggested(role, DAY + timedelta(days=n), 7) for n in range(30)]
    assert len({p.key for p in month}) >= 10
    changed = sum(a != b for a, b in itertools.pairwise(month))
    assert changed >= 20, "most days should bring a different prompt"
    assert all(p in for_role(role) for p in month)


def test_the_suggestion_differs_by_role() -> None:
    days = [DAY + timedelta(days=n) for n in range(30)]
    repairing = [suggested(Role.REPAIRING, d, 7) for d in days]
    hurt = [suggested(Role.HURT, d, 7) for d in days]
    assert all(p in for_role(Role.REPAIRING) for p in repairing)
    assert all(p in for_role(Role.HURT) for p in hurt)
    # The few prompts offered to every role can coincide; on most days they differ.
    assert sum(a != b for a, b in zip(repairing, hurt, strict=True)) >= 15
    assert {p.key for p in repairing if p.key.startswith("r-")}
    assert {p.key for p in hurt if p.key.startswith("h-")}


def test_two_people_on_the_same_day_usually_get_different_prompts() -> None:
    people = [suggested(Role.BOTH, DAY, person) for person in range(1, 31)]
    assert len({p.key for p in people}) >= 8


# -- tone, in code -------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(KEYS))
def test_each_prompt_is_a_short_plain_question_without_pressure(key: str) -> None:
    text = PROMPTS[key].text
    assert text.endswith("?"), text
    assert len(text) < LONGEST, (len(text), text)
    assert text == text.strip() and "  " not in text
    assert _pressure_in(text) == [], text


def test_the_tone_check_catches_pressure_words() -> None:
    # The check itself, so it can't quietly pass everything.
    assert _pressure_in("Why can\u2019t I just move on?") == ["why can't", "move on"]
    assert _pressure_in("What should I forgive by now?") == ["should", "forgive", "by now"]
    assert _pressure_in("Where do my shoulders hold the day?") == []  # words, not parts of words
