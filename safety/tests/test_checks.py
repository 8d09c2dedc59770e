"""safety.E001 (the operator's help file) and safety.E002 (the quick exit address)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import registry
from django.test import override_settings

from safety import resources
from safety.checks import check_help_resources, check_quick_exit_url

EXAMPLE = Path(__file__).resolve().parents[1] / "help_resources.example.json"


def ids(check: Any, **overrides: Any) -> list[str]:
    with override_settings(**overrides):
        return [message.id or "" for message in check(None)]


def test_the_shipped_example_passes() -> None:
    assert ids(check_help_resources, HELP_RESOURCES_FILE=str(EXAMPLE)) == []
    assert len(resources.load(str(EXAMPLE)).resources) == 2


def test_no_file_is_fine() -> None:
    assert ids(check_help_resources, HELP_RESOURCES_FILE="") == []


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"resources": {}}),
        json.dumps({"resources": ["a line"]}),
        json.dumps({"resources": [{"phone": "0800 1"}]}),
        json.dumps({"resources": [{"name": "No way to reach it"}]}),
        json.dumps({"resources": [{"name": "X", "url": "javascript:alert(1)"}]}),
        json.dumps({"resources": [{"name": "X", "phone": "1", "colour": "red"}]}),
        json.dumps({"resources": [{"name": "X", "phone": 112}]}),
        json.dumps({"region": 3, "resources": []}),
    ],
)
def test_a_bad_file_is_e001(tmp_path: Path, content: str) -> None:
    file = tmp_path / "help.json"
    file.write_text(content)
    assert ids(check_help_resources, HELP_RESOURCES_FILE=str(file)) == ["safety.E001"]


def test_a_missing_file_is_e001(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.json")
    assert ids(check_help_resources, HELP_RESOURCES_FILE=missing) == ["safety.E001"]


@pytest.mark.parametrize(
    ("address", "fine"),
    [
        ("https://www.bbc.co.uk/weather", True),
        ("http://weather.example/", True),
        ("", False),
        ("/account/sign-in/", False),
        ("javascript:void(0)", False),
    ],
)
def test_quick_exit_address_must_be_a_web_address(address: str, fine: bool) -> None:
    assert ids(check_quick_exit_url, QUICK_EXIT_URL=address) == ([] if fine else ["safety.E002"])


def test_safety_checks_are_registered() -> None:
    registered = list(registry.registry.get_checks(False))
    assert check_help_resources in registered and check_quick_exit_url in registered
