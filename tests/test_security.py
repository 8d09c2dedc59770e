"""Security posture: strict CSP, no inline code, CSRF, framing, deploy and Tending checks."""

from __future__ import annotations

import re
import secrets
import subprocess
import warnings
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client, override_settings

from conftest import PASSWORD, Cast, make_user, signed_in
from couples.models import Role
from tending.checks import check_shared_secret
from tests.support import run_manage

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Pages: strict CSP and no inline code -----------------------------------------------------


class InlineCodeFinder(HTMLParser):
    """Collects every inline script, inline style and event-handler attribute in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self.scripts_with_src = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
        if tag == "script":
            self._in_script = True
            if "src" in names:
                self.scripts_with_src += 1
            else:
                self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script body: {data.strip()[:40]!r}")


def inline_code(page: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(page)
    finder.close()
    return finder.problems


def test_the_inline_code_finder_finds_what_it_looks_for() -> None:
    assert inline_code('<p style="color:red">x</p>') == ["<p style=…>"]
    assert inline_code('<button onclick="go()">x</button>') == ["<button onclick=…>"]
    assert inline_code("<script>alert(1)</script>") == [
        "<script> without src",
        "inline script body: 'alert(1)'",
    ]
    assert inline_code("<style>p{}</style>") == ["<style> element"]
    assert inline_code('<script src="/static/app.js" defer></script><p class="x">ok</p>') == []


def csp_directives(response: Response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def visit_every_kind_of_page(cast: Cast) -> dict[str, Response]:
    """Every page of accounts and couples, in each state a person can be in."""
    pages: dict[str, Response] = {}
    anonymous = cast.anonymous
    pages["sign in"] = anonymous.get("/account/sign-in/")
    pages["sign up"] = anonymous.get("/account/sign-up/")
    pages["join with a code"] = anonymous.get("/join/")
    pages["join: unknown link"] = anonymous.get("/join/no-such-token/")

    erin = cast.erin.client
    pages["today: no space"] = erin.get("/")
    erin.post("/couple/start/", {"role": Role.BOTH})
    pages["today: space, nobody invited"] = erin.get("/")
    invite = erin.post("/couple/invite/")
    pages["invitation made"] = invite
    pages["today: invitation waiting"] = erin.get("/")
    token = re.search(r"/join/([^/\"]+)/\"", invite.content.decode())
    assert token is not None
    pages["join: welcome"] = Client().get(f"/join/{token.group(1)}/")
    frank = signed_in(make_user("Frank"))
    frank.get(f"/join/{token.group(1)}/")
    pages["join: accept"] = frank.get("/join/accept/")
    assert erin.get(f"/join/{token.group(1)}/").status_code == 302
    pages["join: own invitation"] = erin.get("/join/accept/")

    alice = cast.alice.client
    pages["today: together"] = alice.get("/")
    pages["couple"] = alice.get("/couple/")
    pages["couple: htmx fragment"] = alice.post(
        "/couple/", {"role": Role.BOTH}, headers={"HX-Request": "true"}
    )
    pages["leave"] = alice.get("/couple/leave/")
    pages["leave: wrong password"] = alice.post("/couple/leave/", {"password": "no"})
    pages["settings"] = alice.get("/account/settings/")
    pages["change password"] = alice.get("/account/settings/password/")
    pages["sign out everywhere"] = alice.get("/account/settings/sign-out-everywhere/")

    cast.bob.client.post("/couple/leave/", {"password": PASSWORD})
    pages["today: partner left"] = alice.get("/")
    pages["couple: partner left"] = alice.get("/couple/")
    return pages


def test_every_page_has_a_strict_content_security_policy(cast: Cast) -> None:
    for name, response in visit_every_kind_of_page(cast).items():
        assert response.status_code in {200, 409, 410}, name
        csp = csp_directives(response)
        assert csp.get("script-src") == ["'self'"], name
        assert csp.get("default-src") == ["'none'"], name
        assert csp.get("frame-ancestors") == ["'none'"], name
        assert "'unsafe-inline'" not in csp.get("style-src", ["'unsafe-inline'"]), name
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, name


def test_no_page_has_inline_script_style_or_event_handlers(cast: Cast) -> None:
    pages = visit_every_kind_of_page(cast)
    assert len(pages) >= 20
    for name, response in pages.items():
        page = response.content.decode()
        assert inline_code(page) == [], name
    full_page = pages["today: together"].content.decode()
    assert full_page.count("<script") >= 1  # the finder did see the (external) scripts


def test_pages_cannot_be_framed(cast: Cast) -> None:
    for response in (cast.anonymous.get("/account/sign-in/"), cast.alice.client.get("/")):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


# --- CSRF -------------------------------------------------------------------------------------


def csrf_token_from(response: Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/couple/start/", {"role": "both"}),
        ("/account/settings/", {"display_name": "Mallory", "time_zone": "UTC"}),
        ("/account/sign-out/", {}),
    ],
)
def test_posts_without_a_csrf_token_are_refused(cast: Cast, url: str, data: dict[str, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.erin.user)
    response = client.post(url, data)
    assert response.status_code == 403
    cast.erin.user.refresh_from_db()
    assert cast.erin.user.display_name == "Erin"
    assert not cast.erin.user.memberships.exists()
    assert client.get("/account/settings/").status_code == 200  # still signed in

    # The same request with the page's token goes through.
    token = csrf_token_from(client.get("/account/settings/"))
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302


def test_sign_in_without_a_csrf_token_is_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/account/sign-in/", {"email": "alice@example.test", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- Settings and deploy checks ---------------------------------------------------------------


def manage(
    args: list[str], env: dict[str, str], data_dir: Path
) -> subprocess.CompletedProcess[str]:
    return run_manage(args, data_dir, env)


def production_env(**extra: str) -> dict[str, str]:
    return {
        "TENDING_HTTPS": "1",
        "TENDING_SECRET_KEY": secrets.token_urlsafe(48),
        "TENDING_ALLOWED_HOSTS": "tending.example.org",
        **extra,
    }


def test_debug_is_off_unless_asked_for(tmp_path: Path) -> None:
    show = ["shell", "-c", "from django.conf import settings; print('DEBUG', settings.DEBUG)"]
    default = manage(show, {}, tmp_path)
    assert default.returncode == 0, default.stderr
    assert "DEBUG False" in default.stdout
    asked = manage(show, {"TENDING_DEBUG": "1"}, tmp_path)
    assert "DEBUG True" in asked.stdout


def test_deploy_check_passes_in_production(tmp_path: Path) -> None:
    result = manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        production_env(TENDING_SMTP_HOST="smtp.example.org"),
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_for_smtp_in_production(tmp_path: Path) -> None:
    # Password-reset links go by email: printing them to a server console is a mistake.
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], production_env(), tmp_path)
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


def test_deploy_check_fails_without_https(tmp_path: Path) -> None:
    env = production_env(TENDING_SMTP_HOST="smtp.example.org")
    del env["TENDING_HTTPS"]
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check_id in ("security.W008", "security.W012", "security.W016", "tending.W002"):
        assert check_id in output


def run_check(**overrides: Any) -> list[str]:
    with warnings.catch_warnings():
        # Overriding DATABASES warns; the check only reads the engine name.
        warnings.simplefilter("ignore", UserWarning)
        with override_settings(**overrides):
            return [message.id or "" for message in check_shared_secret(None)]


POSTGRES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "tending"}}
SQLITE = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "tending.sqlite3"}}
LOCAL = ["127.0.0.1", "localhost", "[::1]"]


@pytest.mark.parametrize(
    ("databases", "from_file", "fires"),
    [(POSTGRES, True, True), (POSTGRES, False, False), (SQLITE, True, False)],
)
def test_w001_fires_only_for_postgres_with_a_per_machine_key(
    databases: dict[str, Any], from_file: bool, fires: bool
) -> None:
    found = run_check(
        DATABASES=databases, SECRET_KEY_FROM_FILE=from_file, HTTPS=True, ALLOWED_HOSTS=LOCAL
    )
    assert ("tending.W001" in found) is fires
    assert "tending.W002" not in found


@pytest.mark.parametrize(
    ("https", "hosts", "fires"),
    [
        (False, ["tending.example.org"], True),
        (False, [*LOCAL, "tending.example.org"], True),
        (False, ["*"], True),
        (False, LOCAL, False),
        (True, ["tending.example.org"], False),
    ],
)
def test_w002_fires_only_for_other_hosts_over_plain_http(
    https: bool, hosts: list[str], fires: bool
) -> None:
    found = run_check(DATABASES=SQLITE, SECRET_KEY_FROM_FILE=True, HTTPS=https, ALLOWED_HOSTS=hosts)
    assert ("tending.W002" in found) is fires
    assert "tending.W001" not in found


def test_tending_checks_are_registered_for_deploy() -> None:
    from django.core.checks import registry

    deploy_checks: list[Callable[..., Any]] = list(registry.registry.get_checks(True))
    assert check_shared_secret in deploy_checks
    assert check_shared_secret not in list(registry.registry.get_checks(False))


@pytest.mark.django_db
def test_model_checks_hold_at_every_time_of_day() -> None:
    """Django warns about a fixed time default (fields.W161) only within ten seconds of that
    time of day: once, at 8:00, that failed the deploy check. Run the model checks at the
    times our defaults name."""
    import datetime as dt

    import time_machine
    from django.core import checks

    for hour in (0, 8, 12, 21):
        moment = dt.datetime(2026, 3, 2, hour, 0, 0, tzinfo=dt.UTC)
        with time_machine.travel(moment, tick=False):
            found = [m.id for m in checks.run_checks(tags=[checks.Tags.models])]
        assert "fields.W161" not in found, (hour, found)
