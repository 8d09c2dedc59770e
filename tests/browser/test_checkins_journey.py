"""Daily check-ins, trends, reflection and the journal, in a real browser, two partners on two
phones.

Three weeks of earlier check-ins are already there (Alice's shared, Bob's private). Alice
checks in today from the Today page with a tap per scale and shares it; Bob checks in and
keeps his private. Alice finds nothing of Bob's (history, his tab, trends) and her own
trend, with no new-evidence section since Bob shares nothing; Bob sees Alice's trend beside
his own and her words in her tab. Alice answers today's prompt privately and writes in her
journal; Bob's pages show none of it. Axe runs on every page visited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from checkins import services
from checkins.models import LATE_DAYS, CheckIn, JournalEntry, Reflection
from checkins.prompts import suggested
from conftest import PASSWORD, make_user, pair
from couples.models import Role
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import PasswordKeyring
from tests.browser.conftest import NewContext, check_a11y, clear_of_midnight, screenshot
from tests.browser.conftest import sign_in as browser_sign_in

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"
PHONE_WIDTH = 390
# Three weeks before today: with today, four weeks of the twelve have check-ins.
SEED_DAYS = 21
WEEKS = 12

ALICE_EARLIER = "Easier to be honest this week"
ALICE_TODAY = "We walked the dog together & talked <3"
BOB_EARLIER = "Kept this one for myself"
BOB_TODAY = "Still raw after the phone call"
BOB_WORDS = (BOB_EARLIER, BOB_TODAY)
ALICE_ANSWER = "I told the truth about the weekend before I was asked."
ALICE_JOURNAL = "Some evenings I don't know what to do with my hands."
ALICE_PRIVATE = (ALICE_ANSWER, ALICE_JOURNAL)
# Words a calm page never uses.
SHAME = re.compile(r"\b(fail\w*|shame\w*|bad|streak|score\w*|disappoint\w*)\b", re.IGNORECASE)

TODAYS = "Today's check-in"
Ratings = tuple[int, int, int]  # safety, closeness, heaviness


def alice_ratings(weeks_ago: int) -> Ratings:
    """Whole numbers per week, so each week's average is exact: safety 4 → 7 over 4 weeks."""
    return 7 - weeks_ago, 6 - weeks_ago, 3 if weeks_ago >= 2 else 2


def bob_ratings(weeks_ago: int) -> Ratings:
    """Bob's safety 2 → 5, closeness 3 → 6, heaviness 4 → 3."""
    return 5 - weeks_ago, 6 - weeks_ago, 4 if weeks_ago >= 2 else 3


OF = (10, 10, 5)  # the top of each scale, as the history writes it
ALICE_NOW = alice_ratings(0)  # what she taps today: this week stays whole
BOB_NOW = bob_ratings(0)


def weeks_ago(day: date, today: date) -> int:
    monday = today - timedelta(days=today.weekday())
    return (monday - (day - timedelta(days=day.weekday()))).days // 7


def seed(
    user: User, today: date, ratings: Callable[[int], Ratings], words: str, *, shared: bool
) -> None:
    """Check-ins for each of the SEED_DAYS days before today. The last week goes through the
    service (filled in late); older days are beyond the late window, so their rows are
    written and encrypted the way check_in() writes them, with the day set explicitly."""
    ring = PasswordKeyring(user, PASSWORD)
    for back in range(1, SEED_DAYS + 1):
        day = today - timedelta(days=back)
        safety, closeness, heaviness = ratings(weeks_ago(day, today))
        if back <= LATE_DAYS:
            services.check_in(
                ring,
                day,
                safety=safety,
                closeness=closeness,
                heaviness=heaviness,
                words=words,
                shared=shared,
            )
            continue
        entry = CheckIn(author=user, day=day)
        entries.encrypt_into(
            entry,
            ring,
            {
                "safety": safety,
                "closeness": closeness,
                "heaviness": heaviness,
                "moments": [],
                "words": words,
            },
        )
        entry.save()
        if shared:
            entries.share(entry, ring)


