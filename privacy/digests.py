"""Figures a reader keeps of their own history, so a page opens a long history only once.

A page such as trends or the bids log counts what happened each week over months. Counting
means opening (decrypting) every entry of those weeks on every visit: 2,000 and more on the
5-year couple (issue 18). Instead, each reader keeps, per kind and per period, the figures
made from what they may read, in a `Digest` encrypted under their own key:

- `kept_figures(ring, kind, stamps, make)`: `stamps` names, per period, the entries the
  figures come from and their versions (ids, times, visibility: clear columns, read without
  opening anything). A period whose digest holds the same fingerprint is read from it;
  the others are made by `make(periods)` (which opens only those entries) and kept.
- A digest is never shared and never exported; it is the reader's own (author), so a
  partner can never read it, and it is removed with the reader's account. It holds counts,
  not words. Anything that changes an entry changes its stamp, so a stale digest is never
  shown, only made again; no invalidation has to be remembered anywhere else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from privacy import entries
from privacy.entries import EncryptedField, Entry
from privacy.keyring import Keyring


class Digest(Entry):
    """One reader's figures for one period of one kind (see the module's docstring)."""

    SHAREABLE = False
    EXPORTED = False  # made from entries the export carries itself

    kind = models.CharField(max_length=40)
    period = models.DateField()
    figures = EncryptedField()

    class Meta:
        app_label = "privacy"
        verbose_name = "kept figure"
        verbose_name_plural = "kept figures"
        constraints = (
            models.UniqueConstraint(
                fields=["author", "kind", "period"], name="one_digest_per_reader_period"
            ),
        )


Figures = dict[str, Any]


def as_text(column: str) -> Cast:
    """A stamp's column (an id, an update time) read as the database writes it: a
    fingerprint only needs the text, and making a UUID or a datetime of every row of a long
    history cost more than the query itself (issue 18). A fingerprint made this way differs
    from one made of the values, so a digest kept before is made again once."""
    return Cast(column, TextField())


def fingerprint(stamps: Iterable[Iterable[object]]) -> str:
    """Names exactly which entries, in which version, the figures were made from."""
    parts = sorted("|".join(map(str, row)) for row in stamps)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def kept_figures(
    ring: Keyring,
    kind: str,
    stamps: Mapping[date, Iterable[Iterable[object]]],
    make: Callable[[list[date]], dict[date, tuple[Figures, bool]]],
) -> dict[date, Figures]:
    """Figures per period, for the periods in `stamps` (a period with no entries has none).

    `make(periods)` gives `(figures, keep)` for each period that has no matching digest;
    `keep` is False when something in it can't be opened yet (the couple key hasn't
    arrived): those figures are shown but not kept, so the period is made again next time.
    Digests of periods in that span that no longer hold any entry are removed. One query reads the
    digests; it writes only when something changed."""
    reader = ring.user
    prints = {period: fingerprint(rows) for period, rows in stamps.items()}
    if not prints:
        return {}
    kept = {
        d.period: d
        for d in entries.reveal(
            list(
                Digest.objects.authored_by(reader).filter(
                    kind=kind, period__range=(min(prints), max(prints))
                )
            ),
            ring,
        )
        if isinstance(d, Digest)
    }
    out: dict[date, Figures] = {}
    stale = []
    for period, fp in prints.items():
        digest = kept.get(period)
        plain = digest.plain.get("figures") if digest is not None else None
        if isinstance(plain, dict) and plain.get("fp") == fp:
            out[period] = plain["figures"]
        else:
            stale.append(period)
    gone = [d.pk for period, d in kept.items() if period not in prints]
    if gone:
        Digest.objects.filter(pk__in=gone).delete()
    if not stale:
        return out
    made = make(sorted(stale))
    new, changed = [], []
    for period in stale:
        figures, keep = made[period]
        out[period] = figures
        if not keep:
            continue
        digest = kept.get(period)
        if digest is None:
            digest = Digest(author=reader, kind=kind, period=period)
            new.append(digest)
        else:
            changed.append(digest)
        digest.updated_at = timezone.now()
        entries.encrypt_into(digest, ring, {"figures": {"fp": prints[period], "figures": figures}})
    if changed:
        Digest.objects.bulk_update(changed, ["figures", "updated_at"])
    if new:
        # Another request keeping the same period at the same moment: its copy stands.
        Digest.objects.bulk_create(new, ignore_conflicts=True)
    return out
