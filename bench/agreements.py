"""Measures the server time of the agreements pages for a couple with a long history: many
agreements in effect, each revised many times, with a monthly review finished and a few
concerns.

    .venv/bin/python -m bench.agreements                        (20 agreements, 12 versions)
    .venv/bin/python -m bench.agreements --agreements 5 --versions 2

Like the other benchmarks it builds a throwaway SQLite database in a temporary data
folder, made through the agreements services (so every word is encrypted as the app does
it), and requests each page through Django's test client, signed in for real. It prints
the median of the timed requests and the query count; the count must not grow with the
history (tests/query budgets pin that), the time grows only with what a page decrypts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import PASSWORD, couple, prepare, time_pages

AGREEMENTS = 20
VERSIONS = 12


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--agreements", type=int, default=AGREEMENTS)
    parser.add_argument("--versions", type=int, default=VERSIONS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        _run(args.agreements, args.versions)


def _run(how_many: int, versions: int) -> None:
    from django.urls import reverse

    from agreements import services
    from agreements.models import Agreement, AgreementVersion, Choice, Kind
    from privacy.keyring import PasswordKeyring

    made_at = time.perf_counter()
    alice, bob, alice_client, bob_client = couple()
    rings = {alice.pk: PasswordKeyring(alice, PASSWORD), bob.pk: PasswordKeyring(bob, PASSWORD)}
    made: list[Agreement] = []
    for n in range(how_many):
        terms = services.Terms(
            title=f"Agreement {n}: where I am on late nights",
            what="Where I am and who I'm with",
            how_often="Each evening I'm out late",
            channel="A message before I set off home",
            notes="If my phone is flat I'll call from a friend's.",
        )
        agreement = services.propose(rings[alice.pk], Kind.TRANSPARENCY, terms)
        for v in range(1, versions):
            agreement = Agreement.objects.get(pk=agreement.pk)
            proposer = (alice, bob)[v % 2]
            services.revise(
                rings[proposer.pk],
                agreement,
                services.Terms(**{**terms.__dict__, "how_often": f"Version {v}: each evening"}),
                expected_revision=agreement.revision,
            )
        agreement = Agreement.objects.get(pk=agreement.pk)
        assert agreement.pending is not None
        waiting = agreement.pending
        accepter = bob if waiting.author_id == alice.pk else alice
        services.accept(accepter, agreement, waiting)
        made.append(agreement)
    for person in (alice, bob):
        choice = Choice.KEEP if person == alice else Choice.REVISE
        services.save_review_answers(rings[person.pk], {a.pk: (choice, "A note") for a in made})
        services.finish_review(rings[person.pk])
    for agreement in made[:3]:
        concern = services.write_concern(
            rings[bob.pk],
            Agreement.objects.get(pk=agreement.pk),
            what_happened="It came to bed.",
            how_it_felt="Uneasy.",
            what_i_need="To talk.",
            send=True,
        )
        services.answer_concern(
            rings[alice.pk],
            concern,
            what_i_did="I kept it with me.",
            how_it_affected="You felt shut out.",
            what_i_will_do="Charge it downstairs.",
            send=True,
        )
    setup_s = time.perf_counter() - made_at
    print(
        f"Data: {how_many} agreements in effect, {versions} versions each "
        f"({AgreementVersion.objects.count()} versions), a finished review, 3 concerns "
        f"(made in {setup_s:.1f} s)"
    )
    first = made[0]
    pages = {
        "/agreements/": reverse("agreements:index"),
        "/agreements/<id>/": reverse("agreements:detail", args=[first.pk]),
        "/agreements/<id>/history/": reverse("agreements:history", args=[first.pk]),
        "/agreements/review/": reverse("agreements:review"),
    }
    time_pages({"Alice": alice_client, "Bob": bob_client}, pages)


if __name__ == "__main__":
    main()
