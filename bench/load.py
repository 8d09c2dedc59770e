"""Throughput of Tending against the framework floor, both served as `./tend start` serves.

    .venv/bin/python -m bench.load            (about six minutes)
    .venv/bin/python -m bench.load --quick    (under three minutes)

Builds the 5-year couple (bench/fiveyear.py) in a throwaway data folder, then starts two
servers side by side on free ports of 127.0.0.1:
- Tending through `manage.py serve --no-worker` (what `./tend start` runs: migrate, collect
  hashed compressed static files, gunicorn with 2 workers x 4 threads);
- the floor, a minimal Django project in bench/floor/ (stock middleware, a login-required
  view with a tiny template, the same hasher, SQLite and gunicorn settings).
Each visitor signs in through the real sign-in page (its own cookies), then asks for a new
connection with every page, on both servers, as a proxy in front does: a kept-alive
connection stays with one worker, and four of them landed three to one on the two workers
about as often as two to two, which took the mix from about 370 to 170 views a second
(bench/driver.py: Visitor). Phases alternate between the two (floor, mix, mix, floor ...)
at 1 and at 4 visitors, so that both see the same machine. The mix walks Today, calendar, check-in,
trends and bids (alice and bob take turns being the visitor); the floor's visitors load
its one page. Then sign-in: a person signed up through Tending's own pages (so at the
app's real key-derivation cost) and a floor user, signing in in turn.

Pages are kept for a minute while nothing they read changes, as `./tend start` does
(privacy/kept_pages.py); `TENDING_PAGE_KEEP_SECONDS=0 python -m bench.load` times every page
made afresh instead.

Prints a table; the last line is `mix N views/s, floor N views/s, ratio N` at 4 visitors.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.driver import Phase, Server, Visitor, free_port, run_phase

BASE_DIR = Path(__file__).resolve().parent.parent
FLOOR_USER, FLOOR_PASSWORD = "floor", "a long passphrase for the benchmark"
SIGNIN_EMAIL = "signin@example.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases (< 3 minutes)")
    parser.add_argument("--years", type=float, default=5.0, help="history of the couple (5)")
    parser.add_argument("--seconds", type=float, help="length of each phase")
    parser.add_argument("--rounds", type=int, help="times each phase is repeated")
    parser.add_argument("--signins", type=int, help="sign-ins timed on each side")
    args = parser.parse_args()
    seconds = args.seconds or (6.0 if args.quick else 20.0)
    rounds = args.rounds or (2 if args.quick else 3)
    signins = args.signins or (5 if args.quick else 15)
    with tempfile.TemporaryDirectory(prefix="tending-load-") as folder:
        run(Path(folder), years=args.years, seconds=seconds, rounds=rounds, signins=signins)


def server_env(**extra: str) -> dict[str, str]:
    """The caller's environment without what the benches set for themselves."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    return {**env, **extra}


def keep_seconds() -> int:
    """How long a quiet page is kept (privacy/kept_pages.py), as this process's settings say:
    their default, or `TENDING_PAGE_KEEP_SECONDS` as the caller set it (0: every page made
    afresh). Passed on to the servers, whose environment the benches otherwise clear."""
    from privacy import kept_pages

    return kept_pages.keep_seconds()


def start_tending(data_dir: Path) -> Server:
    port = free_port()
    env = server_env(
        TENDING_DATA_DIR=str(data_dir),
        TENDING_ALLOWED_HOSTS="127.0.0.1",
        TENDING_STATIC_ROOT=str(data_dir / "static"),
        TENDING_PAGE_KEEP_SECONDS=str(keep_seconds()),
    )
    argv = [sys.executable, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1"]
    server = Server([*argv, "--port", str(port)], env, port, str(BASE_DIR))
    server.wait_until("/health/live")
    return server


def start_floor(data_dir: Path) -> Server:
    import subprocess

    env = server_env(FLOOR_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="bench.floor.settings")
    make_user = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user({FLOOR_USER!r}, password={FLOOR_PASSWORD!r})"
    )
    for command in (["migrate", "--verbosity", "0"], ["shell", "-c", make_user]):
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "django", *command], env=env, cwd=BASE_DIR, check=True
        )
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "bench.floor.wsgi:application"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "gthread"]
    argv += ["--threads", "4", "--log-level", "warning"]
    server = Server(argv, env, port, str(BASE_DIR))
    server.wait_until("/sign-in/")
    return server


def tending_visitor(
    port: int, email: str, password: str, *, connection_per_request: bool = False
) -> Visitor:
    visitor = Visitor(port, connection_per_request=connection_per_request)
    status = visitor.post_form("/account/sign-in/", {"email": email, "password": password})
    if status != 302:
        raise RuntimeError(f"Tending sign-in answered {status}")
    return visitor


def floor_visitor(port: int, *, connection_per_request: bool = False) -> Visitor:
    visitor = Visitor(port, connection_per_request=connection_per_request)
    fields = {"username": FLOOR_USER, "password": FLOOR_PASSWORD}
    if visitor.post_form("/sign-in/", fields) != 302:
        raise RuntimeError("floor sign-in failed")
    return visitor


def build_couple(data_dir: Path, years: float) -> tuple[list[str], dict[str, str], str]:
    """The couple, in this process (then closed): emails, the main pages, the password."""
    from bench.common import prepare

    prepare(data_dir / "tending")
    from django.core.management import call_command
    from django.db import connections

    from bench import fiveyear

    call_command("migrate", verbosity=0)
    five = fiveyear.build(years)
    pages = fiveyear.main_pages(five)
    print(f"Data: the 5-year couple, {five.rows:,} rows made in {five.seconds:.1f} s")
    connections.close_all()
    return [five.alice.email, five.bob.email], pages, five.password


