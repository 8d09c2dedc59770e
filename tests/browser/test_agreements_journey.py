"""Agreements, in a real browser, two partners on two phones.

Alice and Bob are paired on the server. Alice proposes a transparency
agreement (the page says Tending never reads a phone or an account); Bob finds it waiting
for him and suggests other words for how often; Alice sees what he changed, word by word,
and accepts, so it is in effect for both; the history keeps both versions. In the monthly
review Alice keeps it and Bob wants to revise it: until both have finished each sees only
their own answers, then both see them side by side with the difference flagged. Bob raises a
concern from the agreement's page and Alice answers it with the ownership prompts. Axe runs
on every page visited; the pages people will look at closely are photographed at phone size
and must not scroll sideways.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from agreements.models import (
    Agreement,
    AgreementVersion,
    Change,
    Concern,
    ConcernAnswer,
    Kind,
    Review,
    ReviewAnswer,
    Status,
    VersionState,
)
from couples.models import Membership, Role
from tests.browser.conftest import (
    NewContext,
    check_a11y,
    clear_of_midnight,
    paired_on_server,
    screenshot,
)
from tests.browser.test_checkins_journey import (
    SHAME,
    fits_the_phone,
    heading,
    none_of,
    said,
    visit,
)

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"

TITLE = "Where I am on late nights"
WHAT = "Where I am & who I'm with, when I'm out after nine"
HOW_OFTEN = "Each Sunday evening"
BOBS_HOW_OFTEN = "Each evening I'm out late"
CHANNEL = "A message, before I set off home"
NOTES = "If my phone is flat, I'll call from a friend's <phone>."
FIELDS = {
    "In a few words": TITLE,
    "What will be shared": WHAT,
    "How often": HOW_OFTEN,
    "Through which channel": CHANNEL,
    "Notes": NOTES,
}

BOBS_REVIEW_NOTE = "Sunday is too late to hear about Friday."

WHAT_HAPPENED = "On Friday I didn't hear from you until after midnight."
HOW_IT_FELT = "I felt anxious and alone, checking my phone for hours."
WHAT_I_NEED = "To talk it through on Sunday, and a message next time, even a short one."
WHAT_I_DID = "I didn't send the message before setting off home on Friday."
HOW_IT_AFFECTED = "You were left waiting and worrying, on your own, for hours."
WHAT_I_WILL_DO = "I'll send it before I leave, every time, even when it's late."

# The one-off messages after each step.
PROPOSED = "Proposed. It waits for Bob, and takes effect once they accept it."
COUNTERED = "Your new wording is with Alice. It takes effect once they accept it."
ACCEPTED = "Accepted. It's in effect for both of you now."
HALF_DONE = "Thank you. Your part is done; Bob can finish theirs whenever they're ready."
SAVED = "Saved for now. Your answers stay private until you have both finished."
BOTH_DONE = "You've both finished. Here is this month's review, side by side."
CONCERN_SENT = "Sent to Alice. It is open now as something to talk through together"
ANSWER_SENT = "Your answer is sent to Bob."


def go(page: Page, control: Locator, title: str | re.Pattern[str]) -> None:
    """Click a link or button that loads a page, check it's the one expected, run axe."""
    with page.expect_navigation():
        control.click()
    heading(page, title)
    check_a11y(page)


def state(page: Page, words: str) -> None:
    """The agreement's state in words, under its title."""
    expect(page.locator("p.ag-state")).to_have_text(f"{words}.")


def section(page: Page, name: str) -> Locator:
    """A part of the page by its heading (a region, or a card named by its heading)."""
    return page.locator("section, article, li").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def photograph(page: Page, name: str) -> None:
    """The pages people look at closely: no sideways scroll on the phone, and a picture."""
    fits_the_phone(page)
    screenshot(page, f"journey-agreements-{name}")


# -- pairing, through the pages --------------------------------------------------------------


