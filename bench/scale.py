"""The 5-year couple's pages on PostgreSQL: alone, and beside 10,000 other couples.

    .venv/bin/python -m bench.scale                          (10,000 couples, 30 days each)
    .venv/bin/python -m bench.scale --couples 500 --runs 10  (a quick look)
    .venv/bin/python -m bench.scale --url postgres://postgres@127.0.0.1:5432

Makes two databases of its own on that server (dropped at the end unless --keep):
- bench_scale_small: migrated, then the 5-year couple (bench/fiveyear.py) and nothing else;
- bench_scale_big: a copy of it (CREATE DATABASE ... TEMPLATE), then `--couples` more
  couples, each with `--days` days of daily life: check-ins, commitments with an outcome a
  day, bids, journal, and weekly appreciations (answered), conversations, question rounds
  with answers, moments of closeness (with both people's answers, yes lists and the
  couple's shared yes) and agreements with versions. These are written with COPY, in bulk:
  a benchmark-only fast path. Their ciphertexts are random bytes of the length the app's
  encryption gives those values (precomputed, cycled), as nobody ever opens them: only
  the 5-year couple's pages are measured, and that couple is identical in both databases.

Then: EXPLAIN (on bench_scale_big) of every query behind each main page of the 5-year
couple, captured with CaptureQueriesContext while the page renders for alice and for bob,
reporting every Seq Scan on a table holding more than `--big-table` rows; and the pages
themselves, served by two Tending servers (as `./tend start` serves: gunicorn 2 workers x
4 threads), one per database, alice signed in on each, each page requested `--runs` times
on each in turn. Prints median and p95 per page and database, and the p95 ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.driver import percentile

SMALL, BIG = "bench_scale_small", "bench_scale_big"
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
REMOVED = re.compile(r"Rows Removed by (?:Filter|Join Filter|Index Recheck): (\d+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432", help="server")
    parser.add_argument("--couples", type=int, default=10_000, help="other couples (10,000)")
    parser.add_argument("--days", type=int, default=30, help="days of history each (30)")
    parser.add_argument("--years", type=float, default=5.0, help="the 5-year couple's (5)")
    # A p95 of 60 views is the third slowest: one stray pause moved a different page past
    # 1.2 in each of two runs; 200 views held every page within 1.1.
    parser.add_argument("--runs", type=int, default=200, help="views of each page per db (200)")
    parser.add_argument("--big-table", type=int, default=10_000, help="rows for 'many' (10,000)")
    parser.add_argument(
        "--wasted", type=int, default=1_000, help="rows discarded by a filter to report (1,000)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use both databases of an earlier --keep run"
    )
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tending-scale-") as folder:
        run(Path(folder), args)


def admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(f"{url}/postgres", autocommit=True)


def recreate(url: str, name: str, template: str | None = None) -> None:
    with admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def use_database(name: str) -> None:
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


def run(folder: Path, args: Any) -> None:
    from nacl.pwhash import argon2id

    if "DJANGO_SETTINGS_MODULE" in os.environ:
        raise SystemExit("Run it as `python -m bench.scale`: it makes its own databases.")
    reuse = args.reuse and exists(args.url, SMALL) and exists(args.url, BIG)
    if not reuse:
        recreate(args.url, SMALL)
    os.environ.update(
        DATABASE_URL=f"{args.url}/{SMALL}",
        TENDING_DATA_DIR=str(folder),
        TENDING_ALLOWED_HOSTS="testserver",
        TENDING_KEY_KDF_OPS=str(argon2id.OPSLIMIT_MIN),
        TENDING_KEY_KDF_MEM=str(argon2id.MEMLIMIT_MIN),
        DJANGO_SETTINGS_MODULE="tending.settings",
    )
    import django

    django.setup()
    from bench import fiveyear

    try:
        five = reused(args) if reuse else made(args)
        pages = fiveyear.main_pages(five)
        people = [five.alice.email, five.bob.email]
        explain_pages(pages, people, five.password, args.big_table, args.wasted)
        redundant_indexes(args.big_table)
        use_database(SMALL)
        compare(folder, args, pages, five.alice.email, five.password)
    finally:
        use_database("postgres")
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with admin(args.url) as conn:
                for name in (BIG, SMALL):
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def exists(url: str, name: str) -> bool:
    with admin(url) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def reused(args: Any) -> Any:
    """Both databases from an earlier `--keep` run: migrate them (new indexes) and go on."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from agreements.models import Agreement
    from bench import fiveyear
    from bench.common import PASSWORD

    for name in (SMALL, BIG):
        use_database(name)
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{SMALL} and {BIG} reused from an earlier run, migrated and analysed")
    alice, bob = (User.objects.get(email=f"{n}@example.test") for n in ("alice", "bob"))
    first = Agreement.objects.filter(author=alice).order_by("created_at").first()
    assert first is not None
    today = date.today()
    return fiveyear.FiveYears(alice, bob, PASSWORD, today, today, str(first.pk), 0, 0.0)