def run(folder: Path, *, years: float, seconds: float, rounds: int, signins: int) -> None:
    from bench.fiveyear import MIX

    emails, pages, password = build_couple(folder, years)
    mix = [pages[label] for label in MIX]
    (folder / "floor").mkdir()
    tending = start_tending(folder / "tending")
    floor = start_floor(folder / "floor")
    try:
        results = measure(tending, floor, emails, password, mix, seconds, rounds)
        signin = measure_signin(tending, floor, signins)
    finally:
        tending.stop()
        floor.stop()
    report(results, signin, seconds, rounds)


def measure(
    tending: Server,
    floor: Server,
    emails: list[str],
    password: str,
    mix: list[str],
    seconds: float,
    rounds: int,
) -> dict[tuple[str, int], Phase]:
    results: dict[tuple[str, int], Phase] = {}
    for clients in (1, 4):
        # A connection per request for both servers (bench/driver.py: Visitor): with
        # kept-alive connections the result turned on how four landed on two workers.
        people = [
            tending_visitor(tending.port, emails[n % 2], password, connection_per_request=True)
            for n in range(clients)
        ]
        floors = [floor_visitor(floor.port, connection_per_request=True) for _ in range(clients)]
        run_phase(people, mix, 2)  # warm: templates compiled, connections open
        run_phase(floors, ["/"], 2)
        for r in range(rounds):
            order = (("floor", floors, ["/"]), ("mix", people, mix))
            for name, visitors, paths in order if r % 2 == 0 else order[::-1]:
                phase = run_phase(visitors, paths, seconds)
                results.setdefault((name, clients), Phase()).add(phase)
        for visitor in people + floors:
            visitor.close()
    return results


def measure_signin(tending: Server, floor: Server, count: int) -> dict[str, list[float]]:
    """Sign-in POSTs, alternating Tending and the floor; each on a fresh connection."""
    newcomer = Visitor(tending.port)
    status = newcomer.post_form(
        "/account/sign-up/",
        {
            "display_name": "Sam",
            "email": SIGNIN_EMAIL,
            "password": FLOOR_PASSWORD,
            "time_zone": "UTC",
        },
    )
    if status != 302:
        raise RuntimeError(f"sign-up answered {status}")
    link = _emailed_sign_up_link(SIGNIN_EMAIL)
    if newcomer.post_form(link, {"password": FLOOR_PASSWORD}) != 302:
        raise RuntimeError("finishing sign-up through the emailed link failed")
    newcomer.close()
    samples: dict[str, list[float]] = {"Tending": [], "floor": []}
    for _ in range(count + 1):  # the first of each warms up and is dropped
        for name, port, path, fields in (
            ("Tending", tending.port, "/account/sign-in/", {"email": SIGNIN_EMAIL}),
            ("floor", floor.port, "/sign-in/", {"username": FLOOR_USER}),
        ):
            visitor = Visitor(port)
            token = visitor.form_token(path)
            began = time.perf_counter()
            status = visitor.submit(path, {**fields, "password": FLOOR_PASSWORD}, token)
            ms = (time.perf_counter() - began) * 1000
            if status != 302:
                raise RuntimeError(f"{name} sign-in answered {status}")
            samples[name].append(ms)
            visitor.close()
    return {name: values[1:] for name, values in samples.items()}


def _emailed_sign_up_link(email: str) -> str:
    """The path in the sign-up email Tending queued (its outbox is in the same database)."""
    import re

    from outbox.models import OutboxEmail

    sent = OutboxEmail.objects.filter(to=email).order_by("-pk").first()
    found = re.search(r"https?://[^/\s]+(/account/sign-up/[\w-]+/)", sent.body if sent else "")
    if found is None:
        raise RuntimeError(f"no sign-up email to {email}")
    return found.group(1)


def report(
    results: dict[tuple[str, int], Phase],
    signin: dict[str, list[float]],
    seconds: float,
    rounds: int,
) -> None:
    kept = f"kept up to {keep_seconds()} s" if keep_seconds() else "every page made afresh"
    print(f"\n{rounds} rounds of {seconds:g} s per phase, phases interleaved; pages {kept}")
    print(f"{'what':<8} {'clients':>7} {'views/s':>9} {'median ms':>10} {'p95 ms':>8} {'views':>7}")
    for (name, clients), phase in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        errors = f"  ({phase.errors} not 200)" if phase.errors else ""
        print(
            f"{name:<8} {clients:>7} {phase.rate:>9.1f} {phase.median:>10.1f} "
            f"{phase.p95:>8.1f} {phase.views:>7}{errors}"
        )
    tending_ms = statistics.median(signin["Tending"])
    floor_ms = statistics.median(signin["floor"])
    print(
        f"\nsign-in (POST, median of {len(signin['Tending'])}): Tending {tending_ms:.0f} ms, "
        f"plain Django with the same hasher {floor_ms:.0f} ms, "
        f"difference {tending_ms - floor_ms:+.0f} ms"
    )
    mix, floor = results[("mix", 4)].rate, results[("floor", 4)].rate
    print(f"mix {mix:.1f} views/s, floor {floor:.1f} views/s, ratio {mix / floor:.2f}")


if __name__ == "__main__":
    main()
