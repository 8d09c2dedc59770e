"""What every page benchmark shares: a throwaway database, a signed-in couple, timing.

Keys are derived at libsodium's minimum cost while data is made (that cost is measured
by bench/keys.py and paid at sign-in, not per page).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import django

if TYPE_CHECKING:
    from django.test import Client

    from accounts.models import User

PASSWORD = "a long passphrase for the benchmark"
RUNS = 20


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def getter(client: Any, url: str) -> Callable[[], object]:
    return lambda: client.get(url)


def counting(seen: list[str]) -> Callable[..., object]:
    """Counts queries across the per-request reconnects SQLite makes (CONN_MAX_AGE 0)."""

    def wrapper(execute: Callable[..., object], sql: str, *args: object) -> object:
        seen.append(sql)
        return execute(sql, *args)

    return wrapper


def time_pages(
    clients: dict[str, Client],
    pages: dict[str, str],
    *,
    check: Callable[[str, str], None] | None = None,
) -> None:
    """For each person and page: three warm-up requests (templates compiled, connection
    open), one counted for queries, then RUNS timed; prints one line each. `check(label,
    body)` may assert something about the page first."""
    from django.db import connection

    width = max(len(label) for label in pages)
    for who, client in clients.items():
        for label, url in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200
            if check is not None:
                check(label, client.get(url).content.decode())
            queries: list[str] = []
            with connection.execute_wrapper(counting(queries)):
                client.get(url)
            median, low, high = median_ms(getter(client, url), RUNS)
            print(
                f"{who:5} GET {label:{width}} median {median:6.1f} ms  "
                f"(min {low:5.1f}, max {high:5.1f}, {RUNS} runs, {len(queries)} queries)"
            )


def prepare(data_dir: Path) -> None:
    """Point Django at a fresh data folder before it starts; refuse if it already has."""
    from django.conf import settings

    if settings.configured:
        raise SystemExit("Run a benchmark as `python -m bench.<name>`: it makes its own database.")
    from nacl.pwhash import argon2id

    os.environ.pop("DATABASE_URL", None)
    os.environ["TENDING_DATA_DIR"] = str(data_dir)
    os.environ["TENDING_ALLOWED_HOSTS"] = "testserver"
    os.environ["TENDING_KEY_KDF_OPS"] = str(argon2id.OPSLIMIT_MIN)
    os.environ["TENDING_KEY_KDF_MEM"] = str(argon2id.MEMLIMIT_MIN)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tending.settings"
    django.setup()


def couple() -> tuple[User, User, Client, Client]:
    """Migrate, then make alice (repairing) and bob (hurt), paired and signed in for real."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts import services as accounts
    from couples import services as couples
    from couples.models import Role

    call_command("migrate", verbosity=0)

    def person(name: str) -> User:
        user, _, _ = accounts.create_account(
            email=f"{name.lower()}@example.test",
            password=PASSWORD,
            display_name=name,
            time_zone="Europe/Amsterdam",
        )
        return user

    def signed_in(user: User) -> Client:
        client = Client()
        response = client.post(
            reverse("accounts:sign_in"), {"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302, "sign-in failed"
        return client

    alice, bob = person("Alice"), person("Bob")
    couples.create_couple_space(alice, Role.REPAIRING)
    couples.accept_invite(bob, couples.create_invite(alice).invite.pk, Role.HURT)
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    alice_client.get(reverse("today"))  # hands the couple key over, as a first visit does
    return alice, bob, alice_client, bob_client
