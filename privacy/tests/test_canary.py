"""Product rule 1: "a copy of the database alone reveals none of it".

Unique marker strings are written through every encrypted field of every entry kind
(`privacy.entries.entry_models()`, so a new kind is covered without touching this file),
then looked for, in several encodings, everywhere a copy could come from:

- the raw SQLite files of a real data directory (main file, -wal and -shm, before and
  after a checkpoint), a backup made by `manage.py backup`, and everything the processes
  printed, with SQL debug logging switched on (a subprocess, so the files are real);
- a raw SQL dump of every table (`SELECT t::text` on PostgreSQL);
- every log record, with SQL debug logging switched on.

A plain marker written into a clear column (a display name) is the positive control: the
same search must find it, so a search that finds nothing proves something.

A fresh process that has the data directory (database and secret key) and the session
cookies, but not the key cookie that lives only in a person's browser, must open nothing.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.db import IntegrityError, connection, models, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from nacl.public import PrivateKey

from accounts.models import User
from conftest import PASSWORD, Cast, sqlite_files_only
from couples import services as couples
from couples.models import CoupleSpace, Invite
from notes.models import Note
from privacy import crypto, entries, keyring
from privacy.entries import EncryptedField, Entry, entry_models
from privacy.keyring import Keyring, Locked, PasswordKeyring

BASE_DIR = Path(__file__).resolve().parents[2]


# Clear (unencrypted) fields that a future entry kind requires and that this test can't
# guess a value for. Key: the model's label; value: field name -> an example value.
def _a_commitment(ring: PasswordKeyring) -> Any:
    """A parent row for entries that hang off a commitment (its own fields are canaried too)."""
    from commitments.occurrences import Rule
    from commitments.services import create_commitment

    return create_commitment(
        ring, title="a parent", rule=Rule("daily"), starts_on=timezone.localdate(), shared=False
    )


_days_back = itertools.count(1)


def _a_distinct_day(ring: PasswordKeyring) -> dt.date:
    """One check-in per person per day: each canary check-in gets a day of its own."""
    return timezone.localdate() - dt.timedelta(days=next(_days_back))


def _an_agreement(ring: PasswordKeyring) -> Any:
    """A parent row for entries that hang off an agreement. An agreement's own words live
    in its versions (canaried as entries of their own), so the row holds nothing to hide."""
    from agreements.models import Agreement, Kind

    return Agreement.objects.create(author=ring.user, kind=Kind.OTHER)


def _a_review(ring: PasswordKeyring) -> Any:
    """This month's review of the author's couple space (one per couple and month), finished:
    answers are sealed from the partner until then, and the positive control counts on the
    partner reading every shared marker."""
    from agreements.models import Review

    membership = couples.current_membership(ring.user)
    couple = membership.couple if membership else CoupleSpace.objects.create()
    review, _ = Review.objects.get_or_create(
        couple=couple,
        month=timezone.localdate().replace(day=1),
        defaults={"finished_at": timezone.now()},
    )
    return review


def _a_concern(ring: PasswordKeyring) -> Any:
    """A parent row for a concern's answer: a private draft concern (one answer each)."""
    from agreements.models import Concern

    concern = Concern(author=ring.user, agreement=_an_agreement(ring))
    entries.encrypt_into(concern, ring, {"what_happened": "a parent"})
    concern.save()
    return concern


def _a_moment(ring: PasswordKeyring) -> Any:
    """A parent row (a new one each time: one consent check and one aftercare note per
    person and moment). Private here; its own field is canaried as an entry of its own."""
    from closeness.models import Moment

    moment = Moment(author=ring.user, at=timezone.now())
    entries.encrypt_into(moment, ring, {"steps": ["b-walk"]})
    moment.save()
    return moment


def _a_conversation(ring: PasswordKeyring) -> Any:
    """A parent row for a conversation's exchanges and items (canaried on its own too)."""
    from conversations.models import Conversation, Kind, Mode

    conversation = Conversation(author=ring.user, kind=Kind.TOPIC, mode=Mode.APART)
    entries.encrypt_into(conversation, ring, {"topic": "a parent", "summary": None})
    conversation.save()
    return conversation


def _an_appreciation(ring: PasswordKeyring) -> Any:
    """A parent row for an answer to a note of appreciation (canaried on its own too)."""
    from appreciations.models import Appreciation

    note = Appreciation(author=ring.user)
    entries.encrypt_into(note, ring, {"what_they_did": "a parent", "what_it_meant": "a parent"})
    note.save()
    return note


def _a_project(ring: PasswordKeyring) -> Any:
    """A parent row for a project's step (canaried on its own too)."""
    from projects.models import Project

    project = Project(author=ring.user)
    entries.encrypt_into(project, ring, {"title": "a parent"})
    project.save()
    return project


_rounds_back = itertools.count(400)


def _a_round_day(ring: PasswordKeyring) -> dt.date:
    """One round per couple and start day, and well before any round a page visit chooses."""
    return timezone.localdate() - dt.timedelta(days=next(_rounds_back))


def _a_round(ring: PasswordKeyring) -> Any:
    """A parent row for an answer to our question: a round both have answered (answers are
    sealed from the partner until then, and the positive control reads every shared one)."""
    from questions.models import Round

    membership = couples.current_membership(ring.user)
    made = Round(
        author=ring.user,
        couple=membership.couple if membership else None,
        starts_on=_a_round_day(ring),
        cadence="weekly",
        both_answered_at=timezone.now(),
    )
    entries.encrypt_into(made, ring, {"text": "a parent"})
    made.save()
    return made


_months_back = itertools.count(1)