def made(args: Any) -> Any:
    """Both databases, made afresh: the couple alone, then a copy of it with the others."""
    from django.core.management import call_command
    from django.db import connection

    from bench import fiveyear

    made_at = time.perf_counter()
    call_command("migrate", verbosity=0)
    five = fiveyear.build(args.years)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    took = time.perf_counter() - made_at
    print(f"{SMALL}: the 5-year couple, {five.rows:,} rows ({took:.0f} s)")
    use_database("postgres")  # nobody may be connected to a template
    recreate(args.url, BIG, template=SMALL)
    use_database(BIG)
    made_at = time.perf_counter()
    rows = generate(args.couples, args.days)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{BIG}: the same, plus {args.couples:,} couples with {args.days} days each: "
        f"{rows:,} rows by COPY in {time.perf_counter() - made_at:.0f} s"
    )
    return five


# ---------------------------------------------------------------------------------------
# The 10,000 couples, by COPY.


class Table:
    """COPY rows into a model's table: every concrete column, in order; values by attname,
    else the field's default; JSON wrapped for psycopg."""

    def __init__(self, model: Any) -> None:
        from django.db import models

        self.model = model
        fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in fields]
        # Defaults computed once: every key (id) is given by the caller, the rest are
        # constants (None, False, "", a timestamp), the same for every row.
        self.defaults = [f.get_default() if f.has_default() else None for f in fields]
        self.json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        self.columns = ", ".join(f'"{f.column}"' for f in fields)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, **values: Any) -> None:
        row = [
            values.get(name, default)
            for name, default in zip(self.names, self.defaults, strict=True)
        ]
        if self.json:
            from psycopg.types.json import Jsonb

            for i in self.json:
                row[i] = Jsonb(row[i])
        self.rows.append(tuple(row))
        if len(self.rows) >= 20_000:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                f'COPY "{self.model._meta.db_table}" ({self.columns}) FROM STDIN'
            ) as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.written += len(self.rows)
        self.rows.clear()


class Blobs:
    """Random ciphertexts of the length the app's encryption gives each kind of value."""

    def __init__(self) -> None:
        from privacy import crypto

        self.overhead = len(crypto.encrypt(b"", bytes(32), b"context"))
        self.pools: dict[str, Iterator[bytes]] = {}

    def of(self, value: Any) -> bytes:
        key = repr(value)
        pool = self.pools.get(key)
        if pool is None:
            size = len(json.dumps(value).encode()) + self.overhead
            pool = self.pools[key] = _cycle([os.urandom(size) for _ in range(64)])
        return next(pool)


