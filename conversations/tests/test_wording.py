"""The gentle wording aid: what each kind of phrase must flag, what it must leave alone, and
how the hints read. Plain functions over text; no database.

Every kind in `conversations.wording.KINDS` has examples here (a test fails for a kind
without any). These sentences are written for the tests and are not in the labelled set
(`conversations/data/wording_set.tsv`), which is measured separately
(test_wording_measured.py).
"""

from __future__ import annotations

import ast
import inspect
import re

import pytest

from conversations import wording
from conversations.wording import KINDS, PATTERNS, RULES, hints

# -- what each kind must flag -----------------------------------------------------------------

MUST_FLAG: dict[str, tuple[str, ...]] = {
    "always-never": (
        "You always\u2026",
        "you're always late",
        "YOU ALWAYS DO THIS!",
        "You ALWAYS do that!",
        "you've never once asked how I am",
        "You have never said sorry.",
        "you can never just answer a question",
        "your always on that phone",
    ),
    "character": (
        "What is wrong with you?",
        "whats the matter with u",
        "You're so selfish.",
        "you are honestly the laziest man alive",
        "You don't even care.",
        "You're just like your brother.",
        "You'll never change.",
        "It's all your fault.",
        "You couldn't care less about me.",
    ),
    "loaded-question": (
        "How hard is it to close a drawer?",
        "How many times do I have to ask?",
        "Why can't you just be on time for once?",
        "Is it really too much to ask for a reply?",
    ),
    "you-make-me": (
        "you make me feel small",
        "You make me so angry.",
        "Sometimes you make me want to scream.",
    ),
    "name-calling": (
        "You're such an idiot.",
        "you are pathetic",
        "You absolute clown.",
        "You disgust me.",
        "Stop acting like a baby.",
    ),
    "sarcasm": (
        "Oh great, you forgot again.",
        "Thanks for nothing.",
        "Of course you didn't call.",
        "Want a medal for loading the dishwasher?",
        "Nice of you to finally show up.",
    ),
    "mockery": (
        "Boo hoo.",
        "*rolls eyes*",
        "Oh please.",
        "Whatever you say.",
        "Here we go again.",
        "Poor baby, did someone have a long day?",
    ),
    "yes-but": (
        "Yes, but you never told me.",
        "yeah but i was busy",
        "I know, but that's not the point.",
    ),
    "counter-attack": (
        "What about the time you lied to me?",
        "Look who's talking.",
        "At least I don't drink every night.",
        "You started it.",
        "Don't turn this around on me.",
    ),
    "innocent-victim": (
        "Why are you always attacking me?",
        "So it's all my fault now?",
        "It's not my fault.",
        "Nothing I do is ever good enough.",
    ),
    "minimising": (
        "You're overreacting.",
        "It's not a big deal.",
        "You're being dramatic.",
        "just calm down",
        "It was only one drink.",
        "It was years ago, let it go.",
    ),
    "excuse": (
        "I only did it because I was tired",
        "i only said that because you yelled",
        "How was I supposed to know?",
        "I had no choice.",
    ),
    "sorry-but": (
        "I'm sorry, but\u2026",
        "I am sorry but you started it",
        "I apologise, but I was busy",
        "im sorry but",
        "I'm sorry.\nBut you",
        "I'm sorry you feel that way.",
        "Sorry if you were offended.",
        "I said I'm sorry, what more do you want?",
    ),
    "shutting-down": (
        "I'm done talking about this.",
        "Leave me alone.",
        "Whatever.",
        "Fine.",
        "This conversation is over.",
        "I don't want to talk about it.",
        "Forget it.",
    ),
}

# -- what nothing may flag ----------------------------------------------------------------------

LONG_NEUTRAL = (
    "On Saturday we walked along the river to the market, bought apples and bread, and "
    "sat on the bench by the bridge for a while. I liked that we didn't look at our phones. "
) * 20

MUST_NOT_FLAG: tuple[str, ...] = (
    # owning one's part
    "I always try to be on time",
    "I never meant to hurt you",
    "I'm sorry. I see how that hurt you.",
    "I'm sorry; what I'll do differently is call when I'm late.",
    "I'm sorry, and I won't do it again.",
    "I was overreacting.",
    "That was selfish of me, and I'm sorry.",
    # about oneself
    "I feel hurt when plans change at the last minute, and I need a message.",
    "I'm such an idiot with directions.",
    "I need to calm down first.",
    # appreciation, and "always"/"never" in warm sentences
    "You always know how to make me laugh",
    "Thank you, you never let me down",
    "you make me feel safe",
    "You're always so patient with the kids.",
    "You never once made me feel small.",
    # about others, logistics, "done" and "fine"
    "Your mother always calls on Sundays.",
    "We never went back to that caf\u00e9.",
    "I'm done with the dishes.",
    "Friday is fine.",
    "That's fine, I'll pick up the bread.",
    "Sorry, butter is out again",
    "calm downstairs neighbours",
    # polite "sorry, but" before a request
    "Sorry, but could you pass the salt?",
    "Sorry to interrupt, but the taxi is here.",
    "I'm sorry, but I have to leave early tomorrow.",
    # quoting the other to understand them
    "When you said I never listen, what did you mean?",
    'You called it "no big deal" and I felt small. Can we talk?',
    "I heard you say you feel I'm always on my phone. Is that right?",
    # a break with a way back
    "I'm done for tonight, but let's pick this up tomorrow after work.",
    "I need a break; I'll come back in twenty minutes and we'll keep talking.",
    # kind questions
    "What's wrong? You seem quiet.",
    "What do you need from me right now?",
    "",
    "   ",
    LONG_NEUTRAL,
)


def keys_of(text: str) -> list[str]:
    return [hint.key for hint in hints(text)]


