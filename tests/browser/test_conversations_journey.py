"""The weekly conversation, in a real browser, two partners on two phones.

Alice and Bob are paired on the server. Alice starts the weekly conversation, each
on their own device; Bob finds it waiting for him on Today and opens it. From then on
neither page is reloaded: each screen follows the other's steps by itself. Alice chooses to
speak first and types a few words to anchor what she says; the wording aid notices "you
always" under her box, and nothing of it reaches Bob. Bob says back what he heard; Alice
says "not quite" and what was missed; Bob tries again and Alice feels heard. Roles switch.
While Bob is writing his own words he calls a pause: both screens show the breathing guide
(a moving circle for Alice, a slow line of text for Bob, whose phone asks for reduced
motion), and what Bob had typed is still there when he goes on. Alice says back what she
heard, Bob feels heard. Each writes one thing they will do: Alice's is kept as she types,
and when Bob says his list is done her turn goes on, her words still in her box, until she
says hers is done too; then it finishes. The note is in
both histories; each makes their own item a commitment, and both commitments are on both
calendars. Axe runs on every page and every stage, on both phones; every stage is
photographed at phone size and must not scroll sideways.
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from commitments.models import Cadence, Commitment, Schedule
from conversations.models import Conversation, Exchange, Item, ItemState, Kind, Mode, Said, Stage
from tests.browser.conftest import (
    NewContext,
    check_a11y,
    clear_of_midnight,
    paired_on_server,
    screenshot,
)
from tests.browser.test_checkins_journey import (
    fits_the_phone,
    heading,
    said,
    visit,
)
from tests.browser.test_commitments_journey import on_calendar

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"
TITLE = "Our weekly conversation"
# A screen that follows its partner does so within a poll or two (1.5 s each).
FOLLOW_MS = 8_000

# What each writes, in their own words. Alice's anchor says "you always" on purpose.
ALICE_ANCHOR = "You always go quiet when I ask about your day <and it stings>"
BOB_FIRST_TRY = "You want me to talk to you about my day."
ALICE_MISSED = "That I feel shut out, not that you must talk."
BOB_SECOND_TRY = "When I go quiet you feel shut out, and that stings."
BOB_ANCHOR = "I felt safe on Sunday, when we cooked together & laughed"
ALICE_HEARD = "Sunday in the kitchen felt safe for you, and you'd like more of it."
ALICE_WILL = "Tell Bob one thing from my day at dinner"
BOB_WILL = "Cook dinner together once a week"

# Whose turn it is and what to do now, as each screen says it.
CHOOSE = "Choose who speaks first."
MY_SPEAKING = "It's your turn to speak."
MY_REFLECTING = "Your turn: say back what you heard."
MY_CHECKING = "Your turn: is that what you meant?"
MY_CLOSING = "Your turn: what will you do?"
FINISHED = "Finished. Thank you both."
I_PAUSED = "You called a pause. Take a breath."


def listening(speaker: str) -> str:
    return f"{speaker} is speaking. Listen; you'll say back what you heard."


def being_reflected(listener: str) -> str:
    return f"{listener} is saying back what they heard."


def being_checked(speaker: str) -> str:
    return f"{speaker} is saying whether that's it."


def paused_by(name: str) -> str:
    return f"{name} called a pause. Take a breath."


# The few words above whose turn it is: where the conversation stands.
STEP = {
    "agenda": "Getting ready",
    "speaking": "Speaking",
    "reflecting": "Saying back what was heard",
    "checking": "Checking it was heard",
    "closing": "What we'll do",
    "paused": "Paused",
    "done": "Finished",
}

# Is anything animating on the page right now (CSS animations included)?
RUNNING_ANIMATIONS = (
    "() => document.getAnimations().filter((a) => a.playState === 'running').length"
)


REVISION = "() => document.querySelector('#stage').dataset.revision"
MOVED_ON = "(shown) => document.querySelector('#stage').dataset.revision !== shown"


class Follow:
    """Tap on one phone; the other phone's screen shows the new step by itself. How long
    that took (from the tap until the other `#stage` holds a new revision, checked on every
    animation frame) is kept for the record, not judged: bench/turns.py measures it."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, tap: Locator, other: Page, turn: str, step: str) -> None:
        shown = other.evaluate(REVISION)
        started = time.perf_counter()
        tap.click()
        other.wait_for_function(MOVED_ON, arg=shown, polling="raf", timeout=FOLLOW_MS)
        self.seconds.append(time.perf_counter() - started)
        screen(other, turn, step)

    def summary(self) -> str:
        if not self.seconds:
            return "no follows measured"
        ms = sorted(s * 1000 for s in self.seconds)
        return (
            f"partner's screen followed {len(ms)} steps: median {statistics.median(ms):.0f} ms, "
            f"max {ms[-1]:.0f} ms"
        )