def _a_distinct_month(ring: PasswordKeyring) -> dt.date:
    """One monthly questionnaire per person per month: each canary answer gets its own."""
    first = timezone.localdate().replace(day=1)
    return (first - dt.timedelta(days=31 * next(_months_back))).replace(day=1)


# Values, or callables taking the author's keyring, for required clear fields the canary
# can't guess.
REQUIRED_CLEAR_VALUES: dict[str, dict[str, Any]] = {
    "checkins.CheckIn": {"day": _a_distinct_day},
    "checkins.WeekSummary": {"week": _a_distinct_day},
    "privacy.Digest": {"period": _a_distinct_day, "kind": "canary"},
    "commitments.Outcome": {"commitment": _a_commitment},
    "commitments.Noticed": {"commitment": _a_commitment},
    "agreements.AgreementVersion": {"agreement": _an_agreement},
    "agreements.ReviewAnswer": {"review": _a_review, "agreement": _an_agreement},
    "agreements.Concern": {"agreement": _an_agreement},
    "agreements.ConcernAnswer": {"concern": _a_concern},
    "closeness.ConsentCheck": {"moment": _a_moment},
    "closeness.Aftercare": {"moment": _a_moment},
    "conversations.Exchange": {"conversation": _a_conversation},
    "conversations.Item": {"conversation": _a_conversation},
    "appreciations.AppreciationAnswer": {"appreciation": _an_appreciation},
    "questions.Round": {"starts_on": _a_round_day},
    "questions.Answer": {"round": _a_round},
    "projects.Step": {"project": _a_project},
    "measures.Response": {"month": _a_distinct_month},
}

HOW_TO_DECLARE = (
    "The canary test can't make a {label} because its required clear field {field!r} has no "
    "default it can guess. Declare an example value in REQUIRED_CLEAR_VALUES in "
    "privacy/tests/test_canary.py, e.g. {{{label!r}: {{{field!r}: <value>}}}}, so every "
    "encrypted field of {label} keeps being checked."
)

UUID_HEX = re.compile(r"[0-9a-f]{32}")


class CannotFill(AssertionError):
    """A required clear field of an entry kind that the canary can't fill by itself."""


def new_marker(label: str) -> str:
    """A string that can't occur by chance; the 'ü' makes JSON encodings differ from UTF-8."""
    return f"CANARY-{label}-{uuid.uuid4().hex}-ü"


def encodings(secret: str) -> dict[str, bytes]:
    """The ways a secret could sit in a file or a log, besides plain UTF-8."""
    raw = secret.encode()
    forms = {
        "utf-8": raw,
        "json": json.dumps(secret).encode(),
        "json (utf-8)": json.dumps(secret, ensure_ascii=False).encode(),
        "hex of utf-8": raw.hex().encode(),
        "base64 of utf-8": base64.b64encode(raw),
        "utf-16": secret.encode("utf-16-le"),
    }
    core = UUID_HEX.search(secret)
    if core:  # the random part alone is enough to give a marker away
        forms["random part"] = core.group().encode()
        forms["hex of random part"] = core.group().encode().hex().encode()
        forms["utf-16 of random part"] = core.group().encode("utf-16-le")
    return forms


def find_secrets(haystacks: dict[str, bytes], secrets: Iterable[str]) -> list[str]:
    """'where: what (encoding)' for every occurrence, case-insensitively."""
    lowered = {name: data.lower() for name, data in haystacks.items()}
    hits = []
    for secret in secrets:
        for how, needle in encodings(secret).items():
            for name, data in lowered.items():
                if needle.lower() in data:
                    hits.append(f"{name}: {secret!r} ({how})")
    return hits


# -- writing markers through every encrypted field ---------------------------------------------


@dataclass
class Written:
    """Markers written by one author, by what should happen to them."""

    private: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    unshared: list[str] = field(default_factory=list)  # shared, then made private again
    pages: list[str] = field(default_factory=list)  # those written as notes through the page
    slots: set[tuple[str, str]] = field(default_factory=set)  # (model label, field name)

    @property
    def all(self) -> list[str]:
        return [*self.private, *self.shared, *self.unshared]

    def add(self, other: Written) -> None:
        self.private += other.private
        self.shared += other.shared
        self.unshared += other.unshared
        self.pages += other.pages
        self.slots |= other.slots

    def as_json(self) -> dict[str, Any]:
        return {
            "private": self.private,
            "shared": self.shared,
            "unshared": self.unshared,
            "pages": self.pages,
            "slots": sorted(self.slots),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Written:
        return cls(
            private=list(data["private"]),
            shared=list(data["shared"]),
            unshared=list(data["unshared"]),
            pages=list(data["pages"]),
            slots={(str(a), str(b)) for a, b in data["slots"]},
        )


def every_slot() -> set[tuple[str, str]]:
    return {
        (model._meta.label, name)
        for model in entry_models()
        for name in model.encrypted_field_names()
    }


def _example_value(model: type[Entry], f: models.Field[Any, Any], author: User) -> Any:
    label = model._meta.label
    declared = REQUIRED_CLEAR_VALUES.get(label, {})
    if f.name in declared:
        return declared[f.name]
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, models.ForeignKey):
        if f.related_model is User:
            return author
        if f.related_model is CoupleSpace:
            return None
        raise CannotFill(HOW_TO_DECLARE.format(label=label, field=f.name))
    simple: list[tuple[type[models.Field[Any, Any]], Any]] = [
        (models.BooleanField, False),
        (models.DateTimeField, timezone.now()),
        (models.DateField, timezone.localdate()),
        (models.TimeField, dt.time(12, 0)),
        (models.DurationField, dt.timedelta(0)),
        (models.DecimalField, 0),
        (models.FloatField, 0.0),
        (models.IntegerField, 0),
        (models.UUIDField, uuid.uuid4()),
        (models.JSONField, {}),
        (models.CharField, ""),
        (models.TextField, ""),
    ]
    for kind, value in simple:
        if isinstance(f, kind):
            return value
    raise CannotFill(HOW_TO_DECLARE.format(label=label, field=f.name))


