"""Measures the server time of the calendar and follow-through pages for a couple holding
three years of daily occasions, every one of them marked.

    .venv/bin/python -m bench.calendar              (three years of history)
    .venv/bin/python -m bench.calendar --years 0.1  (about a month, to compare)

(Run it as a module, not as `python bench/calendar.py`, which would shadow the standard
library's `calendar`.) It builds a throwaway SQLite database in a temporary data folder,
never touching the real one, and removes it afterwards. Key derivation runs at libsodium's
minimum cost while the data is made (that cost is measured by bench/keys.py, and is paid
at sign-in, not per page). Each page is requested through Django's test client, signed in
for real, and the median of the timed requests is printed along with the query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

PASSWORD = "a long passphrase for the benchmark"
YEARS = 3
RUNS = 20


def _median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def _getter(client: Any, url: str) -> Callable[[], object]:
    return lambda: client.get(url)


def _counting(seen: list[str]) -> Callable[..., object]:
    """Counts queries across the per-request reconnects SQLite makes (CONN_MAX_AGE 0)."""

    def wrapper(execute: Callable[..., object], sql: str, *args: object) -> object:
        seen.append(sql)
        return execute(sql, *args)

    return wrapper


def _prepare(data_dir: Path) -> None:
    """Point Django at a fresh data folder before it starts; refuse if it already has."""
    from django.conf import settings

    if settings.configured:
        raise SystemExit("Run this as `python -m bench.calendar`: it makes its own database.")
    from nacl.pwhash import argon2id

    os.environ.pop("DATABASE_URL", None)
    os.environ["TENDING_DATA_DIR"] = str(data_dir)
    os.environ["TENDING_ALLOWED_HOSTS"] = "testserver"
    os.environ["TENDING_KEY_KDF_OPS"] = str(argon2id.OPSLIMIT_MIN)
    os.environ["TENDING_KEY_KDF_MEM"] = str(argon2id.MEMLIMIT_MIN)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tending.settings"
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=float, default=YEARS, help="history to make (3)")
    years = parser.parse_args().years
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        _prepare(Path(folder))
        _run(years)


def _run(years: float) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts import services as accounts
    from accounts.models import User
    from commitments import services
    from commitments.models import Cadence, Commitment, Kind, Noticed, Outcome, Result
    from commitments.occurrences import Rule, dates_between
    from couples import services as couples
    from couples.models import Role
    from privacy import entries
    from privacy.keyring import PasswordKeyring

    made_at = time.perf_counter()
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

    today = services.local_today(alice)
    first = today - timedelta(days=round(365.25 * years))
    rings = {alice.pk: PasswordKeyring(alice, PASSWORD), bob.pk: PasswordKeyring(bob, PASSWORD)}

    def commit(
        user: User, title: str, rule: Rule, *, shared: bool = True, kind: str = Kind.PROMISE
    ) -> Commitment:
        return services.create_commitment(
            rings[user.pk],
            title=title,
            rule=rule,
            starts_on=first,
            shared=shared,
            kind=kind,
            joint=kind in (Kind.CONVERSATION, Kind.REVIEW),
        )

    daily, sundays = Rule(Cadence.DAILY), Rule(Cadence.WEEKLY, weekdays=(6,))
    made = [
        commit(alice, "Daily check-in", daily, kind=Kind.CHECKIN),
        commit(bob, "Daily check-in", daily, kind=Kind.CHECKIN),
        commit(alice, "Text when I'm running late", daily),
        commit(alice, "Ten quiet minutes for myself", daily, shared=False),
        commit(bob, "Phone stays in the kitchen after 10pm", daily),
        commit(alice, "Weekly conversation", sundays, kind=Kind.CONVERSATION),
        commit(alice, "Monthly review", Rule(Cadence.MONTHLY, month_day=1), kind=Kind.REVIEW),
    ]
    # Most kept, some partly, some missed: a believable week, repeated.
    week_of_results = (Result.KEPT,) * 5 + (Result.PARTLY, Result.MISSED)
    outcomes: list[Outcome] = []
    marks: list[Noticed] = []
    for c in made:
        owner = alice if c.author_id == alice.pk else bob
        partner = bob if owner is alice else alice
        ring = rings[owner.pk]
        for n, day in enumerate(
            dates_between(list(c.schedules.all()), c.starts_on, None, (first, today))
        ):
            outcome = Outcome(
                commitment=c,
                on_date=day,
                author=owner,
                couple_id=c.couple_id,
                visibility=c.visibility,
                result=week_of_results[n % len(week_of_results)],
            )
            missed = outcome.result != Result.KEPT
            entries.encrypt_into(
                outcome,
                ring,
                {
                    "in_the_way": "A long day at work" if missed else None,
                    "will_change": "Set a reminder" if missed else None,
                },
            )
            outcomes.append(outcome)
            if c.is_shared and not c.joint and n % 3 == 0:
                seen = Noticed(
                    commitment=c,
                    on_date=day,
                    author=partner,
                    couple_id=c.couple_id,
                    visibility=c.visibility,
                )
                entries.encrypt_into(seen, rings[partner.pk], {"note": "I saw it, thank you"})
                marks.append(seen)
    Outcome.objects.bulk_create(outcomes, batch_size=1000)
    Noticed.objects.bulk_create(marks, batch_size=1000)
    setup_s = time.perf_counter() - made_at

    older = first + (today - first) / 3  # a month well inside the history
    pages = {
        "/ (the Today page, for comparison)": reverse("today"),
        "/calendar/ (this month)": reverse("commitments:calendar"),
        f"/calendar/{older.year}/{older.month}/ (older)": reverse(
            "commitments:calendar_month", args=[older.year, older.month]
        ),
        "/follow-through/": reverse("commitments:follow_through"),
    }
    print(
        f"Data: {len(made)} commitments from {first} to {today}, "
        f"{Outcome.objects.count()} outcomes, {Noticed.objects.count()} noticed "
        f"(made in {setup_s:.1f} s)"
    )
    for who, client in (("Alice", alice_client), ("Bob", bob_client)):
        for label, url in pages.items():
            for _ in range(3):  # warm-up: templates compiled, connection open
                assert client.get(url).status_code == 200
            queries: list[str] = []
            with connection.execute_wrapper(_counting(queries)):
                client.get(url)
            median, low, high = _median_ms(_getter(client, url), RUNS)
            print(
                f"{who:5} GET {label:36} median {median:6.1f} ms  "
                f"(min {low:5.1f}, max {high:5.1f}, {RUNS} runs, {len(queries)} queries)"
            )


if __name__ == "__main__":
    main()
