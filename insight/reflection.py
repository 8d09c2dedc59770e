"""What closeness means to me: our own reflective questions. Not a validated test; it
measures nothing and sorts no one. The words are ours."""

from __future__ import annotations

from typing import Any

KINDS: tuple[tuple[str, str], ...] = (
    ("time", "Time together, with full attention"),
    ("words", "Words: hearing what I mean to you"),
    ("touch", "Touch that asks for nothing more"),
    ("help", "Help with something that weighs on me"),
    ("presence", "Being near, even in silence"),
    ("play", "Play, jokes and lightness"),
)
LEVELS: tuple[tuple[str, str], ...] = (
    ("lot", "Helps a lot"),
    ("some", "Helps some"),
    ("little", "Helps a little"),
    ("unsure", "Not sure"),
)
PACES: tuple[tuple[str, str], ...] = (
    ("slow", "Very slow, for now"),
    ("steady", "Slow and steady"),
    ("more", "A little more than now"),
    ("unsure", "I don't know yet"),
)
REASSURANCES: tuple[tuple[str, str], ...] = (
    ("say", "Hearing, in words, that we're all right"),
    ("plans", "Knowing plans ahead of time"),
    ("hold", "A hand to hold, or a hug"),
    ("space", "A little time to myself first"),
    ("asked", "Being asked what I need"),
    ("kept", "Small promises kept"),
)
HARDER_MAX = 1000
NEAR = {"lot", "some"}

KIND_NAMES = dict(KINDS)
LEVEL_NAMES = dict(LEVELS)
PACE_NAMES = dict(PACES)
REASSURANCE_NAMES = dict(REASSURANCES)


def meeting_places(mine: dict[str, object], theirs: dict[str, object]) -> list[str]:
    """Where two people's answers meet, in words: kinds of closeness both say help them feel
    near, reassurance both chose, a pace both chose. Nothing about where they differ."""
    places = []
    my_kinds = mine.get("kinds") or {}
    their_kinds = theirs.get("kinds") or {}
    assert isinstance(my_kinds, dict) and isinstance(their_kinds, dict)
    for key, name in KINDS:
        if my_kinds.get(key) in NEAR and their_kinds.get(key) in NEAR:
            places.append(name)
    my_r, their_r = mine.get("reassurance") or [], theirs.get("reassurance") or []
    assert isinstance(my_r, list) and isinstance(their_r, list)
    for key, name in REASSURANCES:
        if key in my_r and key in their_r:
            places.append(name)
    pace = mine.get("pace")
    if pace and pace != "unsure" and pace == theirs.get("pace"):
        places.append(f"A pace you both chose: {PACE_NAMES[str(pace)].lower()}")
    return places


def answers_in_words(answers: Any) -> list[tuple[str, str]]:
    """(question, answer) pairs in plain words, skipping what wasn't answered."""
    if not isinstance(answers, dict):
        return []
    rows = []
    kinds = answers.get("kinds") or {}
    if isinstance(kinds, dict):
        for key, name in KINDS:
            level = kinds.get(key)
            if level in LEVEL_NAMES:
                rows.append((name, LEVEL_NAMES[level]))
    pace = answers.get("pace")
    if pace in PACE_NAMES:
        rows.append(("The pace that feels right now", PACE_NAMES[pace]))
    chosen = [
        REASSURANCE_NAMES[k] for k in answers.get("reassurance") or [] if k in REASSURANCE_NAMES
    ]
    if chosen:
        rows.append(("Reassurance that helps", "; ".join(chosen)))
    harder = answers.get("harder")
    if isinstance(harder, str) and harder:
        rows.append(("What makes closeness harder", harder))
    return rows