def clear_values(model: type[Entry], ring: PasswordKeyring) -> dict[str, Any]:
    """Values for the clear fields an entry kind requires (author, couple and keys aside)."""
    author = ring.user
    declared = REQUIRED_CLEAR_VALUES.get(model._meta.label, {})
    values: dict[str, Any] = {k: v(ring) if callable(v) else v for k, v in declared.items()}
    for f in model._meta.concrete_fields:
        if f.name in values or f.name in {"author", "couple", "visibility"}:
            continue
        if isinstance(f, EncryptedField) or f.primary_key or f.has_default() or f.null:
            continue
        values[f.name] = _example_value(model, f, author)
    return values


def write_entry_markers(author: User, password: str, label: str) -> Written:
    """Through `encrypt_into`, `share` and `unshare`: every field of every entry kind."""
    ring = PasswordKeyring(author, password)
    written = Written()
    for model in entry_models():
        names = model.encrypted_field_names()
        ways = ("private", "shared", "unshared") if model.SHAREABLE else ("private",)
        if model.SEALED_FROM_PARTNER:
            # Under the couple key from the start, never shown to the partner: one row,
            # the way the product writes it; only its author can open it.
            ways = ("sealed",)
        for how in ways:
            values = {name: new_marker(f"{label}{how}{name}") for name in names}
            entry = model(author=author, **clear_values(model, ring))
            if how == "sealed":
                membership = couples.current_membership(author)
                assert membership is not None, "a sealed kind needs a couple space"
                entry.couple_id = membership.couple_id
                entry.visibility = "shared"
            entries.encrypt_into(entry, ring, values)
            try:
                with transaction.atomic():
                    entry.save()
            except (IntegrityError, TypeError, ValueError) as error:
                raise CannotFill(
                    f"{error}: "
                    + HOW_TO_DECLARE.format(label=model._meta.label, field="<the field above>")
                ) from error
            if how in ("shared", "unshared"):
                entries.share(entry, ring)
            if how == "unshared":
                entries.unshare(entry, ring)
            stored = model.objects.get(pk=entry.pk)
            (opened,) = entries.reveal([stored], ring)
            assert opened.plain == values, f"{model._meta.label} did not round-trip"
            shared_now = how in ("shared", "sealed")
            assert stored.visibility == ("shared" if shared_now else "private")
            # A sealed entry is, for who may read it, private: only its author.
            getattr(written, "private" if how == "sealed" else how).extend(values.values())
            written.slots |= {(model._meta.label, name) for name in names}
    return written


def write_note_markers(client: Client, author: User, label: str) -> Written:
    """Through the real page, the way a person writes a note."""
    written = Written()
    add = reverse("notes:list")
    for how in ("private", "shared", "unshared"):
        text = new_marker(f"{label}note{how}")
        form = {"body": text, **({"shared": "on"} if how != "private" else {})}
        response = client.post(add, form)
        assert response.status_code == 302, f"writing a {how} note failed"
        if how == "unshared":
            note = Note.objects.authored_by(author).order_by("-created_at").first()
            assert note is not None
            assert client.post(reverse("notes:unshare", args=[note.pk])).status_code == 302
        getattr(written, how).append(text)
        written.pages.append(text)
    return written


def write_everything(
    alice: tuple[User, Client], bob: tuple[User, Client], password: str = PASSWORD
) -> dict[str, Written]:
    """Private, shared and unshared markers by both partners, in every slot there is."""
    by_author = {"alice": Written(), "bob": Written()}
    for name, (user, client) in (("alice", alice), ("bob", bob)):
        by_author[name].add(write_note_markers(client, user, name))
        by_author[name].add(write_entry_markers(user, password, name))
    return by_author


def _check_pages(by_author: dict[str, Written], alice_client: Client, bob_client: Client) -> None:
    """The markers are really there to be read by whom they're for (so absence means something)."""
    alice_page = alice_client.get(reverse("notes:list")).content.decode()
    bob_page = bob_client.get(reverse("notes:list")).content.decode()
    alice, bob = by_author["alice"], by_author["bob"]
    assert alice.pages and all(m in alice_page for m in alice.pages)
    bob_shared = [m for m in bob.pages if m in bob.shared]
    assert bob_shared and all(m in alice_page for m in bob_shared)
    alice_private = [m for m in alice.pages if m not in alice.shared]
    assert alice_private and not any(m in bob_page for m in alice_private)


# -- in-process: SQL dump of every table, and the logs -------------------------------------------


def dump_every_table() -> dict[str, bytes]:
    """Each table's rows as text: `t::text` on PostgreSQL (bytea shows as \\x…hex)."""
    dump: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT t::text FROM {quoted} t")
                dump[f"table {table}"] = "\n".join(row[0] for row in cursor.fetchall()).encode()
                continue
            cursor.execute(f"SELECT * FROM {quoted}")
            parts: list[bytes] = []
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts += [bytes(value), bytes(value).hex().encode()]
                    else:
                        parts.append(str(value).encode())
            dump[f"table {table}"] = b"\n".join(parts)
    return dump