class Taps:
    """Every tap the journey makes on a phone, counted by what it was for."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, locator: Locator, purpose: str) -> None:
        locator.tap()
        self.counts[purpose] = self.counts.get(purpose, 0) + 1


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def visit(page: Page, path: str, title: str | re.Pattern[str]) -> None:
    """Open a page, check it is the one expected, and run axe on it."""
    page.goto(path)
    heading(page, title)
    check_a11y(page)


def follow(page: Page, tap: Taps, control: Locator, purpose: str, title: str) -> None:
    """Tap a link or button that loads a page, check it's the one expected, run axe."""
    with page.expect_navigation():
        tap(control, purpose)
    heading(page, title)
    check_a11y(page)


def said(page: Page, text: str) -> None:
    """The one-off message after a POST (in the page's status region)."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def fits_the_phone(page: Page) -> None:
    """Nothing makes the page wider than the phone: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


# WCAG's relative luminance and contrast ratio, worked out in the page for each text of each
# chart: axe can't tell the background of SVG text, so it only marks it "needs review".
SVG_TEXT_CONTRAST = """() => {
  const lum = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.querySelectorAll("svg.trend-chart text")].map((t) => {
    const [a, b] = [lum(getComputedStyle(t).fill),
                    lum(getComputedStyle(t.closest(".card")).backgroundColor)];
    return [t.textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


def chart_text_contrast(page: Page) -> None:
    """Every word and number drawn in a chart reads at 4.5:1 or more on its card."""
    measured = page.evaluate(SVG_TEXT_CONTRAST)
    assert measured, "no chart text found"
    low = [(text, round(ratio, 2)) for text, ratio in measured if ratio < 4.5]
    assert not low, f"chart text under 4.5:1 on {page.url}: {low}"


def none_of(page: Page, words: tuple[str, ...]) -> None:
    """None of these words anywhere in the page: its text or its markup."""
    expect(page.locator("body")).to_be_visible()
    markup = page.content()
    for text in words:
        assert text not in markup, f"{text!r} is on {page.url}"
        expect(page.get_by_text(text)).to_have_count(0)


def sign_in(page: Page, email: str) -> None:
    browser_sign_in(page, email, check_pages=True)


def scale_step(page: Page, question: str, value: int) -> Locator:
    """The label of one number on one of the check-in's scales."""
    group = page.get_by_role("group", name=question)
    return group.locator("label.scale-step").filter(has_text=re.compile(rf"^\s*{value}\s*$"))


def one_row_of_numbers(page: Page, question: str) -> None:
    """The 0-10 scale is one row that reads left to right at 390 and at 360 px (it used to
    wrap into two rows with 10 under 4)."""
    size = page.viewport_size
    assert size is not None
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": size["height"]})
        steps = page.get_by_role("group", name=question).locator("label.scale-step")
        boxes = [steps.nth(n).bounding_box() for n in range(11)]
        assert all(box is not None for box in boxes)
        tops = {round(box["y"]) for box in boxes if box}
        lefts = [box["x"] for box in boxes if box]
        assert len(tops) == 1, f"the scale wraps at {width}px: {tops}"
        assert lefts == sorted(lefts), f"the scale doesn't read left to right at {width}px"
        fits_the_phone(page)
        screenshot(page, f"journey-checkins-scale-{width}")
    page.set_viewport_size(size)


