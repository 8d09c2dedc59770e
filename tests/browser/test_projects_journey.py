"""Issue 15, the rest of it, on two phones (390x844), axe on every page.

Alice starts a project with two dated steps; Bob finds the first on Today and ticks it off;
both see the steps on their calendars; Alice marks it done together. Alice writes where
they're heading, Bob accepts it from "Waiting for you", and the history shows the version.
That acceptance is their first agreement, a milestone: Alice's Today marks it; Bob's, on the
quiet date he chose, doesn't.

Screenshots in test-artifacts/: issue15-project, issue15-project-calendar,
issue15-project-done, issue15-heading, issue15-milestone-held-back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from conftest import make_user, pair
from tests.browser.conftest import NewContext, check_a11y, screenshot
from tests.browser.test_checkins_journey import fits_the_phone, heading, said, sign_in, visit

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"
FUTURE = "A quieter home, slow Sundays, and a garden we plant together."


def test_a_project_done_together_and_where_we_are_heading(new_context: NewContext) -> None:
    alice_user, bob_user = make_user("Alice", ZONE), make_user("Bob", ZONE)
    pair(alice_user, bob_user)
    alice = new_context(ZONE).new_page()
    bob = new_context(ZONE).new_page()
    sign_in(alice, alice_user.email)  # her visit hands Bob the couple key
    sign_in(bob, bob_user.email)
    today = datetime.now(ZoneInfo(ZONE)).date()
    first, second = today + timedelta(days=2), today + timedelta(days=3)

    # 1. Alice starts a project with two dated steps.
    visit(alice, "/projects/", "Projects")
    alice.get_by_label("What are you taking on together?").fill("A weekend in the hills")
    alice.get_by_label("Step 1", exact=True).fill("Book the cabin")
    alice.get_by_label("Step 1: a date (if it has one)").fill(first.isoformat())
    alice.get_by_label("Step 2", exact=True).fill("Borrow a tent")
    alice.get_by_label("Step 2: a date (if it has one)").fill(second.isoformat())
    fits_the_phone(alice)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Start it together").click()
    said(alice, "Started.")
    heading(alice, "A weekend in the hills")
    check_a11y(alice)

    # 2. Bob finds the step on Today and ticks it off.
    visit(bob, "/", "Today")
    card = bob.get_by_role("region", name="Coming up in your project")
    expect(card).to_contain_text("Book the cabin")
    with bob.expect_navigation():
        card.get_by_role("link", name="A weekend in the hills").click()
    heading(bob, "A weekend in the hills")
    check_a11y(bob)
    with bob.expect_navigation():
        bob.get_by_role("button", name="Tick off: Book the cabin").click()
    said(bob, "Ticked off.")
    expect(bob.locator("main")).to_contain_text("ticked off by you")
    fits_the_phone(bob)
    screenshot(bob, "issue15-project")
    check_a11y(bob)

    # 3. Both see the steps on their calendars, in the project's own colour.
    for page in (alice, bob):
        page.goto(f"/calendar/{first.year}/{first.month}/")
        check_a11y(page)
        expect(page.locator(".occ.kind-project").filter(has_text="Book the cabin")).to_have_count(1)
        expect(page.locator(".occ.kind-project").filter(has_text="Borrow a tent")).to_have_count(
            1 if second.month == first.month else 0
        )
    # On a phone the days still to come are folded: open them and see the step.
    folded = alice.locator("summary", has_text="Still to come")
    if folded.count():
        folded.click()
    expect(alice.locator(".occ.kind-project").filter(has_text="Book the cabin")).to_be_visible()
    screenshot(alice, "issue15-project-calendar")

    # 4. Alice says it's done together; Bob sees it so.
    visit(alice, "/projects/", "Projects")
    with alice.expect_navigation():
        alice.get_by_role("link", name="A weekend in the hills").click()
    with alice.expect_navigation():
        alice.get_by_role("button", name="Done together").click()
    said(alice, "Done together.")
    check_a11y(alice)
    visit(bob, "/projects/", "Projects")
    expect(bob.locator("main")).to_contain_text("Done together,")
    with bob.expect_navigation():
        bob.get_by_role("link", name="A weekend in the hills").click()
    expect(bob.get_by_role("region", name="Done together")).to_be_visible()
    screenshot(bob, "issue15-project-done")
    check_a11y(bob)

    # 5. Bob keeps today quiet.
    visit(bob, "/milestones/", "Milestones")
    bob.get_by_label("A date to keep quiet").fill(today.isoformat())
    with bob.expect_navigation():
        bob.get_by_role("button", name="Keep this date quiet").click()
    said(bob, "Kept, privately.")

    # 6. Alice writes where they're heading; Bob accepts it from Today.
    visit(alice, "/heading/", "Where we're heading")
    alice.get_by_label("Where we're heading").fill(FUTURE)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Suggest these words").click()
    said(alice, "Proposed.")
    check_a11y(alice)
    visit(bob, "/", "Today")
    waiting = bob.get_by_role("region", name="Waiting for you")
    with bob.expect_navigation():
        waiting.get_by_role("link", name="Alice suggested words for where you're heading").click()
    heading(bob, "Where we're heading")
    expect(bob.locator("main")).to_contain_text("slow Sundays")
    check_a11y(bob)
    with bob.expect_navigation():
        bob.get_by_role("button", name="Accept these words").click()
    said(bob, "Accepted.")
    history = bob.get_by_role("region", name="Every version you both accepted")
    expect(history).to_contain_text("Version 1")
    expect(history).to_contain_text("slow Sundays")
    fits_the_phone(bob)
    screenshot(bob, "issue15-heading")
    check_a11y(bob)

    # 7. Their first agreement is worth marking: on Alice's Today, not on Bob's quiet date.
    visit(alice, "/", "Today")
    expect(alice.get_by_role("region", name="Worth marking")).to_contain_text(
        "Your first agreement"
    )
    visit(bob, "/", "Today")
    expect(bob.get_by_role("region", name="Worth marking")).to_have_count(0)
    screenshot(bob, "issue15-milestone-held-back")
