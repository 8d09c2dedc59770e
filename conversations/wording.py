"""The gentle wording aid: every rule in one readable place.

While someone writes (what they want to say, or what they heard), this notices phrases
that usually land as blame or defence and offers a way of saying it that owns one's part.
It runs here, on the Tending server, with no outside service; it stores nothing, never
blocks sending, never tells the partner anything, and each person can switch it off.

A rule is a pattern, why the phrase tends to land badly, and one or two ways to try
instead. Patterns are matched case-insensitively on the text as written. The tests in
conversations/tests/test_wording.py list what each rule must and must not flag; add a
line there with every change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    key: str
    pattern: re.Pattern[str]
    why: str
    instead: tuple[str, ...]
    # When this also matches the sentence the phrase is in, the phrase is meant kindly
    # (an appreciation) or about oneself, and the rule stays quiet.
    unless: re.Pattern[str] | None = None


def _rule(key: str, pattern: str, why: str, *instead: str, unless: str = "") -> Rule:
    quiet = re.compile(unless, re.IGNORECASE) if unless else None
    return Rule(key, re.compile(pattern, re.IGNORECASE), why, instead, quiet)


# Words that make a "you always / you never / you make me" sentence warm, not blaming.
_WARM = (
    r"\b(?:thank|thanks|appreciate|grateful|love|glad|happy|laugh|smile|safe|kind|"
    r"let me down|fail to|surprise|know how to|help|support|cared?|gentle|patient|"
    r"feel (?:safe|loved|seen|heard|good|better|calm|at home))"
)


_APOLOGY = r"\b(?:i'?m sorry|i am sorry|sorry|i apologi[sz]e)\b"

RULES: tuple[Rule, ...] = (
    _rule(
        "you-always",
        r"\byou(?:'re| are)? always\b",
        "\u201cAlways\u201d turns one moment into a verdict about the whole person, and the "
        "conversation tends to become about whether it's true.",
        "When \u2026 happened, I felt \u2026",
        "I feel \u2026 about \u2026 and I need \u2026",
        unless=_WARM,
    ),
    _rule(
        "you-never",
        r"\byou(?:'ve| have)? never\b",
        "\u201cNever\u201d is easy to argue with, so the feeling underneath can get lost.",
        "I miss \u2026, and I'd like \u2026",
        "I feel \u2026 about \u2026 and I need \u2026",
        unless=_WARM,
    ),
    _rule(
        "only-because",
        r"\bi only (?:did|said|went|did it|did that)\b[^.!?]*\bbecause\b",
        "An explanation of why can sound like a reason it shouldn't have hurt, even when "
        "that isn't meant.",
        "I see how that affected you.",
        "What I did was \u2026, and I understand it left you feeling \u2026",
    ),
    _rule(
        "overreacting",
        r"\byou(?:'re| are)(?: just| being)? "
        r"(?:over-?reacting|too sensitive|being dramatic|dramatic)\b",
        "Telling someone how much they should feel usually makes them feel less heard, not calmer.",
        "Help me understand what this is like for you.",
        "I can see this matters a lot to you.",
    ),
    _rule(
        "sorry-but",
        # "but" later in the same sentence, or opening the next one.
        _APOLOGY + r"[^.!?]{0,80}?\bbut\b|" + _APOLOGY + r"[^.!?]{0,120}[.!?\u2026]+\s*but\b",
        "A \u201cbut\u201d right after an apology tends to take the apology back.",
        "I'm sorry. I see how that affected you.",
        "I'm sorry; what I'll do differently is \u2026",
    ),
    _rule(
        "you-make-me",
        r"\byou make me (?:feel|so|angry|mad|do)\b",
        "\u201cYou make me\u201d puts the feeling in the other's hands; saying it as your own "
        "is easier to hear.",
        "I feel \u2026 when \u2026, and I need \u2026",
        unless=_WARM,
    ),
    _rule(
        "calm-down",
        r"\b(?:just )?calm down\b",
        "Being told to calm down rarely calms anyone.",
        "Shall we take a pause and breathe for a minute?",
        unless=r"\b(?:I|I'm|I am|I'll|me|myself|let me|we)\b[^.!?]*\bcalm down\b",
    ),
)


@dataclass(frozen=True)
class Hint:
    key: str
    found: str  # the words as written
    why: str
    instead: tuple[str, ...]


_SENTENCE_END = re.compile(r"[.!?\u2026\n]")


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence a match is in (from the last stop before it to the next one after)."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _straight(text: str) -> str:
    """Phone keyboards type curly apostrophes; the rules are written with straight ones.
    One character for one, so positions in the text stay the same."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def hints(text: str) -> list[Hint]:
    """The rules this text meets, each once, in the order the phrases appear."""
    plain = _straight(text)
    found: list[tuple[int, Hint]] = []
    for rule in RULES:
        for match in rule.pattern.finditer(plain):
            sentence = _sentence_around(plain, match.start(), match.end())
            if rule.unless is not None and rule.unless.search(sentence):
                continue
            words = text[match.start() : match.end()]
            found.append((match.start(), Hint(rule.key, words, rule.why, rule.instead)))
            break
    return [hint for _, hint in sorted(found, key=lambda pair: pair[0])]
