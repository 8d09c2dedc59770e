"""A reader's own digests (privacy/digests.py): kept figures are used only while what they
were made from is unchanged, belong to the reader alone, and are never shown stale."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from conftest import Cast, ring
from privacy import digests
from privacy.digests import Digest

pytestmark = pytest.mark.django_db

MON, NEXT, THIRD = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)


class Maker:
    """Counts what it was asked to make; figures are the stamps' count, so they change with
    what the digest was made from."""

    def __init__(self, keep: bool = True) -> None:
        self.asked: list[list[date]] = []
        self.keep = keep
        self.stamps: dict[date, list[tuple[object, ...]]] = {}

    def __call__(self, periods: list[date]) -> dict[date, tuple[dict[str, int], bool]]:
        self.asked.append(periods)
        return {p: ({"n": len(self.stamps[p])}, self.keep) for p in periods}


def test_made_once_then_read_until_what_it_came_from_changes(cast: Cast) -> None:
    keys = ring(cast.alice.user)
    make = Maker()
    make.stamps = {MON: [("a", 1)], NEXT: [("b", 1), ("c", 1)]}
    assert digests.kept_figures(keys, "test.kind", make.stamps, make) == {
        MON: {"n": 1},
        NEXT: {"n": 2},
    }
    assert make.asked == [[MON, NEXT]]
    assert digests.kept_figures(keys, "test.kind", make.stamps, make) == {
        MON: {"n": 1},
        NEXT: {"n": 2},
    }
    assert make.asked == [[MON, NEXT]], "nothing changed: read from the digests"
    make.stamps[NEXT] = [("b", 2), ("c", 1)]  # one entry edited
    assert digests.kept_figures(keys, "test.kind", make.stamps, make)[NEXT] == {"n": 2}
    assert make.asked[-1] == [NEXT], "only the week that changed is made again"
    make.stamps[THIRD] = [("d", 1)]
    digests.kept_figures(keys, "test.kind", make.stamps, make)
    assert make.asked[-1] == [THIRD]
    del make.stamps[NEXT]  # its entries are gone
    assert digests.kept_figures(keys, "test.kind", make.stamps, make) == {
        MON: {"n": 1},
        THIRD: {"n": 1},
    }
    assert not Digest.objects.filter(period=NEXT).exists()
    assert Digest.objects.count() == 2


def test_not_kept_while_something_waits_for_a_key(cast: Cast) -> None:
    keys = ring(cast.alice.user)
    make = Maker(keep=False)
    make.stamps = {MON: [("a", 1)]}
    assert digests.kept_figures(keys, "test.kind", make.stamps, make) == {MON: {"n": 1}}
    assert digests.kept_figures(keys, "test.kind", make.stamps, make) == {MON: {"n": 1}}
    assert len(make.asked) == 2
    assert not Digest.objects.exists()


def test_a_digest_is_the_readers_own_and_holds_nothing_readable(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    make = Maker()
    make.stamps = {MON: [("secret-entry", 1)]}
    digests.kept_figures(ring(alice), "test.kind", make.stamps, make)
    kept = Digest.objects.get()
    assert kept.author == alice and not kept.is_shared
    assert not Digest.objects.visible_to(bob).exists()
    assert not Digest.SHAREABLE and not Digest.EXPORTED
    with connection.cursor() as cursor:
        cursor.execute("SELECT figures FROM privacy_digest")
        (stored,) = cursor.fetchone()
    assert b'"n"' not in bytes(stored) and b"secret-entry" not in bytes(stored)
    # bob's own digests of the same kind and week are his, made from what he may read.
    other = Maker()
    other.stamps = {MON: [("x", 1), ("y", 1), ("z", 1)]}
    assert digests.kept_figures(ring(bob), "test.kind", other.stamps, other) == {MON: {"n": 3}}
    assert digests.kept_figures(ring(alice), "test.kind", make.stamps, make) == {MON: {"n": 1}}


def test_a_tampered_digest_is_refused_not_shown(cast: Cast) -> None:
    from privacy.crypto import DecryptionFailed

    alice = cast.alice.user
    make = Maker()
    make.stamps = {MON: [("a", 1)], NEXT: [("b", 1)]}
    digests.kept_figures(ring(alice), "test.kind", make.stamps, make)
    first, second = Digest.objects.order_by("period")
    Digest.objects.filter(pk=first.pk).update(figures=second.figures)  # moved ciphertext
    with pytest.raises(DecryptionFailed):
        digests.kept_figures(ring(alice), "test.kind", make.stamps, make)
