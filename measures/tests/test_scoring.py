"""The scoring of the CSI, against examples worked by hand from MEASURES.md's table."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from measures import scoring
from measures.scoring import points_for, reliable_change, total

# -- item orientation: the first and last printed option of every item -------------------------

# (item on the CSI-16, points of the first option printed, points of the last option printed)
ORIENTATION = [
    (1, 0, 6),  # Extremely Unhappy ... Perfect
    (2, 5, 0),  # All the time ... Never: printed best first
    (3, 0, 5),
    (4, 0, 5),
    (5, 0, 5),
    (6, 0, 5),
    (7, 0, 5),
    (8, 0, 5),
    (9, 0, 5),
    (10, 0, 5),
    (11, 5, 0),  # INTERESTING ... BORING
    (12, 0, 5),  # BAD ... GOOD
    (13, 5, 0),  # FULL ... EMPTY
    (14, 5, 0),  # STURDY ... FRAGILE
    (15, 0, 5),  # DISCOURAGING ... HOPEFUL
    (16, 5, 0),  # ENJOYABLE ... MISERABLE
]


@pytest.mark.parametrize(("item", "first", "last"), ORIENTATION)
def test_every_csi16_item_is_oriented_as_printed(item: int, first: int, last: int) -> None:
    count = 7 if item == 1 else 6
    assert points_for("csi16", item, 0) == first
    assert points_for("csi16", item, count - 1) == last


def test_named_options_score_as_printed() -> None:
    labels = scoring.CSI16_ITEMS
    assert labels[0].options[3] == "Happy" and points_for("csi16", 1, 3) == 3
    assert labels[1].options[2] == "More often than not" and points_for("csi16", 2, 2) == 3
    assert labels[1].options[4] == "Rarely" and points_for("csi16", 2, 4) == 1
    assert labels[2].options[4] == "Almost Completely TRUE" and points_for("csi16", 3, 4) == 4
    assert labels[6].options[1] == "A little" and points_for("csi16", 7, 1) == 1
    # Word pairs: the third box from the left.
    assert points_for("csi16", 11, 2) == 3
    assert points_for("csi16", 12, 2) == 2


def test_csi4_is_items_1_5_7_and_10_in_that_order() -> None:
    numbers = [item.number for item in scoring.items("csi4")]
    assert numbers == [1, 5, 7, 10]
    assert scoring.items("csi4")[1].text == (
        "I have a warm and comfortable relationship with my partner"
    )
    # Item 2 of the CSI-4 is item 5 of the CSI-16: "Mostly TRUE" is 3 points, in both.
    assert points_for("csi4", 2, 3) == points_for("csi16", 5, 3) == 3
    assert points_for("csi4", 1, 6) == 6  # "Perfect"


# -- totals worked by hand ------------------------------------------------------------------


def test_csi4_totals_by_hand() -> None:
    assert scoring.total_of_options("csi4", [0, 0, 0, 0]) == 0
    assert scoring.total_of_options("csi4", [6, 5, 5, 5]) == 21  # the range's top
    # Happy (3), Mostly TRUE (3), Somewhat (2), Almost Completely (4) = 12
    assert scoring.total_of_options("csi4", [3, 3, 2, 4]) == 12
    assert total("csi4", [3, 3, 2, 4]) == 12


def test_csi16_totals_by_hand() -> None:
    # The first option of every item: items 2, 11, 13, 14 and 16 give 5 each, the rest 0.
    assert scoring.total_of_options("csi16", [0] * 16) == 25
    # The last option of every item: 6 + 0 + 8 * 5 + (0 + 5 + 0 + 0 + 5 + 0) = 56.
    assert scoring.total_of_options("csi16", [6] + [5] * 15) == 56
    best = [6, 0, 5, 5, 5, 5, 5, 5, 5, 5, 0, 5, 0, 0, 5, 0]
    assert scoring.total_of_options("csi16", best) == 81 == scoring.MAXIMUM["csi16"]
    worst = [0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 5, 5, 0, 5]
    assert scoring.total_of_options("csi16", worst) == 0
    assert scoring.MAXIMUM["csi4"] == 21


# -- every bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "points"),
    [
        ("csi4", [3, 3, 2]),  # an item missing
        ("csi4", [3, 3, 2, 4, 1]),  # one too many
        ("csi4", []),
        ("csi16", [0] * 15),
        ("csi4", [7, 0, 0, 0]),  # item 1 tops out at 6
        ("csi4", [0, 6, 0, 0]),  # the others at 5
        ("csi4", [-1, 0, 0, 0]),
        ("csi4", [1.5, 0, 0, 0]),  # not a whole number
        ("csi4", [True, 0, 0, 0]),  # a bool is not a point
        ("csi4", ["3", 0, 0, 0]),
        ("csi4", "3324"),
        ("csi32", [0] * 32),  # a form we don't offer
        ("CSI4", [0] * 4),
        ("", []),
    ],
)
def test_total_refuses(form: str, points: list[object]) -> None:
    with pytest.raises(ValueError):
        total(form, points)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("form", "item", "option"),
    [
        ("csi4", 0, 0),  # items are 1-based
        ("csi4", 5, 0),  # the CSI-4 has four
        ("csi16", 17, 0),
        ("csi4", 1, 7),  # item 1 has seven options, 0 to 6
        ("csi4", 2, 6),  # the others six, 0 to 5
        ("csi16", 11, 6),
        ("csi4", 1, -1),
        ("csi4", 1, True),
        ("csi4", 1.0, 0),
        ("csi8", 1, 0),
    ],
)
def test_points_for_refuses(form: str, item: object, option: object) -> None:
    with pytest.raises(ValueError):
        points_for(form, item, option)  # type: ignore[arg-type]


# -- reliable change, by hand --------------------------------------------------------------


def test_reliable_change_by_hand() -> None:
    # sd 10, r .75: SE = 10 * 0.5 = 5; S_diff = sqrt(2 * 25) = 7.0711; RC = 15 / 7.0711.
    assert reliable_change(40, 55, 10, 0.75) == pytest.approx(2.1213, abs=1e-4)
    assert reliable_change(55, 40, 10, 0.75) == pytest.approx(-2.1213, abs=1e-4)
    # sd 4, r .96: SE = 0.8; S_diff = sqrt(1.28) = 1.1314; RC = 3 / 1.1314.
    assert reliable_change(10, 13, 4, 0.96) == pytest.approx(2.6517, abs=1e-4)
    assert reliable_change(12, 12, 4, 0.96) == 0
    assert scoring.smallest_reliable_change(10, 0.75) == pytest.approx(13.859, abs=1e-3)


@pytest.mark.parametrize(
    ("sd", "r"),
    [(0, 0.9), (-1, 0.9), (10, 1.0), (10, 1.2), (10, -0.1), (math.nan, 0.9), (10, math.inf)],
)
def test_reliable_change_refuses_figures_that_mean_nothing(sd: float, r: float) -> None:
    with pytest.raises(ValueError):
        reliable_change(10, 12, sd, r)


def test_no_reference_figures_without_a_source() -> None:
    # Until a figure can be cited, the product shows no verdict (docs/decisions.md).
    assert scoring.REFERENCE_SD == {"csi4": None, "csi16": None}
    assert scoring.RELIABILITY == {"csi4": None, "csi16": None}


# -- properties ----------------------------------------------------------------------------


@st.composite
def answers(draw: st.DrawFn) -> tuple[str, list[int]]:
    form = draw(st.sampled_from(["csi4", "csi16"]))
    options = [draw(st.integers(0, len(item.options) - 1)) for item in scoring.items(form)]
    return form, options


@given(answers())
def test_total_is_the_sum_of_points_for_every_answer(chosen: tuple[str, list[int]]) -> None:
    form, options = chosen
    points = [points_for(form, n, option) for n, option in enumerate(options, start=1)]
    assert total(form, points) == sum(points)
    assert 0 <= total(form, points) <= scoring.MAXIMUM[form]


@given(answers(), st.data())
def test_every_out_of_range_answer_raises(
    chosen: tuple[str, list[int]], data: st.DataObject
) -> None:
    form, options = chosen
    n = data.draw(st.integers(1, len(options)))
    count = len(scoring.items(form)[n - 1].options)
    bad = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=count)))
    with pytest.raises(ValueError):
        points_for(form, n, bad)
    wrong = list(options)
    wrong[n - 1] = bad
    with pytest.raises(ValueError):
        scoring.total_of_options(form, wrong)
    points = [points_for(form, i, o) for i, o in enumerate(options, start=1)]
    top = max(scoring.items(form)[n - 1].points)
    points[n - 1] = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=top + 1)))
    with pytest.raises(ValueError):
        total(form, points)
