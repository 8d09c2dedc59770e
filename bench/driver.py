"""A small HTTP load driver for the benches: keep-alive connections, real cookies, timings.

Only ever talks to 127.0.0.1. Each `Visitor` holds one keep-alive connection (or opens one
per request) and its own cookies, like one browser tab; `run_phase` drives several visitors
from threads for a fixed time and counts the page views that came back 200.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    def __init__(self, port: int, *, connection_per_request: bool = False) -> None:
        """`connection_per_request`: ask the server to close after each answer, so the next
        request opens a new connection, as a proxy in front of the server does by default
        (nginx speaks HTTP/1.0 to its upstream). The server's workers then share out the
        requests; a kept-alive connection stays with one worker, and four of them on two
        workers land three to one as often as two to two, which halves the throughput."""
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.closing = {"Connection": "close"} if connection_per_request else {}

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Accept-Encoding": "gzip",
            "Host": f"127.0.0.1:{self.port}",
            **self.closing,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=self._headers(headers))
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for raw in response.msg.get_all("Set-Cookie") or []:
            pair, _, attributes = raw.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower() or value in {"", '""'}:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, data

    def get(self, path: str) -> int:
        return self.request("GET", path)[0]

    def post_form(self, path: str, fields: dict[str, str]) -> int:
        """GET the form (CSRF cookie and token), then POST it as a browser does."""
        return self.submit(path, fields, self.form_token(path))

    def form_token(self, path: str) -> str:
        self.cookies.pop("csrftoken", None)
        status, page = self.request("GET", path, headers={"Accept-Encoding": "identity"})
        found = CSRF_FIELD.search(page.decode(errors="replace"))
        if status != 200 or found is None:
            raise RuntimeError(f"no form at {path} ({status})")
        return found.group(1)

    def submit(self, path: str, fields: dict[str, str], token: str) -> int:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
        status, _ = self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            },
        )
        return status

    def close(self) -> None:
        self.connection.close()


@dataclass
class Phase:
    """What one phase measured: views that came back 200, the seconds, each view's time."""

    views: int = 0
    seconds: float = 0.0
    errors: int = 0
    samples_ms: list[float] = field(default_factory=list)

    def add(self, other: Phase) -> None:
        self.views += other.views
        self.seconds += other.seconds
        self.errors += other.errors
        self.samples_ms.extend(other.samples_ms)

    @property
    def rate(self) -> float:
        return self.views / self.seconds if self.seconds else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)


def percentile(samples: Sequence[float], pct: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_phase(visitors: Sequence[Visitor], paths: Sequence[str], seconds: float) -> Phase:
    """Each visitor walks `paths` round and round for `seconds`; all at once, one thread
    each. A view counts when its answer (200) was read completely."""
    stop_at = time.perf_counter() + seconds
    results = [Phase() for _ in visitors]
    start = threading.Barrier(len(visitors) + 1)

    def walk(n: int, visitor: Visitor) -> None:
        mine, step = results[n], n  # each starts at a different page
        start.wait()
        while time.perf_counter() < stop_at:
            path = paths[step % len(paths)]
            step += 1
            began = time.perf_counter()
            status, _ = visitor.request("GET", path)
            if status == 200:
                mine.views += 1
                mine.samples_ms.append((time.perf_counter() - began) * 1000)
            else:
                mine.errors += 1

    threads = [threading.Thread(target=walk, args=(n, v)) for n, v in enumerate(visitors)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    total = Phase(seconds=time.perf_counter() - began)
    for result in results:
        total.views += result.views
        total.errors += result.errors
        total.samples_ms.extend(result.samples_ms)
    return total


class Server:
    """A server process of ours (started here, stopped here by its own pid)."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, cwd: str) -> None:
        self.port = port
        self.process = subprocess.Popen(  # noqa: S603
            argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_until(self, path: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"server stopped: {err[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", path)
                if connection.getresponse().status < 500:
                    connection.close()
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server on port {self.port} did not answer {path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return (time.perf_counter() - began) * 1000
