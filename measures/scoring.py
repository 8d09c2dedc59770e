"""The Couples Satisfaction Index, scored exactly as published. Pure: no database, no Django.

Funk, J. L., & Rogge, R. D. (2007). Testing the ruler with item response theory: Increasing
precision of measurement for relationship satisfaction with the Couples Satisfaction Index.
Journal of Family Psychology, 21(4), 572-583. doi:10.1037/0893-3200.21.4.572

Each item lists its options as printed (left to right, or top to bottom) with the points the
authors' form prints beside each. A person's answer is kept as the option they chose (its
0-based position as printed); points are always derived from this table, never stored, so an
item can't be reversed by accident. Items 2, 11, 13, 14 and 16 print their highest points
first: the table says so, and the tests pin it.

Reliable change is Jacobson & Truax (1991), Journal of Consulting and Clinical Psychology,
59(1), 12-19: SE = s1 * sqrt(1 - r), S_diff = sqrt(2 * SE^2), RC = (x2 - x1) / S_diff.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    number: int  # its number on the CSI-16
    text: str  # verbatim
    options: tuple[str, ...]  # as printed; empty strings for the unlabelled word-pair boxes
    points: tuple[int, ...]  # the points printed for each option, same order
    left: str = ""  # word pairs: the word printed at each end
    right: str = ""

    @property
    def is_word_pair(self) -> bool:
        return bool(self.left)


_TRUE = (
    "Not at all TRUE",
    "A little TRUE",
    "Somewhat TRUE",
    "Mostly TRUE",
    "Almost Completely TRUE",
    "Completely TRUE",
)
_EXTENT = ("Not at all", "A little", "Somewhat", "Mostly", "Almost Completely", "Completely")
_UP = (0, 1, 2, 3, 4, 5)
_DOWN = (5, 4, 3, 2, 1, 0)
_BOXES = ("", "", "", "", "", "")

WORD_PAIR_INSTRUCTION = (
    "For each of the following items, select the answer that best describes how you feel "
    "about your relationship. Base your responses on your first impressions and immediate "
    "feelings about the item."
)


def _pair(number: int, left: str, right: str, points: tuple[int, ...]) -> Item:
    return Item(number, f"{left} \u2013 {right}", _BOXES, points, left=left, right=right)


CSI16_ITEMS: tuple[Item, ...] = (
    Item(
        1,
        "Please indicate the degree of happiness, all things considered, of your relationship.",
        (
            "Extremely Unhappy",
            "Fairly Unhappy",
            "A Little Unhappy",
            "Happy",
            "Very Happy",
            "Extremely Happy",
            "Perfect",
        ),
        (0, 1, 2, 3, 4, 5, 6),
    ),
    Item(
        2,
        "In general, how often do you think that things between you and your partner are "
        "going well?",
        (
            "All the time",
            "Most of the time",
            "More often than not",
            "Occasionally",
            "Rarely",
            "Never",
        ),
        _DOWN,
    ),
    Item(3, "Our relationship is strong", _TRUE, _UP),
    Item(4, "My relationship with my partner makes me happy", _TRUE, _UP),
    Item(5, "I have a warm and comfortable relationship with my partner", _TRUE, _UP),
    Item(6, "I really feel like part of a team with my partner", _TRUE, _UP),
    Item(7, "How rewarding is your relationship with your partner?", _EXTENT, _UP),
    Item(8, "How well does your partner meet your needs?", _EXTENT, _UP),
    Item(9, "To what extent has your relationship met your original expectations?", _EXTENT, _UP),
    Item(10, "In general, how satisfied are you with your relationship?", _EXTENT, _UP),
    _pair(11, "INTERESTING", "BORING", _DOWN),
    _pair(12, "BAD", "GOOD", _UP),
    _pair(13, "FULL", "EMPTY", _DOWN),
    _pair(14, "STURDY", "FRAGILE", _DOWN),
    _pair(15, "DISCOURAGING", "HOPEFUL", _UP),
    _pair(16, "ENJOYABLE", "MISERABLE", _DOWN),
)

# The CSI-4 is items 1, 5, 7 and 10 of the CSI-16, in that order.
FORMS: dict[str, tuple[Item, ...]] = {
    "csi4": tuple(CSI16_ITEMS[n - 1] for n in (1, 5, 7, 10)),
    "csi16": CSI16_ITEMS,
}
MAXIMUM: dict[str, int] = {name: sum(max(i.points) for i in items) for name, items in FORMS.items()}

# Reference figures for the reliable change index. Tending uses a figure only with a source
# it can cite; none has been verified yet (see docs/decisions.md, "Measures"), so these are
# None and the product shows a person's line with no verdict about change.
REFERENCE_SD: dict[str, float | None] = {"csi4": None, "csi16": None}
RELIABILITY: dict[str, float | None] = {"csi4": None, "csi16": None}
RC_THRESHOLD = 1.96


def items(form: str) -> tuple[Item, ...]:
    try:
        return FORMS[form]
    except (KeyError, TypeError):
        raise ValueError(f"unknown form {form!r}; expected one of {sorted(FORMS)}") from None


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return value


def points_for(form: str, item: int, option: int) -> int:
    """Points of `option` (0-based, as printed) of `item` (1-based, in the form's order)."""
    listed = items(form)
    item = _whole(item, "item")
    option = _whole(option, "option")
    if not 1 <= item <= len(listed):
        raise ValueError(f"{form} has items 1 to {len(listed)}, not {item}")
    chosen = listed[item - 1]
    if not 0 <= option < len(chosen.points):
        raise ValueError(
            f"item {item} of {form} has options 0 to {len(chosen.points) - 1}, not {option}"
        )
    return chosen.points[option]


def total(form: str, points: Sequence[int]) -> int:
    """The sum of the points of every item, in item order. Every item must be answered."""
    listed = items(form)
    if isinstance(points, (str, bytes)) or len(points) != len(listed):
        raise ValueError(f"{form} needs points for all {len(listed)} items")
    result = 0
    for n, (value, item) in enumerate(zip(points, listed, strict=True), start=1):
        value = _whole(value, f"points of item {n}")
        if value not in item.points:
            raise ValueError(
                f"item {n} of {form} scores {min(item.points)} to {max(item.points)}, not {value}"
            )
        result += value
    return result


def total_of_options(form: str, options: Sequence[int]) -> int:
    """The total for the options a person chose (as printed), through the table."""
    listed = items(form)
    if isinstance(options, (str, bytes)) or len(options) != len(listed):
        raise ValueError(f"{form} needs an answer to all {len(listed)} items")
    return total(form, [points_for(form, n, o) for n, o in enumerate(options, start=1)])


def reliable_change(before: float, after: float, sd: float, reliability: float) -> float:
    """Jacobson & Truax's RC: how many standard errors of a difference the change is."""
    for name, value in (("before", before), ("after", after), ("sd", sd), ("r", reliability)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValueError(f"{name} must be a finite number, not {value!r}")
    if sd <= 0:
        raise ValueError("the reference standard deviation must be above 0")
    if not 0 <= reliability < 1:
        raise ValueError("reliability must be at least 0 and below 1")
    se = sd * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * se**2)
    return (after - before) / s_diff


def smallest_reliable_change(sd: float, reliability: float) -> float:
    """In raw points: 1.96 * S_diff."""
    return RC_THRESHOLD / reliable_change(0, 1, sd, reliability)