def test_every_kind_has_examples_and_every_rule_has_a_kind() -> None:
    assert set(MUST_FLAG) == set(KINDS)
    assert all(len(examples) >= 3 for examples in MUST_FLAG.values())
    assert {rule.kind for rule in RULES} == set(KINDS)
    assert {kind.pattern for kind in KINDS.values()} == set(PATTERNS)


@pytest.mark.parametrize(
    ("key", "text"),
    [(key, text) for key, texts in MUST_FLAG.items() for text in texts],
)
def test_each_kind_flags_what_it_is_for(key: str, text: str) -> None:
    assert key in keys_of(text)


@pytest.mark.parametrize("text", MUST_NOT_FLAG, ids=lambda t: t[:40] or "empty")
def test_owning_warm_polite_and_neutral_words_are_left_alone(text: str) -> None:
    assert hints(text) == [], keys_of(text)


def test_the_words_found_are_quoted_as_written() -> None:
    (hint,) = hints("Well. YOU'RE Always like this")
    assert hint.key == "always-never"
    assert hint.found == "YOU'RE Always"
    assert hint.pattern == "criticism" and hint.name == KINDS["always-never"].name


def test_hints_come_once_per_kind_in_the_order_the_phrases_appear() -> None:
    text = (
        "Just calm down. I'm sorry, but you never listen, and you always interrupt. "
        "You never ask. You make me feel alone."
    )
    found = hints(text)
    assert [h.key for h in found] == ["minimising", "sorry-but", "always-never", "you-make-me"]
    for hint in found:
        kind = KINDS[hint.key]
        assert (hint.why, hint.instead, hint.name, hint.pattern) == (
            kind.why,
            kind.instead,
            kind.name,
            kind.pattern,
        )
        assert hint.found.lower() in text.lower()


def test_order_follows_the_text_not_the_rules() -> None:
    assert keys_of("You make me feel small. You always do.") == ["you-make-me", "always-never"]
    assert keys_of("You always do. You make me feel small.") == ["always-never", "you-make-me"]


def test_a_phrase_repeated_gives_one_hint() -> None:
    assert keys_of("You always. You always. YOU ALWAYS.") == ["always-never"]


def test_one_phrase_gives_one_hint_even_where_two_kinds_could_claim_it() -> None:
    # "You never told me" is an excuse; the "never" in it is not a second hint.
    assert keys_of("You never told me.") == ["excuse"]


def test_every_kind_names_itself_explains_and_offers_something_to_try() -> None:
    for kind in KINDS.values():
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", kind.key)
        assert kind.pattern in PATTERNS
        assert kind.name.strip() and len(kind.why) > 40
        assert 1 <= len(kind.instead) <= 2 and all(s.strip() for s in kind.instead)
        # What it offers instead isn't itself something the aid would flag.
        for suggestion in kind.instead:
            assert hints(suggestion) == [], (kind.key, suggestion)


def test_hints_are_plain_values_that_never_change_the_text() -> None:
    text = "You never listen"
    before = str(text)
    (hint,) = hints(text)
    assert text == before
    with pytest.raises(AttributeError):
        hint.key = "other"  # type: ignore[misc]


# -- context ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "you\u2019re always late",
        "You\u2019re overreacting",
        "I\u2019m sorry you feel that way",
        "you\u2019ve never asked",
        "What\u2019s wrong with you",
    ],
)
def test_curly_apostrophes_are_read_like_straight_ones(text: str) -> None:
    assert hints(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "youre so lazy",
        "ur such an idiot",
        "whats wrong with u",
        "im done talking about this",
        "i didnt do anything wrong",
    ],
)
def test_texting_spellings_are_read_too(text: str) -> None:
    assert hints(text) != []


@pytest.mark.parametrize(
    ("text", "quiet"),
    [
        ("You're selfish.", "I don't think you're selfish."),
        ("You never listen.", 'You said "you never listen" was unfair. I hear that.'),
        ("I'm done.", "I'm done for now; can we talk again after dinner?"),
        ("Leave me alone.", "Leave me alone for an hour, then I'll come back and we'll talk."),
        ("Sorry, but you were late too.", "Sorry, but can we eat at seven?"),
        ("Yes, but you never asked.", "Yes, but only if you'd like to."),
        ("You always leave me waiting.", "You always leave me a note, and I love that."),
    ],
)
def test_the_same_words_in_a_kinder_context_are_left_alone(text: str, quiet: str) -> None:
    assert hints(text) != []
    assert hints(quiet) == [], keys_of(quiet)


def test_a_way_back_anywhere_in_the_text_turns_a_closing_into_a_break() -> None:
    assert keys_of("I'm not discussing this.") == ["shutting-down"]
    assert keys_of("I'm not discussing this. Let's pick it up tomorrow.") == []


def test_a_very_long_text_is_read_up_to_a_limit_and_stays_quick_to_answer() -> None:
    tail = " You always leave."
    assert hints("a" * wording.MAX_CHARS + tail) == []
    assert keys_of("a " * 10 + tail) == ["always-never"]


def test_phrases_know_the_words_they_need_so_most_are_skipped() -> None:
    # The speed of a check rests on this: most phrases are never run on a text without
    # their words. A phrase built from plain words must have found them.
    phrase = wording._phrase(r"\bgive me a break\b")
    assert phrase.needs == ("give me a break",)
    assert phrase.at_word and not phrase.pattern.flags & re.IGNORECASE
    assert wording._phrase(r"\b(?:you|u) care more about\b").needs == (" care more about",)
    skipped = sum(1 for rule in RULES for p in rule.phrases if p.needs)
    assert skipped / sum(len(rule.phrases) for rule in RULES) > 0.8


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
    assert imported <= {"__future__", "re", "bisect", "dataclasses", "typing"}, imported
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
