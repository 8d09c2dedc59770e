"""Knowing each other and how we're doing, on two phones (390x844).

Alice writes "when it's hard for me" and shares one part; Bob reads only that part, as
"When it's hard for Alice". From the check-in page Alice opens the grounding page with one
tap and chooses to let Bob know she's taking a moment; Bob sees it on Today. Both take the
monthly four questions and share them; a month later (time-machine) they sign in again and
take them again, and each sees their own line and the other's shared one. Axe on every page.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from insight.models import GuidePart
from measures.models import Response
from tests.browser.conftest import (
    NewContext,
    check_a11y,
    clear_of_midnight,
    paired_on_server,
    screenshot,
)

pytestmark = pytest.mark.browser
ZONE = "Europe/Amsterdam"


def take_csi4(page: Page, options: tuple[int, int, int, int], *, share: bool) -> None:
    page.goto("/measures/")
    page.get_by_role("link", name="This month's four questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The monthly four questions")
    questions = page.locator("fieldset")
    for n, option in enumerate(options):
        questions.nth(n).locator("input[type=radio]").nth(option).check()
    if share:
        page.get_by_label("Share these answers with").check()
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Keep my answers").click()
    expect(page.get_by_text("Kept. Thank you for taking the time.")).to_be_visible()


def sign_in_again(page: Page, email: str) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_hard_moments_grounding_and_two_months_of_the_csi4(
    new_context: NewContext, site: str
) -> None:
    clear_of_midnight(ZONE)
    alice, bob = paired_on_server(new_context, site, zones=(ZONE, ZONE))

    # Alice writes her guide and shares only what helps.
    alice.goto("/more/")
    alice.get_by_role("link", name="When it's hard for me").click()
    alice.get_by_label("What tends to unsettle me").fill("Plans that change without a word")
    alice.get_by_label("What helps").fill("Sitting side by side, a warm drink")
    alice.locator("input[name=share-helps]").check()
    check_a11y(alice)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Keep my guide").click()
    expect(alice.get_by_label("What helps")).to_have_value("Sitting side by side, a warm drink")
    screenshot(alice, "insight-alice-guide")
    assert GuidePart.objects.filter(visibility="shared").count() == 1

    bob.goto("/insight/hard-moments/partner/")
    expect(bob.get_by_role("heading", level=1)).to_have_text("When it's hard for Alice")
    expect(bob.get_by_text("Sitting side by side, a warm drink")).to_be_visible()
    expect(bob.get_by_text("Plans that change")).to_have_count(0)
    check_a11y(bob)
    screenshot(bob, "insight-bob-reads-part")

    # From the check-in page, one tap to breathe; Bob hears only because Alice chose it.
    alice.goto("/check-in/")
    alice.get_by_role("link", name="Breathe").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("A moment to breathe")
    expect(alice.get_by_role("button", name="2 minutes").first).to_be_visible()
    check_a11y(alice)
    screenshot(alice, "insight-grounding")
    bob.goto("/")
    expect(bob.get_by_text("Alice is taking a moment")).to_have_count(0)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Let Bob know I'm taking a moment").click()
    expect(alice.get_by_text("Bob now knows you're taking a moment")).to_be_visible()
    bob.goto("/")
    expect(bob.get_by_text("Alice is taking a moment, and will come back")).to_be_visible()
    check_a11y(bob)

    # This month: both take the four questions and share them.
    take_csi4(alice, (3, 3, 2, 4), share=True)  # 12 of 21
    take_csi4(bob, (4, 4, 4, 4), share=True)  # 4 + 4 + 4 + 4 = 16
    expect(alice.get_by_text("12 of 21").first).to_be_visible()
    check_a11y(alice)

    # A month on. The sessions of a month ago have ended, so both sign in again.
    later = datetime.now().astimezone() + timedelta(days=31)
    with time_machine.travel(later, tick=True):
        time.sleep(0)  # the server thread shares this process and this clock
        sign_in_again(alice, "alice@example.test")
        sign_in_again(bob, "bob@example.test")
        take_csi4(alice, (4, 4, 3, 4), share=True)  # 15
        take_csi4(bob, (5, 4, 4, 4), share=False)  # 17, kept private
        assert Response.objects.filter(form="csi4").count() == 4

        alice.goto("/measures/")
        mine = alice.locator("svg.measure-chart").first
        expect(mine.locator(".measure-mine circle")).to_have_count(2)
        expect(mine.locator(".measure-theirs circle")).to_have_count(1)  # Bob's one shared
        expect(alice.get_by_text("we don't have one yet", exact=False)).to_be_visible()
        expect(alice.get_by_text("17 of 21")).to_have_count(0)
        check_a11y(alice)
        screenshot(alice, "measures-alice-two-months")

        bob.goto("/measures/")
        chart = bob.locator("svg.measure-chart").first
        expect(chart.locator(".measure-mine circle")).to_have_count(2)
        expect(chart.locator(".measure-theirs circle")).to_have_count(2)
        check_a11y(bob)
        bob.emulate_media(color_scheme="dark")
        check_a11y(bob)
        screenshot(bob, "measures-bob-two-months-dark")


def test_the_sixteen_questions_and_what_closeness_means_on_a_phone(
    new_context: NewContext, site: str
) -> None:
    """The word pairs are tappable boxes with names a screen reader reads; the reflection is
    private until shared, then side by side with where they meet first."""
    clear_of_midnight(ZONE)
    alice, bob = paired_on_server(new_context, site, zones=(ZONE, ZONE))

    alice.goto("/measures/fuller/")
    check_a11y(alice)
    keep = alice.get_by_role("button", name="Keep my answers")
    keep.click()  # nothing chosen: every question asks, nothing is kept
    expect(alice.get_by_role("alert")).to_contain_text("still need an answer")
    check_a11y(alice)
    fieldsets = alice.locator("fieldset")
    for n in range(10):
        fieldsets.nth(n).locator("input[type=radio]").nth(2).check()
    # The word pairs: the box nearest INTERESTING, by its accessible name.
    alice.get_by_role("radio", name="Box 1 of 6, from INTERESTING to BORING").check()
    for n in range(11, 16):
        fieldsets.nth(n).locator("input[type=radio]").nth(3).check()
    screenshot(alice, "measures-csi16-form")
    assert alice.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    with alice.expect_navigation():
        keep.click()
    # 2+3+2*8 = 21 from items 1-10; 5 for INTERESTING; boxes 4 of items 12-16: 3+2+2+3+2 = 12.
    expect(alice.get_by_text("38 of 81")).to_be_visible()
    alice.get_by_role("link", name="About these questions").first.click()
    expect(alice.get_by_text("Funk, J. L., & Rogge, R. D. (2007)", exact=False)).to_be_visible()
    check_a11y(alice)

    for page, kinds, share in ((alice, ("lot", "some"), False), (bob, ("some", "lot"), True)):
        page.goto("/insight/closeness/")
        expect(page.get_by_text("not a validated test", exact=False)).to_be_visible()
        fieldsets = page.locator("fieldset")
        fieldsets.nth(0).get_by_label("Helps a lot" if kinds[0] == "lot" else "Helps some").check()
        fieldsets.nth(4).get_by_label("Helps a lot" if kinds[1] == "lot" else "Helps some").check()
        page.get_by_label("Slow and steady").check()
        if share:
            page.get_by_label("Share these answers with").check()
        check_a11y(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Keep my answers").click()
    alice.goto("/insight/closeness/")
    expect(alice.get_by_text("Share yours too", exact=False)).to_be_visible()
    with alice.expect_navigation():
        alice.get_by_role("button", name="Share my answers with Bob").click()
    meet = alice.locator("section", has=alice.get_by_role("heading", name="Where you meet"))
    expect(meet).to_contain_text("Time together, with full attention")
    expect(meet).to_contain_text("Being near, even in silence")
    expect(meet).to_contain_text("slow and steady")
    check_a11y(alice)
    screenshot(alice, "insight-closeness-side-by-side")
