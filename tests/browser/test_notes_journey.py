"""Private by default, in a real browser: a note is seen by its author alone until shared."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import make_user, pair
from notes.models import Note
from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_note_reaches_the_partner_only_while_shared(new_context: NewContext) -> None:
    alice_user, bob_user = make_user("Alice"), make_user("Bob")
    pair(alice_user, bob_user)
    alice = new_context("Europe/Amsterdam").new_page()
    bob = new_context("Europe/Amsterdam").new_page()
    sign_in(alice, alice_user.email)
    sign_in(bob, bob_user.email)

    # Alice writes one note for herself and one she shares, from the Today page.
    for text, share in (("only for me <b>today</b>", False), ("I noticed you waited up", True)):
        alice.goto("/")
        alice.get_by_label("A note").fill(text)
        if share:
            alice.get_by_label("Share with Bob").check()
        with alice.expect_navigation():
            alice.get_by_role("button", name="Keep this note").click()
    expect(alice.get_by_text("only for me <b>today</b>")).to_be_visible()  # escaped, not bold
    check_a11y(alice)
    screenshot(alice, "notes-alice-today")

    bob.goto("/notes/")
    expect(bob.get_by_text("I noticed you waited up")).to_be_visible()
    expect(bob.get_by_text("From Alice")).to_be_visible()
    expect(bob.get_by_text("only for me")).to_have_count(0)
    check_a11y(bob)
    screenshot(bob, "notes-bob-sees-shared")

    # Alice stops sharing: from Bob's next page load on, it's gone for him.
    alice.goto("/notes/")
    check_a11y(alice)
    with alice.expect_navigation():
        alice.get_by_role("button", name="Stop sharing").click()
    bob.reload()
    expect(bob.get_by_text("I noticed you waited up")).to_have_count(0)
    expect(bob.get_by_text("No notes yet")).to_be_visible()
    assert Note.objects.filter(author=alice_user, visibility="private").count() == 2


def test_a_refused_form_keeps_what_was_typed_and_reads_well(new_context: NewContext) -> None:
    page = new_context().new_page()
    page.goto("/account/sign-up/")
    page.get_by_label("Your name").fill("Erin")
    page.get_by_label("Email").fill("erin@example.test")
    page.get_by_label("Password").fill("12345")
    with page.expect_navigation():
        page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_label("Your name")).to_have_value("Erin")
    expect(page.locator(".error")).not_to_have_count(0)
    check_a11y(page)  # several errors on one field, help text linked: no duplicate ids
