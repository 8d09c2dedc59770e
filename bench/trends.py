"""Measures the server time of the trends page for a couple holding five years of daily
check-ins each, all of them shared, plus a daily commitment kept for the same five years.

    .venv/bin/python -m bench.trends              (five years of history)
    .venv/bin/python -m bench.trends --years 0.1  (about a month, to compare)

It builds a throwaway SQLite database in a temporary data folder, never touching the real
one, and removes it afterwards. Key derivation runs at libsodium's minimum cost while the
data is made (that cost is measured by bench/keys.py, and is paid at sign-in, not per page);
the check-ins are encrypted exactly as the app encrypts them and written in batches. Each
page is requested through Django's test client, signed in for real, and the median of the
timed requests is printed along with the query count. The page reads at most a year of
check-ins per person, whatever the history holds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.common import PASSWORD, couple, prepare, time_pages

YEARS = 5
BATCH = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--years", type=float, default=YEARS, help="history to make (5)")
    years = parser.parse_args().years
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        _run(years)


def _run(years: float) -> None:
    from django.urls import reverse

    from checkins.models import CheckIn, HardDay
    from commitments import services as commitments
    from commitments.models import Cadence, Outcome, Result
    from commitments.occurrences import Rule
    from couples import services as couples
    from privacy import entries
    from privacy.entries import Visibility
    from privacy.keyring import PasswordKeyring

    made_at = time.perf_counter()
    alice, bob, alice_client, bob_client = couple()

    today = commitments.local_today(alice)
    first = today - timedelta(days=round(365.25 * years))
    couple_id = couples.current_membership(alice).couple_id  # type: ignore[union-attr]
    moments = [[], [HardDay.STILL_HURTS], [], [HardDay.GOOD_MOMENT], [], [], [HardDay.NOT_READY]]

    for offset, user in enumerate((alice, bob)):
        ring = PasswordKeyring(user, PASSWORD)
        batch: list[CheckIn] = []
        day, n = first, 0
        while day <= today:
            entry = CheckIn(author=user, day=day, couple_id=couple_id, visibility=Visibility.SHARED)
            # A slow drift with a weekly ripple: believable numbers, every day filled in.
            entries.encrypt_into(
                entry,
                ring,
                {
                    "safety": min(10, 2 + n // 200 + (n + offset) % 3),
                    "closeness": min(10, 1 + n // 250 + (n + offset) % 4),
                    "heaviness": 1 + (n + offset) % 5,
                    "moments": moments[n % 7],
                    "words": "A few honest words about today." if n % 3 == 0 else None,
                },
            )
            batch.append(entry)
            if len(batch) == BATCH:
                CheckIn.objects.bulk_create(batch)
                batch = []
            day += timedelta(days=1)
            n += 1
        CheckIn.objects.bulk_create(batch)

    # A daily commitment of alice's with an outcome every day: the evidence view's other half.
    ring = PasswordKeyring(alice, PASSWORD)
    walk = commitments.create_commitment(
        ring, title="Evening walk", rule=Rule(Cadence.DAILY), starts_on=first
    )
    results = (Result.KEPT,) * 5 + (Result.PARTLY, Result.MISSED)
    outcomes: list[Outcome] = []
    day = first
    while day <= today:
        outcome = Outcome(
            commitment=walk,
            on_date=day,
            author=alice,
            couple_id=walk.couple_id,
            visibility=walk.visibility,
            result=results[day.toordinal() % 7],
        )
        entries.encrypt_into(outcome, ring, {"in_the_way": None, "will_change": None})
        outcomes.append(outcome)
        day += timedelta(days=1)
    Outcome.objects.bulk_create(outcomes, batch_size=BATCH)
    setup_s = time.perf_counter() - made_at

    print(
        f"Data: {CheckIn.objects.count()} check-ins (two people, daily, all shared) "
        f"from {first} to {today}, {Outcome.objects.count()} outcomes "
        f"(made in {setup_s:.1f} s)"
    )
    url = reverse("checkins:trends")
    pages = {"/trends/ (12 weeks)": url, "/trends/?span=year": f"{url}?span=year"}

    def side_by_side(label: str, body: str) -> None:
        assert "pair-heading" in body, "the side-by-side view should be on the page"

    time_pages({"Alice": alice_client, "Bob": bob_client}, pages, check=side_by_side)


if __name__ == "__main__":
    main()
