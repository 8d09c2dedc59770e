"""Bytes a browser moves on a cold load of a page, against a running `./tend start`.

    TENDING_DATA_DIR=$(mktemp -d) ./tend start --port 8765 --no-worker &
    python -m bench.transfer http://127.0.0.1:8765

Signs up a throwaway person through the pages, then loads each page with an empty cache the
way a browser does (Accept-Encoding: gzip, br): the HTML plus every stylesheet and script it
links. Counts response bodies as sent (compressed when the server compresses), not headers.
Only ever talks to 127.0.0.1; one bounded pass.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import sys
import urllib.parse
import urllib.request
from typing import Any

PAGES = ("/", "/account/settings/")
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


class Browser:
    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        if parts.scheme != "http" or parts.hostname != "127.0.0.1":
            raise SystemExit("bench.transfer only talks to http://127.0.0.1")
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, **options: Any) -> urllib.request.Request:
        # The base was checked to be http://127.0.0.1 above; paths are our own.
        return urllib.request.Request(self.base + path, **options)  # noqa: S310

    def get(self, path: str) -> tuple[bytes, str]:
        request = self.request(path, headers={"Accept-Encoding": "gzip, br"})
        with self.opener.open(request, timeout=30) as response:
            return response.read(), response.headers.get("Content-Encoding", "")

    def post(self, path: str, fields: dict[str, str]) -> None:
        self.get(path)  # the form page sets the CSRF cookie
        fields = {**fields, "csrfmiddlewaretoken": self._csrf()}
        body = urllib.parse.urlencode(fields).encode()
        request = self.request(path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as response:
            response.read()

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")


def cold_load(browser: Browser, path: str) -> tuple[int, int, str]:
    html, encoding = browser.get(path)
    assets = 0
    text = html.decode(errors="replace")
    if encoding:  # the page itself came compressed: read its links from the plain copy
        plain = browser.request(path)
        with browser.opener.open(plain, timeout=30) as response:
            text = response.read().decode()
    for url in sorted(set(ASSET.findall(text))):
        body, _ = browser.get(url)
        assets += len(body)
    return len(html), assets, encoding or "none"


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765"
    browser = Browser(base)
    browser.post(
        "/account/sign-up/",
        {
            "display_name": "Sam",
            "email": f"transfer-{secrets.token_hex(4)}@example.test",
            "password": "a long passphrase for the benchmark",
            "time_zone": "UTC",
        },
    )
    print(f"{'page':<22} {'HTML':>9} {'enc':>5} {'CSS+JS':>9} {'total':>9}")
    for path in PAGES:
        html, assets, encoding = cold_load(browser, path)
        total = html + assets
        print(f"{path:<22} {html:>9,} {encoding:>5} {assets:>9,} {total:>9,}")


if __name__ == "__main__":
    main()
