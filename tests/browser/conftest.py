"""Browser journeys: Debian's Chromium driven by Playwright's sync API against live_server.

Each partner gets their own browser context (own cookies, own time zone) at phone size.
Helpers used by the journeys live here too: sign_up, check_a11y and screenshot.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, make_user, pair, signed_in
from couples.models import Role

# Playwright's sync API keeps an event loop running in this thread while it's started, so
# Django would refuse the ORM calls made between browser steps. The switch is set only for
# as long as Playwright runs (see `browser`): left on for the whole session, it leaks into
# subprocesses of other tests (`check --deploy` fails with async.E001) and turns off
# Django's async-safety checks for every test that runs afterwards.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "screen": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "en-GB",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = ("serious", "critical")
# Failures show within seconds rather than Playwright's default 30.
STEP_TIMEOUT_MS = 10_000

NewContext = Callable[..., BrowserContext]


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time. On SQLite its threads share the
    test's in-memory connection, and two requests at once on it (a page left open polling
    while the other partner's page loads) fail inside SQLite ("bad parameter or other API
    misuse"), rarely, on a busy machine. A real server has a connection per thread."""

    def set_app(self, application: Any) -> None:
        turn = threading.Lock()

        def one_at_a_time(environ: Any, start_response: Any) -> list[bytes]:
            with turn:
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    if hasattr(result, "close"):
                        result.close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATime

_axe = Axe()
# Minor and moderate axe violations, and serious or critical findings axe could only mark
# "needs review" (incomplete), don't fail a test; they're listed after the run.
_a11y_notes: dict[str, str] = {}
# The page states axe has already checked (see check_a11y): each state is checked once.
_a11y_checked: set[str] = set()
# What changes from one rendering of the same state to the next: tokens and nonces.
_PER_RESPONSE = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"')


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all browser tests, stopped after the last of them.

    Package-scoped rather than session-scoped on purpose: a running Playwright means a
    running event loop in the main thread, which must not outlive the browser tests.
    launch() gives every run a fresh temporary profile.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def site(live_server: LiveServer, transactional_db: None, settings: Any) -> str:
    """The live server's base URL. Browser and test share the database, so it's transactional."""
    # Serve the static files as they are in the source tree. With the manifest storage, a
    # staticfiles/ left by `./tend start` makes pages ask for hashed names that live_server's
    # finders can't serve (404: no CSS, no script), or for stale copies of changed files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return live_server.url


@pytest.fixture
def new_context(browser: Browser, site: str) -> Iterator[NewContext]:
    """Make a phone-sized context: one per person or device, each with its own cookies."""
    made: list[BrowserContext] = []

    def make(timezone_id: str = "UTC", **options: Any) -> BrowserContext:
        context = browser.new_context(
            base_url=site, timezone_id=timezone_id, **{**PHONE, **options}
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        # Chromium also asks for /favicon.ico beside a page (the pages link their own icon).
        # After a time jump both requests move the session's "seen" stamp, and the test
        # server's in-memory SQLite can't make one writer wait for the other (shared-cache
        # table locks fail at once; a real database file waits, tending/env.py), so the
        # page could fail with a 400. The guess never reaches the test server.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def page_state(page: Page) -> str:
    """The page as axe would see it: its address and its current DOM, less what changes
    with every response (CSRF tokens, CSP nonces)."""
    markup = _PER_RESPONSE.sub(r'\1""', page.content())
    return hashlib.sha256(f"{page.url}\n{markup}".encode()).hexdigest()


def check_a11y(page: Page) -> None:
    """Run axe on the page as it is now; fail on any serious or critical violation.

    A state axe has already checked in this run (same address, same DOM) isn't checked
    again: axe's answer depends on nothing else, and it is the slowest step of a journey."""
    state = page_state(page)
    if state in _a11y_checked:
        return
    _a11y_checked.add(state)
    results = _axe.run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    violations, unsure = results["violations"], results["incomplete"]
    where = f"{page.url} ({page.title()})"
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    path = re.sub(r"/join/[^/?]+/", "/join/<token>/", urlsplit(page.url).path)
    for violation in violations:
        if violation not in blocking:
            _a11y_notes[f"{violation['id']} on {path}"] = _describe(violation)
    for finding in unsure:
        if finding.get("impact") in BLOCKING_IMPACTS:
            _a11y_notes[f"{finding['id']} (needs review) on {path}"] = _describe(finding)
    if blocking:
        details = "\n".join(_describe(v) for v in blocking)
        pytest.fail(
            f"axe found {len(blocking)} serious/critical violation(s) on {where}:\n{details}",
            pytrace=False,
        )


def _describe(violation: dict[str, Any]) -> str:
    lines = [
        f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}",
        f"  {violation.get('helpUrl', '')}",
    ]
    for node in violation["nodes"]:
        lines.append(f"  * {', '.join(map(str, node['target']))}: {node['html']}")
        summary = node.get("failureSummary", "").strip().replace("\n", "\n      ")
        if summary:
            lines.append(f"      {summary}")
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _a11y_notes:
        terminalreporter.section("axe: minor/moderate, and needs-review findings (not failing)")
        for key, text in sorted(_a11y_notes.items()):
            terminalreporter.write_line(f"{key}\n{text}")