def _set_control_name(user: User) -> str:
    control = new_marker("plaincontrol")
    User.objects.filter(pk=user.pk).update(display_name=control)
    return control


def test_every_entry_kind_and_encrypted_field_is_covered(cast: Cast) -> None:
    """The canary writes through every (kind, field) there is: a new kind is covered as is."""
    written = write_entry_markers(cast.alice.user, PASSWORD, "alice")
    assert written.slots == every_slot()
    assert ("notes.Note", "body") in written.slots
    # Three ways (private, shared, shared then unshared) for kinds that can be shared,
    # one for kinds that are only ever private, and one for kinds sealed from the partner.
    expected = sum(
        (1 if m.SEALED_FROM_PARTNER or not m.SHAREABLE else 3)
        for m in (_model(label) for label, _ in every_slot())
    )
    assert len(written.all) == expected


def test_a_new_kind_with_a_required_field_the_canary_cant_guess_is_told_what_to_do() -> None:
    unknown = models.ForeignKey(Invite, on_delete=models.CASCADE)
    unknown.set_attributes_from_name("invite")
    with pytest.raises(CannotFill, match=r"REQUIRED_CLEAR_VALUES in privacy/tests/test_canary"):
        _example_value(Note, unknown, User())
    day = models.DateField()
    day.set_attributes_from_name("day")
    assert _example_value(Note, day, User()) == timezone.localdate()


def test_a_raw_dump_of_every_table_holds_no_marker(cast: Cast) -> None:
    by_author = write_everything(
        (cast.alice.user, cast.alice.client), (cast.bob.user, cast.bob.client)
    )
    _check_pages(by_author, cast.alice.client, cast.bob.client)
    control = _set_control_name(cast.erin.user)
    dump = dump_every_table()
    assert "table notes_note" in dump and "table privacy_personkeys" in dump
    markers = by_author["alice"].all + by_author["bob"].all
    assert find_secrets(dump, markers) == []
    assert find_secrets(dump, [control]), "the dump search found not even the plain control"
    # Rows are really in the dump, ciphertexts in a searchable hex form.
    bodies = [bytes(body).hex().encode() for body in Note.objects.values_list("body", flat=True)]
    assert len(bodies) >= 6 and all(b in dump["table notes_note"].lower() for b in bodies)


def test_logs_hold_no_marker_even_with_sql_debug_logging(
    cast: Cast, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "django.request"):
        caplog.set_level(logging.DEBUG, logger=name)
    too_long = new_marker("refused") + " and more" * 300
    connection.force_debug_cursor = True
    try:
        by_author = write_everything(
            (cast.alice.user, cast.alice.client), (cast.bob.user, cast.bob.client)
        )
        _check_pages(by_author, cast.alice.client, cast.bob.client)
        control = _set_control_name(cast.erin.user)
        refused = cast.alice.client.post(reverse("notes:list"), {"body": too_long})
        assert refused.status_code == 422  # a refused form is logged as a warning
    finally:
        connection.force_debug_cursor = False
    records = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records
    )
    out, err = capfd.readouterr()
    logs = {"log records": records.encode(), "stdout": out.encode(), "stderr": err.encode()}
    markers = [*by_author["alice"].all, *by_author["bob"].all, too_long]
    assert find_secrets(logs, markers) == []
    assert find_secrets({"log records": records.encode()}, [control]), (
        "SQL debug logging didn't show the plain control: the log search would prove nothing"
    )


# -- a ciphertext moved elsewhere fails loudly ---------------------------------------------------


def _ring_of(user: User) -> PasswordKeyring:
    return PasswordKeyring(user, PASSWORD)


def _post_note(client: Client, author: User, text: str, *, shared: bool = False) -> Note:
    form = {"body": text, **({"shared": "on"} if shared else {})}
    assert client.post(reverse("notes:list"), form).status_code == 302
    note: Note | None = Note.objects.authored_by(author).order_by("-created_at").first()
    assert note is not None
    return note


def _swap_bodies(first: Note, second: Note) -> None:
    a, b = bytes(first.body), bytes(second.body)
    Note.objects.filter(pk=first.pk).update(body=b)
    Note.objects.filter(pk=second.pk).update(body=a)


def _assert_loud(reader: User, note: Note, client: Client) -> None:
    fresh = Note.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionFailed) as raised:
        entries.reveal([fresh], _ring_of(reader))
    assert type(raised.value) is crypto.DecryptionFailed, "a moved ciphertext is not a lost key"
    with pytest.raises(crypto.DecryptionFailed):
        client.get(reverse("notes:detail", args=[note.pk]))
    with pytest.raises(crypto.DecryptionFailed):
        client.get(reverse("notes:list"))


def test_swapping_two_private_ciphertexts_fails_loudly(cast: Cast) -> None:
    alice = cast.alice
    one = _post_note(alice.client, alice.user, new_marker("one"))
    two = _post_note(alice.client, alice.user, new_marker("two"))
    _swap_bodies(one, two)
    _assert_loud(alice.user, one, alice.client)
    _assert_loud(alice.user, two, alice.client)


def test_swapping_two_shared_ciphertexts_fails_loudly_for_both_partners(cast: Cast) -> None:
    one = _post_note(cast.alice.client, cast.alice.user, new_marker("one"), shared=True)
    two = _post_note(cast.bob.client, cast.bob.user, new_marker("two"), shared=True)
    _swap_bodies(one, two)
    for person in (cast.alice, cast.bob):
        _assert_loud(person.user, one, person.client)
        _assert_loud(person.user, two, person.client)


