"""Leaving quickly, in a real browser: the button, Escape twice, and the link without script.

Nothing leaves the machine: the neutral page and the site visited before Tending are
answered by Playwright's `route`, or (without script) by a small server on this machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from conftest import make_user
from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_in

pytestmark = pytest.mark.browser

NEUTRAL = "https://weather.example/forecast"
BEFORE = "https://news.example/"


def answer_offsite(context: BrowserContext) -> None:
    def page_for(title: str) -> Any:
        def fulfil(route: Route) -> None:
            route.fulfill(content_type="text/html", body=f"<title>{title}</title><h1>{title}</h1>")

        return fulfil

    context.route(f"{NEUTRAL}*", page_for("Weather"))
    context.route(f"{BEFORE}*", page_for("News"))


# Signed out, Today is the welcome page for first visitors.
SIGNED_OUT_HEADING = "A quiet place to rebuild trust, together"


def expect_signed_out(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGNED_OUT_HEADING)


@pytest.fixture
def neutral(settings: Any) -> str:
    settings.QUICK_EXIT_URL = NEUTRAL
    return NEUTRAL


def test_leave_quickly_button_replaces_tending_and_back_does_not_return(
    new_context: NewContext, neutral: str
) -> None:
    alice = make_user("Alice")
    context = new_context()
    answer_offsite(context)
    sign_in(context.new_page(), alice.email)

    # In a new tab: another site first, then Tending.
    page = context.new_page()
    page.goto(BEFORE)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    exit_link = page.get_by_role("link", name="Leave quickly")
    expect(exit_link).to_be_visible()
    expect(page.get_by_role("link", name="Help", exact=True)).to_be_visible()
    check_a11y(page)
    screenshot(page, "quick-exit-today")

    exit_link.click()
    page.wait_for_url(neutral)
    expect(page.get_by_role("heading", level=1)).to_have_text("Weather")

    page.go_back()
    page.wait_for_url(BEFORE)  # Tending's page is no longer in this tab's history
    expect(page.get_by_role("heading", level=1)).to_have_text("News")
    page.go_forward()
    page.wait_for_url(neutral)

    # The session was ended on the server as well (a request sent alongside, not awaited).
    for _ in range(20):
        page.goto("/")
        if page.get_by_role("heading", level=1).inner_text() == SIGNED_OUT_HEADING:
            break
        page.wait_for_timeout(100)
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGNED_OUT_HEADING)


def test_escape_twice_leaves_from_the_help_page_signed_out(
    new_context: NewContext, neutral: str
) -> None:
    context = new_context()
    answer_offsite(context)
    page = context.new_page()
    page.goto("/account/sign-in/")
    with page.expect_navigation():
        page.get_by_role("link", name="Help, and what to do if you don't feel safe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help, whenever you need it")

    # Opened from another site, the help page leaves no trace in this tab's Back either.
    page.goto(BEFORE)
    page.goto("/help/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help, whenever you need it")
    check_a11y(page)

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(neutral)

    page.go_back()
    page.wait_for_url(BEFORE)


@pytest.fixture
def local_neutral(settings: Any) -> Iterator[str]:
    """A neutral page on this machine: without script the browser follows a real redirect,
    and Playwright doesn't route a redirect's target, so the page must really exist."""

    class Weather(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<title>Weather</title><h1>Weather</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Weather)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.QUICK_EXIT_URL = f"http://127.0.0.1:{server.server_port}/forecast"
    yield settings.QUICK_EXIT_URL
    server.shutdown()
    server.server_close()


def test_without_javascript_the_link_signs_out_and_leaves(
    new_context: NewContext, local_neutral: str
) -> None:
    alice = make_user("Alice")
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, alice.email)

    with page.expect_navigation():
        page.get_by_role("link", name="Leave quickly").click()
    page.wait_for_url(local_neutral)
    expect(page.get_by_role("heading", level=1)).to_have_text("Weather")
    expect_signed_out(page)
