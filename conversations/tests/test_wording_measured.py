"""The wording aid measured on its labelled set (conversations/data/wording_set.tsv).

The bar: on the held-out parts (never tuned on), at least 80% of its flags are right and it
flags at least 60% of the sentences that land as criticism, contempt, defensiveness or
stonewalling. `python -m bench.wording` prints the same figures per pattern.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.wording import BAR_PRECISION, BAR_RECALL, PATTERN_NAMES, Line, load, measure


def test_the_set_is_large_and_balanced_enough_to_mean_something() -> None:
    lines = load()
    assert len(lines) >= 400
    positives = [line for line in lines if line.pattern != "none"]
    assert len(lines) - len(positives) >= len(positives)
    held = load("held")
    assert len(held) >= 150
    per_pattern = Counter(line.pattern for line in held)
    assert all(per_pattern[name] >= 10 for name in PATTERN_NAMES), per_pattern
    # Every sentence appears once: the held-out parts share nothing with the tune part.
    texts = [line.text.strip().lower() for line in lines]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("split", ["held", "fresh"])
def test_held_out_figures_meet_the_bar(split: str) -> None:
    overall = measure(load(split))["overall"]
    assert overall.precision >= BAR_PRECISION, overall
    assert overall.recall >= BAR_RECALL, overall


def test_the_measure_can_fail() -> None:
    # A set where every sentence to flag is left alone and every neutral one flagged would
    # score zero; the measure is computed, not assumed.
    lines = [
        Line("x", "criticism", "global", "I had a lovely walk."),
        Line("x", "none", "neutral", "You're so selfish."),
    ]
    overall = measure(lines)["overall"]
    assert overall.precision == 0.0 and overall.recall == 0.0
