"""The suite's own scheduling under pytest-xdist (conftest.py): the journeys stay together.

pytest-xdist's `xdist_group` mark stopped working with pytest 9.2 without a word, so this
checks the scheduler that replaces it, not the mark."""

from __future__ import annotations

from typing import Any, cast

import pytest

import conftest


class FakeConfig:
    """What xdist's schedulers read from pytest's config."""

    def __init__(self, dist: str) -> None:
        self.values: dict[str, Any] = {"dist": dist, "tx": ["2*popen"]}

    def getvalue(self, name: str) -> Any:
        return self.values[name]


def config_for(dist: str) -> pytest.Config:
    return cast(pytest.Config, FakeConfig(dist))


def test_every_browser_journey_is_one_work_unit_and_nothing_else_is_grouped() -> None:
    scheduler = conftest.pytest_xdist_make_scheduler(config_for("loadgroup"), None)
    split = scheduler._split_scope
    journeys = {
        split("tests/browser/test_notes_journey.py::test_a_note_reaches_the_partner"),
        split("tests/browser/test_bids_journey.py::test_alice_notes_two_bids[param@x]"),
        split("tests/browser/test_pairing_journey.py::test_partners_pair@browser"),
    }
    assert journeys == {"browser"}
    alone = "notes/tests/test_notes.py::test_private_and_shared_notes_reach_only_whom"
    assert split(alone) == alone
    assert split("tests/test_sweep.py::test_sweep[notes:list]") != "browser"


def test_other_ways_of_distributing_keep_xdist_s_own_scheduler() -> None:
    for dist in ("load", "loadscope", "loadfile", "worksteal", "no"):
        assert conftest.pytest_xdist_make_scheduler(config_for(dist), None) is None
