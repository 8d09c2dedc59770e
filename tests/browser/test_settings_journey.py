"""Settings in a browser: the time zone box offers common zones and takes any zone typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conftest import PASSWORD
from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_up

pytestmark = pytest.mark.browser


def test_a_person_changes_time_zone_by_typing_a_city(new_context: NewContext, site: str) -> None:
    page = new_context(timezone_id="Europe/Amsterdam").new_page()
    page.goto("/account/sign-up/")
    sign_up(page, "Alice", "alice@example.test", PASSWORD)
    page.wait_for_url(f"{site}/")

    page.goto("/account/settings/")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("Europe/Amsterdam")
    assert page.locator("datalist#id_time_zone_list option").count() > 40
    check_a11y(page)
    screenshot(page, "settings-time-zone")

    zone.fill("nowhere at all")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("We couldn't find that time zone.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("nowhere at all")  # kept, to fix

    page.get_by_label("Time zone").fill("buenos aires")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    page.goto("/account/settings/")
    expect(page.get_by_label("Time zone")).to_have_value("America/Argentina/Buenos_Aires")
    assert User.objects.get(email="alice@example.test").time_zone == (
        "America/Argentina/Buenos_Aires"
    )