def screen(page: Page, turn: str, step: str) -> None:
    """The stage says whose turn it is and where things stand, and the page is the same
    page it was when the room was opened (it followed without a reload)."""
    expect(page.locator("#cv-turn")).to_have_text(turn)
    expect(page.locator("#stage .cv-step")).to_have_text(step)
    assert page.evaluate("window.__sameRoom === true"), f"{page.url} was reloaded"


def stay(page: Page) -> None:
    """Mark the room page: the mark is gone if the page is ever loaded again."""
    page.evaluate("window.__sameRoom = true")


def photograph(page: Page, name: str) -> None:
    """Every stage: axe, no sideways scroll on the phone, and a picture."""
    check_a11y(page)
    fits_the_phone(page)
    screenshot(page, f"journey-conversations-{name}")


def button(page: Page, name: str) -> Locator:
    return page.locator("#stage").get_by_role("button", name=name, exact=True)


def go(page: Page, control: Locator, title: str | re.Pattern[str]) -> None:
    """Click a link or button that loads a page, check it's the one expected, run axe."""
    with page.expect_navigation():
        control.click()
    heading(page, title)
    check_a11y(page)


def type_into(box: Locator, words: str) -> None:
    """Typed key by key, as a person would (the wording aid listens to input events)."""
    box.click()
    box.press_sequentially(words)
    expect(box).to_have_value(words)


def no_hints(page: Page) -> None:
    """Nothing of the wording aid, nor of what it noticed, on this screen."""
    expect(page.locator(".cv-hint")).to_have_count(0)
    expect(page.get_by_text("You could try")).to_have_count(0)
    expect(page.get_by_text(re.compile("you always", re.IGNORECASE))).to_have_count(0)


# -- pairing, through the pages --------------------------------------------------------------


# -- the journey ------------------------------------------------------------------------------


