"""Measures the server time of the bids page for a couple holding two years of bids: six a
day each, every fifth one shared.

    .venv/bin/python -m bench.bids              (two years of history)
    .venv/bin/python -m bench.bids --years 0.1  (about a month, to compare)

Like bench/trends.py it builds a throwaway SQLite database in a temporary data folder and
removes it afterwards; keys are derived at libsodium's minimum cost while the data is made.
The bids are encrypted exactly as the app encrypts them and written in batches. Each page is
requested through Django's test client, signed in for real, and the median of the timed
requests is printed with the query count. The page opens one page of the log and the last
eight weeks of the person's own bids, whatever the history holds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import PASSWORD, couple, prepare, time_pages

YEARS = 2
PER_DAY = 6
BATCH = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--years", type=float, default=YEARS, help="history to make (2)")
    years = parser.parse_args().years
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        _run(years)


def _run(years: float) -> None:
    from django.urls import reverse
    from django.utils import timezone

    from bids.models import Bid, Kind, Response, Who
    from couples import services as couples
    from privacy import entries
    from privacy.entries import Visibility
    from privacy.keyring import PasswordKeyring

    made_at = time.perf_counter()
    alice, bob, alice_client, bob_client = couple()
    couple_id = couples.current_membership(alice).couple_id  # type: ignore[union-attr]

    now = timezone.now()
    count = round(365.25 * years * PER_DAY)
    kinds, responses = Kind.values, (Response.TOWARD,) * 4 + (Response.AWAY, Response.AGAINST)
    for offset, user in enumerate((alice, bob)):
        ring = PasswordKeyring(user, PASSWORD)
        batch: list[Bid] = []
        for n in range(count):
            shared = n % 5 == 0
            at: datetime = now - timedelta(hours=24 * n / PER_DAY + offset)
            bid = Bid(
                author=user,
                noted_at=at,
                created_at=at,
                couple_id=couple_id if shared else None,
                visibility=Visibility.SHARED if shared else Visibility.PRIVATE,
            )
            entries.encrypt_into(
                bid,
                ring,
                {
                    "who": (Who.ME, Who.PARTNER)[n % 2],
                    "kind": kinds[n % len(kinds)],
                    "response": responses[(n + offset) % len(responses)],
                    "words": "A small moment, kept in a few words." if n % 4 == 0 else None,
                },
            )
            batch.append(bid)
            if len(batch) == BATCH:
                Bid.objects.bulk_create(batch)
                batch = []
        Bid.objects.bulk_create(batch)
    setup_s = time.perf_counter() - made_at
    print(
        f"Data: {Bid.objects.count()} bids (two people, {PER_DAY} a day each, every fifth "
        f"shared) over {years:g} years (made in {setup_s:.1f} s)"
    )
    url = reverse("bids:log")
    pages = {"/bids/ (own log + rates)": url, "/bids/?whose=partner": f"{url}?whose=partner"}
    time_pages({"Alice": alice_client, "Bob": bob_client}, pages)


if __name__ == "__main__":
    main()