def agreements_from_us(page: Page) -> None:
    """Main menu → Us → Agreements."""
    go(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Us"), "Us")
    together = page.get_by_role("navigation", name="What you do together")
    go(page, together.get_by_role("link", name="Agreements", exact=True), "Agreements")


# -- the journey ------------------------------------------------------------------------------


def test_an_agreement_proposed_revised_accepted_reviewed_and_a_concern_answered(
    new_context: NewContext, site: str
) -> None:
    started = time.monotonic()
    clear_of_midnight(ZONE)  # the review is this month's, in the partners' zone

    # 1. Alice (repairing) and Bob (hurt) are paired on the server (pairing has its own
    #    journey), each on their own phone.
    alice, bob = paired_on_server(new_context, site, zones=(ZONE, ZONE))
    alice_user = User.objects.get(email="alice@example.test")
    bob_user = User.objects.get(email="bob@example.test")
    assert Membership.objects.current().get(user=alice_user).role == Role.REPAIRING
    assert Membership.objects.current().get(user=bob_user).role == Role.HURT

    # 2. Alice proposes a transparency agreement.
    agreements_from_us(alice)
    expect(alice.get_by_text("No agreements yet.", exact=False)).to_be_visible()
    go(alice, alice.get_by_role("link", name="Propose an agreement"), "Propose an agreement")
    go(
        alice,
        alice.get_by_role("link", name=re.compile(r"^A transparency agreement")),
        "Propose a transparency agreement",
    )
    note = alice.get_by_role("complementary", name="What Tending records")
    expect(note).to_contain_text("never reads a phone, messages or any account")
    form = alice.get_by_role("group", name="Your proposal")
    for label, words in FIELDS.items():
        form.get_by_label(label, exact=True).fill(words)
    check_a11y(alice)
    go(alice, alice.get_by_role("button", name="Propose it to Bob"), TITLE)
    said(alice, PROPOSED)
    state(alice, "Proposed by you, waiting for Bob's answer")
    proposal = section(alice, "Proposed agreement")
    for words in FIELDS.values():
        expect(proposal).to_contain_text(words)  # escaped, shown as typed
    expect(proposal.get_by_role("button", name="Accept")).to_have_count(0)  # not hers to accept
    agreement = Agreement.objects.get(author=alice_user)
    assert alice.url.endswith(f"/agreements/{agreement.pk}/")

    # 3. Bob finds it waiting for him, on Today and on the list, and suggests other words.
    visit(bob, "/", "Today")
    waiting = bob.get_by_role("region", name="Waiting for you")
    expect(
        waiting.get_by_role("link", name=re.compile("^Alice suggested an agreement"))
    ).to_be_visible()
    agreements_from_us(bob)
    answer_these = bob.get_by_role("region", name="Waiting for your answer")
    expect(answer_these).to_contain_text(
        "Transparency · Proposed by Alice, waiting for your answer"
    )
    go(bob, answer_these.get_by_role("link", name=TITLE), TITLE)
    state(bob, "Proposed by Alice, waiting for your answer")
    expect(section(bob, "Proposed agreement")).to_contain_text(HOW_OFTEN)
    go(bob, bob.get_by_role("link", name="Suggest other words instead"), "Suggest other words")
    expect(bob.get_by_role("complementary", name="What Tending records")).to_contain_text(
        "never reads a phone"
    )
    how_often = bob.get_by_label("How often", exact=True)
    expect(how_often).to_have_value(HOW_OFTEN)  # the form starts from Alice's words
    expect(bob.get_by_label("Notes", exact=True)).to_have_value(NOTES)
    how_often.fill(BOBS_HOW_OFTEN)
    go(bob, bob.get_by_role("button", name="Propose these words"), TITLE)
    said(bob, COUNTERED)
    state(bob, "Proposed by you, waiting for Alice's answer")

    # 4. Alice sees what Bob changed, word by word, and accepts.
    visit(alice, "/", "Today")
    waiting = alice.get_by_role("region", name="Waiting for you")
    go(alice, waiting.get_by_role("link", name=re.compile("^Bob suggested an agreement")), TITLE)
    state(alice, "Proposed by Bob, waiting for your answer")
    proposal = alice.locator("section.ag-proposal")
    expect(proposal).to_contain_text("Proposed by Bob")
    photograph(alice, "alice-pending-comparison")
    # What Bob changed in her words: taken out, struck through; put in, underlined.
    expect(proposal.get_by_text("Words added are underlined", exact=False)).to_be_visible()
    expect(proposal.locator(".ag-diff del")).to_have_text(re.compile(r"Sunday"))
    expect(proposal.locator(".ag-diff ins")).to_have_text(re.compile(r"I'm out late"))
    go(alice, proposal.get_by_role("button", name="Accept"), TITLE)
    said(alice, ACCEPTED)
    state(alice, "In effect")
    in_effect = section(alice, "In effect")
    expect(in_effect).to_contain_text(BOBS_HOW_OFTEN)
    expect(in_effect).not_to_contain_text(HOW_OFTEN)
    expect(in_effect).to_contain_text("Proposed by Bob and accepted by you.")
    visit(bob, f"/agreements/{agreement.pk}/", TITLE)
    state(bob, "In effect")
    expect(section(bob, "In effect")).to_contain_text("Proposed by you and accepted by Alice.")

    # The history keeps both versions, with who proposed and accepted them.
    go(alice, alice.get_by_role("link", name="Every version of this agreement"), TITLE)
    versions = alice.locator("li.ag-version")
    expect(versions).to_have_count(2)
    first, second = versions.nth(0), versions.nth(1)
    expect(first.get_by_role("heading")).to_have_text("Version 1: first proposal")
    expect(first).to_contain_text("Replaced by a later proposal")
    expect(first).to_contain_text("Proposed by you")
    expect(first).to_contain_text(HOW_OFTEN)
    expect(second.get_by_role("heading")).to_have_text("Version 2: a change to the words")
    expect(second).to_contain_text("Accepted")
    expect(second).to_contain_text("Proposed by Bob")
    expect(second).to_contain_text("Accepted by you")
    expect(second).to_contain_text("Compared with version 1")
    expect(second.locator(".ag-diff del")).to_have_text(re.compile(r"Sunday"))
    expect(second.locator(".ag-diff ins")).to_have_text(re.compile(r"I'm out late"))
    photograph(alice, "alice-history")
    visit(bob, f"/agreements/{agreement.pk}/history/", TITLE)
    expect(bob.locator("li.ag-version").nth(1)).to_contain_text("Accepted by Alice")
    photograph(bob, "bob-history")

    # 5. The monthly review: Alice keeps it; Bob would revise it.
    agreements_from_us(alice)
    expect(
        alice.get_by_role("region", name="In effect").get_by_role("link", name=TITLE)
    ).to_be_visible()
    go(alice, alice.get_by_role("link", name="This month's review"), "The monthly review")
    item = alice.get_by_role("group", name=TITLE)
    item.get_by_role("radio", name="Keep it").check()
    go(alice, alice.get_by_role("button", name="I've finished"), "The monthly review")
    said(alice, HALF_DONE)
    mine = alice.get_by_role("region", name="What you chose")
    expect(mine).to_contain_text(TITLE)
    expect(mine).to_contain_text("Keep it")
    photograph(alice, "alice-review-waiting")

    visit(bob, "/agreements/review/", "The monthly review")
    item = bob.get_by_role("group", name=TITLE)
    item.get_by_role("radio", name="Revise it").check()
    item.get_by_label("A note, if you like").fill(BOBS_REVIEW_NOTE)
    photograph(bob, "bob-review-form")
    go(bob, bob.get_by_role("button", name="Save for now"), "The monthly review")
    said(bob, SAVED)
    item = bob.get_by_role("group", name=TITLE)
    expect(item.get_by_role("radio", name="Revise it")).to_be_checked()
    expect(item.get_by_label("A note, if you like")).to_have_value(BOBS_REVIEW_NOTE)
    # Nothing of Alice's answer reaches Bob before he has finished.
    expect(bob.get_by_role("heading", name="Side by side")).to_have_count(0)

    # Bob has answered but not finished: Alice still sees only her own answers.
    visit(alice, "/agreements/review/", "The monthly review")
    expect(alice.get_by_role("region", name="What you chose")).to_contain_text("Keep it")
    expect(alice.get_by_role("heading", name="Side by side")).to_have_count(0)
    none_of(alice, (BOBS_REVIEW_NOTE,))
    expect(alice.get_by_text("Revise it")).to_have_count(0)

    go(bob, bob.get_by_role("button", name="I've finished"), "The monthly review")
    said(bob, BOTH_DONE)
    for page, me, partner in ((bob, "Revise it", "Keep it"), (alice, "Keep it", "Revise it")):
        if page is alice:
            visit(alice, "/agreements/review/", "The monthly review")
        expect(page.get_by_role("heading", level=2, name="Done for this month")).to_be_visible()
        result = page.get_by_role("article", name=TITLE)
        expect(result.locator(".rv-flag")).to_have_text("To talk about: you chose differently")
        said_by = result.locator(".rv-said")
        expect(said_by.nth(0).locator("dt")).to_have_text("You")
        expect(said_by.nth(0).locator("dd")).to_contain_text(me)
        expect(said_by.nth(1).locator("dt")).to_have_text("Alice" if page is bob else "Bob")
        expect(said_by.nth(1).locator("dd")).to_contain_text(partner)
        expect(result).to_contain_text(BOBS_REVIEW_NOTE)
        main_text = page.locator("main").inner_text()
        assert not SHAME.search(main_text), SHAME.findall(main_text)
        photograph(page, f"{'bob' if page is bob else 'alice'}-review-results")

    # 6. Bob raises a concern from the agreement's page; Alice answers it.
    visit(bob, f"/agreements/{agreement.pk}/", TITLE)
    raise_it = bob.get_by_role("region", name="If it wasn't kept")
    go(bob, raise_it.get_by_role("link", name="Raise a concern"), "Raise a concern")
    expect(bob.locator("main")).to_contain_text(TITLE)
    bob.get_by_label("What happened").fill(WHAT_HAPPENED)
    bob.get_by_label("How it felt").fill(HOW_IT_FELT)
    bob.get_by_label("What I need now").fill(WHAT_I_NEED)
    check_a11y(bob)
    concern_title = f"A concern about \u201c{TITLE}\u201d"
    go(bob, bob.get_by_role("button", name="Send to Alice"), concern_title)
    said(bob, CONCERN_SENT)
    expect(bob.locator("p.cn-status")).to_contain_text("You sent this to Alice")
    wrote = bob.get_by_role("region", name="What you wrote")
    for words in (WHAT_HAPPENED, HOW_IT_FELT, WHAT_I_NEED):
        expect(wrote).to_contain_text(words)
    expect(bob.get_by_role("region", name="Alice's answer")).to_contain_text(
        "Waiting for Alice's answer"
    )

    agreements_from_us(alice)
    topics = alice.get_by_role("region", name="Concerns to talk through")
    go(alice, topics.get_by_role("link", name=f"About \u201c{TITLE}\u201d"), concern_title)
    expect(alice.locator("p.cn-status")).to_contain_text("Bob sent this to you")
    theirs = alice.get_by_role("region", name="What Bob wrote")
    for words in (WHAT_HAPPENED, HOW_IT_FELT, WHAT_I_NEED):
        expect(theirs).to_contain_text(words)
    answer = alice.get_by_role("region", name="Your answer")
    # The wording aid listens here too: a first draft that makes it small gets a gentle
    # hint under the box; the owning words she settles on get none.
    did = answer.get_by_label("What I did")
    did.fill("It was only one text, you're overreacting.")
    hints = alice.locator("#cn-hints-what_i_did")
    expect(hints).to_contain_text("Making it smaller than it feels to them")
    expect(hints).to_contain_text("You could try")
    photograph(alice, "alice-concern-wording-aid")
    did.fill(WHAT_I_DID)
    expect(hints).not_to_contain_text("You could try")
    answer.get_by_label("How I see it affected you").fill(HOW_IT_AFFECTED)
    answer.get_by_label("What I will do").fill(WHAT_I_WILL_DO)
    check_a11y(alice)
    go(alice, answer.get_by_role("button", name="Send to Bob"), concern_title)
    said(alice, ANSWER_SENT)
    expect(alice.get_by_role("region", name="Your answer")).to_contain_text(WHAT_I_WILL_DO)

    visit(bob, bob.url, concern_title)
    answered = bob.get_by_role("region", name="Alice's answer")
    for label, words in (
        ("What I did", WHAT_I_DID),
        ("How I see it affected you", HOW_IT_AFFECTED),
        ("What I will do", WHAT_I_WILL_DO),
    ):
        expect(answered.locator("dt", has_text=label)).to_be_visible()
        expect(answered).to_contain_text(words)
    main_text = bob.locator("main").inner_text()
    assert not SHAME.search(main_text), SHAME.findall(main_text)
    assert not re.search(r"\b\d+\s+concerns?\b", main_text, re.IGNORECASE), main_text
    photograph(bob, "bob-concern-answered")

    assert_database(agreement, alice_user, bob_user)
    print(f"\nAgreements journey: {time.monotonic() - started:.1f}s")


def assert_database(agreement: Agreement, alice: User, bob: User) -> None:
    """What the journey left: two versions, the second in effect, a finished review, a
    concern answered; none of the words in clear."""
    agreement.refresh_from_db()
    assert agreement.kind == Kind.TRANSPARENCY
    assert agreement.status == Status.IN_EFFECT
    assert agreement.pending_id is None
    versions = list(AgreementVersion.objects.filter(agreement=agreement).order_by("number"))
    assert [(v.number, v.change, v.state) for v in versions] == [
        (1, Change.PROPOSE, VersionState.REPLACED),
        (2, Change.REVISE, VersionState.ACCEPTED),
    ]
    assert (versions[0].author_id, versions[1].author_id) == (alice.pk, bob.pk)
    assert versions[1].answered_by_id == alice.pk
    assert agreement.current_id == versions[1].pk

    review = Review.objects.get()
    assert review.finished_at is not None
    assert set(review.turns.values_list("user_id", flat=True)) == {alice.pk, bob.pk}
    assert ReviewAnswer.objects.filter(review=review).count() == 2

    concern = Concern.objects.get(agreement=agreement)
    assert concern.author_id == bob.pk and concern.sent_at is not None
    answer = ConcernAnswer.objects.get(concern=concern)
    assert answer.author_id == alice.pk and answer.sent_at is not None

    typed = (TITLE, HOW_OFTEN, BOBS_HOW_OFTEN, BOBS_REVIEW_NOTE, WHAT_HAPPENED, WHAT_I_DID)
    for row in (*versions, *ReviewAnswer.objects.all(), concern, answer):
        for name in row.encrypted_field_names():
            stored = bytes(getattr(row, name) or b"")
            for words in typed:
                assert words.encode() not in stored, (type(row).__name__, name, words)