@pytest.mark.parametrize("kind", ["own private and own shared", "two authors' private notes"])
def test_moving_a_ciphertext_across_keys_fails_loudly(cast: Cast, kind: str) -> None:
    alice = cast.alice
    private = _post_note(alice.client, alice.user, new_marker("private"))
    if kind == "own private and own shared":
        other = _post_note(alice.client, alice.user, new_marker("shared"), shared=True)
    else:
        other = _post_note(cast.bob.client, cast.bob.user, new_marker("bobs"))
    _swap_bodies(private, other)
    _assert_loud(alice.user, private, alice.client)


def _model(label: str) -> type[Entry]:
    return next(m for m in entry_models() if m._meta.label == label)


def _one_per_author(model: type[Entry]) -> bool:
    """A kind with one row per person (closeness answers), or per person and couple."""
    return any(
        isinstance(c, models.UniqueConstraint) and set(c.fields) <= {"author", "couple"}
        for c in model._meta.constraints
    )


@dataclass(frozen=True)
class Move:
    """One ciphertext put where it doesn't belong: (kind, field) to (kind, field)."""

    source: tuple[str, str]
    target: tuple[str, str]
    same_row: bool  # into another field of the very row it came from

    @property
    def way(self) -> str:
        if self.source[0] != self.target[0]:
            return "a row of another kind"
        if self.same_row:
            return "another field of its own row"
        if self.source[1] == self.target[1]:
            return "the same field of another row"
        return "another field of another row"


WAYS = (
    "another field of its own row",
    "the same field of another row",
    "another field of another row",
    "a row of another kind",
)


def planned_moves(visibility: str) -> list[Move]:
    """Every (kind, field) moved once in each way a ciphertext can be misplaced.

    A ciphertext is bound to its kind, row, field and key (`Entry._context`), so one move
    per way and slot checks each part of that binding for every slot, in a number of moves
    that grows with the slots rather than with their square. Across kinds the slots are
    rotated, so every slot is also a target once."""
    slots = sorted(
        slot for slot in every_slot() if visibility == "private" or _model(slot[0]).SHAREABLE
    )
    # Slots of a kind are neighbours in sorted order, so a rotation by the most fields any
    # kind has always lands in another kind.
    shift = max(len(_model(label).encrypted_field_names()) for label, _ in slots)
    moves = []
    for index, (label, name) in enumerate(slots):
        fields = list(_model(label).encrypted_field_names())
        other_field = (label, fields[(fields.index(name) + 1) % len(fields)])
        if len(fields) > 1:
            moves.append(Move((label, name), other_field, same_row=True))
        if not _one_per_author(_model(label)):  # else there is no second row of it
            moves.append(Move((label, name), (label, name), same_row=False))
            if len(fields) > 1:
                moves.append(Move((label, name), other_field, same_row=False))
        moves.append(Move((label, name), slots[(index + shift) % len(slots)], same_row=False))
    return moves


def _made(label: str, ring: PasswordKeyring, visibility: str) -> Entry:
    model = _model(label)
    entry = model(author=ring.user, **clear_values(model, ring))
    values = {n: new_marker(label) for n in model.encrypted_field_names()}
    entries.encrypt_into(entry, ring, values)
    entry.save()
    if visibility == "shared":
        entries.share(entry, ring)
    return entry


def misplaced(move: Move, visibility: str, ring: PasswordKeyring) -> str | None:
    """Make the move (rolled back afterwards); None when opening it fails loudly, else what
    went wrong."""
    with transaction.atomic():
        source = _made(move.source[0], ring, visibility)
        target = source if move.same_row else _made(move.target[0], ring, visibility)
        blob = bytes(getattr(type(source).objects.get(pk=source.pk), move.source[1]))
        type(target).objects.filter(pk=target.pk).update(**{move.target[1]: blob})
        moved = type(target).objects.get(pk=target.pk)
        told = f"{move.source} -> {move.target}, {move.way} ({visibility})"
        try:
            entries.reveal([moved], ring)
        except crypto.DecryptionFailed as raised:
            problem = None if type(raised) is crypto.DecryptionFailed else f"{told}: a lost key?"
        else:
            problem = f"{told}: opened"
        transaction.set_rollback(True)  # a clean slate: one-per-person kinds
    return problem


def test_a_ciphertext_moved_to_another_row_field_or_kind_fails_loudly(cast: Cast) -> None:
    """Generic over every (kind, field): moved within its row, to another row of its kind,
    or to a row of another kind; private and shared."""
    ring = _ring_of(cast.alice.user)
    problems = [
        problem
        for visibility in ("private", "shared")
        for move in planned_moves(visibility)
        if (problem := misplaced(move, visibility, ring))
    ]
    assert problems == []


@pytest.mark.parametrize("visibility", ["private", "shared"])
def test_the_moves_cover_every_slot_in_every_way(visibility: str) -> None:
    """Every slot is moved away in each way its kind allows, and is a target from another kind."""
    moves = planned_moves(visibility)
    slots = {s for s in every_slot() if visibility == "private" or _model(s[0]).SHAREABLE}
    assert {m.way for m in moves} == set(WAYS)
    across = [m for m in moves if m.way == "a row of another kind"]
    assert {m.source for m in across} == {m.target for m in across} == slots
    for label, name in slots:
        model = _model(label)
        ways = {m.way for m in moves if m.source == (label, name)}
        expected = {"a row of another kind"}
        if len(model.encrypted_field_names()) > 1:
            expected.add("another field of its own row")
        if not _one_per_author(model):
            expected.add("the same field of another row")
            if len(model.encrypted_field_names()) > 1:
                expected.add("another field of another row")
        assert ways == expected, (label, name)
    assert len(moves) < 5 * len(slots)  # linear: a few moves per slot, not one per pair


