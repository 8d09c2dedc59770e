"""The daily loop on two phones: what Alice shares or does reaches Bob's Today, once.

Alice shares a check-in, notices Bob's commitment and raises a concern (and keeps a note to
herself). Bob's Today shows the three, in the order they happened, under "From Alice"; on
his next visit they have moved to "Earlier". Nothing Alice kept private appears. Axe runs in
light and dark. Then the service worker: it installs, offline navigation shows the offline
page, and nothing but static files and that page is in Cache Storage.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activity.models import Notice
from agreements import services as agreements
from agreements.models import AgreementVersion, Kind
from commitments import services as commitments
from commitments.occurrences import Rule
from conftest import PASSWORD, make_user, pair
from tests.browser.conftest import NewContext, check_a11y, screenshot, sign_in

pytestmark = pytest.mark.browser

PROMISE = "Text when I'm running late"
AGREEMENT = "Phones stay in the kitchen after ten"
SHARED_WORDS = "a calmer day than yesterday"
PRIVATE_NOTE = "kept-to-myself: I still wonder about March"
CONCERN_WORDS = "the phone came to bed on Tuesday"
LINES = [
    "Alice shared a check-in",
    "Alice noticed one of your commitments",
    "Alice raised a concern about an agreement",
]


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def both_schemes_pass_axe(page: Page, name: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        check_a11y(page)
        screenshot(page, f"{name}-{scheme}")
    page.emulate_media(color_scheme="light")


def test_what_alice_does_reaches_bobs_today_once(new_context: NewContext) -> None:
    from privacy.keyring import PasswordKeyring

    alice_user, bob_user = make_user("Alice"), make_user("Bob")
    pair(alice_user, bob_user)
    alice = new_context("Europe/Amsterdam").new_page()
    bob = new_context("Europe/Amsterdam").new_page()
    sign_in(alice, alice_user.email)  # her first visit hands Bob the couple key
    sign_in(bob, bob_user.email)
    ring_b = PasswordKeyring(bob_user, PASSWORD)
    promise = commitments.create_commitment(
        ring_b,
        title=PROMISE,
        rule=Rule("daily"),
        starts_on=timezone.localdate() - timedelta(days=3),
        shared=True,
    )
    terms = agreements.Terms(title=AGREEMENT, text="Both of us, every night.")
    agreement = agreements.propose(ring_b, Kind.OTHER, terms, token=uuid.uuid4())
    assert agreement.pending_id is not None
    agreements.accept(alice_user, agreement, AgreementVersion.objects.get(pk=agreement.pending_id))
    Notice.objects.update(seen_at=timezone.now())  # the setting up is old news
    bob.goto("/")
    expect(bob.get_by_role("region", name="From Alice")).to_contain_text(
        "Nothing new since you last looked."
    )

    # 1. Alice shares today's check-in.
    alice.goto("/check-in/")
    for question, value in (
        ("How safe do I feel with Bob today?", 7),
        ("How close do I feel?", 6),
        ("How heavy is today?", 2),
    ):
        group = alice.get_by_role("group", name=question)
        group.locator("label.scale-step").filter(has_text=re.compile(rf"^\s*{value}\s*$")).click()
    alice.get_by_label("A few words, if you like").fill(SHARED_WORDS)
    alice.get_by_role("checkbox", name="Share this check-in with Bob").check()
    submit(alice, "Save my check-in")

    # A note she keeps to herself: it must never reach Bob.
    alice.goto("/")
    alice.get_by_label("A note").fill(PRIVATE_NOTE)
    submit(alice, "Keep this note")

    # 2. Alice notices Bob's commitment today.
    day = commitments.local_today(alice_user)
    alice.goto(f"/commitments/{promise.pk}/{day.isoformat()}/")
    side = alice.get_by_role("region", name="From your side")
    with alice.expect_navigation():
        side.get_by_role("button", name="I noticed this").click()

    # 3. Alice raises a concern about the agreement.
    alice.goto(f"/agreements/{agreement.pk}/")
    alice.get_by_role("region", name="If it wasn't kept").get_by_role(
        "link", name="Raise a concern"
    ).click()
    alice.get_by_label("What happened").fill(CONCERN_WORDS)
    alice.get_by_label("How it felt").fill("uneasy")
    alice.get_by_label("What I need now").fill("to talk on Sunday")
    submit(alice, "Send to Bob")

    # Bob's Today: the three, in the order they happened, each once.
    bob.goto("/")
    fresh = bob.get_by_role("region", name="From Alice")
    new_lines = fresh.locator(".feed-new li a")
    expect(new_lines).to_have_text(LINES)
    main_text = bob.locator("main").inner_text()
    for private in (PRIVATE_NOTE, "kept-to-myself", SHARED_WORDS, CONCERN_WORDS):
        assert private not in main_text
    assert not re.search(r"\b\d+\s+(times|missed|streak)", main_text, re.IGNORECASE)
    both_schemes_pass_axe(bob, "daily-bob-today")

    # He opens the concern from its line: it is the concern Alice sent.
    with bob.expect_navigation():
        new_lines.nth(2).click()
    expect(bob.get_by_role("heading", level=1)).to_contain_text("A concern about")

    # Next visit: nothing new; the three have moved to "Earlier", newest first.
    bob.goto("/")
    again = bob.get_by_role("region", name="From Alice")
    expect(again).to_contain_text("Nothing new since you last looked.")
    expect(again.locator(".feed-new li")).to_have_count(0)
    expect(again.locator(".feed-earlier li a")).to_have_text(
        [*reversed(LINES), "Alice accepted what you suggested"]
    )
    both_schemes_pass_axe(bob, "daily-bob-today-later")
    assert PRIVATE_NOTE not in bob.content()

    # Every daily action is one tap from the top of Today.
    for name in ("Check in", "Today", "Check-in", "Calendar", "Us", "More"):
        expect(bob.get_by_role("link", name=name, exact=True).first).to_be_visible()
    nav = bob.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    box = nav.bounding_box()
    assert box is not None and box["y"] + box["height"] >= 844 - 2  # at the bottom, in reach


def test_the_first_visit_explains_before_asking_for_anything(new_context: NewContext) -> None:
    page = new_context().new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A quiet place to rebuild trust, together"
    )
    for section in ("How it works", "What stays private", "Who it's for, and who it isn't"):
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    expect(page.get_by_text("afraid of the other")).to_be_visible()
    both_schemes_pass_axe(page, "daily-first-visit")
    with page.expect_navigation():
        page.get_by_role("link", name="Make an account").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Create your account")


def test_the_service_worker_keeps_only_static_files_and_the_offline_page(
    new_context: NewContext,
) -> None:
    bob_user = make_user("Bob")
    context = new_context()
    page = context.new_page()
    sign_in(page, bob_user.email)
    page.goto("/notes/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Once it controls the page, a private page visited while online must not be kept.
    page.reload()
    page.evaluate(
        "navigator.serviceWorker.controller ? true : new Promise(r => "
        "navigator.serviceWorker.addEventListener('controllerchange', () => r(true)))"
    )
    page.goto("/calendar/")

    context.set_offline(True)
    page.goto("/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection just now")
    check_a11y(page)
    screenshot(page, "daily-offline")

    cached: list[str] = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/offline/" in cached
    private = [u for u in cached if not (u == "/offline/" or u.startswith("/static/"))]
    assert private == [], private
    context.set_offline(False)