def _cycle(items: list[bytes]) -> Iterator[bytes]:
    while True:
        yield from items


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def generate(couples: int, days: int) -> int:
    """The other couples, written with COPY; returns the rows written."""
    import uuid

    from django.core.management.color import no_style
    from django.db import connection, transaction

    from accounts.models import User
    from agreements.models import Agreement, AgreementVersion
    from appreciations.models import Appreciation, AppreciationAnswer
    from bids.models import Bid
    from checkins.models import CheckIn, JournalEntry
    from closeness.models import Answers, SharedYes, YesList
    from commitments.models import Commitment, Outcome, Schedule
    from conversations.models import Conversation
    from couples.models import CoupleSpace, Membership
    from privacy.models import CoupleKeyCopy, PersonKeys
    from questions.models import Answer, Round

    blob = Blobs()
    tables = {
        m: Table(m)
        for m in (
            User,
            PersonKeys,
            CoupleSpace,
            Membership,
            CoupleKeyCopy,
            CheckIn,
            Commitment,
            Schedule,
            Outcome,
            Bid,
            JournalEntry,
            Appreciation,
            AppreciationAnswer,
            Conversation,
            Round,
            Answer,
            Agreement,
            AgreementVersion,
            Answers,
            YesList,
            SharedYes,
        )
    }
    user_id, couple_id = _next_id(User), _next_id(CoupleSpace)
    membership_id, schedule_id = _next_id(Membership), _next_id(Schedule)
    key_id, copy_id = _next_id(PersonKeys), _next_id(CoupleKeyCopy)
    password = User.objects.order_by("pk").values_list("password", flat=True).first()
    today = date.today()
    private, shared = "private", "shared"
    kb = os.urandom

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    with transaction.atomic(), connection.cursor() as cursor:
        # A bulk load of rows made consistent here: skip the per-row foreign-key triggers
        # for this transaction (the server's superuser may; the benchmark's database only).
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for n in range(couples):
            first = today - timedelta(days=days - 1)
            joined = at(first, 8)
            pair = (user_id, user_id + 1)
            user_id += 2
            for person in pair:
                tables[User].add(
                    id=person,
                    email=f"person{person}@example.test",
                    display_name=f"Person {person}",
                    password=password,
                    date_joined=joined,
                )
                tables[PersonKeys].add(
                    id=key_id,
                    user_id=person,
                    public_key=kb(32),
                    private_key_wrapped=kb(72),
                    data_key_by_password=kb(72),
                    password_salt=kb(16),
                    password_kdf_ops=2,
                    password_kdf_mem=67108864,
                    data_key_by_recovery=kb(72),
                    recovery_salt=kb(16),
                    recovery_kdf_ops=2,
                    recovery_kdf_mem=67108864,
                    data_key_id=kb(8),
                    created_at=joined,
                )
                key_id += 1
            tables[CoupleSpace].add(id=couple_id, created_at=joined)
            for person, role in zip(pair, ("repairing", "hurt"), strict=True):
                tables[Membership].add(
                    id=membership_id,
                    couple_id=couple_id,
                    user_id=person,
                    role=role,
                    joined_at=joined,
                )
                tables[CoupleKeyCopy].add(
                    id=copy_id,
                    couple_id=couple_id,
                    user_id=person,
                    sealed_key=kb(80),
                    created_at=joined,
                )
                membership_id += 1
                copy_id += 1
            own = {"couple_id": couple_id}
            # The closeness path: each one's answers and yes list, and the couple's match.
            yes = ["b-walk", "b-hands", "b-hug", "b-rest"]
            for person in pair:
                tables[Answers].add(
                    id=uuid.uuid4(),
                    author_id=person,
                    visibility=private,
                    answers=blob.of(dict.fromkeys(yes, "yes")),
                    hidden=blob.of([]),
                    created_at=joined,
                    updated_at=joined,
                )
                tables[YesList].add(
                    id=uuid.uuid4(),
                    author_id=person,
                    visibility=shared,
                    steps=blob.of(yes),
                    created_at=joined,
                    updated_at=joined,
                    **own,
                )
            tables[SharedYes].add(
                id=uuid.uuid4(),
                author_id=pair[0],
                visibility=shared,
                steps=blob.of(yes),
                created_at=joined,
                updated_at=joined,
                **own,
            )
            promises = []
            for person in pair:
                c = uuid.uuid4()
                promises.append((c, person))
                tables[Commitment].add(
                    id=c,
                    author_id=person,
                    visibility=shared,
                    starts_on=first,
                    kind="promise",
                    title=blob.of("Text when I'm running late"),
                    created_at=joined,
                    **own,
                )
                tables[Schedule].add(
                    id=schedule_id, commitment_id=c, effective_from=first, cadence="daily"
                )
                schedule_id += 1
            agreement = uuid.uuid4()
            tables[Agreement].add(
                id=agreement,
                author_id=pair[0],
                visibility=shared,
                kind="transparency",
                status="in_effect",
                joint=True,
                created_at=joined,
                **own,
            )
            for v in range(3):
                tables[AgreementVersion].add(
                    id=uuid.uuid4(),
                    agreement_id=agreement,
                    author_id=pair[v % 2],
                    visibility=shared,
                    number=v + 1,
                    change="propose" if v == 0 else "revise",
                    state="accepted" if v == 2 else "replaced",
                    title=blob.of("Where I am on late nights"),
                    what=blob.of("Where I am and who I'm with"),
                    how_often=blob.of("Each evening I'm out late"),
                    channel=blob.of("A message before I set off home"),
                    notes=blob.of(None),
                    created_at=joined + timedelta(hours=v),
                    **own,
                )
            for d in range(days):
                day = first + timedelta(days=d)
                for k, person in enumerate(pair):
                    tables[CheckIn].add(
                        id=uuid.uuid4(),
                        author_id=person,
                        day=day,
                        visibility=shared if (n + d) % 10 < 7 else private,
                        safety=blob.of(5),
                        closeness=blob.of(6),
                        heaviness=blob.of(3),
                        moments=blob.of(["still_hurts"] if d % 4 == 0 else []),
                        words=blob.of("A few honest words about today." if d % 3 == 0 else None),
                        created_at=at(day, 20 + k),
                        **own,
                    )
                    c, owner = promises[k]
                    tables[Outcome].add(
                        id=uuid.uuid4(),
                        commitment_id=c,
                        author_id=owner,
                        on_date=day,
                        visibility=shared,
                        how_it_went=blob.of("kept"),
                        in_the_way=blob.of(None),
                        will_change=blob.of(None),
                        created_at=at(day, 21),
                        **own,
                    )
                    for b in range(2):
                        is_shared = (d + b) % 5 == 0
                        when = at(day, 9 + 6 * b + k)
                        tables[Bid].add(
                            id=uuid.uuid4(),
                            author_id=person,
                            couple_id=couple_id if is_shared else None,
                            visibility=shared if is_shared else private,
                            noted_at=when,
                            created_at=when,
                            who=blob.of("me"),
                            kind=blob.of("question"),
                            response=blob.of("toward"),
                            words=blob.of(None),
                        )
                if d % 3 == 0:
                    tables[JournalEntry].add(
                        id=uuid.uuid4(),
                        author_id=pair[d % 2],
                        visibility=private,
                        body=blob.of("Some private thoughts from today, written down. " * 3),
                        created_at=at(day, 22),
                    )
                if d % 7 == 0:
                    note_id, writer = uuid.uuid4(), (d // 7) % 2
                    tables[Appreciation].add(
                        id=note_id,
                        author_id=pair[writer],
                        visibility=shared,
                        what_they_did=blob.of("You made tea without being asked."),
                        what_it_meant=blob.of("I felt looked after."),
                        says_about_them=blob.of(None),
                        created_at=at(day, 18),
                        **own,
                    )
                    tables[AppreciationAnswer].add(  # the other's answer, a day later
                        id=uuid.uuid4(),
                        appreciation_id=note_id,
                        author_id=pair[1 - writer],
                        visibility=shared,
                        meant_a_lot=blob.of(True),
                        words=blob.of("Thank you, that means a lot."),
                        created_at=at(day + timedelta(days=1), 9),
                        **own,
                    )
                    tables[Conversation].add(
                        id=uuid.uuid4(),
                        author_id=pair[0],
                        visibility=shared,
                        kind="weekly",
                        mode="together",
                        stage="done",
                        topic=blob.of("How this week went"),
                        summary=blob.of({"heard": {"1": "Tired but hopeful"}, "will_do": {}}),
                        created_at=at(day, 19),
                        last_activity_at=at(day, 20),
                        finished_at=at(day, 20),
                        **own,
                    )
                    round_id = uuid.uuid4()
                    tables[Round].add(
                        id=round_id,
                        author_id=pair[0],
                        visibility=shared,
                        starts_on=day,
                        cadence="weekly",
                        bank_key=f"b{d // 7}",
                        both_answered_at=at(day, 21),
                        text=blob.of("What is something small that made you smile this week?"),
                        created_at=at(day, 7),
                        **own,
                    )
                    for person in pair:
                        tables[Answer].add(
                            id=uuid.uuid4(),
                            round_id=round_id,
                            author_id=person,
                            visibility=shared,
                            text=blob.of("The walk on Sunday, and the soup after."),
                            created_at=at(day, 21),
                            **own,
                        )
            couple_id += 1
            if (n + 1) % 1000 == 0:
                print(f"  {n + 1:,} couples", file=sys.stderr)
        for table in tables.values():
            table.flush()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(tables)):
                cursor.execute(sql)
    return sum(t.written for t in tables.values())