def check_in(
    page: Page,
    tap: Taps,
    partner: str,
    ratings: Ratings,
    moment: str,
    words: str,
    *,
    share: bool,
    shot: str = "",
) -> None:
    """From Today: tap "Check in", a number on each scale, an honest option, a few words,
    perhaps sharing, and save. Ends on the thank-you."""
    follow(page, tap, page.get_by_role("link", name="Check in", exact=True), "open", TODAYS)
    expect(page.get_by_text("A minute is enough.")).to_be_visible()
    fits_the_phone(page)
    questions = (
        f"How safe do I feel with {partner} today?",
        "How close do I feel?",
        "How heavy is today?",
    )
    one_row_of_numbers(page, questions[0])
    for question, value in zip(questions, ratings, strict=True):
        group = page.get_by_role("group", name=question)
        expect(group.get_by_role("radio")).to_have_count(5 if "heavy" in question else 11)
        tap(scale_step(page, question, value), "scales")
        expect(group.get_by_role("radio", name=str(value), exact=True)).to_be_checked()
        expect(group.locator("input:checked")).to_have_count(1)
    tap(page.locator("label.moment").filter(has_text=moment), "moment")
    expect(page.get_by_role("checkbox", name=moment)).to_be_checked()
    box = page.get_by_label("A few words, if you like")
    tap(box, "words")
    box.fill(words)
    sharing = page.get_by_role("checkbox", name=f"Share this check-in with {partner}")
    expect(sharing).not_to_be_checked()  # new check-ins start private unless chosen
    if share:
        tap(sharing, "share")
        expect(sharing).to_be_checked()
    check_a11y(page)
    if shot:
        screenshot(page, shot)
    # Saved: back to Today, not left on the form (issue 13).
    follow(page, tap, page.get_by_role("button", name="Save my check-in"), "save", "Today")
    said(page, "Thank you for checking in.")
    expect(page.get_by_text("You've checked in today. Thank you.")).to_be_visible()
    main_text = page.locator("main").inner_text()
    assert not SHAME.search(main_text), SHAME.findall(main_text)
    # What was saved is what the form shows when she opens it again.
    page.get_by_role("link", name="Look at it or change it").click()
    heading(page, TODAYS)
    expect(page.get_by_text("You've checked in for this day.")).to_be_visible()
    for question, value in zip(questions, ratings, strict=True):
        group = page.get_by_role("group", name=question)
        expect(group.get_by_role("radio", name=str(value), exact=True)).to_be_checked()
    expect(page.get_by_label("A few words, if you like")).to_have_value(words)
    if share:
        expect(sharing).to_be_checked()
    else:
        expect(sharing).not_to_be_checked()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()


def history_entries(page: Page) -> Locator:
    return page.locator("li.checkin-entry")


def own_charts(page: Page, sentences: dict[str, str]) -> None:
    """The person's own section on /trends/: three charts, each with its sentence, named by
    its title and described in words, and the weeks as a table with gaps, not zeros."""
    mine = page.get_by_role("region", name="Your check-ins")
    charts = mine.get_by_role("img")
    expect(charts).to_have_count(3)
    for subject, sentence in sentences.items():
        expect(mine.get_by_text(sentence, exact=True)).to_be_visible()
        chart = mine.get_by_role("img", name=re.compile(rf"^{re.escape(subject)}, week by week"))
        expect(chart).to_have_count(1)
        expect(chart).to_be_visible()
        expect(chart).to_have_accessible_name(re.compile(re.escape(sentence)))
        expect(chart).to_have_accessible_name(
            re.compile(f"4 of {WEEKS} weeks have a check-in; the others are left as gaps.")
        )
    table = mine.get_by_role("table", name="Weekly averages of your check-ins")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(WEEKS)
    expect(rows.filter(has_text="No check-in")).to_have_count(WEEKS - 4)
    expect(table.locator("tbody td").filter(has_text=re.compile(r"^0$"))).to_have_count(0)