def test_a_weekly_conversation_on_two_phones_with_a_pause_ending_in_two_commitments(
    new_context: NewContext, site: str
) -> None:
    started = time.monotonic()
    clear_of_midnight(ZONE)  # the commitments start today, in the partners' zone
    today = datetime.now(ZoneInfo(ZONE)).date()
    follow = Follow()

    # 1. Alice and Bob are paired on the server (pairing has its own journey), each on
    #    their own phone.
    alice, bob = paired_on_server(new_context, site, zones=(ZONE, ZONE))
    alice_user = User.objects.get(email="alice@example.test")
    bob_user = User.objects.get(email="bob@example.test")

    # 2. Alice starts the weekly conversation, each on their own device: Us → Conversations.
    go(alice, alice.get_by_role("navigation", name="Main").get_by_role("link", name="Us"), "Us")
    together = alice.get_by_role("navigation", name="What you do together")
    go(alice, together.get_by_role("link", name="Conversations", exact=True), "Conversations")
    expect(alice.get_by_role("heading", name="Earlier conversations")).to_be_visible()
    weekly = alice.get_by_role("radio", name=re.compile(r"^Our weekly conversation"))
    weekly.check()
    expect(alice.locator(".cv-weekly-preview")).to_contain_text("A moment this week that felt safe")
    alice.get_by_role("radio", name=re.compile(r"^Each on our own device")).check()
    photograph(alice, "01-start-alice")
    go(alice, alice.get_by_role("button", name="Begin"), TITLE)
    conversation = Conversation.objects.get()
    assert alice.url.endswith(f"/conversations/{conversation.pk}/")
    expect(alice.locator(".cv-mode")).to_contain_text("Each on your own device")
    stay(alice)
    screen(alice, CHOOSE, STEP["agenda"])
    prompts = alice.locator("#stage .cv-prompts li")
    expect(prompts).to_have_count(4)
    expect(prompts.first).to_contain_text("appreciated in the other")
    photograph(alice, "02-agenda-alice")

    # 3. Bob finds it waiting for him on Today, and opens it on his phone.
    visit(bob, "/", "Today")
    waiting = bob.get_by_role("region", name="Waiting for you")
    go(bob, waiting.get_by_role("link", name=re.compile(r"^Your conversation is open")), TITLE)
    assert bob.url == alice.url
    stay(bob)
    screen(bob, CHOOSE, STEP["agenda"])
    expect(button(bob, "I'll speak first")).to_be_visible()
    expect(button(bob, "Alice first")).to_be_visible()
    photograph(bob, "02-agenda-bob")

    # 4. Alice chooses to speak first; Bob's screen follows by itself.
    follow(button(alice, "I'll speak first"), bob, listening("Alice"), STEP["speaking"])
    screen(alice, MY_SPEAKING, STEP["speaking"])
    # Bob's screen says the new turn aloud, from a region that stays while the stage changes.
    expect(bob.locator("#cv-announce")).to_have_text(listening("Alice"))
    expect(bob.locator("#stage textarea")).to_have_count(0)  # nothing to tap or type yet
    expect(bob.locator("#stage .cv-listen")).to_contain_text("what matters to Alice")

    # 5. Alice types a few anchor words; the wording aid notices "you always", above her box.
    anchor = alice.get_by_label("A few words to anchor what you say")
    type_into(anchor, ALICE_ANCHOR)
    hints = alice.locator("#cv-hints-words")
    expect(hints).to_contain_text(re.compile(r"\u201cyou always\u201d", re.IGNORECASE))
    expect(hints).to_contain_text("You could try")
    expect(hints).to_contain_text("I feel \u2026 about \u2026 and I need \u2026")
    expect(hints).to_contain_text("Only a suggestion")
    # Where she is looking, also with the keyboard open: right above her box, read politely.
    expect(hints).to_have_attribute("aria-live", "polite")
    above, box = hints.bounding_box(), anchor.bounding_box()
    assert above is not None and box is not None
    assert above["y"] + above["height"] <= box["y"] + 1
    photograph(alice, "03-speaking-alice-wording-aid")
    # Nothing of it reaches Bob, even after his screen has asked for news again.
    with bob.expect_response(lambda r: "/state/" in r.url):
        pass
    no_hints(bob)
    photograph(bob, "03-listening-bob")

    # 6. She taps "I've said it" (the aid never blocks sending); Bob's screen turns to his.
    follow(button(alice, "I've said it"), bob, MY_REFLECTING, STEP["reflecting"])
    screen(alice, being_reflected("Bob"), STEP["reflecting"])
    no_hints(bob)
    no_hints(alice)  # the hints went with the box
    photograph(alice, "04-reflecting-alice")

    # 7. Bob writes what he heard.
    heard = bob.get_by_label("What I heard")
    type_into(heard, BOB_FIRST_TRY)
    photograph(bob, "04-reflecting-bob")
    follow(button(bob, "That's what I heard"), alice, MY_CHECKING, STEP["checking"])
    screen(bob, being_checked("Alice"), STEP["checking"])
    said_back = alice.locator("#stage figure.cv-quote")
    expect(said_back.locator("figcaption")).to_have_text("What Bob heard")
    expect(said_back.locator("blockquote")).to_have_text(BOB_FIRST_TRY)
    mine = alice.locator("#stage details.cv-anchor")
    expect(mine.locator("summary")).to_have_text("What you wanted to say")
    mine.locator("summary").click()
    expect(mine.locator("p")).to_have_text(ALICE_ANCHOR)  # escaped, shown as typed
    photograph(alice, "05-checking-alice")
    yours = bob.locator("#stage figure.cv-quote")
    expect(yours.locator("figcaption")).to_have_text("What you said back")
    expect(yours.locator("blockquote")).to_have_text(BOB_FIRST_TRY)
    no_hints(bob)
    photograph(bob, "05-checking-bob")

    # 8. "Not quite", with what was missed: Bob has another go.
    type_into(alice.get_by_label("What was missed?"), ALICE_MISSED)
    follow(button(alice, "Not quite"), bob, MY_REFLECTING, STEP["reflecting"])
    screen(alice, being_reflected("Bob"), STEP["reflecting"])
    missed = bob.locator("#stage figure.cv-quote")
    expect(missed.locator("figcaption")).to_have_text("What Alice said you missed")
    expect(missed.locator("blockquote")).to_have_text(ALICE_MISSED)
    heard = bob.get_by_label("What I heard")
    expect(heard).to_have_value("")  # a new try starts with an empty box
    type_into(heard, BOB_SECOND_TRY)
    photograph(bob, "06-reflecting-again-bob")
    follow(button(bob, "That's what I heard"), alice, MY_CHECKING, STEP["checking"])
    screen(bob, being_checked("Alice"), STEP["checking"])
    expect(alice.locator("#stage figure.cv-quote blockquote")).to_have_text(BOB_SECOND_TRY)
    check_a11y(alice)
    check_a11y(bob)

    # 9. "Yes, that's it": roles switch, and it's Bob's turn to speak.
    follow(button(alice, "Yes, that's it"), bob, MY_SPEAKING, STEP["speaking"])
    screen(alice, listening("Bob"), STEP["speaking"])
    expect(alice.locator("#cv-announce")).to_have_text(listening("Bob"))
    photograph(alice, "07-listening-alice")

    # 10. Bob starts writing his words, then calls a pause. His phone asks for less motion.
    bobs_words = bob.get_by_label("A few words to anchor what you say")
    expect(bobs_words).to_have_value("")
    type_into(bobs_words, BOB_ANCHOR)
    no_hints(bob)  # warm words: nothing to point out
    photograph(bob, "07-speaking-bob")
    bob.emulate_media(reduced_motion="reduce")
    follow(button(bob, "Pause"), alice, paused_by("Bob"), STEP["paused"])
    screen(bob, I_PAUSED, STEP["paused"])
    for page in (alice, bob):
        guide = page.locator("#stage [data-breathe]")
        expect(guide).to_be_visible()
        expect(guide.locator(".cv-steps li")).to_have_count(3)
        expect(guide.get_by_role("button", name="1 minute")).to_be_visible()
        expect(page.locator("#stage").get_by_role("button", name="Pause")).to_have_count(0)

    # Alice's circle breathes (in 4 s, out 6 s); she may time it, but only Bob goes on.
    circle = alice.locator("#stage .cv-circle")
    expect(circle).to_be_visible()
    assert circle.evaluate("e => getComputedStyle(e).animationName") == "cv-breathe"
    assert alice.evaluate(RUNNING_ANIMATIONS) > 0
    expect(alice.locator("#stage .cv-wait")).to_have_text("We'll go on when Bob is ready.")
    expect(button(alice, "I'm ready to go on")).to_have_count(0)
    expect(button(alice, "End it here for today")).to_be_visible()
    alice.locator("#stage").get_by_role("button", name="1 minute").click()
    expect(alice.locator("#stage [data-breathe-left]")).to_have_text(
        re.compile(r"^[01]:\d\d left$")
    )
    expect(alice.locator("#stage [data-breathe-minutes='1']")).to_have_attribute(
        "aria-pressed", "true"
    )
    photograph(alice, "08-paused-alice")

    # Bob's phone: no moving circle, nothing animating; a slow line of text keeps the pace.
    expect(bob.locator("#stage .cv-breath")).to_be_hidden()
    assert (
        bob.locator("#stage .cv-circle").evaluate("e => getComputedStyle(e).animationName")
        == "none"
    )
    assert bob.evaluate(RUNNING_ANIMATIONS) == 0
    expect(bob.locator("#stage [data-breathe-cue]")).to_have_text(re.compile(r"^Breathe (in|out)"))
    expect(button(bob, "I'm ready to go on")).to_be_visible()
    photograph(bob, "08-paused-bob-reduced-motion")

    # 11. Bob is ready: both go on from exactly where they were, his words still in the box.
    follow(button(bob, "I'm ready to go on"), alice, listening("Bob"), STEP["speaking"])
    screen(bob, MY_SPEAKING, STEP["speaking"])
    expect(bob.get_by_label("A few words to anchor what you say")).to_have_value(BOB_ANCHOR)
    bob.emulate_media(reduced_motion="no-preference")
    check_a11y(alice)
    check_a11y(bob)

    # 12. Bob has said it; Alice says back what she heard; Bob feels heard.
    follow(button(bob, "I've said it"), alice, MY_REFLECTING, STEP["reflecting"])
    screen(bob, being_reflected("Alice"), STEP["reflecting"])
    expect(alice.get_by_label("What I heard")).to_have_value("")
    type_into(alice.get_by_label("What I heard"), ALICE_HEARD)
    check_a11y(alice)
    check_a11y(bob)
    follow(button(alice, "That's what I heard"), bob, MY_CHECKING, STEP["checking"])
    screen(alice, being_checked("Bob"), STEP["checking"])
    expect(bob.locator("#stage figure.cv-quote blockquote")).to_have_text(ALICE_HEARD)
    check_a11y(alice)
    check_a11y(bob)
    follow(button(bob, "Yes, that's it"), alice, MY_CLOSING, STEP["closing"])
    screen(bob, MY_CLOSING, STEP["closing"])

    # 13. Closing: each writes what they will do on their own phone (issue 13, bug 1).
    for page, partner in ((alice, "Bob"), (bob, "Alice")):
        theirs = page.get_by_role("region", name=f"{partner} will\u2026")
        expect(theirs).to_contain_text(f"{partner} is still writing.")
        expect(
            page.get_by_role("group", name="What I will do").get_by_role("textbox")
        ).to_have_count(5)
    photograph(bob, "09-closing-bob-empty")
    # Alice types her item and doesn't tap anything; it is kept as she types.
    alices_box = alice.get_by_role("group", name="What I will do").get_by_label("1 of 5")
    type_into(alices_box, ALICE_WILL)
    # The draft is saved ~800 ms after the last key; a loaded CI machine may take longer.
    expect(alice.locator("#cv-draft-status")).to_have_text("Kept as you type.", timeout=15_000)
    # Bob writes his and says his list is done: that doesn't end Alice's turn.
    type_into(bob.get_by_role("group", name="What I will do").get_by_label("1 of 5"), BOB_WILL)
    alices_box.focus()
    follow(button(bob, "My list is done"), alice, MY_CLOSING, STEP["closing"])
    screen(bob, "Your list is done. Alice is still writing.", STEP["closing"])
    expect(alices_box).to_have_value(ALICE_WILL)  # still in her box, as she left it
    expect(alices_box).to_be_focused()
    bobs = alice.get_by_role("region", name="Bob will\u2026")
    expect(bobs.locator("li")).to_have_text([BOB_WILL])
    expect(alice.locator("#stage")).to_contain_text("Bob has said theirs is done.")
    expect(bob.get_by_role("region", name="Alice will\u2026")).to_contain_text(
        "Alice is still writing."
    )
    assert Conversation.objects.get().finished_at is None
    photograph(alice, "09-closing-alice")
    photograph(bob, "09-closing-bob")

    # 14. Alice says hers is done too: it finishes, and the note is there for both.
    follow(button(alice, "My list is done"), bob, FINISHED, STEP["done"])
    screen(alice, FINISHED, STEP["done"])
    # Each note names "You" first: what each felt heard about (the words said back that
    # the speaker confirmed, and who said them back), then what each will do.
    for page, partner, heard_about, will_do in (
        (
            alice,
            "Bob",
            [f"{BOB_SECOND_TRY} (said back by Bob)", f"{ALICE_HEARD} (said back by you)"],
            [ALICE_WILL, BOB_WILL],
        ),
        (
            bob,
            "Alice",
            [f"{ALICE_HEARD} (said back by Alice)", f"{BOB_SECOND_TRY} (said back by you)"],
            [BOB_WILL, ALICE_WILL],
        ),
    ):
        note = page.locator("#stage .cv-note")
        expect(note.get_by_role("heading")).to_have_text(
            ["What each felt heard about", "What each will do"]
        )
        lists = note.locator("dl.cv-said")
        expect(lists).to_have_count(2)
        for dl, lines in zip((lists.nth(0), lists.nth(1)), (heard_about, will_do), strict=True):
            expect(dl.locator("dt")).to_have_text(["You", partner])
            expect(dl.locator("dd")).to_have_text(lines)
        # A finished conversation no longer asks for news.
        expect(page.locator("#stage")).not_to_have_attribute("hx-trigger", re.compile("every"))
    photograph(alice, "10-done-alice")
    photograph(bob, "10-done-bob")

    # 15. The note in each history; each makes their own item a commitment.
    _confirm(alice, "alice", ALICE_WILL, BOB_WILL, "Bob", today=today, weekly=False)
    _confirm(bob, "bob", BOB_WILL, ALICE_WILL, "Alice", today=today, weekly=True)

    # 16. Both commitments are on both calendars, today.
    _calendar(alice, "alice", ALICE_WILL, BOB_WILL, "Bob", today)
    _calendar(bob, "bob", BOB_WILL, ALICE_WILL, "Alice", today)

    assert_database(conversation, alice_user, bob_user)
    print(f"\nConversations journey: {time.monotonic() - started:.1f}s; {follow.summary()}")


