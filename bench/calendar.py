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
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.common import PASSWORD, couple, prepare, time_pages

YEARS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=float, default=YEARS, help="history to make (3)")
    years = parser.parse_args().years
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        _run(years)


def _run(years: float) -> None:
    from django.urls import reverse

    from accounts.models import User
    from commitments import services
    from commitments.models import Cadence, Commitment, Kind, Noticed, Outcome, Result
    from commitments.occurrences import Rule, dates_between
    from privacy import entries
    from privacy.keyring import PasswordKeyring

    made_at = time.perf_counter()
    alice, bob, alice_client, bob_client = couple()

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
            )
            result = week_of_results[n % len(week_of_results)]
            missed = result != Result.KEPT
            entries.encrypt_into(
                outcome,
                ring,
                {
                    "how_it_went": result,
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
    time_pages({"Alice": alice_client, "Bob": bob_client}, pages)


if __name__ == "__main__":
    main()