def test_both_check_in_alice_shares_and_each_sees_what_is_theirs_to_see(
    new_context: NewContext,
) -> None:
    clear_of_midnight(ZONE)
    # 1. Alice (repairing) and Bob (hurt); three weeks of check-ins behind them already.
    alice_user, bob_user = make_user("Alice", ZONE), make_user("Bob", ZONE)
    pair(alice_user, bob_user)
    today = services.local_today(alice_user)
    assert services.local_today(bob_user) == today
    seed(alice_user, today, alice_ratings, ALICE_EARLIER, shared=True)
    seed(bob_user, today, bob_ratings, BOB_EARLIER, shared=False)

    alice = new_context(ZONE).new_page()
    bob = new_context(ZONE).new_page()
    sign_in(alice, alice_user.email)  # her visit hands Bob the couple key
    sign_in(bob, bob_user.email)

    # 2. Alice checks in from Today, a tap per scale, and shares it with Bob.
    alice_taps = Taps()
    check_in(
        alice,
        alice_taps,
        "Bob",
        ALICE_NOW,
        "A good moment today",
        ALICE_TODAY,
        share=True,
        shot="journey-checkins-alice-form",
    )
    screenshot(alice, "journey-checkins-alice-thanks")
    assert alice_taps.counts["scales"] == 3, alice_taps.counts
    print(f"\nAlice's check-in, taps by purpose: {alice_taps.counts}")

    # 3. Bob checks in and keeps it to himself.
    bob_taps = Taps()
    check_in(bob, bob_taps, "Alice", BOB_NOW, "This still hurts", BOB_TODAY, share=False)
    assert bob_taps.counts["scales"] == 3, bob_taps.counts
    print(f"Bob's check-in, taps by purpose: {bob_taps.counts}")

    # 4a. Alice's history: her own, all shared; Bob's tab: nothing, and it's his to choose.
    past = alice.get_by_role("link", name="Past check-ins")
    follow(alice, alice_taps, past, "history", "Past check-ins")
    expect(history_entries(alice)).to_have_count(SEED_DAYS + 1)
    newest = history_entries(alice).first
    expect(newest.locator(f'time[datetime="{today.isoformat()}"]')).to_be_visible()
    expect(newest).to_contain_text(ALICE_TODAY)  # escaped, shown as typed
    expect(newest).to_contain_text("A good moment today")
    expect(newest.locator("dd")).to_have_text([f"{n} of {m}" for n, m in zip(ALICE_NOW, OF)])
    expect(history_entries(alice).filter(has_text="Shared with Bob")).to_have_count(SEED_DAYS + 1)
    none_of(alice, BOB_WORDS)
    tabs = alice.get_by_role("navigation", name="Whose check-ins")
    follow(
        alice, alice_taps, tabs.get_by_role("link", name="Shared by Bob"), "tab", "Bob's check-ins"
    )
    expect(tabs.get_by_role("link", name="Shared by Bob")).to_have_attribute("aria-current", "page")
    expect(alice.get_by_text("Bob hasn't shared a check-in with you.")).to_be_visible()
    expect(history_entries(alice)).to_have_count(0)
    none_of(alice, BOB_WORDS)

    # 4b. Alice's trends: her own four weeks; nothing of Bob's, so no side by side and, though
    # she is the repairing partner, no new-evidence section.
    visit(alice, "/trends/", "Trends")
    fits_the_phone(alice)
    chart_text_contrast(alice)
    own_charts(
        alice,
        {
            "Your sense of safety": "Over the last 12 weeks, your sense of safety went from "
            "about 4 to about 7.",
            "Your sense of closeness": "Over the last 12 weeks, your sense of closeness went "
            "from about 3 to about 6.",
            "How heavy your days felt": "Over the last 12 weeks, how heavy your days felt went "
            "from about 3 to about 2.",
        },
    )
    expect(alice.get_by_role("img")).to_have_count(3)
    expect(alice.get_by_role("heading", name="Side by side")).to_have_count(0)
    expect(alice.get_by_role("heading", name="New evidence")).to_have_count(0)
    expect(alice.locator(".trend-evidence-section")).to_have_count(0)
    expect(alice.get_by_text("Check-ins Bob shares with you would appear here")).to_be_visible()
    expect(alice.get_by_text("Bob's sense")).to_have_count(0)
    none_of(alice, BOB_WORDS)
    screenshot(alice, "journey-checkins-alice-trends")

    # 5. Bob's trends: his own, and Alice's shared ones beside them, as hers.
    visit(bob, "/trends/", "Trends")
    fits_the_phone(bob)
    chart_text_contrast(bob)
    own_charts(
        bob,
        {
            "Your sense of safety": "Over the last 12 weeks, your sense of safety went from "
            "about 2 to about 5.",
            "Your sense of closeness": "Over the last 12 weeks, your sense of closeness went "
            "from about 3 to about 6.",
            "How heavy your days felt": "Over the last 12 weeks, how heavy your days felt went "
            "from about 4 to about 3.",
        },
    )
    side = bob.get_by_role("region", name="Side by side")
    expect(side).to_be_visible()
    expect(side).to_contain_text("Alice shares check-ins with you")
    expect(side.get_by_role("figure", name="Alice", exact=True)).to_have_count(3)
    expect(side.get_by_role("figure", name="You", exact=True)).to_have_count(3)
    expect(side.get_by_role("img")).to_have_count(6)
    for subject, sentence in {
        "Alice's sense of safety": "Over the last 12 weeks, Alice's sense of safety went from "
        "about 4 to about 7.",
        "Alice's sense of closeness": "Over the last 12 weeks, Alice's sense of closeness went "
        "from about 3 to about 6.",
        "How heavy Alice's days felt": "Over the last 12 weeks, how heavy Alice's days felt "
        "went from about 3 to about 2.",
    }.items():
        expect(side.get_by_text(sentence, exact=True)).to_be_visible()
        chart = side.get_by_role("figure", name="Alice", exact=True).get_by_role(
            "img", name=re.compile(rf"^{re.escape(subject)}, week by week")
        )
        expect(chart).to_be_visible()
        expect(chart).to_have_accessible_name(re.compile(re.escape(sentence)))
    theirs = side.get_by_role("table", name="Weekly averages of the check-ins Alice shared")
    expect(theirs.locator("tbody tr").filter(has_text="No check-in")).to_have_count(WEEKS - 4)
    this_week = theirs.locator("tbody tr").last.locator("td")
    expect(this_week).to_have_text([*map(str, ALICE_NOW), str(today.weekday() + 1)])
    # The new evidence is for the repairing partner; Bob is the hurt one.
    expect(bob.get_by_role("heading", name="New evidence")).to_have_count(0)
    screenshot(bob, "journey-checkins-bob-trends")

    # ... and her words on her shared check-in, in his "Shared by Alice" tab.
    visit(bob, "/check-in/history/?whose=partner", "Alice's check-ins")
    expect(history_entries(bob)).to_have_count(SEED_DAYS + 1)
    hers = history_entries(bob).first
    expect(hers.locator(f'time[datetime="{today.isoformat()}"]')).to_be_visible()
    expect(hers).to_contain_text("Alice's check-in")
    expect(hers.get_by_text(ALICE_TODAY, exact=True)).to_be_visible()
    expect(hers).to_contain_text("A good moment today")
    expect(hers.locator("dd")).to_have_text([f"{n} of {m}" for n, m in zip(ALICE_NOW, OF)])
    expect(hers.get_by_role("button")).to_have_count(0)  # hers to share or not, not his
    expect(bob.get_by_text(ALICE_EARLIER)).to_have_count(SEED_DAYS)
    # His own, all private.
    visit(bob, "/check-in/history/", "Past check-ins")
    expect(history_entries(bob).filter(has_text="Only you")).to_have_count(SEED_DAYS + 1)
    expect(history_entries(bob).first).to_contain_text(BOB_TODAY)
    expect(history_entries(bob).first).to_contain_text("This still hurts")

    # 6. Alice answers today's prompt, privately, and writes in her journal.
    visit(alice, "/", "Today")
    card = alice.get_by_role("region", name="Check-in", exact=True)
    expect(card.get_by_text("You've checked in today. Thank you.")).to_be_visible()
    follow(
        alice,
        alice_taps,
        card.get_by_role("link", name="a question to reflect on"),
        "reflect",
        "Reflect",
    )
    prompt = suggested(Role.REPAIRING.value, today, alice_user.pk)
    answer = alice.get_by_label(prompt.text)
    expect(answer).to_be_visible()
    answer.fill(ALICE_ANSWER)
    expect(alice.get_by_role("checkbox", name="Share with Bob")).not_to_be_checked()
    follow(alice, alice_taps, alice.get_by_role("button", name="Keep my answer"), "keep", "Reflect")
    said(alice, "Kept. Only you can read this answer.")
    kept = alice.locator("li.rf-answer")
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text(prompt.text)
    expect(kept).to_contain_text(ALICE_ANSWER)
    expect(kept).to_contain_text("Yours · only you")

    visit(alice, "/", "Today")
    follow(
        alice,
        alice_taps,
        alice.get_by_role("link", name="your private journal"),
        "journal",
        "Journal",
    )
    alice.get_by_label("Write whatever you like").fill(ALICE_JOURNAL)
    follow(
        alice, alice_taps, alice.get_by_role("button", name="Keep this entry"), "keep", "Journal"
    )
    said(alice, "Kept in your journal. Only you can read it.")
    expect(alice.locator("li.jn-entry")).to_have_count(1)
    expect(alice.locator("li.jn-entry")).to_contain_text(ALICE_JOURNAL)

    # Bob's reflection and journal pages show none of it.
    visit(bob, "/reflect/", "Reflect")
    expect(bob.get_by_label(suggested(Role.HURT.value, today, bob_user.pk).text)).to_be_visible()
    expect(bob.get_by_text("No answers yet.")).to_be_visible()
    none_of(bob, ALICE_PRIVATE)
    visit(bob, "/journal/", "Journal")
    expect(bob.get_by_text("Nothing here yet.")).to_be_visible()
    none_of(bob, ALICE_PRIVATE)
    # Nor do the pages where her shared things reach him.
    for path, title in (
        ("/check-in/history/?whose=partner", "Alice's check-ins"),
        ("/trends/", "Trends"),
        ("/", "Today"),
    ):
        visit(bob, path, title)
        none_of(bob, ALICE_PRIVATE)

    # 7. What the database holds.
    assert_database(alice_user, bob_user, today)