def _confirm(
    page: Page, who: str, mine: str, theirs: str, partner: str, *, today: date, weekly: bool
) -> None:
    """On /conversations/: the note in the history, then the owner's item → a commitment
    (every day, or weekly on today's weekday), starting today."""
    stage = page.locator("#stage")
    go(page, stage.get_by_role("link", name="To your conversations"), "Conversations")
    history = page.get_by_role("region", name="Earlier conversations")
    row = history.locator("li.entry").filter(has=page.get_by_role("heading", name=TITLE))
    expect(row).to_have_count(1)
    expect(row.locator(".entry-meta")).to_contain_text("Finished")
    expect(row).to_contain_text("What each felt heard about")
    expect(row).to_contain_text("What each will do")
    expect(row).to_contain_text(mine)
    expect(row).to_contain_text(theirs)
    expect(row.locator("dt", has_text=partner).first).to_be_visible()
    # Only this person's own item waits for them to confirm it.
    to_confirm = page.get_by_role("region", name="What you said you'd do")
    expect(to_confirm).to_contain_text(f"shared with {partner}")
    items = to_confirm.locator("li.cv-confirm")
    expect(items).to_have_count(1)
    item = items.first
    expect(item.locator(".cv-item-text")).to_have_text(mine)
    expect(item.get_by_label("Starting on")).to_have_value(today.isoformat())
    if weekly:
        item.get_by_role("radio", name="Weekly, on chosen days").check()
        item.get_by_role("checkbox", name=f"{today:%A}").check()
    else:
        item.get_by_role("radio", name="Every day").check()
    photograph(page, f"11-history-{who}")
    go(page, item.get_by_role("button", name="Make it a commitment"), "Conversations")
    said(page, f"It's a commitment now, shared with {partner}. You'll find it on your calendar.")
    expect(page.get_by_role("region", name="What you said you'd do")).to_have_count(0)


