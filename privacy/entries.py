"""The base every kind of entry builds on: author, couple, visibility, encrypted fields.

A new entry kind subclasses `Entry` and declares its personal fields as
`EncryptedField`. It then gets, without writing any of it again:
- access rules: `Kind.objects.visible_to(user)` and `privacy.access.visible_or_404`;
- encryption at rest under the author's data key (private) or the couple key (shared),
  bound to the row and field so ciphertexts can't be swapped;
- sharing and unsharing (`share`, `unshare`), export, and leave/delete behaviour
  (`privacy.lifecycle`), and coverage by the canary test.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Self, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from accounts.request_scope import already_known
from couples.models import Membership
from privacy import crypto, rules
from privacy.keyring import Keyring


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    SHARED = "shared", "Shared with my partner"


class NotReady(Exception):
    """The key needed isn't available yet; a plain message says why."""


class EncryptedField(models.BinaryField):  # type: ignore[type-arg]
    """Ciphertext of a personal value (text or a number). Plain values never reach the DB."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs


class EntryQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> Self:
        """The author's own entries, entries their current partner shared, and joint records
        of their current couple space (which stay with whoever remains after a leave)."""
        if not user.is_authenticated:
            return self.none()
        # A person is in at most one couple space at a time (`one_current_space`), so their
        # couple is one value and their partner one person. When this request has already
        # read the pair (couples.services.pair_of; every change of membership forgets it),
        # the rule is made of those plain values: cheap to build, and each arm of the OR is
        # read from an index. Otherwise the same rule asks the memberships inside the query
        # itself (`=` on a scalar subquery, so PostgreSQL still reads each arm from an
        # index), which costs no query of its own (issue 18: bench.pages, bench.scale).
        rule = Q(author_id=user.pk)
        known, pair = already_known(("couples.pair", user.pk))
        if known:
            mine, partner = pair
            if mine is None:
                return self.filter(rule)
            couple_id: Any = mine.couple_id
            partner_id: Any = partner.user_id if partner is not None else None
        else:
            current = Membership.objects.current()
            couple_id = Subquery(current.filter(user_id=user.pk).values("couple_id")[:1])
            partner_id = (
                current.filter(couple_id=couple_id).exclude(user_id=user.pk).values("user_id")
            )
        if partner_id is not None and not getattr(self.model, "SEALED_FROM_PARTNER", False):
            partners_shared = Q(visibility=Visibility.SHARED, couple_id=couple_id)
            if known:
                partners_shared &= Q(author_id=partner_id)
            else:
                partners_shared &= Q(author_id__in=partner_id)
            sealed = getattr(self.model, "PARTNER_SEES_WHEN", None)
            if sealed:
                partners_shared &= Q(**sealed)
            rule |= partners_shared
        joint = getattr(self.model, "JOINT_LOOKUP", None)
        if joint:
            rule |= Q(**{joint: True}, visibility=Visibility.SHARED, couple_id=couple_id)
        return self.filter(rule)

    def authored_by(self, user: User) -> Self:
        return self.filter(author_id=user.pk)

    def kept_by(self, user: User) -> Self:
        """What is this person's own to keep, of what they may read: their own entries, and
        the joint records of their current couple space while it lasts; never what the
        partner wrote alone, shared or not. (A calendar feed for the person holds this.)"""
        joint = getattr(self.model, "JOINT_LOOKUP", None)
        own = Q(author_id=user.pk)
        if not joint:
            return self.visible_to(user).filter(own)
        live = (
            Membership.objects.current()
            .filter(user_id=user.pk, couple__ended_at__isnull=True)
            .values("couple_id")
        )
        return self.visible_to(user).filter(
            (own & Q(**{joint: False})) | Q(**{joint: True}, couple_id__in=live)
        )


E = TypeVar("E", bound="Entry")


@dataclass
class ExportContext:
    """What an entry may look up to describe itself in plain words in the readable export:
    the other entries of the same export (a commitment's title for its outcomes, say), and
    people's names. Only entries already in this person's export are ever looked up."""

    user: User
    entries: list[Entry] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    _index: dict[tuple[str, str], dict[Any, list[Entry]]] = field(default_factory=dict)

    def where(self, model: type[E], attr: str, value: Any) -> list[E]:
        key = (model._meta.label, attr)
        if key not in self._index:
            index: dict[Any, list[Entry]] = {}
            for entry in self.entries:
                if isinstance(entry, model):
                    index.setdefault(str(getattr(entry, attr)), []).append(entry)
            self._index[key] = index
        return self._index[key].get(str(value), [])  # type: ignore[return-value]

    def get(self, model: type[E], pk: Any) -> E | None:
        found = self.where(model, "pk", pk)
        return found[0] if found else None

    def name(self, user_id: int | None) -> str:
        if user_id == self.user.pk:
            return "me"
        return self.names.get(user_id or 0, "my former partner")

    def subject(self, user_id: int | None) -> str:
        """The name as the subject of a sentence: "I" for this person."""
        return "I" if user_id == self.user.pk else self.name(user_id)

    @staticmethod
    def day(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = timezone.localtime(value)
        return date_format(value, "j F Y")

    @staticmethod
    def moment(value: datetime | None) -> str:
        return date_format(timezone.localtime(value), "j F Y, H:i") if value else ""

    @staticmethod
    def quoted(text: Any) -> str:
        return f"\u201c{text}\u201d" if text else ""


def plain_words(value: Any) -> str:
    """A decrypted value as a person would write it: never `None`, a list or a dict."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(plain_words(v) for v in value if plain_words(v))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain_words(v)}" for k, v in value.items() if plain_words(v))
    return str(value)


