"""The benches still run: their command lines answer --help, and the 5-year couple's
generator still fits the models (a short history here; the benches make five years).
Nothing here times anything: speed is measured by the benches, never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from bench import fiveyear
from checkins.models import CheckIn
from commitments.models import Outcome
from privacy import entries
from privacy.keyring import PasswordKeyring

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["load", "pages", "scale"])
def test_bench_command_line_answers_help(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"bench.{module}" in done.stdout or "usage:" in done.stdout
    assert "--runs" in done.stdout or "--quick" in done.stdout


def test_five_year_generator_makes_readable_history_on_every_main_page(db: None) -> None:
    five = fiveyear.build(0.05)  # about three weeks
    days = (five.today - five.first).days + 1
    assert CheckIn.objects.filter(author=five.alice).count() == days
    assert Outcome.objects.filter(author=five.bob).count() >= days

    # Encrypted as the app does: bob opens alice's shared check-ins with the couple key.
    ring = PasswordKeyring(five.bob, five.password)
    theirs = CheckIn.objects.visible_to(five.bob).filter(author=five.alice)
    opened = entries.reveal(list(theirs), ring)
    assert len(opened) == days
    assert all(not e.unreadable and not e.waiting for e in opened)
    assert {e.plain["heaviness"] for e in opened} <= {1, 2, 3, 4, 5}

    client = Client()
    signed = client.post(
        "/account/sign-in/", {"email": five.alice.email, "password": five.password}
    )
    assert signed.status_code == 302
    for label, path in fiveyear.main_pages(five).items():
        assert client.get(path).status_code == 200, label
