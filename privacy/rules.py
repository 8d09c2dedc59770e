"""May this person …? Each rule written once, next to the access core (`access.py` fetches
with these same rules; `entries.py` asks them before sharing or opening).

A page asks to decide what it offers; the service asks again before it changes anything, so a
stale page or a crafted POST meets the same answer. A service that refuses raises
`PermissionError`, which every view turns into the same 404 as a missing entry
(`privacy.middleware.NotYoursMiddleware`): nothing is confirmed to someone it isn't theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from accounts.models import User
    from privacy.entries import Entry


def is_author(user: User, entry: Entry) -> bool:
    """Sharing, unsharing, correcting or removing an entry: only ever its author's."""
    return bool(entry.author_id == user.pk)


def may_change(user: User, entry: Entry) -> bool:
    """Changing (or marking) a record: its author, or either partner when it is joint (a
    rhythm both keep, such as the weekly conversation). Kinds without joint records: the
    author only."""
    return is_author(user, entry) or bool(getattr(entry, "joint", False))


def changeable_by(user: User) -> Q:
    """`may_change` as a query, for kinds with a `joint` field."""
    return Q(author_id=user.pk) | Q(joint=True)


def may_notice(user: User, entry: Entry) -> bool:
    """ "I noticed" is the partner's word on a shared record they don't keep themself."""
    return not may_change(user, entry) and entry.is_shared