# ---------------------------------------------------------------------------------------
# EXPLAIN and timings.


def explain_pages(
    pages: dict[str, str], emails: list[str], password: str, many: int, wasted: int
) -> None:
    """EXPLAIN ANALYZE each SELECT behind each page: a Seq Scan on a table of more than
    `many` rows, or a filter that throws away more than `wasted` rows (read from disk or
    cache only to be discarded: rows of other couples, or years of one's own to keep a
    few weeks), is reported."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace"
        )
        sizes = dict(cursor.fetchall())
    print(f"\nEXPLAIN ANALYZE on {BIG}: Seq Scans on tables of more than {many:,} rows, and")
    print(f"filters discarding more than {wasted:,} rows")
    print(f"{'page':<18} {'who':<6} {'queries':>7}  findings")
    found_any = False
    for email in emails:
        client = Client()
        client.post("/account/sign-in/", {"email": email, "password": password})
        for label, path in pages.items():
            client.get(path)
            with CaptureQueriesContext(connection) as seen:
                assert client.get(path).status_code == 200, label
            findings: list[str] = []
            with connection.cursor() as cursor:
                for query in seen.captured_queries:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN ANALYZE " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    these = [
                        f"Seq Scan on {table} ({sizes[table]:,} rows)"
                        for table in SEQ_SCAN.findall(plan)
                        if sizes.get(table, 0) > many
                    ] + [
                        f"{removed:,} rows read and discarded"
                        for removed in map(int, REMOVED.findall(plan))
                        if removed > wasted
                    ]
                    if these:
                        where = " ".join(sql.split())
                        where = where[where.find(" FROM ") :][:600]
                        findings += [*these, "    ..." + where]
            found_any = found_any or bool(findings)
            who = email.split("@")[0]
            count = len(seen.captured_queries)
            print(f"{label:<18} {who:<6} {count:>7}  " + ("none" if not findings else ""))
            for finding in findings:
                print(f"    {finding}")
    print("nothing found" if not found_any else "findings above")


REDUNDANT_INDEXES = """
WITH idx AS (
    SELECT c.relname AS tbl, ic.relname AS name, i.indkey::text AS cols, i.indisunique AS u
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE c.relnamespace = 'public'::regnamespace AND i.indpred IS NULL AND am.amname = 'btree'
      AND NOT EXISTS (SELECT 1 FROM pg_opclass o WHERE o.oid = ANY(i.indclass)
                      AND o.opcname LIKE '%%pattern_ops')
)
SELECT a.tbl, a.name, b.name, c.reltuples::bigint
FROM idx a
JOIN idx b ON a.tbl = b.tbl AND a.name <> b.name
JOIN pg_class c ON c.relname = a.tbl AND c.relnamespace = 'public'::regnamespace
WHERE c.reltuples > %s AND (
    (a.cols = b.cols AND (a.u < b.u OR (a.u = b.u AND a.name < b.name)))
    OR (b.cols LIKE a.cols || ' %%' AND NOT a.u)
)
ORDER BY 1, 2
"""


def redundant_indexes(many: int) -> None:
    """Indexes another index already covers (the same columns, or a leading part of them)
    on tables of more than `many` rows: written on every insert, never needed to read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT_INDEXES, [many])
        found = cursor.fetchall()
    print(f"\nIndexes covered by another index, on tables of more than {many:,} rows:")
    for table, name, wider, rows in found:
        print(f"    {table} ({rows:,} rows): {name} is covered by {wider}")
    if not found:
        print("    none")


