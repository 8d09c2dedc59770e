"""The "5-year couple": alice and bob with five years of daily life in every practice.

Shared by bench.load, bench.pages and bench.scale. `build()` runs inside a Django process
whose database is already chosen (bench.common.prepare for SQLite, bench.scale for
PostgreSQL) and returns what the benches need to sign in and pick pages.

How it is made (so that it takes seconds, not hours):
- the people, their pairing, commitments, agreements (with versions), a closeness list and
  a review go through the services, exactly as the pages do it;
- the daily rows (check-ins, outcomes, noticed marks, bids, journal, reflections,
  appreciations and their answers, question rounds and answers, conversations, planned
  moments) are encrypted exactly as the app encrypts them (`entries.encrypt_into`, under the
  right person's or the couple's key, bound to row and field) and written with
  `bulk_create`, which skips the services' per-row work (activity lines, outbox);
- keys are derived at libsodium's minimum Argon2 cost (bench.common.prepare sets it): a
  benchmark-only shortcut, the app's own cost is measured at sign-in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench.common import PASSWORD

if TYPE_CHECKING:
    from accounts.models import User

YEARS = 5
BATCH = 2000


@dataclass
class FiveYears:
    alice: User
    bob: User
    password: str
    first: date
    today: date
    agreement_id: str
    rows: int
    seconds: float


def _people() -> tuple[User, User]:
    from accounts import services as accounts
    from couples import services as couples
    from couples.models import Role

    def person(name: str) -> User:
        user, _, _ = accounts.create_account(
            email=f"{name.lower()}@example.test",
            password=PASSWORD,
            display_name=name,
            time_zone="Europe/Amsterdam",
        )
        return user

    alice, bob = person("Alice"), person("Bob")
    couples.create_couple_space(alice, Role.REPAIRING)
    couples.accept_invite(bob, couples.create_invite(alice).invite.pk, Role.HURT)
    return alice, bob


def build(years: float = YEARS, *, people: tuple[User, User] | None = None) -> FiveYears:
    """Make the couple (unless given, already paired) and their history. Migrations must
    have run. The couple key is handed to bob the way alice's first visit does."""
    from agreements import services as agreements
    from agreements.models import Agreement, Choice
    from agreements.models import Kind as AgreementKind
    from appreciations.models import Appreciation, AppreciationAnswer
    from bids.models import Bid, Response, Who
    from bids.models import Kind as BidKind
    from checkins.models import CheckIn, HardDay, JournalEntry, Reflection
    from checkins.prompts import PROMPTS
    from closeness import services as closeness
    from closeness.models import Moment, MomentState
    from closeness.steps import BUILT_IN
    from commitments import services as commitments
    from commitments.models import Cadence, Kind, Noticed, Outcome, Result
    from commitments.occurrences import Rule, dates_between
    from conversations.models import Conversation, Mode, Stage
    from conversations.models import Kind as TalkKind
    from couples import services as couples
    from privacy import entries
    from privacy.entries import Entry, Visibility
    from privacy.keyring import PasswordKeyring
    from questions.models import Answer, Round

    made_at = time.perf_counter()
    alice, bob = people or _people()
    rings = {alice.pk: PasswordKeyring(alice, PASSWORD), bob.pk: PasswordKeyring(bob, PASSWORD)}
    _hand_over_couple_key(alice, rings[alice.pk])
    couple_id = couples.current_membership(alice).couple_id  # type: ignore[union-attr]
    today = commitments.local_today(alice)
    first = today - timedelta(days=round(365.25 * years))
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    pending: dict[type[Entry], list[Entry]] = {}
    written = 0

    def add(entry: Entry, values: dict[str, Any]) -> None:
        nonlocal written
        entries.encrypt_into(entry, rings[entry.author_id], values)
        batch = pending.setdefault(type(entry), [])
        batch.append(entry)
        if len(batch) >= BATCH:
            type(entry).objects.bulk_create(batch)
            written += len(batch)
            batch.clear()

    def flush() -> None:
        nonlocal written
        for model, batch in pending.items():
            model.objects.bulk_create(batch)
            written += len(batch)
            batch.clear()

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    both = ((0, alice, bob), (1, bob, alice))

    # Check-ins: every day, both of them, shared. A slow drift with a weekly ripple.
    moments = [[], [HardDay.STILL_HURTS], [], [HardDay.GOOD_MOMENT], [], [], [HardDay.NOT_READY]]
    for offset, user, _ in both:
        for n, day in enumerate(days):
            add(
                CheckIn(
                    author=user,
                    day=day,
                    couple_id=couple_id,
                    visibility=Visibility.SHARED,
                    created_at=at(day, 20),
                ),
                {
                    "safety": min(10, 2 + n // 200 + (n + offset) % 3),
                    "closeness": min(10, 1 + n // 250 + (n + offset) % 4),
                    "heaviness": 1 + (n + offset) % 5,
                    "moments": moments[n % 7],
                    "words": "A few honest words about today." if n % 3 == 0 else None,
                },
            )

    # Commitments through the service; an outcome on every occasion, a "noticed" on some.
    daily, sundays = Rule(Cadence.DAILY), Rule(Cadence.WEEKLY, weekdays=(6,))
    made = [
        (alice, "Daily check-in", daily, Kind.CHECKIN, True),
        (bob, "Daily check-in", daily, Kind.CHECKIN, True),
        (alice, "Text when I'm running late", daily, Kind.PROMISE, True),
        (alice, "Ten quiet minutes for myself", daily, Kind.PROMISE, False),
        (bob, "Phone stays in the kitchen after 10pm", daily, Kind.PROMISE, True),
        (alice, "Weekly conversation", sundays, Kind.CONVERSATION, True),
    ]
    week_of_results = (Result.KEPT,) * 5 + (Result.PARTLY, Result.MISSED)
    for owner, title, rule, kind, shared in made:
        c = commitments.create_commitment(
            rings[owner.pk],
            title=title,
            rule=rule,
            starts_on=first,
            shared=shared,
            kind=kind,
            joint=kind == Kind.CONVERSATION,
        )
        partner = bob if owner is alice else alice
        for n, day in enumerate(
            dates_between(list(c.schedules.all()), c.starts_on, None, (first, today))
        ):
            result = week_of_results[n % len(week_of_results)]
            missed = result != Result.KEPT
            common = {"commitment": c, "on_date": day, "couple_id": c.couple_id}
            add(
                Outcome(author=owner, visibility=c.visibility, created_at=at(day, 21), **common),
                {
                    "how_it_went": result,
                    "in_the_way": "A long day at work" if missed else None,
                    "will_change": "Set a reminder" if missed else None,
                },
            )
            if c.is_shared and not c.joint and n % 3 == 0:
                add(
                    Noticed(author=partner, visibility=c.visibility, **common),
                    {"note": "I saw it, thank you"},
                )

    # Bids: three a day each, every fifth shared.
    kinds, responses = BidKind.values, (Response.TOWARD,) * 4 + (Response.AWAY, Response.AGAINST)
    for offset, user, _ in both:
        for n in range(len(days) * 3):
            when = at(days[n // 3], 9 + 4 * (n % 3) + offset)
            shared = n % 5 == 0
            add(
                Bid(
                    author=user,
                    noted_at=when,
                    created_at=when,
                    couple_id=couple_id if shared else None,
                    visibility=Visibility.SHARED if shared else Visibility.PRIVATE,
                ),
                {
                    "who": (Who.ME, Who.PARTNER)[n % 2],
                    "kind": kinds[n % len(kinds)],
                    "response": responses[(n + offset) % len(responses)],
                    "words": "A small moment, kept in a few words." if n % 4 == 0 else None,
                },
            )

    # Journal (alice, every other day), reflections (both, weekly), appreciations (each
    # writes one a week, the other answers), a question round a week answered by both.
    prompt_keys = sorted(PROMPTS)
    for n, day in enumerate(days):
        if n % 2 == 0:
            add(
                JournalEntry(author=alice, created_at=at(day, 22)),
                {"body": "Some private thoughts from today, written down to let them go. " * 3},
            )
        if n % 7 == 0:
            for offset, user, partner in both:
                add(
                    Reflection(
                        author=user,
                        day=day,
                        prompt_key=prompt_keys[(n // 7 + offset) % len(prompt_keys)],
                        couple_id=couple_id,
                        visibility=Visibility.SHARED if n % 2 else Visibility.PRIVATE,
                        created_at=at(day, 19),
                    ),
                    {"answer": "What came up when I sat with it for a while."},
                )
                note = Appreciation(
                    author=user,
                    couple_id=couple_id,
                    visibility=Visibility.SHARED,
                    created_at=at(day, 18 + offset),
                )
                add(
                    note,
                    {
                        "what_they_did": "You made tea without being asked.",
                        "what_it_meant": "I felt looked after.",
                        "says_about_them": None,
                    },
                )
                add(
                    AppreciationAnswer(
                        author=partner,
                        appreciation=note,
                        couple_id=couple_id,
                        visibility=Visibility.SHARED,
                    ),
                    {"meant_a_lot": True, "words": None},
                )
            answered = at(day, 21)
            round_ = Round(
                author=alice,
                couple_id=couple_id,
                visibility=Visibility.SHARED,
                starts_on=day,
                cadence="weekly",
                bank_key=f"b{n // 7}"[:8],
                both_answered_at=answered,
                created_at=at(day, 7),
            )
            add(round_, {"text": "What is something small that made you smile this week?"})
            for _, user, _ in both:
                add(
                    Answer(
                        author=user,
                        round=round_,
                        couple_id=couple_id,
                        visibility=Visibility.SHARED,
                        created_at=answered,
                    ),
                    {"text": "The walk on Sunday, and the soup after."},
                )
            # A weekly conversation, finished, with its summary; a moment of closeness.
            add(
                Conversation(
                    author=alice,
                    couple_id=couple_id,
                    visibility=Visibility.SHARED,
                    kind=TalkKind.WEEKLY,
                    mode=Mode.TOGETHER,
                    stage=Stage.DONE,
                    first_speaker=alice,
                    created_at=at(day, 19),
                    last_activity_at=at(day, 20),
                    finished_at=at(day, 20),
                ),
                {
                    "topic": "How this week went",
                    "summary": {
                        "heard": {
                            str(alice.pk): [{"words": "Tired but hopeful", "by": str(bob.pk)}],
                            str(bob.pk): [{"words": "Calmer", "by": str(alice.pk)}],
                        },
                        "will_do": {str(alice.pk): ["Walk on Sunday"]},
                    },
                },
            )
            add(
                Moment(
                    author=(alice, bob)[(n // 7) % 2],
                    couple_id=couple_id,
                    visibility=Visibility.SHARED,
                    at=at(day, 20),
                    state=MomentState.ACCEPTED,
                    answered_at=at(day, 12),
                    created_at=at(day, 9),
                ),
                {"steps": [BUILT_IN[0].key]},
            )
    flush()

    # Agreements through the services: eight in effect, six versions each; a review; the
    # closeness answers (so the yes lists are real).
    agreement_ids = []
    for n in range(8):
        terms = agreements.Terms(
            title=f"Agreement {n + 1}: where I am on late nights",
            what="Where I am and who I'm with",
            how_often="Each evening I'm out late",
            channel="A message before I set off home",
            notes="If my phone is flat I'll call from a friend's.",
        )
        agreement = agreements.propose(rings[alice.pk], AgreementKind.TRANSPARENCY, terms)
        for v in range(1, 6):
            agreement = Agreement.objects.get(pk=agreement.pk)
            agreements.revise(
                rings[(alice, bob)[v % 2].pk],
                agreement,
                agreements.Terms(**{**terms.__dict__, "how_often": f"Version {v}: each evening"}),
                expected_revision=agreement.revision,
            )
        agreement = Agreement.objects.get(pk=agreement.pk)
        waiting = agreement.pending
        assert waiting is not None
        agreements.accept(bob if waiting.author_id == alice.pk else alice, agreement, waiting)
        agreement_ids.append(agreement.pk)
    for person in (alice, bob):
        agreements.save_review_answers(
            rings[person.pk], {pk: (Choice.KEEP, "Still right for us") for pk in agreement_ids}
        )
        agreements.finish_review(rings[person.pk])
        closeness.save_answers(rings[person.pk], {s.key: "yes" for s in BUILT_IN[:8]}, hidden=())

    return FiveYears(
        alice=alice,
        bob=bob,
        password=PASSWORD,
        first=first,
        today=today,
        agreement_id=str(agreement_ids[0]),
        rows=written,
        seconds=time.perf_counter() - made_at,
    )


def _hand_over_couple_key(alice: User, ring: Any) -> None:
    """What the first visit after pairing does: seal the couple key to the partner."""
    from couples import services as couples
    from privacy import keys

    couple_id = couples.current_membership(alice).couple_id  # type: ignore[union-attr]
    for partner in keys.members_missing_key(couple_id):
        keys.grant_to_partner(couple_id, ring.couple_key(couple_id), partner)


def main_pages(five: FiveYears) -> dict[str, str]:
    """The main pages of issue 18, by label, as paths."""
    from django.urls import reverse

    trends = reverse("checkins:trends")
    return {
        "today": reverse("today"),
        "calendar": reverse("commitments:calendar"),
        "follow-through": reverse("commitments:follow_through"),
        "trends 12 weeks": trends,
        "trends year": f"{trends}?span=year",
        "bids": reverse("bids:log"),
        "agreements": reverse("agreements:index"),
        "agreement history": reverse("agreements:history", args=[five.agreement_id]),
        "check-in": reverse("checkins:today"),
        "check-in history": reverse("checkins:history"),
        "journal": reverse("checkins:journal"),
        "closeness": reverse("closeness:index"),
        "conversations": reverse("conversations:index"),
        "settings": reverse("accounts:settings"),
    }


# The realistic mix of issue 18, in the order a client walks it.
MIX = ("today", "calendar", "check-in", "trends 12 weeks", "bids")
