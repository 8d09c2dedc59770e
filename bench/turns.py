"""Measures how long the partner's screen takes to follow a turn change in a conversation
held on two devices.

    .venv/bin/python -m bench.turns             (20 turn changes)
    .venv/bin/python -m bench.turns --turns 60  (more, for steadier numbers)

It builds a throwaway SQLite database in a temporary data folder (never the real one), makes
Alice and Bob, paired, and starts the production server on it (gunicorn, as `./tend start`
runs it, on a free local port). Two Playwright contexts drive Debian's Chromium at phone
size, one per partner, each signed in through the sign-in page. Alice starts the weekly
conversation, each on their own device, and both open it. Then, turn after turn, whoever
has the step taps it ("I've said it", then "That's what I heard" and "Not quite" in turn,
so it can go on for as long as asked), and the clock runs from that tap until the other
phone's `#stage` shows the new revision; that phone follows by polling the state endpoint,
as it always does. The tap comes after a random pause of a few seconds (a person reading),
so it falls anywhere in the other phone's polling cycle rather than always at the same
point of it. The clock is `time.perf_counter` around Playwright's click and a
`wait_for_function` checked on every animation frame, so each sample also holds the
protocol's round trips (a few ms). Median, 90th percentile and maximum are printed with the
polling interval the page uses. Nothing here judges the numbers.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import PASSWORD, couple, prepare

# The test client used while the data is made has no collected static files; the server does.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

TURNS = 20
THINK_S = (0.5, 3.5)  # a person reads before tapping: two polling cycles and then some
SEED = 8
FOLLOW_TIMEOUT_MS = 15_000

# Whose tap moves the conversation on from each stage, and where it goes, while it loops
# between saying back and checking. Alice speaks first: she taps in speaking and checking,
# Bob in reflecting. "Not quite" sends it back to reflecting, so the loop never ends by
# itself. (The stage is followed here rather than read from the page: htmx keeps the old
# `class` on a swapped-in `#stage` for a moment while it settles.)
TAPS = {
    "speaking": ("alice", "I've said it", "reflecting"),
    "reflecting": ("bob", "That's what I heard", "checking"),
    "checking": ("alice", "Not quite", "reflecting"),
}

REVISION_OF = "() => document.querySelector('#stage').dataset.revision"
AT_STAGE = "(stage) => document.querySelector('#stage').classList.contains('cv-at-' + stage)"
MOVED_ON = "(shown) => document.querySelector('#stage').dataset.revision !== shown"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--turns", type=int, default=TURNS, help=f"turn changes ({TURNS})")
    parser.add_argument("--seed", type=int, default=SEED, help="for the pauses between taps")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        couple()  # migrated; Alice and Bob paired, and the couple key handed over
        _run(Path(folder), args.turns, random.Random(args.seed))  # noqa: S311 (timing, not secrets)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn on the throwaway database, as `manage.py serve` starts it."""
    from django.conf import settings

    port = _free_port()
    env = {**os.environ, "TENDING_ALLOWED_HOSTS": "127.0.0.1", "TENDING_LOG_LEVEL": "WARNING"}
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "tending.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(settings.SERVE_WORKERS),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        argv, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/account/sign-in/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, url
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise SystemExit(f"The server didn't start; see {folder / 'server.log'}")
        time.sleep(0.2)


def _sign_in(page: Page, email: str) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Today").wait_for()


def _run(folder: Path, turns: int, rng: random.Random) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    server, url = _serve(folder)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            pages: dict[str, Page] = {}
            for name in ("alice", "bob"):
                context = browser.new_context(base_url=url, timezone_id="Europe/Amsterdam", **PHONE)
                context.set_default_timeout(FOLLOW_TIMEOUT_MS)
                pages[name] = context.new_page()
                _sign_in(pages[name], f"{name}@example.test")
            alice, bob = pages["alice"], pages["bob"]

            alice.goto("/conversations/")
            alice.get_by_role("radio", name="Each on our own device").check()
            with alice.expect_navigation():
                alice.get_by_role("button", name="Begin").click()
            bob.goto(alice.url)
            with alice.expect_response(lambda r: "/act/" in r.url):
                alice.get_by_role("button", name="I'll speak first").click()
            bob.wait_for_function(AT_STAGE, arg="speaking", polling="raf")
            poll = bob.locator("#stage").get_attribute("hx-trigger")

            samples: dict[str, list[float]] = {"alice": [], "bob": []}  # by whose screen
            act_ms: list[float] = []  # the tap's own request, sent to answered
            state_ms: list[float] = []  # the poll that brought the news, sent to answered
            stage = "speaking"
            for _ in range(turns):
                who, label, stage = TAPS[stage]
                tapper, follower = (alice, bob) if who == "alice" else (bob, alice)
                shown = follower.evaluate(REVISION_OF)
                time.sleep(rng.uniform(*THINK_S))  # reading, before the tap
                with (
                    tapper.expect_response(lambda r: "/act/" in r.url) as act,
                    follower.expect_response(
                        lambda r: "/state/" in r.url and r.status == 200
                    ) as news,
                ):
                    started = time.perf_counter()
                    tapper.locator("#stage").get_by_role("button", name=label, exact=True).click()
                    follower.wait_for_function(MOVED_ON, arg=shown, polling="raf")
                    took = (time.perf_counter() - started) * 1000
                act_ms.append(_round_trip(act.value))
                state_ms.append(_round_trip(news.value))
                samples["bob" if follower is bob else "alice"].append(took)
                # The tapper's own screen has its answer too before the next round.
                tapper.wait_for_function(MOVED_ON, arg=shown, polling="raf")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    from django.conf import settings

    every = [s for found in samples.values() for s in found]
    print(
        f"Server: gunicorn, {settings.SERVE_WORKERS} workers of 4 threads, SQLite; "
        f"the page polls with hx-trigger={poll!r}"
    )
    print(f"{len(every)} turn changes, each from the tap until the other phone shows it:")
    for label, found in (
        ("all", every),
        ("on Bob's screen", samples["bob"]),
        ("on Alice's screen", samples["alice"]),
    ):
        print(f"  {label:18} {_summary(found)}")
    print("Of which, in the browser's own timing (request sent until answer received):")
    print(f"  {'the tap (act)':18} {_summary(act_ms)}")
    print(f"  {'the poll (state)':18} {_summary(state_ms)}")


def _round_trip(response: Response) -> float:
    response.finished()
    timing = response.request.timing
    return float(timing["responseEnd"] - timing["requestStart"])


def _summary(ms: list[float]) -> str:
    if not ms:
        return "none"
    ordered = sorted(ms)
    p90 = statistics.quantiles(ordered, n=10, method="inclusive")[8] if len(ms) > 1 else ms[0]
    return (
        f"median {statistics.median(ordered):6.0f} ms  p90 {p90:6.0f} ms  "
        f"max {ordered[-1]:6.0f} ms  min {ordered[0]:5.0f} ms  ({len(ordered)} samples)"
    )


if __name__ == "__main__":
    main()
