"""The private safety check: the questions, the answers they allow, and what they suggest.

Every word is ours. The questions follow what clinicians ask each partner alone before
couples work (fear, harm and threats, control, sexual coercion), in plain words, without
labels such as "abuse" that people often don't use for their own lives.
"""

from __future__ import annotations

from dataclasses import dataclass

YES, SOMETIMES, NO, RATHER_NOT = "yes", "sometimes", "no", "rather-not-say"

ANSWERS: tuple[tuple[str, str], ...] = (
    (NO, "No"),
    (SOMETIMES, "Sometimes, or I'm not sure"),
    (YES, "Yes"),
    (RATHER_NOT, "I'd rather not say"),
)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    why: str  # said on the result page when this answer suggests couples work isn't safe now


QUESTIONS: tuple[Question, ...] = (
    Question(
        "afraid",
        "Do you ever feel afraid of your partner, or of what they might do?",
        "you told us you sometimes feel afraid of your partner",
    ),
    Question(
        "hurt",
        "Has your partner ever hurt you, or threatened to hurt you, someone you love, "
        "a pet, or themselves?",
        "you told us your partner has hurt you or threatened to",
    ),
    Question(
        "control",
        "Does your partner control your money, your phone, where you go or whom you see?",
        "you told us your partner decides things that are yours to decide",
    ),
    Question(
        "sexual",
        "Has your partner ever made you do sexual things you didn't want to do?",
        "you told us you were made to do sexual things you didn't want",
    ),
)
KEYS = tuple(q.key for q in QUESTIONS)


def suggests_danger(answers: dict[str, str]) -> bool:
    """Any "yes" or "sometimes / not sure" is enough: we would rather say too much here."""
    return any(answers.get(key) in (YES, SOMETIMES) for key in KEYS)


def reasons(answers: dict[str, str]) -> list[str]:
    return [q.why for q in QUESTIONS if answers.get(q.key) in (YES, SOMETIMES)]