def _screenshots_wanted() -> bool:
    asked = os.environ.get("TENDING_SCREENSHOTS", "").lower()
    if asked:
        return asked in {"1", "true", "yes"}
    return os.environ.get("CI", "").lower() not in {"1", "true", "yes"}


# Screenshots are for people to look at; no test reads them. CI keeps no artifacts, so it
# skips them (a tenth of a journey's time) unless TENDING_SCREENSHOTS=1 asks.
SCREENSHOTS = _screenshots_wanted()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page to test-artifacts/<name>.png (gitignored) for people to review."""
    path = ARTIFACTS / f"{name}.png"
    if SCREENSHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, email: str, password: str = PASSWORD, *, check_pages: bool = False) -> None:
    """Sign in through the real form and land on Today. With `check_pages`, the sign-in page
    and Today are each checked to be the page expected and run through axe on the way (for
    journeys that review every page they pass)."""
    page.goto("/account/sign-in/")
    if check_pages:
        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back")
        check_a11y(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    if check_pages:
        check_a11y(page)


def sign_up(page: Page, name: str, email: str, password: str) -> str | None:
    """Fill in and send the sign-up form the page is showing, then finish it as a new person
    would: open the link Tending emailed (read from the outbox: server and test share the
    database), type the password again, pass the one-time recovery code (returned, when one
    is shown) and the safety check offered on the way ("Not now").

    The time zone is left as the page's script preselected it from the browser's zone.
    """
    from outbox.models import OutboxEmail

    expect(page.get_by_role("heading", level=1)).to_contain_text("Create your account")
    check_a11y(page)
    form = page.locator("form", has=page.get_by_label("Email"))
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Create my account").click()

    errors = page.locator(".error, .form-errors")
    if "/account/sign-up/" in page.url and "/sent/" not in page.url and errors.count():
        pytest.fail(f"Sign-up refused: {errors.all_inner_texts()}", pytrace=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_a11y(page)

    sent = OutboxEmail.objects.filter(to=email.lower()).order_by("-pk").first()
    assert sent is not None, f"no email was queued for {email}"
    link = re.search(r"https?://\S+/account/sign-up/[\w-]+/", sent.body)
    assert link, "the sign-up email has no link"
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish making your account")
    check_a11y(page)
    page.get_by_label("The password you chose").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Finish").click()

    code = pass_recovery_code(page)
    pass_safety_check_offer(page)
    return code


def pass_safety_check_offer(page: Page) -> None:
    """Sign-up offers the private safety check; a new person may skip it ("Not now")."""
    if "/help/safety-check/" not in page.url:
        return
    expect(page.get_by_role("heading", level=1)).to_have_text("A private safety check")
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Not now").click()


def pass_recovery_code(page: Page) -> str | None:
    """If the page shows a one-time recovery code, check it, acknowledge it and go on.

    Returns the code's text when one was shown (None otherwise); the wording of the
    acknowledgement ("I've kept it somewhere safe", "Continue", ...) is matched loosely.
    """
    title = page.get_by_role("heading", name=re.compile(r"recovery code", re.IGNORECASE))
    if not title.count():
        return None
    check_a11y(page)
    screenshot(page, "recovery-code")
    code_element = page.locator("#recovery_code, .code").first
    code = code_element.inner_text().strip() if code_element.count() else ""
    kept = page.get_by_role("checkbox", name=re.compile(r"kept|saved|safe", re.IGNORECASE))
    if kept.count():
        kept.first.check()
    wording = re.compile(r"\bkept\b|\bsafe\b|continue", re.IGNORECASE)
    control = page.get_by_role("button", name=wording).or_(page.get_by_role("link", name=wording))
    if not control.count():
        pytest.fail("The recovery code page has no 'kept it'/'continue' control.", pytrace=False)
    with page.expect_navigation():
        control.first.click()
    return code


def pair_through_pages(
    new_context: NewContext,
    site: str,
    password: str,
    *,
    zones: tuple[str, str] = ("Europe/Amsterdam", "Europe/Amsterdam"),
    roles: tuple[str, str] = ("I'm repairing", "I was hurt"),
) -> tuple[Page, Page]:
    """Alice signs up (her time zone preselected from the browser), starts the couple space
    and makes an invitation; Bob opens the link, signs up and joins. Axe on every page.
    Alice's next visit hands Bob the couple key, so shared things open for both."""

    def heading(page: Page, text: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_contain_text(text)

    alice = new_context(zones[0]).new_page()
    alice.goto("/account/sign-up/")
    expect(alice.get_by_label("Time zone")).to_have_value(zones[0])
    sign_up(alice, "Alice", "alice@example.test", password)
    alice.wait_for_url(f"{site}/")
    heading(alice, "Today")
    check_a11y(alice)
    alice.get_by_label(roles[0]).check()
    with alice.expect_navigation():
        alice.get_by_role("button", name="Start our couple space").click()
    expect(alice.get_by_role("heading", level=2, name="Invite your partner")).to_be_visible()
    check_a11y(alice)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Make an invitation").click()
    heading(alice, "Your invitation")
    check_a11y(alice)
    link = alice.locator("#invite_link").input_value()
    assert re.fullmatch(rf"{re.escape(site)}/join/[\w-]+/", link), link

    bob = new_context(zones[1]).new_page()
    bob.goto(link)
    heading(bob, "Alice has invited you")
    check_a11y(bob)
    bob.get_by_role("link", name="Create my account").click()
    bob.wait_for_url("**/account/sign-up/**")
    expect(bob.get_by_label("Time zone")).to_have_value(zones[1])
    sign_up(bob, "Bob", "bob@example.test", password)
    bob.wait_for_url("**/join/accept/")
    heading(bob, "Join Alice")
    check_a11y(bob)
    bob.get_by_label(roles[1]).check()
    with bob.expect_navigation():
        bob.get_by_role("button", name="Join Alice").click()
    bob.wait_for_url(f"{site}/")
    expect(bob.get_by_role("heading", level=2, name="You and Alice")).to_be_visible()
    check_a11y(bob)

    alice.goto("/")
    expect(alice.get_by_role("heading", level=2, name="You and Bob")).to_be_visible()
    check_a11y(alice)
    return alice, bob


def paired_on_server(
    new_context: NewContext,
    site: str,
    *,
    zones: tuple[str, str] = ("Europe/Amsterdam", "Europe/Amsterdam"),
    roles: tuple[Role, Role] = (Role.REPAIRING, Role.HURT),
) -> tuple[Page, Page]:
    """Alice and Bob, made and paired through the services, each signed in on their own
    phone (through the sign-in form, sent by the test client) and looking at Today.

    For journeys about something else: pairing through the pages is the pairing journey's
    subject (test_pairing_journey.py, and pair_through_pages above)."""
    alice_user, bob_user = make_user("Alice", zones[0]), make_user("Bob", zones[1])
    pair(alice_user, bob_user, roles)
    pages = []
    for user, zone, partner in ((alice_user, zones[0], "Bob"), (bob_user, zones[1], "Alice")):
        client = signed_in(user)
        if user is alice_user:
            client.get("/")  # her first visit after Bob joined hands him the couple key
        context = new_context(zone)
        context.add_cookies(
            [
                {"name": name, "value": morsel.value, "url": site}
                for name, morsel in client.cookies.items()
            ]
        )
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_role("heading", level=2, name=f"You and {partner}")).to_be_visible()
        check_a11y(page)
        pages.append(page)
    return pages[0], pages[1]


# Journeys that fix "today" when they start use the same day on every request; if the day
# would end while they run, they run on a clock moved back to noon of that day instead of
# sleeping until after midnight. Server and test share the process, so both see that clock.
_travels: list[time_machine.travel] = []


def clear_of_midnight(zone: str, margin: float = 600) -> None:
    """Keep today's date in `zone` for the rest of the test, without waiting."""
    now = datetime.now(ZoneInfo(zone))
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, now.tzinfo)
    if (midnight - now).total_seconds() >= margin:
        return
    travel = time_machine.travel(datetime.combine(now.date(), time(12), now.tzinfo), tick=True)
    travel.start()
    _travels.append(travel)


@pytest.fixture(autouse=True)
def _back_to_the_real_clock() -> Iterator[None]:
    yield
    while _travels:
        _travels.pop().stop()
