"""Commitments kept and seen, in a real browser, two partners on two phones.

Alice makes a daily, shared promise and switches on the three practice rhythms; Bob sees
them; Alice marks today kept and yesterday missed (with what got in the way); Bob says he
noticed; both see it on the calendar; Alice's private feed downloads without a session and
parses, with recurrence rules and without her words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from commitments.forms import WEEKDAY_NAMES, ordinal
from commitments.models import Commitment, Kind, Noticed, Outcome, Result
from commitments.services import local_today
from commitments.tests.helpers import how_it_went
from conftest import make_user, pair
from tests.browser.conftest import NewContext, check_a11y, clear_of_midnight, screenshot
from tests.browser.conftest import sign_in as browser_sign_in

pytestmark = pytest.mark.browser

TITLE = "Text when I'm running late"
IN_THE_WAY = "My phone died on the train home."
NOTICED_NOTE = "You texted from the platform. It helped."
CONVERSATION = "Weekly conversation"
REVIEW = "Monthly review of our agreements"
ZONE = "Europe/Amsterdam"
# Words a calm page never uses about a missed day.
SHAME = re.compile(r"\b(fail\w*|shame\w*|bad|brok\w*|streak|disappoint\w*)\b", re.IGNORECASE)


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def visit(page: Page, path: str, title: str | re.Pattern[str]) -> None:
    """Open a page, check it is the one expected, and run axe on it."""
    page.goto(path)
    heading(page, title)
    check_a11y(page)


def submit(page: Page, button: Locator) -> None:
    with page.expect_navigation():
        button.click()


def said(page: Page, text: str) -> None:
    """The one-off message after a POST (in the page's status region)."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def sign_in(page: Page, email: str) -> None:
    browser_sign_in(page, email, check_pages=True)


def long_date(day: date) -> str:
    """A date as the pages write it: "Friday 20 November" (Django's "l j F")."""
    return f"{day:%A} {day.day} {day:%B}"


def history_day(page: Page, day: date) -> Locator:
    """One day in a commitment page's list of the last five weeks."""
    return page.locator("li.occasion").filter(has=page.locator(f'time[datetime="{day}"]'))


def month_path(day: date, today: date) -> str:
    if (day.year, day.month) == (today.year, today.month):
        return "/calendar/"
    return f"/calendar/{day.year}/{day.month}/"


def on_calendar(page: Page, day: date, title: str) -> Locator:
    """The occasion of `title` on `day`, in the month the page shows."""
    cell = page.locator("li.cal-day").filter(
        has=page.locator(f'time[datetime="{day.isoformat()}"]')
    )
    return cell.locator("li.occ").filter(has=page.locator(".occ-title", has_text=title))


def see_calendar(page: Page, who: str, today: date, yesterday: date, partner: str) -> None:
    """Today kept and noticed, yesterday missed: in words, whoever looks."""
    visit(page, "/calendar/", "Calendar")
    expect(page.get_by_role("heading", level=2, name=f"{today:%B %Y}")).to_be_visible()
    kept = on_calendar(page, today, TITLE)
    expect(kept).to_have_count(1)
    expect(kept).to_be_visible()  # on the phone's agenda, not only in the markup
    expect(kept.locator(".occ-state")).to_have_text("kept")
    expect(kept.locator(".occ-noticed")).to_have_text("noticed")
    expect(kept).to_have_class(re.compile(r"\bstate-kept\b"))
    expect(kept).to_have_class(re.compile(r"\bkind-promise\b"))
    if partner:
        expect(kept.locator(".occ-whose")).to_have_text(partner)
    # The joint rhythms fall today too (the test chose today's weekday and day).
    for title in (CONVERSATION, REVIEW):
        joint = on_calendar(page, today, title)
        expect(joint).to_have_count(1)
        expect(joint.locator(".occ-state")).to_have_text("not marked yet")
        expect(joint.locator(".occ-whose")).to_have_text("together")
    # The legend says what shape and colour mean.
    legend = page.get_by_role("region", name="Legend")
    for word in ("Kept", "Partly", "Missed", "Not marked yet", "To come"):
        expect(legend).to_contain_text(word)
    screenshot(page, f"journey-commitments-{who}-calendar")

    if month_path(yesterday, today) != "/calendar/":  # yesterday was last month
        visit(page, month_path(yesterday, today), "Calendar")
    missed = on_calendar(page, yesterday, TITLE)
    expect(missed).to_have_count(1)
    expect(missed.locator(".occ-state")).to_have_text("missed")
    expect(missed).to_have_class(re.compile(r"\bstate-missed\b"))
    expect(missed.locator(".occ-noticed")).to_have_count(0)


def test_a_promise_is_kept_missed_noticed_and_seen(new_context: NewContext) -> None:
    clear_of_midnight(ZONE)
    # 1. Alice and Bob are a couple; each signs in on their own phone.
    alice_user, bob_user = make_user("Alice", ZONE), make_user("Bob", ZONE)
    pair(alice_user, bob_user)
    alice = new_context(ZONE).new_page()
    bob = new_context(ZONE).new_page()
    sign_in(alice, alice_user.email)
    sign_in(bob, bob_user.email)
    today = local_today(alice_user)
    assert local_today(bob_user) == today
    yesterday = today - timedelta(days=1)
    starts_on = today - timedelta(days=7)

    # 2. Alice makes her promise: daily, shared with Bob, starting a week ago.
    alice.goto("/")
    alice.get_by_role("link", name="All commitments").click()
    heading(alice, "Commitments")
    check_a11y(alice)
    alice.get_by_role("link", name="Make a commitment").click()
    heading(alice, "A new commitment")
    check_a11y(alice)
    alice.get_by_label("What will you do?").fill(TITLE)
    alice.get_by_label("Every day", exact=True).check()
    starts = alice.get_by_label("Starting on")
    expect(starts).to_have_value(today.isoformat())  # her own today, by default
    starts.fill(starts_on.isoformat())
    # Private by default (rule 1): sharing is her choice.
    expect(alice.get_by_label("Keep it to myself")).to_be_checked()
    expect(alice.get_by_label("Shared with Bob")).not_to_be_checked()
    alice.get_by_label("Shared with Bob").check()
    submit(alice, alice.get_by_role("button", name="Make this commitment"))
    heading(alice, TITLE)
    said(alice, "Your commitment is made.")
    check_a11y(alice)
    promise = Commitment.objects.get(author=alice_user, kind=Kind.PROMISE)
    assert alice.url.endswith(f"/commitments/{promise.pk}/")
    assert promise.starts_on == starts_on
    assert promise.is_shared and not promise.joint
    facts = alice.locator("dl.facts")
    expect(facts).to_contain_text("Every day")
    expect(facts).to_contain_text(f"{starts_on.day} {starts_on:%B %Y}")
    expect(facts).to_contain_text("Yours, shared with Bob")
    history = alice.get_by_role("region", name="The last five weeks").get_by_role("listitem")
    expect(history).to_have_count(8)  # a week ago up to today, none marked yet
    screenshot(alice, "journey-commitments-alice-made")

    # 3. She switches on her check-in and suggests the two joint rhythms (they fall today).
    alice.get_by_role("link", name="All commitments").click()
    heading(alice, "Commitments")
    alice.get_by_role("link", name="Practice rhythms").click()
    heading(alice, "Practice rhythms")
    check_a11y(alice)
    alice.get_by_label("A daily check-in, for me").check()
    alice.get_by_label("A weekly conversation, together").select_option(
        label=f"Every {WEEKDAY_NAMES[today.weekday()]}"
    )
    alice.get_by_label("A monthly review of our agreements, together").select_option(
        label=f"On the {ordinal(today.day)}"
    )
    submit(alice, alice.get_by_role("button", name="Save rhythms"))
    heading(alice, "Commitments")
    said(alice, "starts once Bob says yes too")
    check_a11y(alice)
    # Rule 6: joint rhythms start when both agree; until then they wait for Bob's yes.
    ours = alice.get_by_role("region", name="Our rhythms")
    expect(ours).to_contain_text(f"You suggested: {CONVERSATION}")
    expect(ours).to_contain_text(f"You suggested: {REVIEW}")
    expect(ours.get_by_role("button", name="Yes, let's")).to_have_count(0)
    mine = alice.get_by_role("region", name="Mine")
    expect(mine.get_by_role("link", name=TITLE)).to_be_visible()
    expect(mine.get_by_role("link", name="Daily check-in")).to_be_visible()
    screenshot(alice, "journey-commitments-alice-rhythms")

    # 4. Bob finds her suggestions waiting for him on Today, calmly, and says yes.
    visit(bob, "/", "Today")
    waiting = bob.get_by_role("region", name="Waiting for you")
    expect(waiting).to_contain_text(f"Alice suggested a rhythm for the two of you: {CONVERSATION}")
    today_list = bob.get_by_role("region", name="Commitments today")
    expect(today_list.get_by_role("form", name=CONVERSATION)).to_have_count(0)  # not on yet
    waiting.get_by_role("link", name=re.compile(CONVERSATION)).click()
    heading(bob, CONVERSATION)
    check_a11y(bob)
    submit(bob, bob.get_by_role("button", name="Yes, let's"))
    heading(bob, "Commitments")
    said(bob, "It's on, for both of you, from today.")
    check_a11y(bob)
    ours = bob.get_by_role("region", name="Our rhythms")
    submit(bob, ours.get_by_role("button", name="Yes, let's"))
    heading(bob, "Commitments")
    check_a11y(bob)
    screenshot(bob, "journey-commitments-bob-said-yes")
    # He sees her promise, and the rhythms the two of them now share.
    theirs = bob.get_by_role("region", name="Alice's, shared with you")
    expect(theirs.get_by_role("link", name=TITLE)).to_be_visible()
    expect(theirs).to_contain_text("Every day")
    ours = bob.get_by_role("region", name="Our rhythms")
    expect(ours.get_by_role("link", name=CONVERSATION)).to_be_visible()
    expect(ours.get_by_role("link", name=REVIEW)).to_be_visible()
    # Her check-in is hers alone (rule 2): whether she checked in isn't shown to him.
    expect(bob.get_by_role("link", name="Daily check-in")).to_have_count(0)
    screenshot(bob, "journey-commitments-bob-list")
    # His Today offers the joint rhythms to mark, not Alice's own promise.
    visit(bob, "/", "Today")
    today_list = bob.get_by_role("region", name="Commitments today")
    expect(today_list.get_by_role("form", name=CONVERSATION)).to_be_visible()
    expect(today_list.get_by_role("form", name=REVIEW)).to_be_visible()
    expect(today_list.get_by_text(TITLE)).to_have_count(0)

    # 5a. Alice marks today kept, from the Today page: the card changes in place, and the
    # page keeps her place (bug 3: it used to reload at the top).
    visit(alice, "/", "Today")
    mark_today = alice.get_by_role("form", name=TITLE)
    expect(mark_today).to_be_visible()
    alice.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    mark_today.scroll_into_view_if_needed()
    before = alice.evaluate("window.scrollY")
    assert before > 0, "the journey needs Today to scroll for this check to mean anything"
    alice.evaluate("window.__samePage = true")
    mark_today.get_by_role("button", name="Kept", exact=True).click()
    entry = alice.locator("li.today-occasion").filter(has=alice.get_by_role("link", name=TITLE))
    expect(entry.locator(".outcome-kept")).to_have_text("Kept")
    expect(entry.get_by_role("status")).to_contain_text("Marked as kept.")
    expect(entry.get_by_role("button", name="Kept")).to_have_count(0)
    assert alice.evaluate("window.__samePage === true"), "the page reloaded"
    assert abs(alice.evaluate("window.scrollY") - before) < 5
    check_a11y(alice)
    screenshot(alice, "journey-commitments-alice-kept-in-place")

    # 5b. Yesterday she missed it: from the commitment's page to that day's page.
    alice.get_by_role("link", name=TITLE).first.click()
    heading(alice, TITLE)
    expect(alice.locator(".lede")).to_contain_text("today")
    expect(alice.locator(".occasion-head .outcome-kept")).to_have_text("Kept")
    check_a11y(alice)
    alice.get_by_role("link", name="Back to the commitment").click()
    heading(alice, TITLE)
    check_a11y(alice)
    alice.get_by_role("link", name=long_date(yesterday), exact=True).click()
    alice.wait_for_url(f"**/commitments/{promise.pk}/{yesterday.isoformat()}/")
    heading(alice, TITLE)
    expect(alice.locator(".lede")).to_contain_text(long_date(yesterday))
    check_a11y(alice)
    alice.get_by_role("radio", name="Missed").check()
    in_the_way = alice.get_by_label("What got in the way?")
    expect(in_the_way).to_be_visible()  # the questions show once it's not "kept"
    in_the_way.fill(IN_THE_WAY)
    check_a11y(alice)
    submit(alice, alice.get_by_role("button", name="Save", exact=True))
    heading(alice, TITLE)
    said(alice, "Marked as missed. Thank you for being honest about it.")
    check_a11y(alice)
    # Calm: the words are kind, and a miss is not shown in red.
    main_text = alice.locator("main").inner_text()
    assert not SHAME.search(main_text), SHAME.findall(main_text)
    day = history_day(alice, yesterday)
    missed = day.locator(".outcome-missed")
    expect(missed).to_have_text("Missed")
    expect(day).to_contain_text(f"What got in the way: {IN_THE_WAY}")
    red, green, blue = map(
        int, re.findall(r"\d+", missed.evaluate("e => getComputedStyle(e).color"))[:3]
    )
    assert not (red > 150 and red > green + 60 and red > blue + 60), (red, green, blue)
    screenshot(alice, "journey-commitments-alice-missed")

    # 6. Bob says he noticed today's, from his side.
    bob.get_by_role("link", name="All commitments").click()
    heading(bob, "Commitments")
    bob.get_by_role("region", name="Alice's, shared with you").get_by_role(
        "link", name=TITLE
    ).click()
    heading(bob, TITLE)
    check_a11y(bob)
    expect(bob.locator("dl.facts")).to_contain_text("Alice's, shared with you")
    # It's shared, so he reads what got in the way too.
    expect(history_day(bob, yesterday)).to_contain_text(IN_THE_WAY)
    bob.get_by_role("link", name=long_date(today), exact=True).click()
    bob.wait_for_url(f"**/commitments/{promise.pk}/{today.isoformat()}/")
    heading(bob, TITLE)
    check_a11y(bob)
    expect(bob.locator(".occasion-head .outcome-kept")).to_have_text("Kept")
    expect(bob.get_by_role("radio", name="Kept")).to_have_count(0)  # hers to mark, not his
    side = bob.get_by_role("region", name="From your side")
    side.get_by_label("A few words, if you like").fill(NOTICED_NOTE)
    submit(bob, side.get_by_role("button", name="I noticed this"))
    heading(bob, TITLE)
    said(bob, "Thank you for noticing. Alice will see it.")
    check_a11y(bob)
    expect(bob.get_by_text(f"You noticed this: {NOTICED_NOTE}")).to_be_visible()
    expect(bob.get_by_role("button", name="Update what I noticed")).to_be_visible()
    screenshot(bob, "journey-commitments-bob-noticed")

    # Alice sees it on her commitment's page.
    visit(alice, f"/commitments/{promise.pk}/", TITLE)
    expect(history_day(alice, today)).to_contain_text(f"Bob noticed this: {NOTICED_NOTE}")

    # 7. Both see the month: kept, noticed, missed, in words as well as colour.
    see_calendar(alice, "alice", today, yesterday, partner="")
    see_calendar(bob, "bob", today, yesterday, partner="Alice")
    # Alice's check-in is hers alone: it never shows on Bob's calendar (rule 2).
    visit(bob, "/calendar/", "Calendar")
    expect(on_calendar(bob, today, "Daily check-in")).to_have_count(0)
    visit(alice, "/calendar/", "Calendar")
    expect(on_calendar(alice, today, "Daily check-in")).to_have_count(1)

    # 8. Alice turns on her calendar feed; a calendar app fetches it with no session.
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="More").click()
    heading(alice, "More")
    alice.get_by_role("link", name="Account").click()
    heading(alice, "Settings")
    check_a11y(alice)
    alice.get_by_role("link", name="Calendar feed").click()
    heading(alice, "Your calendar feed")
    check_a11y(alice)
    assert alice.url.endswith("/calendar/feed/")
    submit(alice, alice.get_by_role("button", name="Make my calendar feed"))
    heading(alice, "Your calendar feed")
    said(alice, "Your calendar feed is ready.")
    check_a11y(alice)
    address = alice.get_by_label("Feed address")
    expect(address).not_to_be_editable()  # readonly: read, copied, never typed into
    url = address.input_value()
    assert re.fullmatch(r"https?://[^/]+/calendar/feed/[\w-]{20,}\.ics", url), url
    expect(alice.get_by_role("button", name="Show titles in my calendar")).to_be_visible()
    screenshot(alice, "journey-commitments-alice-feed")

    app = new_context(ZONE).request  # no cookies: nobody is signed in here
    response = app.get(url)
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.body()
    assert b"running late" not in body.lower()  # titles are off by default
    feed = Calendar.from_ical(body)
    events = {str(e["SUMMARY"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {"Commitment", "Daily check-in", CONVERSATION, "Monthly review"}
    # Every one of them recurs: a recurrence rule each, not an event per day.
    rules = {summary: e.decoded("RRULE") for summary, e in events.items() if "RRULE" in e}
    assert {summary: rule["FREQ"] for summary, rule in rules.items()} == {
        "Commitment": ["DAILY"],
        "Daily check-in": ["DAILY"],
        CONVERSATION: ["WEEKLY"],
        "Monthly review": ["MONTHLY"],
    }
    daily = events["Commitment"]
    assert daily.decoded("DTSTART") == starts_on
    assert rules["Commitment"]["UNTIL"] == [today + timedelta(days=180)]
    assert str(daily["UID"]).startswith(f"{promise.pk}-")
    for summary in ("Daily check-in", CONVERSATION, "Monthly review"):
        assert events[summary].decoded("DTSTART") == today
    assert app.get(re.sub(r"[\w-]+\.ics$", "not-the-token.ics", url)).status == 404

    # What the database holds: one outcome per day, marked by Alice; Bob's mark.
    assert_database(promise, alice_user, bob_user, today, yesterday)


def assert_database(
    promise: Commitment, alice: User, bob: User, today: date, yesterday: date
) -> None:
    outcomes = {o.on_date: o for o in Outcome.objects.filter(commitment=promise)}
    assert set(outcomes) == {today, yesterday}
    assert how_it_went(outcomes[today]) == Result.KEPT
    assert how_it_went(outcomes[yesterday]) == Result.MISSED
    assert {o.author_id for o in outcomes.values()} == {alice.pk}
    assert outcomes[yesterday].in_the_way  # kept, encrypted ...
    assert IN_THE_WAY.encode() not in bytes(outcomes[yesterday].in_the_way)  # ... not in clear
    noticed = Noticed.objects.get(commitment=promise)
    assert (noticed.author_id, noticed.on_date) == (bob.pk, today)
    assert NOTICED_NOTE.encode() not in bytes(noticed.note)
    assert not Outcome.objects.filter(author=bob).exists()
