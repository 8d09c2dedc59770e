"""Test personas shared by every app's tests.

alice and bob are a couple; carol and dan are another couple; erin is not paired.

The cast is made for real (sign-up's service, the sign-in form, the first visit that hands
over the couple key) once, its rows are kept, and every test that asks for `cast` gets
those rows put back inside its own transaction, with fresh clients holding the same
cookies. So a test sees exactly what a cast built for it would be, and nothing of it
outlives the test. See docs/testing.md.
"""

from __future__ import annotations

import copy
import os
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from accounts import services as accounts
from accounts.models import User
from couples import services as couples
from couples.models import Role
from privacy.crypto import KdfParams
from privacy.keyring import PasswordKeyring

PASSWORD = "a calm test password"

# Hypothesis: the full example counts in CI (CI=true); a quicker pass while developing.
# Counts written in a test's own @settings go through `examples()` to follow the profile.
hypothesis_settings.register_profile("ci", deadline=None)
hypothesis_settings.register_profile("dev", max_examples=20, deadline=None)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev"
)
hypothesis_settings.load_profile(_PROFILE)
DEV_SHARE = 4  # the dev profile runs a quarter of a test's own count (at least 2)


def examples(full: int) -> int:
    """A property test's example count: `full` in CI, a quarter of it in the dev profile."""
    return full if _PROFILE == "ci" else max(2, full // DEV_SHARE)


# The slowest modules, handed out first (after the browser journeys) so that no long test is
# picked up last while the other worker has nothing left to do. Scheduling only: a module
# missing from this list runs all the same, in its place.
RUN_FIRST = (
    "closeness/tests/test_indistinguishable.py",
    "privacy/tests/test_canary.py",
    "tests/test_operations.py",
)


def _run_order(item: pytest.Item) -> int:
    if item.get_closest_marker("browser"):
        return 0
    path = item.nodeid.split("::", 1)[0]
    return 1 + RUN_FIRST.index(path) if path in RUN_FIRST else 1 + len(RUN_FIRST)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The browser journeys are marked xdist_group("browser") for readers and for a
    # pytest-xdist that honours the mark again; the grouping itself is done by
    # `pytest_xdist_make_scheduler` below. The slow modules go first. The sort is stable,
    # and pytest-django's own (database tests, then transactional ones, then the rest) runs
    # after this one and keeps this order within each of its parts.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    items.sort(key=_run_order)


BROWSER_JOURNEYS = "tests/browser/"


# optionalhook: a run without pytest-xdist (-p no:xdist) doesn't know this hook.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadgroup`, every browser journey runs in the same worker: one Chromium
    at a time, sharing the package's browser, while the other core takes the rest.

    pytest-xdist 3.8 groups by renaming each marked test (`nodeid@group`), which pytest 9.2's
    computed node ids no longer allow: the marks were silently ignored and the journeys
    spread over both workers, at the end of the run. This groups them by their folder. The
    group is the largest unit, so xdist hands it out first (`--loadscope-reorder`, on by
    default); the other worker takes the slow modules, then the rest, one test at a time."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]

    class JourneysTogether(LoadGroupScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(BROWSER_JOURNEYS):
                return "browser"
            return str(super()._split_scope(nodeid))

    return JourneysTogether(config, log)


# For tests of SQLite's own files (a data directory, its -wal and -shm, a backup): they run
# in subprocesses on SQLite whatever database the suite uses, so the PostgreSQL pass would
# only repeat them. They run in the SQLite pass.
sqlite_files_only = pytest.mark.skipif(
    connections[DEFAULT_DB_ALIAS].vendor != "sqlite",
    reason="checks SQLite's own files; runs in the SQLite pass",
)


@pytest.fixture(autouse=True)
def _static_files_as_on_a_clean_clone(settings: Any) -> None:
    # `./tend start` collects hashed static files into this checkout's STATIC_ROOT, and the
    # settings then choose the manifest storage. Tests see the files as a clean clone does
    # (through the finders, plain names), so a start before `./tend test` changes nothing;
    # the tests of the manifest itself set their storage explicitly.
    if settings.STATIC_MANIFEST:
        settings.STATIC_MANIFEST = False
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _no_page_kept_from_another_test() -> Iterator[None]:
    # Kept pages (privacy/kept_pages.py) live in this process; a test starts with none, so
    # a page kept under another test's settings or stand-ins is never shown to this one.
    from privacy import kept_pages

    kept_pages.shelf.clear()
    yield
    kept_pages.shelf.clear()


@pytest.fixture
def pages_made_afresh(settings: Any) -> None:
    """Every page made afresh, never a kept one: for tests that count a page's queries."""
    settings.TENDING_PAGE_KEEP_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_key_derivation(settings: Any) -> None:
    # Argon2 at production cost is measured by the benchmark (bench/), not paid by every
    # test; the code path is the same, only the cost parameters are the minimum.
    settings.PASSWORD_HASHERS = ["tending.testing.FastArgon2PasswordHasher"]
    settings.KEY_KDF_OPS = KdfParams.minimum().ops
    settings.KEY_KDF_MEM = KdfParams.minimum().mem


@dataclass
class Persona:
    user: User
    client: Client

    @property
    def name(self) -> str:
        return self.user.display_name


def make_user(name: str, time_zone: str = "Europe/Amsterdam") -> User:
    """A person with keys, made the way sign-up makes one."""
    user, _, _ = accounts.create_account(
        email=f"{name.lower()}@example.test",
        password=PASSWORD,
        display_name=name,
        time_zone=time_zone,
    )
    return user


def signed_in(user: User, password: str = PASSWORD) -> Client:
    """A client signed in through the real form, so it holds the key cookie too."""
    client = Client()
    response = client.post(reverse("accounts:sign_in"), {"email": user.email, "password": password})
    assert response.status_code == 302, "sign-in failed in test setup"
    return client


def pair(first: User, second: User, roles: tuple[Role, Role] = (Role.REPAIRING, Role.HURT)) -> None:
    couples.create_couple_space(first, roles[0])
    new = couples.create_invite(first)
    couples.accept_invite(second, new.invite.pk, roles[1])


def ring(user: User, password: str = PASSWORD) -> PasswordKeyring:
    """The person's keyring, opened with their password, as a service call needs it."""
    return PasswordKeyring(user, password)


@dataclass
class Cast:
    alice: Persona
    bob: Persona
    carol: Persona
    dan: Persona
    erin: Persona
    anonymous: Client


NAMES = ("Alice", "Bob", "Carol", "Dan", "Erin")


def build_cast() -> Cast:
    """The five personas, made through the real sign-up service, sign-in form and pages."""
    people = {name: make_user(name) for name in NAMES}
    pair(people["Alice"], people["Bob"])
    pair(people["Carol"], people["Dan"])
    cast = Cast(
        anonymous=Client(),
        **{name.lower(): Persona(user, signed_in(user)) for name, user in people.items()},
    )
    # The first partners visit after their partner joined: this hands over the couple key.
    cast.alice.client.get(reverse("today"))
    cast.carol.client.get(reverse("today"))
    return cast


# --- Building the cast once --------------------------------------------------------------


@dataclass(frozen=True)
class CastSnapshot:
    """Everything building the cast left behind: new rows, the clients' cookies, mail."""

    rows: tuple[tuple[type[models.Model], tuple[models.Model, ...]], ...]
    users: dict[str, User]
    cookies: dict[str, SimpleCookie]
    mail: tuple[Any, ...]


# Snapshots by (settings that shape the cast, the moment it was made for). Under a frozen
# clock the moment is that exact second, so a module travelling to NOW gets a cast made at
# NOW, as before; on the real clock a cast is reused for five minutes (aligned to the
# clock, so never across a midnight of any whole-quarter-hour time zone).
_SNAPSHOTS: OrderedDict[tuple[object, ...], CastSnapshot] = OrderedDict()
_KEEP = 8
REAL_CLOCK_REUSE_SECONDS = 300
# Row ids of the snapshot start here (SQLite), so a test that made rows before asking for
# the cast never collides with them. PostgreSQL sequences never go back, so they can't.
_ID_OFFSET = 1_000_000_000


def _snapshot_key() -> tuple[object, ...]:
    if time_machine.escape_hatch.is_travelling():
        moment: tuple[str, int] = ("at", int(timezone.now().timestamp()))
    else:
        moment = ("real", int(time.time() // REAL_CLOCK_REUSE_SECONDS))
    shaping = (
        django_settings.SECRET_KEY,
        tuple(django_settings.PASSWORD_HASHERS),
        django_settings.KEY_KDF_OPS,
        django_settings.KEY_KDF_MEM,
        django_settings.SESSION_ENGINE,
        django_settings.SESSION_COOKIE_AGE,
        django_settings.SESSION_COOKIE_NAME,
        str(django_settings.ROOT_URLCONF),
        tuple(django_settings.MIDDLEWARE),
        django_settings.TIME_ZONE,
    )
    return (*shaping, moment)


def _stored_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _lift_sqlite_ids(alias: str, stored: Iterable[type[models.Model]]) -> None:
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model in stored:
            if not isinstance(model._meta.pk, AutoFieldMixin):
                continue
            table = model._meta.db_table
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [_ID_OFFSET, table]
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, _ID_OFFSET]
                )


def take_snapshot(alias: str = DEFAULT_DB_ALIAS) -> CastSnapshot:
    """Build the cast for real in a savepoint, keep what it wrote, and roll it back."""
    stored = _stored_models()
    before = {
        model: set(model._base_manager.using(alias).values_list("pk", flat=True))
        for model in stored
    }
    outbox = getattr(mail, "outbox", None)
    sent_before = len(outbox) if outbox is not None else 0
    with transaction.atomic(using=alias):
        _lift_sqlite_ids(alias, stored)
        built = build_cast()
        rows = []
        for model in stored:
            new = tuple(
                row
                for row in model._base_manager.using(alias).order_by("pk")
                if row.pk not in before[model]
            )
            if new:
                rows.append((model, new))
        transaction.set_rollback(True, using=alias)
    sent: tuple[Any, ...] = ()
    if outbox is not None:
        sent = tuple(outbox[sent_before:])
        del outbox[sent_before:]
    personas = {name.lower(): getattr(built, name.lower()) for name in NAMES}
    return CastSnapshot(
        rows=tuple(rows),
        users={name: persona.user for name, persona in personas.items()},
        cookies={name: copy.deepcopy(persona.client.cookies) for name, persona in personas.items()},
        mail=sent,
    )


def restore(snapshot: CastSnapshot, alias: str = DEFAULT_DB_ALIAS) -> Cast:
    """Put the snapshot's rows back (inside the test's transaction) and hand out clients."""
    connection = connections[alias]
    # One atomic block: foreign keys are checked at its end, so the order of tables is free.
    with transaction.atomic(using=alias):
        for model, objs in snapshot.rows:
            fields = list(model._meta.local_concrete_fields)
            batch = max(1, connection.ops.bulk_batch_size(fields, list(objs)))
            for start in range(0, len(objs), batch):
                # The raw insert of loaddata: values as stored (auto_now fields untouched),
                # one table at a time (bulk_create would stamp times and refuse subclasses).
                model._base_manager.using(alias)._insert(  # type: ignore[attr-defined]
                    list(objs[start : start + batch]), fields=fields, raw=True, using=alias
                )
    outbox = getattr(mail, "outbox", None)
    if outbox is not None:
        outbox.extend(copy.deepcopy(message) for message in snapshot.mail)
    personas = {}
    for name, user in snapshot.users.items():
        client = Client()
        client.cookies = copy.deepcopy(snapshot.cookies[name])
        personas[name] = Persona(copy.deepcopy(user), client)
    return Cast(anonymous=Client(), **personas)


@pytest.fixture
def cast(db: None) -> Cast:
    key = _snapshot_key()
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        snapshot = _SNAPSHOTS[key] = take_snapshot()
        while len(_SNAPSHOTS) > _KEEP:
            _SNAPSHOTS.popitem(last=False)
    else:
        _SNAPSHOTS.move_to_end(key)
    return restore(snapshot)


__all__ = [
    "PASSWORD",
    "Cast",
    "Persona",
    "build_cast",
    "examples",
    "make_user",
    "pair",
    "ring",
    "signed_in",
    "sqlite_files_only",
]
