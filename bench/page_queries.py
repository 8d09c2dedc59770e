"""Queries and server time per main page, for a couple with a history (issue 18).

    .venv/bin/python -m bench.page_queries              (120 days of history)
    .venv/bin/python -m bench.page_queries --days 365

A throwaway SQLite database: alice and bob paired and signed in for real, each with a daily
commitment marked every day, a check-in every day (two in three shared; the last week
through the check-in service, older days written as the service writes them), a bid a day,
a journal page every fifth day, an agreement in effect, closeness answers and a
conversation. Each page is visited once (what a first visit fills, it fills), then its
queries are counted and RUNS requests timed through Django's test client. Nothing here
judges the numbers; the machine is shared, so compare figures from the same run only.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.common import PASSWORD, couple, prepare, time_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--days", type=int, default=120, help="days of history (120)")
    days = parser.parse_args().days
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        _run(days)


def _run(days: int) -> None:
    from django.urls import reverse

    from agreements import services as agreements
    from bids import services as bids
    from checkins import services as checkins
    from checkins.models import CheckIn
    from closeness import services as closeness
    from closeness.steps import BUILT_IN
    from commitments import services as commitments
    from commitments.models import Cadence
    from commitments.occurrences import Rule
    from conversations import services as conversations
    from privacy import entries
    from privacy.keyring import PasswordKeyring

    alice, bob, alice_client, _ = couple()
    for n, user in enumerate((alice, bob)):
        ring = PasswordKeyring(user, PASSWORD)
        today = checkins.local_today(user)
        walk = commitments.create_commitment(
            ring, title="Evening walk", rule=Rule(Cadence.DAILY), starts_on=today - timedelta(days)
        )
        closeness.save_answers(ring, dict.fromkeys([s.key for s in BUILT_IN[:6]], "yes"), ())
        for offset in range(days, -1, -1):
            day = today - timedelta(days=offset)
            values = {
                "safety": (offset + n) % 11,
                "closeness": offset % 7,
                "heaviness": 1 + offset % 5,
            }
            if offset <= 6:
                checkins.check_in(
                    ring,
                    day,
                    safety=values["safety"],
                    closeness=values["closeness"],
                    heaviness=values["heaviness"],
                    words="a day",
                    shared=offset % 3 != 0,
                )
            else:
                entry = CheckIn(author=user, day=day)
                entries.encrypt_into(entry, ring, {**values, "moments": [], "words": "a day"})
                entry.save()
                if offset % 3:
                    entries.share(entry, ring)
            commitments.record_outcome(ring, walk, day, "kept" if offset % 4 else "missed")
            bids.note_bid(ring, who="me", kind="touch", response="toward", words="a hug")
            if offset % 5 == 0:
                checkins.write_journal(ring, f"page {offset}")
    agreement = agreements.propose(
        PasswordKeyring(alice, PASSWORD),
        "transparency",
        agreements.Terms(title="Phones", what="who", how_often="daily", channel="dinner"),
    )
    assert agreement.pending is not None
    agreements.accept(bob, agreement, agreement.pending)
    conversations.start(PasswordKeyring(alice, PASSWORD), kind="topic", mode="apart", topic="Us")
    print(f"Data: {days} days of history for each of two people")

    trends = reverse("checkins:trends")
    pages = {
        "/ (Today)": reverse("today"),
        "/calendar/": reverse("commitments:calendar"),
        "/follow-through/": reverse("commitments:follow_through"),
        "/trends/": trends,
        "/trends/?span=year": f"{trends}?span=year",
        "/bids/": reverse("bids:log"),
        "/agreements/": reverse("agreements:index"),
        "/agreements/<id>/history/": reverse("agreements:history", args=[agreement.pk]),
        "/check-in/": reverse("checkins:today"),
        "/check-in/history/": reverse("checkins:history"),
        "/journal/": reverse("checkins:journal"),
        "/closeness/": reverse("closeness:index"),
        "/conversations/": reverse("conversations:index"),
        "/account/settings/": reverse("accounts:settings"),
    }
    time_pages({"Alice": alice_client}, pages)


if __name__ == "__main__":
    main()
