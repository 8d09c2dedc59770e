"""The gentle wording aid: what each rule must flag, what it must leave alone, and how the
hints read. Plain functions over text; no database.

Every rule in `conversations.wording.RULES` has examples here (a test fails for a rule
without any), so a new rule comes with its lines.
"""

from __future__ import annotations

import ast
import inspect
import re

import pytest

from conversations import wording
from conversations.wording import RULES, hints

# -- what each rule must flag -----------------------------------------------------------------

MUST_FLAG: dict[str, tuple[str, ...]] = {
    "you-always": (
        "You always\u2026",
        "you're always late",
        "You are always on your phone.",
        "YOU ALWAYS DO THIS!",
        "And then, you always leave the dishes",
        "Why do you ALWAYS do that?",
    ),
    "you-never": (
        "You never listen",
        "you never listen!!",
        "you've never once asked how I am",
        "You have never said sorry.",
        "YOU NEVER CALL",
    ),
    "only-because": (
        "I only did it because I was tired",
        "i only said that because you yelled",
        "I only went because she asked me to.",
        "I ONLY DID THAT BECAUSE I was scared",
        "I only did what you asked, because you asked",
    ),
    "overreacting": (
        "you're overreacting",
        "You are being dramatic",
        "You're just overreacting!",
        "you are over-reacting.",
        "You're too sensitive.",
        "YOU ARE OVERREACTING",
        "Honestly you're dramatic",
    ),
    "sorry-but": (
        "I'm sorry, but\u2026",
        "Sorry. But you\u2026",
        "I am sorry but you started it",
        "I apologise, but I was busy",
        "I apologize, but",
        "I'm sorry! But you never asked",
        "im sorry but",
        "SORRY, BUT",
        "I'm so sorry, but I had to",
        "I'm sorry.\nBut you",
    ),
    "you-make-me": (
        "you make me feel small",
        "You make me so angry.",
        "YOU MAKE ME MAD",
        "Sometimes you make me do things I regret",
    ),
    "calm-down": (
        "just calm down",
        "Calm down.",
        "CALM DOWN!",
        "Can you just calm down for a second?",
    ),
}

# -- what no rule may flag --------------------------------------------------------------------

LONG_NEUTRAL = (
    "On Saturday we walked along the river to the market, bought apples and bread, and "
    "sat on the bench by the bridge for a while. I liked that we didn't look at our phones. "
) * 20

MUST_NOT_FLAG: tuple[str, ...] = (
    "I always try to be on time",
    "I never meant to hurt you",
    "I'm sorry. I see how that hurt you.",
    "I'm sorry; what I'll do differently is call when I'm late.",
    "I'm sorry, and I won't do it again.",
    "but I want to understand",
    "But I want to understand what it was like for you.",
    "I was overreacting",
    "I think I overreacted yesterday.",
    "I feel hurt when plans change at the last minute, and I need a message.",
    "I feel small when that happens.",
    "Your mother always calls on Sundays.",
    "We never went back to that caf\u00e9.",
    "you were always there for me",
    "Sorry, butter is out again",
    "I'm sorry, I was butting in",
    "calm downstairs neighbours",
    "",
    "   ",
    LONG_NEUTRAL,
)


def keys_of(text: str) -> list[str]:
    return [hint.key for hint in hints(text)]


def test_every_rule_has_examples_of_what_it_must_flag() -> None:
    assert set(MUST_FLAG) == {rule.key for rule in RULES}
    assert all(len(examples) >= 3 for examples in MUST_FLAG.values())


@pytest.mark.parametrize(
    ("key", "text"),
    [(key, text) for key, texts in MUST_FLAG.items() for text in texts],
)
def test_each_rule_flags_what_it_is_for(key: str, text: str) -> None:
    assert key in keys_of(text)


@pytest.mark.parametrize(
    ("key", "text"),
    [(key, text) for key, texts in MUST_FLAG.items() for text in texts],
)
def test_a_flagged_phrase_is_only_flagged_by_its_own_rule(key: str, text: str) -> None:
    # The examples are chosen to show one habit each; a second rule matching one of them
    # would mean two rules overlap, and the person would read two hints for one phrase.
    extra = set(keys_of(text)) - {key}
    allowed = {"sorry-but": {"you-never"}}.get(key, set())  # "... you never asked"
    assert extra <= allowed


@pytest.mark.parametrize("text", MUST_NOT_FLAG, ids=lambda t: t[:40] or "empty")
def test_owning_and_neutral_phrases_are_left_alone(text: str) -> None:
    assert hints(text) == []