def _calendar(page: Page, who: str, mine: str, theirs: str, partner: str, today: date) -> None:
    """Both commitments on this person's calendar today: their own, and the partner's."""
    visit(page, "/calendar/", "Calendar")
    expect(page.get_by_role("heading", level=2, name=f"{today:%B %Y}")).to_be_visible()
    own = on_calendar(page, today, mine)
    expect(own).to_have_count(1)
    expect(own).to_be_visible()  # on the phone's agenda, not only in the markup
    expect(own).to_have_class(re.compile(r"\bkind-promise\b"))
    expect(own.locator(".occ-whose")).to_have_count(0)  # one's own needs no name
    shared = on_calendar(page, today, theirs)
    expect(shared).to_have_count(1)
    expect(shared).to_be_visible()
    expect(shared.locator(".occ-whose")).to_have_text(partner)
    photograph(page, f"12-calendar-{who}")


def assert_database(conversation: Conversation, alice: User, bob: User) -> None:
    """What the journey left: a finished weekly conversation held apart, every step kept,
    two items made shared commitments; none of the words in clear."""
    conversation.refresh_from_db()
    assert conversation.kind == Kind.WEEKLY
    assert conversation.mode == Mode.APART
    assert conversation.stage == Stage.DONE
    assert conversation.finished_at is not None
    assert conversation.paused_by_id is None and not conversation.resting
    assert conversation.first_speaker_id == alice.pk
    steps = list(
        Exchange.objects.filter(conversation=conversation)
        .order_by("created_at")
        .values_list("said", "speaker_id", "attempt")
    )
    assert steps == [
        (Said.ANCHOR, alice.pk, 1),
        (Said.REFLECTION, alice.pk, 1),
        (Said.MISSED, alice.pk, 1),
        (Said.REFLECTION, alice.pk, 2),
        (Said.HEARD, alice.pk, 2),
        (Said.ANCHOR, bob.pk, 1),
        (Said.REFLECTION, bob.pk, 1),
        (Said.HEARD, bob.pk, 1),
    ]
    items = {item.owner_id: item for item in Item.objects.filter(conversation=conversation)}
    assert set(items) == {alice.pk, bob.pk}
    for owner in (alice, bob):
        item = items[owner.pk]
        assert item.state == ItemState.CONFIRMED
        assert item.commitment is not None
        assert item.commitment.author_id == owner.pk
        assert item.commitment.is_shared
    cadences = {
        c.author_id: list(Schedule.objects.filter(commitment=c).values_list("cadence", flat=True))
        for c in Commitment.objects.filter(pk__in=[i.commitment_id for i in items.values()])
    }
    assert cadences == {alice.pk: [Cadence.DAILY], bob.pk: [Cadence.WEEKLY]}

    typed = (ALICE_ANCHOR, BOB_FIRST_TRY, ALICE_MISSED, BOB_ANCHOR, ALICE_HEARD, ALICE_WILL)
    rows = [conversation, *Exchange.objects.all(), *items.values()]
    rows += list(Commitment.objects.all())
    for row in rows:
        for name in row.encrypted_field_names():
            stored = bytes(getattr(row, name) or b"")
            for words in typed:
                assert words.encode() not in stored, (type(row).__name__, name, words)
