"""The help page: open to anyone, ours alone (no third-party anything), the operator's list."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Cast

EXAMPLE = Path(__file__).resolve().parents[1] / "help_resources.example.json"
HELP = reverse("safety:help")


def test_help_opens_signed_out_and_says_what_to_do(client: Client, db: None) -> None:
    response = client.get(HELP)
    assert response.status_code == 200
    page = response.content.decode()
    assert "If you are in danger now" in page
    assert "Finding help near you" in page
    # Honest about what quick exit cannot do.
    assert "history" in page and "private (incognito) window" in page
    assert "haven't listed local services yet" in page


def test_help_is_the_same_page_signed_in(cast: Cast) -> None:
    response = cast.alice.client.get(HELP)
    assert response.status_code == 200
    assert "If you are in danger now" in response.content.decode()


@pytest.mark.parametrize("name", ["accounts:sign_in", "accounts:sign_up", "safety:help"])
def test_signed_out_pages_link_to_help(client: Client, db: None, name: str) -> None:
    page = client.get(reverse(name)).content.decode()
    assert re.search(rf'<a href="{HELP}" data-help-link>', page)
    assert "data-quick-exit" in page


def test_signed_in_pages_link_to_help_and_quick_exit(cast: Cast) -> None:
    for name in ("today", "accounts:settings", "couples:couple"):
        page = cast.alice.client.get(reverse(name)).content.decode()
        assert f'href="{HELP}" data-help-link' in page, name
        assert f'href="{reverse("safety:quick_exit")}"' in page, name


def test_operator_resources_are_listed_with_safe_outbound_links(
    client: Client, db: None, settings: Any
) -> None:
    settings.HELP_RESOURCES_FILE = str(EXAMPLE)
    page = client.get(HELP).content.decode()
    listed = json.loads(EXAMPLE.read_text())
    assert f"Help in {listed['region']}" in page
    for resource in listed["resources"]:
        assert resource["name"] in page
    assert '<a href="https://example.org/support" rel="noreferrer noopener">' in page
    assert 'href="tel:01234000000"' in page
    # Every link that leaves Tending says noreferrer noopener; nothing is loaded from elsewhere.
    for tag in re.findall(r"<a [^>]*href=\"https?://[^>]*>", page):
        assert 'rel="noreferrer noopener"' in tag or "data-quick-exit" in tag, tag
    assert not re.search(r"<(script|iframe|img|link)[^>]+(src|href)=\"(https?:)?//", page)


def test_operator_text_is_escaped(client: Client, db: None, settings: Any, tmp_path: Path) -> None:
    file = tmp_path / "help.json"
    file.write_text(
        json.dumps({"resources": [{"name": "<b>Line</b>", "url": "https://help.example/"}]})
    )
    settings.HELP_RESOURCES_FILE = str(file)
    page = client.get(HELP).content.decode()
    assert "&lt;b&gt;Line&lt;/b&gt;" in page and "<b>Line</b>" not in page


def test_a_file_gone_bad_while_running_still_opens_help(
    client: Client, db: None, settings: Any, tmp_path: Path
) -> None:
    file = tmp_path / "help.json"
    file.write_text("{not json")
    settings.HELP_RESOURCES_FILE = str(file)
    response = client.get(HELP)
    assert response.status_code == 200
    assert "If you are in danger now" in response.content.decode()