def test_the_words_found_are_quoted_as_written() -> None:
    (hint,) = hints("Well. YOU'RE Always like this")
    assert hint.key == "you-always"
    assert hint.found == "YOU'RE Always"


# -- the hints ---------------------------------------------------------------------------------


def test_hints_come_once_per_rule_in_the_order_the_phrases_appear() -> None:
    text = (
        "Just calm down. I'm sorry, but you never listen, and you always interrupt. "
        "You never ask. You always forget. You make me feel alone."
    )
    found = hints(text)
    assert [h.key for h in found] == [
        "calm-down",
        "sorry-but",
        "you-never",
        "you-always",
        "you-make-me",
    ]
    # Each one says what it noticed (its first occurrence), why, and what to try instead.
    by_key = {rule.key: rule for rule in RULES}
    for hint in found:
        rule = by_key[hint.key]
        assert hint.why == rule.why and hint.why
        assert hint.instead == rule.instead and len(hint.instead) >= 1
        assert hint.found.lower() in text.lower()
        assert text.lower().index(hint.found.lower()) == rule.pattern.search(text).start()  # type: ignore[union-attr]


def test_order_follows_the_text_not_the_rules() -> None:
    assert keys_of("You make me feel small. You always do.") == ["you-make-me", "you-always"]
    assert keys_of("You always do. You make me feel small.") == ["you-always", "you-make-me"]


def test_a_phrase_repeated_gives_one_hint() -> None:
    assert keys_of("You always. You always. YOU ALWAYS.") == ["you-always"]


def test_every_rule_explains_itself_and_offers_something_to_try() -> None:
    keys = [rule.key for rule in RULES]
    assert len(keys) == len(set(keys)), "rule keys must be unique"
    for rule in RULES:
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule.key)
        assert rule.why.strip() and len(rule.why) > 20
        assert rule.instead and all(s.strip() for s in rule.instead)
        assert rule.pattern.flags & re.IGNORECASE
        # What it offers instead isn't itself something the aid would flag.
        for suggestion in rule.instead:
            assert hints(suggestion) == [], (rule.key, suggestion)


def test_hints_are_plain_values_that_never_change_the_text() -> None:
    text = "You never listen"
    before = str(text)
    (hint,) = hints(text)
    assert text == before
    with pytest.raises(AttributeError):
        hint.key = "other"  # type: ignore[misc]


# -- runs locally ------------------------------------------------------------------------------

NETWORK_OR_IO = {
    "requests",
    "httpx",
    "urllib",
    "urllib3",
    "http",
    "socket",
    "ssl",
    "aiohttp",
    "smtplib",
    "ftplib",
    "subprocess",
    "os",
    "pathlib",
    "shutil",
    "django",
    "openai",
}


def test_the_module_imports_nothing_that_could_reach_the_network_or_store_anything() -> None:
    tree = ast.parse(inspect.getsource(wording))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "re", "dataclasses"}, imported
    assert not imported & NETWORK_OR_IO
    source = inspect.getsource(wording)
    for call in ("open(", "__import__", "importlib", "urlopen", "connect("):
        assert call not in source


def test_the_check_catches_a_forbidden_import() -> None:
    # The import check above can fail: fed a source with a network import, it finds it.
    tree = ast.parse("import re\nfrom urllib.request import urlopen\n")
    found = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert found & NETWORK_OR_IO == {"urllib"}


# -- phrasings that once misfired --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "you\u2019re always late",
        "You\u2019re overreacting",
        "You\u2019re being dramatic",
        "you\u2019ve never asked",
    ],
)
def test_curly_apostrophes_are_flagged_like_straight_ones(text: str) -> None:
    assert hints(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry I hurt you. But you started it.",
        "Sorry I was late. But you were late too.",
        "I'm sorry... but",
        "Sorry!! But you",
    ],
)
def test_but_opening_the_sentence_after_an_apology_is_flagged(text: str) -> None:
    assert "sorry-but" in keys_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "You always know how to make me laugh",
        "Thank you, you never let me down",
        "You never fail to surprise me",
        "you make me feel safe",
        "You make me so happy",
    ],
)
def test_appreciations_are_left_alone(text: str) -> None:
    assert hints(text) == []


@pytest.mark.parametrize("text", ["I need to calm down first", "Let me calm down a bit"])
def test_calming_oneself_is_left_alone(text: str) -> None:
    assert hints(text) == []
