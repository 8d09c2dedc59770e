"""Issue 15 in a real browser, two partners on two phones (390x844), axe on every page.

Alice writes Bob a note of appreciation; Bob finds it on Today and answers that it meant a
lot. Both answer our question, and only once both have do they see each other's answers.
Alice suggests a ritual, Bob says yes, and it shows on both calendars in its own colour. Bob
checks in over a week (the clock moved with time-machine), and the next day Today marks it;
on a quiet date he chose, it doesn't.

Screenshots in test-artifacts/: issue15-today-appreciation, issue15-question-before,
issue15-question-after, issue15-ritual-calendar, issue15-milestone, issue15-quiet-date.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from checkins import services as checkins
from conftest import PASSWORD, make_user, pair
from privacy.keyring import PasswordKeyring
from tests.browser.conftest import NewContext, check_a11y, screenshot
from tests.browser.test_checkins_journey import fits_the_phone, heading, said, sign_in, visit

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"
ALICE_ANSWER = "Sitting on the step with you after the rain"
BOB_ANSWER = "When you made me laugh at breakfast"


def test_appreciation_our_question_a_ritual_and_a_milestone(new_context: NewContext) -> None:
    alice_user, bob_user = make_user("Alice", ZONE), make_user("Bob", ZONE)
    pair(alice_user, bob_user)
    alice = new_context(ZONE).new_page()
    bob = new_context(ZONE).new_page()
    sign_in(alice, alice_user.email)  # her visit hands Bob the couple key
    sign_in(bob, bob_user.email)

    # 1. Alice writes an appreciation; Bob sees it on Today and answers.
    visit(alice, "/appreciations/", "What we appreciate")
    alice.get_by_label("What they did").fill("You fixed the bike light before I even asked")
    alice.get_by_label("What it meant to me").fill("I felt looked after on a tired day")
    with alice.expect_navigation():
        alice.get_by_role("button", name="Send to Bob").click()
    said(alice, "Sent.")
    check_a11y(alice)

    visit(bob, "/", "Today")
    card = bob.get_by_role("region", name="A note from Alice")
    expect(card).to_contain_text("You fixed the bike light")
    fits_the_phone(bob)
    screenshot(bob, "issue15-today-appreciation")
    with bob.expect_navigation():
        card.get_by_role("link", name="Read it and answer, if you like").click()
    heading(bob, "A note of appreciation")
    check_a11y(bob)
    bob.get_by_label("This meant a lot").check()
    bob.get_by_label("A word back (if you like)").fill("Thank you for saying so")
    with bob.expect_navigation():
        bob.get_by_role("button", name="Send back").click()
    said(bob, "Sent back.")
    visit(alice, "/appreciations/", "What we appreciate")
    expect(alice.get_by_text("Bob answered: this meant a lot")).to_be_visible()

    # 2. Our question: each answers; nothing shows to the other until both have.
    visit(alice, "/our-question/", "Our question")
    alice.get_by_label("Your answer").fill(ALICE_ANSWER)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Keep my answer").click()
    said(alice, "Kept.")
    check_a11y(alice)
    visit(bob, "/our-question/", "Our question")
    expect(bob.locator("main")).not_to_contain_text(ALICE_ANSWER)
    screenshot(bob, "issue15-question-before")
    bob.get_by_label("Your answer").fill(BOB_ANSWER)
    with bob.expect_navigation():
        bob.get_by_role("button", name="Keep my answer").click()
    said(bob, "You've both answered.")
    expect(bob.locator("main")).to_contain_text(ALICE_ANSWER)
    check_a11y(bob)
    screenshot(bob, "issue15-question-after")
    visit(alice, "/our-question/", "Our question")
    expect(alice.locator("main")).to_contain_text(BOB_ANSWER)

    # 3. A ritual Alice suggests and Bob agrees to, on both calendars in its own colour.
    today = datetime.now(ZoneInfo(ZONE)).date()
    visit(alice, "/rituals/", "Rituals")
    alice.get_by_label("Choose an idea").select_option(
        label="A walk after dinner, phones left at home"
    )
    alice.get_by_label("Which day of the week").select_option(value=str(today.weekday()))
    with alice.expect_navigation():
        alice.get_by_role("button", name="Suggest it").click()
    said(alice, "Suggested.")
    check_a11y(alice)
    visit(bob, "/rituals/", "Rituals")
    with bob.expect_navigation():
        bob.get_by_role("button", name="Yes, let's").click()
    said(bob, "Agreed.")
    check_a11y(bob)
    for page in (bob, alice):
        page.goto("/calendar/")
        check_a11y(page)
        expect(page.locator(".occ.kind-ritual").first).to_be_visible()
    screenshot(alice, "issue15-ritual-calendar")

    # 4. A week of check-ins (counted, not in a row), then a milestone; none on a quiet date.
    ring = PasswordKeyring(bob_user, PASSWORD)
    start = datetime.now(ZoneInfo(ZONE)).replace(hour=12)
    for n in range(7):
        with time_machine.travel(start + timedelta(days=n + 1), tick=True):
            day = checkins.local_today(bob_user)
            checkins.check_in(ring, day, safety=6, closeness=6, heaviness=2, words="", shared=False)
    with time_machine.travel(start + timedelta(days=8), tick=True):
        visit(bob, "/", "Today")
        card = bob.get_by_role("region", name="Worth marking")
        expect(card).to_contain_text("A week's worth of check-ins")
        screenshot(bob, "issue15-milestone")
        visit(bob, "/milestones/", "Milestones")
        quiet_on = (start + timedelta(days=9)).date()
        bob.get_by_label("A date to keep quiet").fill(quiet_on.isoformat())
        with bob.expect_navigation():
            bob.get_by_role("button", name="Keep this date quiet").click()
        said(bob, "Kept, privately.")
        check_a11y(bob)
    with time_machine.travel(start + timedelta(days=9), tick=True):
        visit(bob, "/", "Today")
        expect(bob.get_by_role("region", name="Worth marking")).to_have_count(0)
        expect(bob.get_by_text("Notice one bid today")).to_have_count(0)
        screenshot(bob, "issue15-quiet-date")
        visit(alice, "/milestones/", "Milestones")
        expect(alice.locator("main")).not_to_contain_text(quiet_on.strftime("%m-%d"))
