"""Weekly summaries (issue 18): trends read them instead of opening every check-in, and
they must say exactly what opening every check-in says, to each reader, whatever happened
to the check-ins since (edits, deletes, sharing and unsharing, writes around the service),
in any time zone. And they are the reader's alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from checkins import services as checkins
from checkins.models import CheckIn, WeekSummary
from conftest import Cast, examples, ring
from privacy import entries
from privacy.keyring import Keyring

ZONES = ["Europe/Amsterdam", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata", "UTC"]

write = st.tuples(
    st.just("write"),
    st.integers(0, 40),  # days ago
    st.integers(0, 10),
    st.integers(0, 10),
    st.integers(1, 5),
    st.booleans(),  # shared
    st.sampled_from(["alice", "alice", "bob"]),  # whose check-in
)
delete = st.tuples(st.just("delete"), st.integers(0, 40))
toggle = st.tuples(st.just("toggle"), st.integers(0, 40))
look = st.tuples(st.just("look"), st.sampled_from(["alice", "bob"]))
steps = st.lists(st.one_of(write, write, delete, toggle, look, look), min_size=1, max_size=25)


def _write(keys: Keyring, day: date, values: dict[str, int], shared: bool, today: date) -> None:
    if day >= today - timedelta(days=7):  # the service: summaries kept in its transaction
        checkins.check_in(
            keys,
            day,
            safety=values["safety"],
            closeness=values["closeness"],
            heaviness=values["heaviness"],
            shared=shared,
        )
        return
    # Older days, written around the service (an import, a bulk tool): trends must notice.
    entry = CheckIn.objects.authored_by(keys.user).filter(day=day).first()
    if entry is None:
        entry = CheckIn(author=keys.user, day=day)
    if entry.is_shared:
        entries.unshare(entry, keys)
    entries.encrypt_into(entry, keys, {**values, "moments": [], "words": None})
    entry.updated_at = timezone.now()
    entry.save()
    if shared:
        checkins.share_checkin(keys, entry)


def _run(cast: Cast, zone: str, hour: int, plan: list[tuple[Any, ...]]) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    alice.time_zone = zone
    alice.save(update_fields=["time_zone"])
    rings = {"alice": ring(alice), "bob": ring(bob)}
    moment = datetime(2026, 3, 11, hour, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        today = checkins.local_today(alice)
        for step in plan:
            kind = step[0]
            if kind == "write":
                _, ago, safety, closeness, heaviness, shared, whose = step
                values = {"safety": safety, "closeness": closeness, "heaviness": heaviness}
                # Days ago in the writer's own zone: bob (in UTC) can't check in for a day
                # that has only begun in alice's zone.
                theirs = checkins.local_today(rings[whose].user)
                day = theirs - timedelta(days=int(ago))
                _write(rings[whose], day, values, bool(shared), theirs)
            elif kind == "delete":
                CheckIn.objects.filter(
                    author=alice, day=today - timedelta(days=int(step[1]))
                ).delete()
            elif kind == "toggle":
                entry = CheckIn.objects.filter(
                    author=alice,
                    day=today - timedelta(days=int(step[1])),
                ).first()
                if entry is not None:
                    if entry.is_shared:
                        checkins.unshare_checkin(rings["alice"], entry)
                    else:
                        checkins.share_checkin(rings["alice"], entry)
            else:
                keys = rings[str(step[1])]
                checkins.weekly_averages(keys, alice, 12, today=checkins.local_today(keys.user))
        for who in ("alice", "bob"):
            keys = rings[who]
            for weeks in (12, 52):
                day = checkins.local_today(keys.user)
                kept = checkins.weekly_averages(keys, alice, weeks, today=day)
                fresh = checkins.weekly_averages_from_scratch(keys, alice, weeks, today=day)
                assert kept == fresh, (who, weeks)
                # And again, now from the summaries just kept.
                assert checkins.weekly_averages(keys, alice, weeks, today=day) == fresh
                # Both people in one read, as the trends page asks: the same figures.
                both = checkins.weekly_averages_of(keys, [bob, alice], weeks, today=day)
                assert both[alice.pk] == fresh, (who, weeks)
                assert both[bob.pk] == checkins.weekly_averages_from_scratch(
                    keys, bob, weeks, today=day
                )


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(zone=st.sampled_from(ZONES), hour=st.integers(0, 23), plan=steps)
def test_summaries_say_what_every_check_in_says(
    cast: Cast, zone: str, hour: int, plan: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():
        _run(cast, zone, hour, plan)
        transaction.set_rollback(True)


def test_a_partner_never_reads_a_summary_and_sees_only_what_was_shared(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    keys = ring(alice)
    today = checkins.local_today(alice)
    checkins.check_in(keys, today, safety=9, closeness=9, heaviness=1, shared=True)
    checkins.check_in(
        keys, today - timedelta(days=1), safety=1, closeness=1, heaviness=5, shared=False
    )
    assert cast.bob.client.get(reverse("checkins:trends")).status_code == 200
    assert cast.alice.client.get(reverse("checkins:trends")).status_code == 200

    mine = WeekSummary.objects.filter(author=alice)
    bobs = WeekSummary.objects.filter(author=bob)
    assert mine.exists() and bobs.exists()
    # Each reader's summaries are private to that reader: not visible, not openable.
    assert not WeekSummary.objects.visible_to(bob).filter(author=alice).exists()
    assert not WeekSummary.objects.visible_to(alice).filter(author=bob).exists()
    assert all(s.visibility == "private" for s in WeekSummary.objects.all())
    with pytest.raises(PermissionError):
        entries.reveal(list(mine), ring(bob))
    # Bob's summary of alice holds only the check-in she shared.
    (bobs_week,) = entries.reveal(list(bobs.filter(subject=alice)), ring(bob))
    figures = bobs_week.plain["figures"]
    if today.weekday() > 0:  # both days in one week
        assert (figures["n"], figures["safety"]) == (1, 9)
    # Nothing in clear: the figures are ciphertext.
    raw = bytes(WeekSummary.objects.filter(author=bob).first().figures)  # type: ignore[union-attr]
    assert b"safety" not in raw and b"figures" not in raw

    # She stops sharing: his page stops counting it at once.
    shared = CheckIn.objects.get(author=alice, day=today)
    checkins.unshare_checkin(keys, shared)
    assert not any(w.count for w in checkins.weekly_averages(ring(bob), alice, 12))


def test_a_summary_goes_with_its_readers_account(cast: Cast) -> None:
    alice: User = cast.alice.user
    keys = ring(alice)
    checkins.check_in(keys, checkins.local_today(alice), safety=5, closeness=5, heaviness=3)
    assert WeekSummary.objects.filter(author=alice).exists()
    from privacy.lifecycle import delete_account

    delete_account(alice)
    assert not WeekSummary.objects.filter(author_id=alice.pk).exists()
    assert not WeekSummary.objects.filter(subject_id=alice.pk).exists()


def test_a_kept_week_is_read_back_not_summed_again(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamps a summary is kept with (`digests.as_text`) match the stamps read on the
    next visit, so an unchanged week is never opened again; a changed one is."""
    from checkins.services import trends

    summed: list[list[date]] = []
    real = trends._summarise

    def counting(keys: Keyring, author: User, weeks: list[date], *rest: Any) -> Any:
        summed.append(list(weeks))
        return real(keys, author, weeks, *rest)

    alice = cast.alice.user
    keys = ring(alice)
    today = checkins.local_today(alice)
    for ago in (0, 1, 9, 20):
        _write(
            keys,
            today - timedelta(days=ago),
            {"safety": 5, "closeness": 5, "heaviness": 2},
            False,
            today,
        )
    monkeypatch.setattr(trends, "_summarise", counting)
    first = checkins.weekly_averages(keys, alice, 12, today=today)
    summed.clear()
    assert checkins.weekly_averages(keys, alice, 12, today=today) == first
    assert summed == [], "nothing changed: every week read from its summary"
    CheckIn.objects.filter(author=alice, day=today - timedelta(days=20)).update(
        updated_at=timezone.now()
    )
    checkins.weekly_averages(keys, alice, 12, today=today)
    assert len(summed) == 1 and len(summed[0]) == 1, summed