def _bound_to(parts: set[str]) -> Any:
    """An `Entry._context` that binds a ciphertext only to `parts` of its place."""

    def context(entry: Entry, field: str, scope: str) -> bytes:
        kept = {"row": str(entry.pk), "field": field, "kind": entry._meta.label}
        return ":".join(v if k in parts else "-" for k, v in kept.items()).encode()

    return context


@pytest.mark.parametrize(
    ("binding", "caught"),
    [
        (set(), set(WAYS)),
        ({"kind", "field"}, {"the same field of another row"}),
        ({"kind", "row"}, {"another field of its own row"}),
    ],
    ids=["bound to nothing", "not bound to its row", "not bound to its field"],
)
def test_the_moves_would_catch_a_ciphertext_not_bound_to_its_place(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, binding: set[str], caught: set[str]
) -> None:
    """The check can fail: with a binding that leaves out a part of the place, exactly the
    moves that change only that part are reported, for every slot they apply to."""
    monkeypatch.setattr(Entry, "_context", _bound_to(binding))
    ring = _ring_of(cast.alice.user)
    for visibility in ("private", "shared"):
        moves = planned_moves(visibility)
        reported = {m for m in moves if misplaced(m, visibility, ring)}
        assert reported == {m for m in moves if m.way in caught}, visibility


def test_a_private_note_flipped_to_shared_in_the_database_does_not_reach_the_partner(
    cast: Cast,
) -> None:
    """Someone with write access to the database can't turn private text into shared text."""
    secret = new_marker("flipped")
    note = _post_note(cast.alice.client, cast.alice.user, secret)
    membership = couples.current_membership(cast.alice.user)
    assert membership is not None
    Note.objects.filter(pk=note.pk).update(visibility="shared", couple_id=membership.couple_id)
    assert Note.objects.visible_to(cast.bob.user).filter(pk=note.pk).exists()
    for url in (reverse("notes:list"), reverse("notes:detail", args=[note.pk]), "/"):
        try:
            page = cast.bob.client.get(url).content.decode()
        except crypto.DecryptionFailed:
            continue
        assert find_secrets({url: page.encode()}, [secret]) == []


# -- subprocesses: real SQLite files, a backup, and a fresh process without key cookies ----------


WRITER = """
import json, logging, os, sys
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["tending.testing.FastArgon2PasswordHasher"]
for name in ("django", "django.db.backends"):
    logging.getLogger(name).setLevel(logging.DEBUG)
from django.db import connection
connection.force_debug_cursor = True
from privacy.tests import test_canary
result = test_canary.writer_main(sys.argv[1])
print(json.dumps(result))
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)  # like a crash or a live server: the -wal and -shm files stay behind
"""

ATTACKER = """
import json, sys
import django
django.setup()
from privacy.tests import test_canary
print(json.dumps(test_canary.attacker_main(sys.argv[1])))
"""


def _browser() -> Client:
    return Client(SERVER_NAME="localhost")


def _sign_in(email: str, password: str) -> Client:
    client = _browser()
    response = client.post(reverse("accounts:sign_in"), {"email": email, "password": password})
    assert response.status_code == 302, "sign-in failed in the canary writer"
    return client


def writer_main(plan_path: str) -> dict[str, Any]:
    """Run in a subprocess with a fresh data dir: write markers through real services."""
    from accounts import services as accounts
    from conftest import pair
    from privacy.models import CoupleKeyCopy

    plan = json.loads(Path(plan_path).read_text())
    password = plan["password"]
    made = {}
    for name in ("alice", "bob"):
        user, _, code = accounts.create_account(
            email=f"{name}@example.test",
            password=password,
            display_name=plan["control"] if name == "alice" else "Bob",
            time_zone="Europe/Amsterdam",
        )
        made[name] = (user, code)
    alice, bob = made["alice"][0], made["bob"][0]
    pair(alice, bob)
    alice_client = _sign_in(alice.email, password)
    bob_client = _sign_in(bob.email, password)
    alice_client.get(reverse("today"))  # alice's visit hands the couple key to bob
    granted = CoupleKeyCopy.objects.filter(user=bob).exists()
    by_author = write_everything((alice, alice_client), (bob, bob_client), password)
    _check_pages(by_author, alice_client, bob_client)
    sessions: dict[str, list[dict[str, str]]] = {"alice": [], "bob": []}
    for name, user, client in (("alice", alice, alice_client), ("bob", bob, bob_client)):
        for browser in (client, _sign_in(user.email, password), _sign_in(user.email, password)):
            sessions[name].append(
                {
                    "sessionid": browser.cookies[settings.SESSION_COOKIE_NAME].value,
                    "key": browser.cookies[settings.KEY_COOKIE_NAME].value,
                }
            )
    Path(plan["out"]).write_text(
        json.dumps(
            {
                "written": {name: w.as_json() for name, w in by_author.items()},
                "recovery_codes": [made["alice"][1], made["bob"][1]],
                "sessions": sessions,
            }
        )
    )
    # Entry rows each person's session would try: their own, and their partner's shared ones.
    rows = sum(m.objects.count() for m in entry_models())
    shared_rows = sum(m.objects.filter(visibility="shared").count() for m in entry_models())
    return {
        "granted": granted,
        "notes": Note.objects.count(),
        "entry_rows_each_pair_sees": rows + shared_rows,
    }