class Entry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    couple = models.ForeignKey(
        "couples.CoupleSpace", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

    # A lookup that is True for joint records, which both partners made together (an
    # agreement both accepted, a joint rhythm). Those stay visible, read-only, to the
    # partner who remains when the other leaves. None: the kind has no joint records.
    JOINT_LOOKUP: ClassVar[str | None] = None
    # Lookups that must also hold before a partner sees a shared entry: an answer in a
    # monthly review is sealed until both have finished. None: shared means seen.
    PARTNER_SEES_WHEN: ClassVar[dict[str, Any] | None] = None
    # True for a kind that is encrypted under the couple key only so that it can be
    # *combined* with the partner's (one's closeness "yes" list, to find the steps both
    # said yes to), and is never shown to the partner itself: `visible_to` leaves it out
    # for them, so no page, feed or export can carry it. Only `privacy.access.for_matching`
    # reads the partner's, and only the match is ever shown.
    SEALED_FROM_PARTNER: ClassVar[bool] = False
    # False for kinds a person can't share or unshare by hand: those only ever private (a
    # journal), and the closeness match Tending writes for both under the couple key.
    SHAREABLE: ClassVar[bool] = True
    # False for kinds that must never leave Tending in a file (the private safety check: an
    # export often lands on a shared device). Deleting the account still deletes them.
    IN_EXPORT: ClassVar[bool] = True
    # False for kinds made from other entries (a weekly summary of check-ins): the export
    # carries what they were made from instead. Deleting an account still removes them.
    EXPORTED: ClassVar[bool] = True
    # The entry this one answers or belongs to, when that may be someone else's (the
    # commitment an "I noticed" is about). What a person wrote is theirs: the foreign key is
    # SET_NULL, so deleting the other's account leaves this row, and the export says the
    # other's part was removed. None: the kind hangs off nobody else's entry.
    PARENT_FIELD: ClassVar[str | None] = None

    # Filled by `reveal`: the decrypted values, by field name. Never saved.
    plain: dict[str, Any]
    # Set by `reveal`: written under a key lost to a reset, so it can't be opened any more.
    unreadable: bool = False
    # Set by `reveal`: shared, but this person doesn't hold the couple key yet.
    waiting: bool = False

    class Meta:
        abstract = True
        indexes: ClassVar[list[models.Index]] = []

    @classmethod
    def encrypted_field_names(cls) -> list[str]:
        return [f.name for f in cls._meta.get_fields() if isinstance(f, EncryptedField)]

    @classmethod
    def export_label(cls) -> str:
        return str(cls._meta.verbose_name_plural).capitalize()

    def export_extra(self) -> dict[str, Any]:
        """Clear (unencrypted) fields worth keeping in an export, such as a date."""
        return {}

    # The readable export (Markdown). Each kind says, in plain words, when it happened, what
    # it is, and what it holds; the defaults below already avoid raw keys and `None`.
    def export_when(self) -> date | datetime:
        return self.created_at

    def export_title(self, ctx: ExportContext) -> str:
        return str(self._meta.verbose_name).capitalize()

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        """(label, words) pairs; an empty label is a paragraph of the entry's own text."""
        lines = []
        for name in self.encrypted_field_names():
            words = plain_words(self.plain.get(name))
            if words:
                label = name.replace("_", " ").capitalize()
                lines.append((label, words))
        return lines

    def export_visibility(self, ctx: ExportContext) -> str:
        if self.SEALED_FROM_PARTNER:
            return "never shown to my partner"
        if self.author_id != ctx.user.pk:
            return f"shared with me by {ctx.name(self.author_id)}"
        return "shared with my partner" if self.is_shared else "only me"

    @property
    def parent_removed(self) -> bool:
        """True when the entry this one belonged to was removed (with its author's account)."""
        return self.PARENT_FIELD is not None and getattr(self, f"{self.PARENT_FIELD}_id") is None

    @property
    def is_shared(self) -> bool:
        return self.visibility == Visibility.SHARED

    def _context(self, field: str, scope: str) -> bytes:
        return f"tending:field:{self._meta.label}:{self.pk}:{field}:{scope}".encode()

    def _key(self, ring: Keyring) -> tuple[bytes, str]:
        if self.visibility == Visibility.SHARED:
            if self.couple_id is None:
                raise NotReady("A shared entry needs a couple space.")
            key = ring.couple_key(self.couple_id)
            if key is None:
                raise NotReady(
                    "Sharing opens once your partner next visits Tending; try again after that."
                )
            return key, "couple"
        if not rules.is_author(ring.user, self):
            raise PermissionError("Only the author can open a private entry.")
        return ring.data_key(), "author"


def encrypt_into(entry: Entry, ring: Keyring, values: dict[str, Any]) -> None:
    """Encrypt `values` into the entry's fields under the key its visibility calls for."""
    key, scope = entry._key(ring)
    allowed = set(entry.encrypted_field_names())
    for name, value in values.items():
        if name not in allowed:
            raise ValueError(f"{name} is not an encrypted field of {entry._meta.label}")
        blob = json.dumps(value).encode()
        setattr(entry, name, crypto.encrypt(blob, key, entry._context(name, scope)))
    entry.plain = dict(values)


def reveal(
    entries: Iterable[Entry], ring: Keyring, fields: Iterable[str] | None = None
) -> list[Entry]:
    """Decrypt each entry's fields (or only `fields`) into `entry.plain`.

    Tampering (a ciphertext from another row, field or key) raises DecryptionFailed.
    Only a ciphertext under one of the author's own retired keys reads as "can't be
    opened", and a shared entry whose couple key hasn't reached this person yet waits.
    """
    opened = []
    wanted = set(fields) if fields is not None else None
    for entry in entries:
        entry.plain, entry.unreadable, entry.waiting = {}, False, False
        opened.append(entry)
        try:
            key, scope = entry._key(ring)
        except NotReady:
            entry.waiting = True
            continue
        try:
            for name in entry.encrypted_field_names():
                if wanted is not None and name not in wanted:
                    continue
                stored = getattr(entry, name)
                if stored is None:
                    entry.plain[name] = None
                    continue
                raw = crypto.decrypt(bytes(stored), key, entry._context(name, scope))
                entry.plain[name] = json.loads(raw)
        except crypto.KeyGone as gone:
            if scope != "author" or crypto.key_id_of(stored) not in ring.retired_key_ids():
                raise crypto.DecryptionFailed("Under a key it doesn't belong to.") from gone
            entry.unreadable = True
            entry.plain = {}
    return opened


def _reencrypt(entry: Entry, ring: Keyring, visibility: str, couple_id: int | None) -> None:
    (current,) = reveal([entry], ring)
    if current.unreadable:
        raise NotReady("This entry can no longer be opened, so it can't be moved.")
    if current.waiting:
        raise NotReady("This opens once your partner next visits Tending; try again after that.")
    values = dict(current.plain)
    entry.visibility = visibility
    entry.couple_id = couple_id
    encrypt_into(entry, ring, values)
    entry.updated_at = timezone.now()
    entry.save(update_fields=[*entry.encrypted_field_names(), "visibility", "couple", "updated_at"])


# Sent inside `share`'s transaction when an entry becomes shared with the partner (not when it
# already was), with `entry` and `actor`. The activity core listens, so the partner hears of it
# without every feature app having to remember to say so.
entry_shared = Signal()


@transaction.atomic
def share(entry: Entry, ring: Keyring) -> None:
    if not rules.is_author(ring.user, entry):
        raise PermissionError("Only the author can share an entry.")
    if not entry.SHAREABLE:
        raise NotReady("This kind of entry is only ever yours; it can't be shared.")
    membership = Membership.objects.current().filter(user_id=ring.user.pk).first()
    paired = (
        membership is not None
        and membership.couple.ended_at is None
        and Membership.objects.current().filter(couple_id=membership.couple_id).count() == 2
    )
    if not paired or membership is None:
        raise NotReady("Sharing needs a partner in your couple space.")
    if entry.is_shared and entry.couple_id == membership.couple_id:
        return
    _reencrypt(entry, ring, Visibility.SHARED, membership.couple_id)
    entry_shared.send(sender=type(entry), entry=entry, actor=ring.user)


@transaction.atomic
def unshare(entry: Entry, ring: Keyring) -> None:
    """Takes effect at once everywhere: the partner's pages, feeds and exports."""
    if not rules.is_author(ring.user, entry):
        raise PermissionError("Only the author can stop sharing an entry.")
    if not entry.is_shared:
        return
    _reencrypt(entry, ring, Visibility.PRIVATE, entry.couple_id)


def entry_models() -> list[type[Entry]]:
    """Every concrete entry kind: what export, leaving, deletion and the canary test cover."""
    return [m for m in apps.get_models() if issubclass(m, Entry)]
