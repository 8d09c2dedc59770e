"""Bids for connection, in a real browser, two partners on two phones.

Alice notes two bids from the Today page, three taps each (who, what kind, how it was met),
adds a few words to each on the optional page, and shares one from her log. Bob finds only
the shared one, shown as what Alice noted, and nothing of it counted in his own rates. Axe
runs on every page visited.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bids.models import Bid
from conftest import make_user, pair
from tests.browser.conftest import NewContext, check_a11y, screenshot
from tests.browser.test_checkins_journey import (
    SHAME,
    Taps,
    chart_text_contrast,
    fits_the_phone,
    follow,
    heading,
    none_of,
    said,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"
SHARED_WORDS = "He laughed at my kettle joke & hugged me <3"
PRIVATE_WORDS = "I was too tired to answer properly"


def note_bid(page: Page, who: str, kind: str, response: str, words: str) -> int:
    """From Today: three taps make the bid; the words come after, on the optional page.
    Returns the taps it took to save the bid."""
    taps = Taps()
    visit(page, "/", "Today")
    card = page.get_by_role("region", name="Notice a bid")
    follow(page, taps, card.get_by_role("link", name=who), "who", "Notice a bid")
    fits_the_phone(page)
    follow(page, taps, page.get_by_role("link", name=kind, exact=True), "kind", "Notice a bid")
    expect(page.get_by_role("heading", name="Step 3 of 3", exact=False)).to_be_visible()
    fits_the_phone(page)
    follow(
        page,
        taps,
        page.get_by_role("button", name=response),
        "response",
        "Change this bid",
    )
    said(page, "Noted. Thank you for noticing.")
    saved = sum(taps.counts.values())
    box = page.get_by_label("A few words, if you like")
    box.fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    heading(page, "Bids")
    said(page, "Saved.")  # not "Kept.", which is what a commitment is
    check_a11y(page)
    return saved


def test_alice_notes_two_bids_in_three_taps_and_bob_sees_only_the_shared_one(
    new_context: NewContext,
) -> None:
    alice_user, bob_user = make_user("Alice", ZONE), make_user("Bob", ZONE)
    pair(alice_user, bob_user)
    alice = new_context(ZONE).new_page()
    bob = new_context(ZONE).new_page()
    sign_in(alice, alice_user.email)  # her visit hands Bob the couple key
    sign_in(bob, bob_user.email)

    # 1. Two bids, three taps each.
    first = note_bid(alice, "Bob reached out", "Humour", "Turned toward", SHARED_WORDS)
    second = note_bid(alice, "I reached out", "A look or a sigh", "Turned away", PRIVATE_WORDS)
    print(f"\nTaps to note a bid from Today: {first} and {second}")
    assert first == second == 3
    assert Bid.objects.filter(author=alice_user).count() == 2

    # 2. Her log and rates; she shares the first.
    log = alice.locator("li.bids-entry")
    expect(log).to_have_count(2)
    expect(log.first).to_contain_text(PRIVATE_WORDS)
    expect(log.nth(1)).to_contain_text(SHARED_WORDS)  # escaped, shown as typed
    expect(log.nth(1)).to_contain_text("Bob reached out · Humour · Turned toward")
    expect(alice.locator("p.trend-sentence")).to_have_text(
        "Over the last 8 weeks, you noticed 1 reach from Bob and turned toward 1 of them; "
        "0 of the 1 reach you made felt met."
    )
    chart_text_contrast(alice)
    expect(alice.get_by_role("img", name="How bids were met, week by week")).to_be_visible()
    # The study's figure is context she can open, not a number set beside her weeks.
    reference = alice.locator("details.bids-reference")
    expect(reference.get_by_text("about 33%", exact=False)).not_to_be_visible()
    reference.locator("summary").click()
    expect(reference.get_by_text("about 33%", exact=False)).to_be_visible()
    expect(
        reference.get_by_text("isn't a target, a forecast or a verdict", exact=False)
    ).to_be_visible()
    fits_the_phone(alice)
    main_text = alice.locator("main").inner_text()
    assert not SHAME.search(main_text), SHAME.findall(main_text)
    screenshot(alice, "journey-bids-alice-log")
    # She corrects the second: it was met after all (bug 4).
    with alice.expect_navigation():
        log.first.get_by_role("link", name="Change or add words").tap()
    heading(alice, "Change this bid")
    check_a11y(alice)
    alice.get_by_role("radio", name="Turned toward").check()
    with alice.expect_navigation():
        alice.get_by_role("button", name="Save").click()
    said(alice, "Saved.")
    expect(log.first).to_contain_text("You reached out · A look or a sigh · Turned toward")
    # The share step says how it will read to Bob: as her own experience.
    with alice.expect_navigation():
        log.nth(1).get_by_role("link", name="Share with Bob…").tap()
    heading(alice, "Share this bid with Bob?")
    check_a11y(alice)
    expect(alice.get_by_text("Bob will read:").first).to_be_visible()
    expect(alice.get_by_text("Alice: “I turned toward it.”")).to_be_visible()
    fits_the_phone(alice)
    screenshot(alice, "journey-bids-alice-share-step")
    with alice.expect_navigation():
        alice.get_by_role("button", name="Share it with how it felt to me").tap()
    said(alice, "Shared with Bob")
    check_a11y(alice)
    expect(log.nth(1)).to_contain_text("Shared with Bob, with how it felt to you")
    expect(log.first).to_contain_text("Only you")

    # 3. Bob: only the shared one, as what Alice noted; nothing of it in his own log.
    visit(bob, "/bids/", "Bids")
    expect(bob.locator("li.bids-entry")).to_have_count(0)
    expect(bob.get_by_text("you haven't noted any bids yet", exact=False)).to_be_visible()
    none_of(bob, (SHARED_WORDS, PRIVATE_WORDS))
    tabs = bob.get_by_role("navigation", name="Whose bids")
    follow(bob, Taps(), tabs.get_by_role("link", name="Shared by Alice"), "tab", "Bids Alice noted")
    shared = bob.locator("li.bids-entry")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text(SHARED_WORDS)
    expect(shared).to_contain_text("Alice noted")
    expect(shared).to_contain_text("You reached out · Humour")
    expect(shared).to_contain_text("Alice: “I turned toward it.”")
    expect(shared).not_to_contain_text("Turned toward")  # her experience, not a verdict
    expect(shared.get_by_role("button")).to_have_count(0)
    none_of(bob, (PRIVATE_WORDS,))
    screenshot(bob, "journey-bids-bob-shared")
    visit(bob, "/bids/about/", "What is a bid?")
    visit(bob, "/bids/new/", "Notice a bid")