def _decodings(value: str) -> list[bytes]:
    out = [value.encode()]
    for decode in (base64.b64decode, base64.urlsafe_b64decode, bytes.fromhex):
        with contextlib.suppress(binascii.Error, ValueError):
            out.append(decode(value))
    return out


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def attacker_main(plan_path: str) -> dict[str, Any]:
    """Run in a fresh process with only what the server has: the data dir and session ids."""
    from django.contrib.sessions.models import Session

    from privacy.models import CoupleKeyCopy, PersonKeys

    plan = json.loads(Path(plan_path).read_text())
    made = json.loads(Path(plan["out"]).read_text())
    written = {name: Written.from_json(data) for name, data in made["written"].items()}
    # The copy of the files as the running server left them (main, -wal and -shm).
    raw = b"".join(Path(path).read_bytes() for path in plan["copies"])
    result: dict[str, Any] = {"opened": [], "refused": {}}

    def refused(kind: str) -> None:
        result["refused"][kind] = result["refused"].get(kind, 0) + 1

    # 1. Everything the server holds, tried as keys: no 32-byte window anywhere is a key
    #    that encrypted an entry, wraps a person's key, or seals a session's data key.
    targets: dict[bytes, str] = {}
    for model in entry_models():
        for entry in model.objects.all():
            for name in model.encrypted_field_names():
                blob = bytes(getattr(entry, name) or b"")
                if blob:  # an optional field left empty has no ciphertext
                    targets[crypto.key_id_of(blob)] = f"{model._meta.label}.{name}"
    for keys in PersonKeys.objects.all():
        for name in ("private_key_wrapped", "data_key_by_password", "data_key_by_recovery"):
            blob = bytes(getattr(keys, name))
            targets[blob[1 : 1 + crypto.FINGERPRINT_BYTES]] = f"PersonKeys.{name}"
    material: list[bytes] = [raw, settings.SECRET_KEY.encode()]
    material += [
        hashlib.new(algorithm, settings.SECRET_KEY.encode()).digest()
        for algorithm in ("sha256", "sha512", "blake2b", "sha3_256")
    ]
    engine = import_module(settings.SESSION_ENGINE)
    structured: list[bytes] = []
    for session in Session.objects.all():
        for value in _flatten(engine.SessionStore().decode(session.session_data)):
            if isinstance(value, str):
                structured += _decodings(value)
        stored = engine.SessionStore(session.session_key).get(keyring.SESSION_FIELD)
        if stored:
            sealed = base64.b64decode(stored)
            targets[sealed[1 : 1 + crypto.FINGERPRINT_BYTES]] = "session key cookie"
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        structured.append(bytes(value))
                    elif isinstance(value, str):
                        structured += _decodings(value)
    material += structured
    scanned = 0
    for blob in material:
        for start in range(max(0, len(blob) - crypto.KEY_BYTES + 1)):
            scanned += 1
            found = targets.get(crypto.fingerprint(blob[start : start + crypto.KEY_BYTES]))
            if found:
                result["opened"].append(f"a key for {found} lies in what the server has")
    result["windows_scanned"], result["targets"] = scanned, len(targets)
    publics = {bytes(k.public_key): k.user_id for k in PersonKeys.objects.all()}
    windows = {
        blob[start : start + crypto.KEY_BYTES]
        for blob in structured
        for start in range(max(0, len(blob) - crypto.KEY_BYTES + 1))
    }
    for window in windows:
        if bytes(PrivateKey(window).public_key) in publics:
            result["opened"].append("a person's private key lies in the database")

    # 2. The keyring, from each session cookie alone (no key cookie): locked, every time.
    factory = RequestFactory()
    pages = [reverse("today"), reverse("notes:list"), "detail"]
    everyone = [
        (name, session) for name, sessions in made["sessions"].items() for session in sessions
    ]

    def request_for(session: dict[str, str], with_key: bool) -> Any:
        cookie = f"{settings.SESSION_COOKIE_NAME}={session['sessionid']}"
        if with_key:
            cookie += f"; {settings.KEY_COOKIE_NAME}={session['key']}"
        request = factory.get("/", HTTP_COOKIE=cookie, SERVER_NAME="localhost")
        request.session = engine.SessionStore(session["sessionid"])
        request.user = get_user(request)
        return request

    for name, session in everyone:
        request = request_for(session, with_key=False)
        assert isinstance(request.user, User), "the copied session should still be signed in"
        ring = Keyring(request)
        attempts: list[tuple[str, Any]] = [
            ("data key", ring.data_key),
            ("private key", ring.private_key),
        ]
        attempts += [
            ("couple key", lambda c=copy.couple_id: ring.couple_key(c))
            for copy in CoupleKeyCopy.objects.all()
        ]
        attempts += [
            ("entry", lambda e=entry: entries.reveal([e], ring))
            for model in entry_models()
            for entry in model.objects.all()
        ]
        for what, attempt in attempts:
            try:
                attempt()
            except Locked:
                refused(what)
            except (PermissionError, entries.NotReady, crypto.DecryptionFailed):
                refused(f"{what} (not theirs)")
            else:
                result["opened"].append(f"{name}'s session alone opened a {what}")

    # 3. Positive control: the same code with the key cookie a browser holds opens them.
    seen = 0
    mine = {m for w in written.values() for m in w.all}
    for name in ("alice", "bob"):
        session = made["sessions"][name][0]
        ring = Keyring(request_for(session, with_key=True))
        for model in entry_models():
            visible = model.objects.visible_to(ring.user)
            for entry in entries.reveal(list(visible), ring):
                seen += sum(1 for v in entry.plain.values() if isinstance(v, str) and v in mine)
    result["revealed_with_key_cookie"] = seen

    # 4. Pages with the session cookie alone: sent to sign in, no text, signed out.
    result["pages"] = []
    for index, (name, session) in enumerate(everyone):
        own = Note.objects.filter(author__email=f"{name}@example.test").values_list("pk")[0][0]
        browser = _browser()
        browser.cookies[settings.SESSION_COOKIE_NAME] = session["sessionid"]
        page = pages[index % len(pages)]
        url = reverse("notes:detail", args=[own]) if page == "detail" else page
        response = browser.get(url)
        again = browser.get(reverse("notes:list"))
        body = response.content + again.content
        result["pages"].append(
            {
                "who": name,
                "url": url,
                "status": response.status_code,
                "location": response.get("Location", ""),
                "then": again.status_code,
                "markers_shown": len(find_secrets({url: body}, mine)),
            }
        )
    return result