def assert_database(alice: User, bob: User, today: date) -> None:
    alice_today = CheckIn.objects.get(author=alice, day=today)
    bob_today = CheckIn.objects.get(author=bob, day=today)
    assert alice_today.visibility == Visibility.SHARED and alice_today.couple_id is not None
    assert bob_today.visibility == Visibility.PRIVATE
    assert not alice_today.late and not bob_today.late
    for entry, words in ((alice_today, ALICE_TODAY), (bob_today, BOB_TODAY)):
        assert entry.words  # kept, encrypted ...
        assert words.encode() not in bytes(entry.words)  # ... not in clear
    assert CheckIn.objects.filter(author=alice).count() == SEED_DAYS + 1
    assert CheckIn.objects.filter(author=bob).count() == SEED_DAYS + 1
    assert not CheckIn.objects.filter(author=alice, visibility=Visibility.PRIVATE).exists()
    assert not CheckIn.objects.filter(author=bob, visibility=Visibility.SHARED).exists()
    # Only the last week's went through the late window; all of them count as filled in late.
    assert CheckIn.objects.filter(author=alice, late=True).count() == LATE_DAYS
    answer = Reflection.objects.get(author=alice)
    assert answer.visibility == Visibility.PRIVATE and answer.day == today
    assert ALICE_ANSWER.encode() not in bytes(answer.answer)
    journal = JournalEntry.objects.get(author=alice)
    assert journal.visibility == Visibility.PRIVATE
    assert ALICE_JOURNAL.encode() not in bytes(journal.body)
    assert not Reflection.objects.filter(author=bob).exists()
    assert not JournalEntry.objects.filter(author=bob).exists()
