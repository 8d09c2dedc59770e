"""Issue 13, bug 6: pasted text is never cut; the limit and a live count sit by the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import make_user, pair
from notes.models import Note
from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_pasting_five_thousand_characters_into_a_note_cuts_nothing(
    new_context: NewContext,
) -> None:
    alice_user, bob_user = make_user("Alice"), make_user("Bob")
    pair(alice_user, bob_user)
    alice = new_context("Europe/Amsterdam").new_page()
    sign_in(alice, alice_user.email)

    alice.goto("/notes/")
    box = alice.get_by_label("A note")
    limit = alice.locator("#id_body_limit")
    expect(limit.locator("[data-count]")).to_have_text("0 of 2,000 characters")
    pasted = ("A long evening, and I want to get this down. " * 112)[:5000]
    box.focus()
    alice.keyboard.insert_text(pasted)  # what a paste does: one insertion, no key presses
    assert len(box.input_value()) == 5000
    expect(limit).to_contain_text("5,000 of 2,000 characters: 3,000 more than fits.")
    expect(limit).to_contain_text("Nothing has been cut.")
    check_a11y(alice)
    screenshot(alice, "limits-note-over")

    with alice.expect_navigation():
        alice.get_by_role("button", name="Keep this note").click()
    expect(
        alice.get_by_text("Notes can be up to 2,000 characters; this one has 5000.")
    ).to_be_visible()
    assert alice.get_by_label("A note").input_value() == pasted.strip()
    expect(alice.locator("#id_body_limit")).to_contain_text("5,000 of 2,000")
    assert not Note.objects.exists()
    check_a11y(alice)

    # Shortened, it fits and is kept.
    alice.get_by_label("A note").fill(pasted[:1990])
    expect(alice.locator("#id_body_limit [data-count]")).to_have_text("1,990 of 2,000 characters")
    with alice.expect_navigation():
        alice.get_by_role("button", name="Keep this note").click()
    assert Note.objects.count() == 1
