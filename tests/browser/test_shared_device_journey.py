"""Safety on a shared device, in a browser: the private safety check, the idle lock (the
page's script, on Playwright's clock), and devices and sign-ins."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, expect

from conftest import PASSWORD, make_user, signed_in
from tests.browser.conftest import NewContext, check_a11y, screenshot

pytestmark = pytest.mark.browser


def signed_in_context(
    new_context: NewContext, site: str, email: str, **options: object
) -> BrowserContext:
    from accounts.models import User

    client = signed_in(User.objects.get(email=email))
    context = new_context(**options)
    context.add_cookies(
        [{"name": n, "value": m.value, "url": site} for n, m in client.cookies.items()]
    )
    return context


def test_the_safety_check_is_private_and_says_plainly_what_answers_mean(
    new_context: NewContext, site: str
) -> None:
    make_user("Alice")
    page = signed_in_context(new_context, site, "alice@example.test").new_page()
    page.goto("/account/settings/")
    page.get_by_role("link", name="Private safety check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A private safety check")
    check_a11y(page)

    page.get_by_role("button", name="See what this means").click()
    expect(page.get_by_text("is fine too").first).to_be_visible()  # asked again, kindly
    check_a11y(page)
    for group, answer in (
        ("afraid of your partner", "Sometimes, or I'm not sure"),
        ("hurt you", "No"),
        ("control your money", "Yes"),
        ("sexual things", "I'd rather not say"),
    ):
        page.get_by_role("group", name=group).get_by_label(answer, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="See what this means").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Couples work may not be safe for you right now"
    )
    expect(page.get_by_role("link", name="Help and services near you")).to_be_visible()
    check_a11y(page)
    screenshot(page, "safety-check-result")
    page.emulate_media(color_scheme="dark")
    check_a11y(page)
    screenshot(page, "safety-check-result-dark")


def test_an_idle_shared_device_locks_and_asks_for_the_password(
    new_context: NewContext, site: str
) -> None:
    make_user("Alice")
    page = signed_in_context(new_context, site, "alice@example.test").new_page()
    page.clock.install()
    page.goto("/account/devices/")
    check_a11y(page)
    page.get_by_label("After 5 minutes").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_have_attribute("data-idle-lock", "5")
    screenshot(page, "devices-and-locking")

    page.goto("/notes/")
    page.clock.fast_forward("03:00")
    page.keyboard.press("Tab")  # activity: the quiet starts again
    page.clock.fast_forward("04:00")
    assert "/notes/" in page.url, "locked while the person was still there"

    with page.expect_navigation():
        page.clock.fast_forward("02:00")
    page.wait_for_url(re.compile(r"/account/sign-in/\?next=%2Fnotes%2F$"))
    expect(page.get_by_text("locked itself after a quiet while")).to_be_visible()
    check_a11y(page)
    # The session and its keys are gone: Tending's pages need the password again.
    page.goto("/notes/")
    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("Email").fill("alice@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/notes/")


def test_a_person_signs_out_a_device_they_dont_recognise(
    new_context: NewContext, site: str
) -> None:
    make_user("Alice")
    laptop = signed_in_context(new_context, site, "alice@example.test").new_page()
    other = signed_in_context(new_context, site, "alice@example.test").new_page()
    other.goto("/")
    laptop.goto("/account/devices/")
    rows = laptop.locator("ul.sessions > li")
    expect(rows).to_have_count(2)
    expect(laptop.get_by_text("this device")).to_have_count(1)
    check_a11y(laptop)
    with laptop.expect_navigation():
        rows.filter(has_not_text="this device").get_by_role(
            "button", name="Sign out this one"
        ).click()
    expect(laptop.get_by_text("That device is signed out.")).to_be_visible()
    expect(laptop.locator("ul.sessions > li")).to_have_count(1)
    other.goto("/notes/")
    other.wait_for_url("**/account/sign-in/**")
