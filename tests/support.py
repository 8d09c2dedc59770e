"""Helpers shared by the cross-cutting tests and by the apps' tests."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(
    args: list[str], data_dir: Path, env: dict[str, str] | None = None, *, umask: int = -1
) -> subprocess.CompletedProcess[str]:
    """Run manage.py as an operator would: SQLite in `data_dir`, only the given settings."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TENDING_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update({"TENDING_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        umask=umask,
    )


def finish_sign_up(client: Any, response: Any, email: str, password: str) -> str:
    """The rest of sign-up after the form was sent (`response`): the emailed link, the
    password once more, the one-time recovery code, and the safety check offered on the
    way (skipped, as "Not now" does). Returns where the person finally lands."""
    import re
    from urllib.parse import parse_qs, urlsplit

    from outbox.models import OutboxEmail

    assert response.status_code == 302 and response["Location"] == "/account/sign-up/sent/"
    sent = OutboxEmail.objects.filter(to=email.strip().lower()).order_by("-pk").first()
    assert sent is not None, f"no email to {email}"
    found = re.search(r"https?://[^/\s]+(/account/sign-up/[\w-]+/)", sent.body)
    assert found, "no sign-up link in the email"
    finished = client.post(found.group(1), {"password": password})
    assert finished.status_code == 302, finished.content.decode()[:2000]
    location = str(finished["Location"])
    if location.startswith("/account/recovery-code/"):
        location = str(client.post(location)["Location"])
    if location.startswith("/help/safety-check/"):
        location = parse_qs(urlsplit(location).query).get("next", ["/"])[0]
    return location


def text(response: Any) -> str:
    """The page as a person reads it: entities such as &#x27; turned back into characters."""
    return html.unescape(response.content.decode())


def markup(response: Any) -> str:
    """The page's HTML as sent, entities and all."""
    return str(response.content.decode())


def form_errors(response: Any) -> str:
    """What the form's error box says, or "" when it isn't there."""
    found = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', text(response), re.S)
    return found.group(1).strip() if found else ""


def is_signed_in(client: Client) -> bool:
    return client.get("/account/settings/").status_code == 200


def queries_for(client: Client, url: str) -> int:
    """The queries one GET of `url` costs to make (it must answer 200). A page kept from a
    moment ago (privacy/kept_pages.py) would run them again to check them: counted here is
    the page made afresh, which is what a budget is about."""
    with (
        override_settings(TENDING_PAGE_KEEP_SECONDS=0),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def count_queries(client: Client, url: str) -> int:
    """`queries_for` after a first, uncounted GET: the first request of a session does
    one-off work."""
    client.get(url)
    return queries_for(client, url)
