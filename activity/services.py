"""Telling the partner, calmly: the "from my partner" list on Today, and what push sends.

Feature apps call `tell_partner` from their services after something the partner may see
happened (a share, an answer, a suggestion). They register the phrase for each kind once, in
their AppConfig.ready, with `register_kind`. The list is rebuilt from what the recipient may see
now: a notice that names an entry is shown only while `Entry.objects.visible_to(recipient)`
returns that entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import CharField, Value
from django.utils import timezone

from accounts.models import User
from accounts.request_scope import one_call_scope
from activity.models import Notice
from couples.models import Membership
from couples.services import pair_of
from privacy.entries import Entry

# kind -> phrase with "{actor}" (the partner's name); phrases hold no entry text.
_PHRASES: dict[str, str] = {}


def register_kind(kind: str, phrase: str) -> None:
    """`phrase` reads after nothing else, e.g. "{actor} shared a check-in"."""
    if "{actor}" not in phrase:
        raise ValueError("A notice phrase names who did it: include {actor}.")
    _PHRASES[kind] = phrase


def phrase_for(kind: str) -> str:
    return _PHRASES.get(kind, "{actor} added something for you")


# Entry label ("checkins.checkin") -> where the partner sees it, once shared.
_SHARED_AT: dict[str, Callable[[Entry], str]] = {}


def shared_kind(label: str) -> str:
    return f"shared:{label}"


def register_share(label: str, phrase: str, where: Callable[[Entry], str]) -> None:
    """Tell the partner whenever an entry of this kind becomes shared (through
    `privacy.entries.share`), with a link to where they can see it."""
    register_kind(shared_kind(label), phrase)
    _SHARED_AT[label] = where


def on_entry_shared(sender: Any, entry: Entry, actor: User, **_: Any) -> None:
    """Receiver of `privacy.entries.entry_shared` (connected in ActivityConfig.ready)."""
    label = entry._meta.label_lower
    where = _SHARED_AT.get(label)
    if where is not None:
        tell_partner(actor, shared_kind(label), where(entry), entry=entry)


def _partner_in_current_space(actor: User) -> tuple[int, User] | None:
    mine = Membership.objects.current().filter(user=actor).select_related("couple").first()
    if mine is None or mine.couple.ended_at is not None:
        return None
    other = (
        Membership.objects.current()
        .filter(couple_id=mine.couple_id)
        .exclude(user=actor)
        .select_related("user")
        .first()
    )
    return (mine.couple_id, other.user) if other else None


def tell_partner(actor: User, kind: str, url: str, entry: Entry | None = None) -> Notice | None:
    """Records a notice for the actor's current partner, if there is one. Call inside the
    service's transaction: if the change rolls back, so does the notice."""
    found = _partner_in_current_space(actor)
    if found is None:
        return None
    couple_id, partner = found
    if entry is not None:
        # Shared, unshared and shared again before the partner looked: still one line.
        unseen = Notice.objects.filter(
            recipient=partner,
            kind=kind,
            entry_type=entry._meta.label_lower,
            entry_id=entry.pk,
            seen_at__isnull=True,
        ).first()
        if unseen is not None:
            return unseen
    notice = Notice.objects.create(
        couple_id=couple_id,
        actor=actor,
        recipient=partner,
        kind=kind,
        entry_type=entry._meta.label_lower if entry is not None else "",
        entry_id=entry.pk if entry is not None else None,
        url=url,
    )
    for hook in _AFTER_NOTICE:
        transaction.on_commit(lambda hook=hook: hook(notice))  # type: ignore[misc]
    return notice


# Called after commit with each new notice (the push sender subscribes here).
_AFTER_NOTICE: list[Any] = []


def on_notice(hook: Any) -> None:
    _AFTER_NOTICE.append(hook)


def withdraw(entry: Entry) -> None:
    """Forget the notices about an entry (when it is deleted)."""
    Notice.objects.filter(entry_type=entry._meta.label_lower, entry_id=entry.pk).delete()


@dataclass(frozen=True)
class Line:
    id: int
    text: str
    url: str
    at: datetime


@dataclass(frozen=True)
class Feed:
    new: list[Line]
    earlier: list[Line]


def _visible_entries(user: User, notices: Iterable[Notice]) -> set[tuple[str, Any]]:
    """Which of the entries the notices name `user` may see now, in one query whatever the
    kinds (their ids only: a line never shows what its entry says)."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for n in notices:
        if n.entry_type and n.entry_id:
            wanted[n.entry_type].add(n.entry_id)
    if not wanted:
        return set()
    asks = [
        apps.get_model(label)
        .objects.visible_to(user)
        .filter(pk__in=ids)
        .order_by()
        .annotate(notice_label=Value(label, output_field=CharField()))
        .values_list("notice_label", "pk")
        for label, ids in sorted(wanted.items())
    ]
    together = asks[0].union(*asks[1:], all=True).order_by() if len(asks) > 1 else asks[0]
    return {(label, pk) for label, pk in together}


def for_today(
    user: User, *, couple_id: int | None = None, new_limit: int = 12, earlier_limit: int = 5
) -> Feed:
    """What the partner did for `user`: unseen lines in the order they happened, then a few
    seen ones, newest first.

    Only notices from the current couple space (`couple_id`, when the caller already knows
    it, saves a query), and only while their entry is still visible. The cost is bounded
    whatever the history: one query for the notices, one per kind of entry they name.
    """
    with one_call_scope():  # the couple, asked here and by `visible_to`, asked once
        if couple_id is None:
            mine = pair_of(user)[0]
            if mine is None:
                return Feed([], [])
            couple_id = mine.couple_id
        rows = list(
            Notice.objects.filter(recipient=user, couple_id=couple_id)
            .select_related("actor")
            .order_by("-created_at")[: new_limit + earlier_limit + 10]
        )
        visible = _visible_entries(user, rows)
    new: list[Line] = []
    earlier: list[Line] = []
    for n in rows:
        if n.entry_type and (n.entry_type, n.entry_id) not in visible:
            continue
        line = Line(
            n.pk, phrase_for(n.kind).format(actor=n.actor.display_name), n.url, n.created_at
        )
        if n.seen_at is None and len(new) < new_limit:
            new.append(line)
        elif n.seen_at is not None and len(earlier) < earlier_limit:
            earlier.append(line)
    new.reverse()
    return Feed(new, earlier)


def mark_seen(user: User, ids: Iterable[int]) -> int:
    """The recipient has seen these lines; they move to "earlier"."""
    return Notice.objects.filter(recipient=user, pk__in=list(ids), seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


def mark_seen_up_to(user: User, newest: datetime) -> int:
    """Today showed lines up to `newest`: they, and any older unseen ones it had no room
    for, move to "earlier", so the next visit shows only what is new since."""
    return Notice.objects.filter(
        recipient=user, seen_at__isnull=True, created_at__lte=newest
    ).update(seen_at=timezone.now())
