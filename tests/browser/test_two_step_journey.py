"""Two-step sign-in in the browser (issue 17): Frank turns on an authenticator app from
Settings, keeps his recovery codes, signs out, and signs in again with the app's code;
another time, with a recovery code, which then no longer works."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_up

pytestmark = pytest.mark.browser

PASSWORD = "a calm test password"


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (a step ahead is still accepted)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").first.click()


def sign_in_with_password(page: Page) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill("frank@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")


def test_authenticator_app_and_recovery_codes(new_context: NewContext, site: str) -> None:
    page = new_context().new_page()
    page.goto("/account/sign-up/")
    sign_up(page, "Frank", "frank@example.test", PASSWORD)

    page.goto("/account/settings/")
    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    check_a11y(page)
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Set up an app").click()
    check_a11y(page)
    secret = page.locator("#authenticator_key").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    page.get_by_label("The six digits your app shows").fill(app_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn it on").click()
    codes = page.locator("#sign_in_codes li").all_inner_texts()
    assert len(codes) == 10
    check_a11y(page)
    screenshot(page, "two-step-recovery-codes")
    page.get_by_role("link", name="I've kept them somewhere safe").click()
    expect(page.locator("[data-two-step=on]")).to_be_visible()

    # Signing in now takes the password, then the app's code.
    sign_out(page)
    sign_in_with_password(page)
    check_a11y(page)
    page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")

    # Without the phone: a recovery code works once.
    sign_out(page)
    sign_in_with_password(page)
    page.get_by_label("Code").fill(codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{site}/")
    sign_out(page)
    sign_in_with_password(page)
    page.get_by_label("Code").fill(codes[0])
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code didn't work")
