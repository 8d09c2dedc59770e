"""Median, p95 and query count of every main page, with its ratio to the framework floor.

    .venv/bin/python -m bench.pages                 (40 views of each page)
    .venv/bin/python -m bench.pages --runs 10
    .venv/bin/python -m bench.pages --profile       (also: where the mix's time goes)
    .venv/bin/python -m bench.pages --in-process    (also: each page without HTTP)

Builds the 5-year couple (bench/fiveyear.py) in a throwaway data folder and starts Tending
and the floor as bench.load does (gunicorn, 2 workers x 4 threads). One visitor at a time,
signed in as alice, loads each page `--runs` times over a keep-alive connection, and the
floor's page as many times in between (page, floor, page, floor ...), so the ratio compares
like with like. Query counts come from Django's test client in this process (same
database, same couple), counted with CaptureQueriesContext. "cold KB": what a browser
with an empty cache moves for the page (Accept-Encoding: gzip, br): the HTML as sent plus
every stylesheet and script it links, response bodies only. `--profile` runs the mix
(Today, calendar, check-in, trends, bids) under cProfile in this process and prints the
functions where the time goes. `--in-process` also times each page through Django's test
client in this process (no HTTP, no gunicorn, no compression): steadier on a shared machine
than the served figures, so a before-and-after of the code itself shows through.
`TENDING_PAGE_KEEP_SECONDS=0` before the command times every page made afresh (by default
a page is kept for a minute while nothing it read changes: privacy/kept_pages.py).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
from pathlib import Path

from bench.driver import Visitor, percentile, timed

ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')

RUNS = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"views of each page ({RUNS})")
    parser.add_argument("--years", type=float, default=5.0, help="history of the couple (5)")
    parser.add_argument("--profile", action="store_true", help="profile the mix (cProfile)")
    parser.add_argument("--in-process", action="store_true", help="also time without HTTP")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tending-pages-") as folder:
        run(
            Path(folder),
            runs=args.runs,
            years=args.years,
            profile=args.profile,
            in_process=args.in_process,
        )


def query_counts(pages: dict[str, str], email: str, password: str) -> dict[str, int]:
    """The queries of each page made afresh (a kept page shown again runs the same ones
    once more to check them, after the session's and the person's)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    assert client.post("/account/sign-in/", {"email": email, "password": password}).status_code
    counts = {}
    with override_settings(TENDING_PAGE_KEEP_SECONDS=0):
        for label, path in pages.items():
            client.get(path)  # first visits may write once (a yes list, a key hand-over)
            with CaptureQueriesContext(connection) as seen:
                assert client.get(path).status_code == 200, label
            counts[label] = len(seen.captured_queries)
    return counts


def in_process_ms(pages: dict[str, str], email: str, password: str, runs: int) -> None:
    """Each page through the test client in this process: median and p95, in ms."""
    from django.test import Client

    client = Client()
    client.post("/account/sign-in/", {"email": email, "password": password})
    print(f"\nIn this process (test client, no HTTP), {runs} views of each page:")
    print(f"{'page':<18} {'median ms':>9} {'p95 ms':>7}")
    for label, path in pages.items():
        for _ in range(3):
            client.get(path)
        ms = [timed(lambda p=path: client.get(p)) for _ in range(runs)]  # type: ignore[misc]
        print(f"{label:<18} {statistics.median(ms):>9.1f} {percentile(ms, 95):>7.1f}")


def profile_mix(pages: dict[str, str], email: str, password: str, rounds: int = 20) -> None:
    import cProfile
    import pstats

    from django.test import Client

    from bench import fiveyear

    client = Client()
    client.post("/account/sign-in/", {"email": email, "password": password})
    paths = [pages[p] for p in fiveyear.MIX]
    for path in paths:
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        for path in paths:
            client.get(path)
    profiler.disable()
    print(f"\nWhere the mix's time goes ({rounds} rounds of {', '.join(fiveyear.MIX)}):")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(18)
    stats.sort_stats("cumulative").print_stats(r"(views|services|presenters|entries)", 25)


def run(folder: Path, *, runs: int, years: float, profile: bool, in_process: bool) -> None:
    from bench import load

    emails, pages, password = load.build_couple(folder, years)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client sign in on host "testserver"
    counts = query_counts(pages, emails[0], password)
    if in_process:
        from tending import planner

        planner.refresh_statistics()  # as `serve` does after migrating
        in_process_ms(pages, emails[0], password, runs)
    if profile:
        profile_mix(pages, emails[0], password)
    (folder / "floor").mkdir()
    tending = load.start_tending(folder / "tending")
    floor = load.start_floor(folder / "floor")
    try:
        visitor = load.tending_visitor(tending.port, emails[0], password)
        base = load.floor_visitor(floor.port)
        rows = []
        floor_all: list[float] = []
        for label, path in pages.items():
            page_ms, floor_ms = [], []
            for _ in range(3):
                visitor.get(path), base.get("/")
            for _ in range(runs):
                page_ms.append(timed(lambda p=path: _ok(visitor, p)))  # type: ignore[misc]
                floor_ms.append(timed(lambda: _ok(base, "/")))
            floor_all += floor_ms
            rows.append((label, page_ms, floor_ms, cold_bytes(visitor, path)))
    finally:
        tending.stop()
        floor.stop()
    floor_median = statistics.median(floor_all)
    print(f"\nalice, one visitor, {runs} views of each page; floor median {floor_median:.1f} ms")
    print(
        f"{'page':<18} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'x floor':>7} {'cold KB':>7}"
    )
    for label, page_ms, floor_ms, cold in rows:
        median = statistics.median(page_ms)
        ratio = median / statistics.median(floor_ms)
        print(
            f"{label:<18} {median:>9.1f} {percentile(page_ms, 95):>7.1f} "
            f"{counts[label]:>7} {ratio:>7.1f} {cold / 1000:>7.1f}"
        )


def cold_bytes(visitor: Visitor, path: str) -> int:
    """Bytes of a cold load: the page as sent, and each asset it links, as sent."""
    wanted = {"Accept-Encoding": "gzip, br"}
    status, sent = visitor.request("GET", path, headers=wanted)
    _, plain = visitor.request("GET", path, headers={"Accept-Encoding": "identity"})
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    total = len(sent)
    for asset in sorted(set(ASSET.findall(plain.decode(errors="replace")))):
        total += len(visitor.request("GET", asset, headers=wanted)[1])
    return total


def _ok(visitor: Visitor, path: str) -> None:
    status = visitor.get(path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")


if __name__ == "__main__":
    main()