def _run(args: list[str], env: dict[str, str], outputs: dict[str, bytes], name: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, timeout=120
    )
    outputs[f"{name} stdout"], outputs[f"{name} stderr"] = done.stdout, done.stderr
    assert done.returncode == 0, f"{name} failed:\n{done.stderr.decode()[-3000:]}"
    return done.stdout.decode()


def _files(*paths: Path, prefix: str) -> dict[str, bytes]:
    return {f"{prefix} {p.name}": p.read_bytes() for p in paths if p.is_file()}


@sqlite_files_only
def test_a_copy_of_the_sqlite_files_backup_and_logs_reveals_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tending.settings",
        TENDING_DATA_DIR=str(data),
        TENDING_KEY_KDF_OPS=str(crypto.KdfParams.minimum().ops),
        TENDING_KEY_KDF_MEM=str(crypto.KdfParams.minimum().mem),
        TENDING_LOG_LEVEL="DEBUG",
        PYTHONPATH=str(BASE_DIR),
    )
    control = new_marker("plaincontrol")
    password = f"canary password {uuid.uuid4().hex}"
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps({"control": control, "password": password, "out": str(tmp_path / "out.json")})
    )
    out: dict[str, bytes] = {}
    _run(["manage.py", "migrate", "-v", "0"], env, out, "migrate")
    writer = json.loads(_run(["-c", WRITER, str(plan)], env, out, "writer").splitlines()[-1])
    made = json.loads((tmp_path / "out.json").read_text())
    written = {name: Written.from_json(w) for name, w in made["written"].items()}
    main = data / "tending.sqlite3"
    wal, shm = Path(f"{main}-wal"), Path(f"{main}-shm")
    assert main.exists() and wal.exists() and wal.stat().st_size > 0, "expected a live WAL"
    # Every file in the data dir (not only the database: a cache or a log would count too).
    copies = _files(*data.rglob("*"), prefix="as left running:")
    assert {f"as left running: {p.name}" for p in (main, wal, shm)} <= set(copies)
    kept = []
    for name, content in copies.items():
        if "tending.sqlite3" in name:
            kept.append(tmp_path / name.replace(" ", "_").replace(":", ""))
            kept[-1].write_bytes(content)
    plan.write_text(json.dumps({**json.loads(plan.read_text()), "copies": [str(k) for k in kept]}))

    backup = tmp_path / "b.sqlite3"
    _run(["manage.py", "backup", str(backup)], env, out, "backup")
    copies |= _files(backup, Path(f"{backup}-wal"), Path(f"{backup}-journal"), prefix="backup:")
    with sqlite3.connect(backup) as check:
        (rows,) = check.execute("SELECT count(*) FROM notes_note").fetchone()
    assert rows == writer["notes"] > 0

    attack = json.loads(_run(["-c", ATTACKER, str(plan)], env, out, "attacker").splitlines()[-1])

    with sqlite3.connect(main) as last:
        last.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copies |= _files(*data.rglob("*"), prefix="after checkpoint:")

    markers = [m for w in written.values() for m in w.all]
    codes = made["recovery_codes"]
    secrets = [*markers, password, *codes, *(c.replace("-", "") for c in codes)]
    assert find_secrets(copies | out, secrets) == []

    # The searches could have found something: the plain control is in each place.
    for place in ("as left running: tending.sqlite3-wal", "backup: b.sqlite3"):
        assert find_secrets({place: copies[place]}, [control]), place
    assert find_secrets({"main": copies["after checkpoint: tending.sqlite3"]}, [control])
    assert find_secrets({"writer log": out["writer stderr"]}, [control]), "no SQL was logged"

    # Every encrypted field of every kind was written, and the couple key reached bob.
    assert writer["granted"]
    assert written["alice"].slots == written["bob"].slots == every_slot()
    # A fresh process with the data dir and the sessions, without the key cookies: nothing.
    assert attack["opened"] == []
    assert attack["refused"]["data key"] == 6 and attack["refused"]["private key"] == 6
    visible_to_pair = sum(len(w.all) + len(w.shared) for w in written.values())
    # Three sessions each try every row their person may see: all refused without the cookie.
    assert attack["refused"]["entry"] == 3 * writer["entry_rows_each_pair_sees"]
    assert attack["refused"]["couple key"] == 6 * 2  # six sessions, two sealed copies
    assert attack["windows_scanned"] > sum(len(v) for k, v in copies.items() if "running" in k)
    assert attack["targets"] >= 10
    assert attack["revealed_with_key_cookie"] == visible_to_pair
    for page in attack["pages"]:
        assert page["status"] == 302, page
        assert page["location"].startswith(reverse("accounts:sign_in")), page
        assert page["then"] == 302 and page["markers_shown"] == 0, page
