"""Passkeys in the browser (issue 17), with Chromium's virtual authenticator (DevTools'
WebAuthn domain) standing in for a phone: Grace adds a passkey from Settings, signs out,
signs in with her password and the passkey, and another time with a recovery code."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_up

pytestmark = pytest.mark.browser

PASSWORD = "a calm test password"
EMAIL = "grace@example.test"


def with_virtual_authenticator(context: BrowserContext, page: Page) -> tuple[Any, str]:
    """A platform authenticator that holds passkeys and checks who holds it (a PIN, a face)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, made["authenticatorId"]


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").first.click()


def sign_in_with_password(page: Page) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")


def test_a_passkey_added_in_settings_signs_in_and_a_recovery_code_still_works(
    new_context: NewContext, site: str, settings: Any
) -> None:
    # The live server's own address is where passkeys work in this run.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site]
    context = new_context()
    page = context.new_page()
    cdp, authenticator = with_virtual_authenticator(context, page)
    page.goto("/account/sign-up/")
    sign_up(page, "Grace", EMAIL, PASSWORD)

    page.goto("/account/settings/")
    page.get_by_role("link", name="Two-step sign-in and passkeys").click()
    page.get_by_role("link", name="Add a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passkeys")
    check_a11y(page)
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    expect(page.get_by_role("button", name="Make the passkey")).to_be_visible()
    check_a11y(page)
    screenshot(page, "passkey-add")
    page.get_by_label("A name for it").fill("My phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the passkey").click()

    # The first second step brings recovery codes, shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in recovery codes")
    codes = page.locator("#sign_in_codes li").all_inner_texts()
    assert len(codes) == 10
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]
    passkey = WebAuthnCredential.objects.get()
    assert passkey.name == "My phone" and passkey.user.email == EMAIL
    page.get_by_role("link", name="I've kept them somewhere safe").click()
    expect(page.locator("[data-two-step=on]")).to_contain_text("Your passkey is set up")
    page.goto("/account/settings/passkeys/")
    expect(page.locator("[data-passkey-row]")).to_contain_text("My phone")
    check_a11y(page)
    screenshot(page, "passkey-list")

    # Password, then the passkey.
    sign_out(page)
    sign_in_with_password(page)
    expect(page.get_by_role("button", name="Use my passkey")).to_be_visible()
    expect(page.get_by_text("This browser can't use a passkey here")).to_be_hidden()
    check_a11y(page)
    screenshot(page, "passkey-second-step")
    with page.expect_navigation():
        page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # Without the phone: a recovery code, once.
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


def test_dark_mode_and_a_cancelled_passkey_leave_the_code_in_reach(
    new_context: NewContext, site: str, settings: Any
) -> None:
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site]
    context = new_context(color_scheme="dark")
    page = context.new_page()
    cdp, authenticator = with_virtual_authenticator(context, page)
    page.goto("/account/sign-up/")
    sign_up(page, "Grace", EMAIL, PASSWORD)
    page.goto("/account/settings/passkeys/")
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Add a passkey").click()
    page.get_by_label("A name for it").fill("Laptop")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the passkey").click()
    sign_out(page)

    # The passkey is gone from this device (another browser, say): the browser says no.
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})
    sign_in_with_password(page)
    check_a11y(page)
    screenshot(page, "passkey-second-step-dark")
    page.get_by_role("button", name="Use my passkey").click()
    expect(page.get_by_role("status").filter(has_text="The passkey wasn't used")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_label("Code")).to_be_editable()
    assert "/account/sign-in/code/" in page.url


def test_without_javascript_the_page_says_so_and_a_code_still_works(
    new_context: NewContext, site: str, settings: Any
) -> None:
    from accounts import two_factor
    from conftest import make_user

    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [site]
    heidi = make_user("Heidi")
    WebAuthnCredential.objects.create(
        user=heidi,
        name="Phone",
        confirmed=True,
        credential_id=b"a passkey made elsewhere",
        public_key=b"its key",
        aaguid="00000000-0000-0000-0000-000000000000",
    )
    codes = two_factor.new_recovery_codes(heidi)
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill(heidi.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")
    expect(page.get_by_text("This browser can't use a passkey here")).to_be_visible()
    expect(page.get_by_role("button", name="Use my passkey")).to_be_hidden()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{site}/")