def compare(folder: Path, args: Any, pages: dict[str, str], email: str, password: str) -> None:
    from bench import load
    from bench.driver import Server, free_port

    servers = {}
    try:
        for name in (SMALL, BIG):
            port = free_port()
            env = load.server_env(
                TENDING_DATA_DIR=str(folder),
                TENDING_ALLOWED_HOSTS="127.0.0.1",
                DATABASE_URL=f"{args.url}/{name}",
                TENDING_PAGE_KEEP_SECONDS=str(load.keep_seconds()),
            )
            argv = [sys.executable, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1"]
            servers[name] = Server([*argv, "--port", str(port)], env, port, str(load.BASE_DIR))
            servers[name].wait_until("/health/live")
        visitors = {n: load.tending_visitor(s.port, email, password) for n, s in servers.items()}
        print(f"\nalice's pages, {args.runs} views each on each database, in turn")
        print(
            f"{'page':<18} {'alone: median':>13} {'p95':>6} "
            f"{f'+{args.couples:,}: median':>15} {'p95':>6} {'p95 ratio':>9}"
        )
        worst = 0.0
        for label, path in pages.items():
            samples: dict[str, list[float]] = {SMALL: [], BIG: []}
            for _ in range(3):
                for visitor in visitors.values():
                    visitor.get(path)
            for _ in range(args.runs):
                for name, visitor in visitors.items():
                    began = time.perf_counter()
                    visitor.get(path)
                    samples[name].append((time.perf_counter() - began) * 1000)
            small95, big95 = percentile(samples[SMALL], 95), percentile(samples[BIG], 95)
            worst = max(worst, big95 / small95)
            print(
                f"{label:<18} {statistics.median(samples[SMALL]):>13.1f} {small95:>6.1f} "
                f"{statistics.median(samples[BIG]):>15.1f} {big95:>6.1f} {big95 / small95:>9.2f}"
            )
        print(f"worst p95 ratio {worst:.2f} (target at most 1.2)")
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main()
