"""The closeness path, in a real browser, two partners on two phones.

Alice and Bob are paired on the server (the pairing journey tests the pages). Each answers a
dozen steps privately and differently; each then finds only the steps both said yes to, and
nothing else about the other's answers. Bob pauses: Alice sees only "paused for now"; Bob
resumes. Alice plans a moment about an hour ahead, Bob says yes, the consent check-in is
there for both at once; Alice leaves it for now, and Bob sees only that it is called off,
not who called it off.
Axe runs on every page visited.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from closeness.models import Moment, MomentState, Pause
from couples.models import Role
from tests.browser.conftest import NewContext, check_a11y, paired_on_server, screenshot
from tests.browser.test_checkins_journey import fits_the_phone, heading, said, visit

pytestmark = pytest.mark.browser

ALICE_ZONE = "Europe/Amsterdam"
BOB_ZONE = "America/Toronto"  # the moment's time is shown on each one's own clock

YES, LATER, NOT_YET, OPEN = "Yes", "Maybe later", "Not yet", "Not answered"
HIDE = "hide"

# The built-in steps' words, as the pages show them (closeness/steps.py).
WORDS = {
    "b-sit-close": "Sitting close to each other on the sofa",
    "b-eyes": "Looking at each other while we talk",
    "b-walk": "A walk side by side",
    "b-same-room": "Reading or resting in the same room",
    "b-hands": "Holding hands",
    "b-hug": "A long hug",
    "b-rest": "Lying down and resting together",
    "b-cheek": "A kiss on the cheek or the forehead",
    "b-massage": "A massage of the shoulders, back or feet",
    "b-kiss": "Kissing",
    "b-bath": "Bathing or showering together",
    "b-skin": "Lying close with little or nothing on, and going no further",
    "b-touch": "Touching each other sexually",
    "b-oral": "Oral sex",
    "b-sex": "Sex, in the ways we both like",
}

# A dozen answers each, different on purpose: Bob's yes to "b-eyes" meets Alice hiding it,
# his yes to "b-rest" meets her leaving it open, her yes to "b-kiss" meets his "not yet",
# her "maybe later" to "b-massage" meets his yes.
ALICE_ANSWERS = {
    "b-sit-close": YES,
    "b-walk": YES,
    "b-hands": YES,
    "b-hug": YES,
    "b-kiss": YES,
    "b-cheek": YES,
    "b-massage": LATER,
    "b-skin": LATER,
    "b-bath": NOT_YET,
    "b-oral": NOT_YET,
    "b-sex": NOT_YET,
    "b-eyes": HIDE,
}
BOB_ANSWERS = {
    "b-walk": YES,
    "b-hands": YES,
    "b-hug": YES,
    "b-rest": YES,
    "b-massage": YES,
    "b-eyes": YES,
    "b-sit-close": LATER,
    "b-cheek": LATER,
    "b-kiss": NOT_YET,
    "b-bath": NOT_YET,
    "b-touch": NOT_YET,
    "b-skin": HIDE,
}
SHARED = ("b-walk", "b-hands", "b-hug")  # in the list's order: presence, then affection
PLANNED = ("b-walk", "b-hug")

# Anything that would tell one partner about the other's answers: counts, waiting, who
# said what.
HINTS = re.compile(
    r"waiting for (your partner|alice|bob)|\b(alice|bob) (said|answered|has|hasn't|marked|chose)"
    r"|\d+\s+(of|steps?|answers?|more)\b|not answered yet|\bpartner's answer",
    re.IGNORECASE,
)
PARTNER_ANSWER_WORDS = re.compile(
    r"(alice|bob|partner)\W+(\w+\W+){0,6}(maybe later|not yet)", re.IGNORECASE
)
WHO_CALLED_OFF = re.compile(
    r"\b(alice|bob|called it|off by|cancel\w*|by (you|them))\b", re.IGNORECASE
)
CONSENT_LINK = "Something you planned together is coming up. Do you still feel good about it?"


def page_text(page: Page) -> str:
    """What the page says in its main part, without its one-off message, each moment's
    time written as <time> (the partners' clocks differ), whitespace made single."""
    text: str = page.evaluate(
        """() => {
            const main = document.querySelector("main").cloneNode(true);
            main.querySelectorAll(".messages").forEach((m) => m.remove());
            main.querySelectorAll("time").forEach((t) => { t.textContent = "<time>"; });
            main.querySelectorAll("input[type=hidden]").forEach((i) => i.remove());
            return main.textContent;
        }"""
    )
    return " ".join(text.split())


def no_hints(page: Page) -> None:
    """Nothing on the page says anything about the other's answers."""
    # The character counters of text boxes ("0 of 200") are about one's own typing.
    text = page.locator("main").evaluate(
        """(main) => {
            const copy = main.cloneNode(true);
            copy.querySelectorAll(".limit").forEach((n) => n.remove());
            return copy.innerText;
        }"""
    )
    assert not HINTS.search(text), (page.url, HINTS.findall(text))
    assert not PARTNER_ANSWER_WORDS.search(text), (page.url, PARTNER_ANSWER_WORDS.findall(text))


def when(at: datetime, zone: str) -> str:
    """A moment's time as the pages write it (Django's "l j F, H:i"), on `zone`'s clock."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def submit(page: Page, control: Locator) -> None:
    with page.expect_navigation():
        control.click()


def to_closeness(page: Page) -> None:
    """Us → Closeness, by the links."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Us").click()
    heading(page, "Us")
    check_a11y(page)
    together = page.get_by_role("navigation", name="What you do together")
    submit(page, together.get_by_role("link", name="Closeness"))
    heading(page, "Closeness")
    check_a11y(page)
    fits_the_phone(page)


def pair_up(new_context: NewContext, site: str) -> tuple[Page, Page]:
    """Paired on the server (the pairing journey tests the pages), in two time zones,
    both "both of us"."""
    pair = paired_on_server(
        new_context, site, zones=(ALICE_ZONE, BOB_ZONE), roles=(Role.BOTH, Role.BOTH)
    )
    assert User.objects.get(email="alice@example.test").time_zone == ALICE_ZONE
    assert User.objects.get(email="bob@example.test").time_zone == BOB_ZONE
    return pair


def step_group(page: Page, key: str) -> Locator:
    """One step's fieldset on "My answers", named by its legend."""
    return page.get_by_role("group", name=WORDS[key], exact=True)


def open_tiers(page: Page) -> None:
    """Steps come grouped by kind of closeness, in sections that open and close (issue 13:
    the page was 6,300 px long): the first is open, and a tap on a heading opens the next."""
    tiers = page.locator("details.cl-tier")
    expect(tiers.locator("summary")).to_have_text(["Being near", "Affection", "Sensual", "Sexual"])
    expect(tiers.first).to_have_attribute("open", "")
    for tier in tiers.all()[1:]:
        expect(tier).not_to_have_attribute("open", re.compile(".*"))
        tier.locator("summary").click()
        expect(tier).to_have_attribute("open", "")


def answer(page: Page, who: str, answers: dict[str, str]) -> None:
    """From Closeness to "My answers": a tap per step, then save."""
    submit(page, page.get_by_role("link", name="My answers"))
    heading(page, "My answers")
    check_a11y(page)
    fits_the_phone(page)
    open_tiers(page)
    check_a11y(page)
    # Every step starts open, and the page holds nothing of the partner's.
    for key in WORDS:
        expect(step_group(page, key).get_by_role("radio", name=OPEN)).to_be_checked()
    no_hints(page)
    for key, choice in answers.items():
        group = step_group(page, key)
        if choice == HIDE:
            group.get_by_role("checkbox", name="Hide from my list").check()
        else:
            group.get_by_role("radio", name=choice, exact=True).check()
    submit(page, page.get_by_role("button", name="Save my answers").last)
    heading(page, "My answers")
    said(page, "Saved. Your answers are yours alone")
    check_a11y(page)
    fits_the_phone(page)

    # As saved: each answer where it was left; hidden steps folded away under their own
    # heading, still answerable.
    open_tiers(page)
    hidden = [k for k, c in answers.items() if c == HIDE]
    for key in WORDS:
        if key in hidden:
            continue
        choice = answers.get(key, OPEN)
        expect(step_group(page, key).get_by_role("radio", name=choice, exact=True)).to_be_checked()
    folded = page.locator("details.cl-hidden")
    expect(folded.locator("summary")).to_have_text("Steps you've hidden")
    for key in hidden:
        folded_step = folded.get_by_role("group", name=WORDS[key], exact=True, include_hidden=True)
        expect(folded_step).to_have_count(1)
        expect(folded_step).to_be_hidden()
    no_hints(page)
    screenshot(page, f"journey-closeness-{who}-my-answers")
    submit(page, page.get_by_role("link", name="Back to closeness"))
    heading(page, "Closeness")
    check_a11y(page)


def see_shared_yes(page: Page, who: str, partner: str) -> None:
    """The overview: exactly the steps both said yes to, and nothing about the rest."""
    region = page.get_by_role("region", name="Our shared yes")
    expect(region).to_be_visible()
    expect(region.locator("ul.cl-steps li")).to_have_text([WORDS[k] for k in SHARED])
    expect(region.get_by_role("heading", level=3)).to_have_text(["Being near", "Affection"])
    shown = region.inner_text()
    for key, words in WORDS.items():
        if key not in SHARED:
            assert words not in shown, f"{words!r} is in {who}'s shared yes"
    assert not re.search(r"maybe later|not yet|\d", shown, re.IGNORECASE), shown
    assert partner not in shown, shown
    expect(region.get_by_role("link", name="Plan a moment")).to_be_visible()
    no_hints(page)
    fits_the_phone(page)


def test_only_the_shared_yes_a_pause_and_a_moment_left_for_now(
    new_context: NewContext, site: str
) -> None:
    started = time.monotonic()
    alice, bob = pair_up(new_context, site)

    # 1. Each answers a dozen steps, privately and differently.
    to_closeness(alice)
    expect(alice.get_by_role("region", name="Our shared yes")).to_contain_text(
        "Steps show here once you have both said yes to them."
    )
    answer(alice, "alice", ALICE_ANSWERS)
    to_closeness(bob)
    answer(bob, "bob", BOB_ANSWERS)

    # 2. Each finds only the intersection; both overviews say the same, names aside.
    visit(alice, "/closeness/", "Closeness")
    see_shared_yes(alice, "alice", "Bob")
    screenshot(alice, "journey-closeness-alice-shared-yes")
    see_shared_yes(bob, "bob", "Alice")
    screenshot(bob, "journey-closeness-bob-shared-yes")
    assert page_text(alice).replace("Bob", "<partner>") == page_text(bob).replace(
        "Alice", "<partner>"
    )
    for page in (alice, bob):  # nothing of it on Today either
        visit(page, "/", "Today")
        no_hints(page)
        expect(page.get_by_role("region", name="Waiting for you")).to_have_count(0)

    # 3. Bob pauses, with one tap.
    visit(bob, "/closeness/", "Closeness")
    # The first step leads the page; pausing is further down, one link from the top.
    expect(bob.locator("main .cl-first a.button")).to_have_text("My answers")
    pausing = bob.get_by_role("region", name="Pausing the path")
    expect(pausing).to_contain_text("any moments you've planned are called off")
    expect(pausing.get_by_text("Alice will see only that it's paused for now")).to_be_visible()
    bob.locator("main").get_by_role("link", name="pause it").click()
    expect(pausing.get_by_role("button", name="Pause the path")).to_be_in_viewport()
    submit(bob, pausing.get_by_role("button", name="Pause the path"))
    heading(bob, "Closeness")
    said(bob, "Paused. Any moments you'd planned are called off, and nothing here moves")
    check_a11y(bob)
    mine = bob.get_by_role("region", name="You've paused the path")
    expect(mine).to_contain_text("Only you can resume it")
    expect(mine.get_by_role("button", name="Resume the path")).to_be_visible()
    expect(bob.get_by_role("region", name="Our shared yes")).to_have_count(0)
    fits_the_phone(bob)
    screenshot(bob, "journey-closeness-bob-paused")

    # Alice: "paused for now", and nothing else: no list, no planning, no who or when.
    visit(alice, "/closeness/", "Closeness")
    paused = alice.get_by_role("region", name="Paused for now")
    expect(paused).to_be_visible()
    main = alice.locator("main")
    expect(main.get_by_role("heading")).to_have_text(["Closeness", "Paused for now"])
    # Only her own things stay in reach: her answers (they can change at any time) and her
    # guide to hard moments (issue 16: one tap from the pause).
    expect(main.get_by_role("link")).to_have_text(["My answers", "When it's hard for me"])
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("region", name="Our shared yes")).to_have_count(0)
    said_there = main.inner_text()
    assert not re.search(r"bob|\d|since|ago|by\b|resume", said_there, re.IGNORECASE), said_there
    for words in WORDS.values():
        assert words not in alice.content()
    fits_the_phone(alice)
    screenshot(alice, "journey-closeness-alice-paused")
    visit(alice, "/closeness/plan/", "Closeness")  # planning is put away too
    expect(alice.get_by_role("region", name="Paused for now")).to_be_visible()
    expect(alice.get_by_label("When")).to_have_count(0)

    # Bob resumes; Alice finds the list again.
    visit(bob, "/closeness/", "Closeness")
    submit(bob, bob.get_by_role("button", name="Resume the path"))
    heading(bob, "Closeness")
    said(bob, "The path is open again")
    check_a11y(bob)
    visit(alice, "/closeness/", "Closeness")
    see_shared_yes(alice, "alice", "Bob")

    # 4. Alice plans a moment about an hour ahead, on her own clock, from the shared yes.
    region = alice.get_by_role("region", name="Our shared yes")
    submit(alice, region.get_by_role("link", name="Plan a moment"))
    heading(alice, "Plan a moment")
    check_a11y(alice)
    fits_the_phone(alice)
    when_box = alice.get_by_label("When")
    expect(when_box).to_have_attribute("type", "datetime-local")
    expect(alice.get_by_text("On your own clock (Europe/Amsterdam)")).to_be_visible()
    no_hints(alice)
    local = datetime.now(ZoneInfo(ALICE_ZONE)) + timedelta(hours=1)
    when_box.fill(f"{local:%Y-%m-%dT%H:%M}")
    picks = alice.get_by_role("group", name="From your shared yes").get_by_role("checkbox")
    expect(picks).to_have_count(len(SHARED))
    for key, pick in zip(SHARED, picks.all(), strict=True):
        expect(pick).to_have_accessible_name(WORDS[key])
    for key in PLANNED:
        alice.get_by_role("checkbox", name=WORDS[key], exact=True).check()
    submit(alice, alice.get_by_role("button", name="Suggest this moment"))
    heading(alice, "A moment together")
    said(alice, "Suggested. Bob can answer yes or not this time")
    check_a11y(alice)
    moment = Moment.objects.get()
    at = moment.at
    assert timedelta(minutes=58) < at - datetime.now(ZoneInfo("UTC")) <= timedelta(minutes=60)
    assert when(at, ALICE_ZONE) == f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"
    expect(alice.locator(".lede time")).to_have_text(when(at, ALICE_ZONE))
    expect(alice.locator(".cl-state")).to_have_text("You suggested this")
    planned = alice.get_by_role("region", name="From your shared yes")
    expect(planned.get_by_role("listitem")).to_have_text([WORDS[k] for k in PLANNED])
    moment_path = f"/closeness/moments/{moment.pk}/"
    assert alice.url.endswith(moment_path)
    no_hints(alice)

    # Bob finds it on his overview, on his own clock, and says yes.
    visit(bob, "/closeness/", "Closeness")
    moments = bob.get_by_role("region", name="Moments")
    item = moments.get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item.locator("time")).to_have_text(when(at, BOB_ZONE))
    expect(item).to_contain_text("Alice suggested this")
    expect(item.get_by_role("button", name="Not this time")).to_be_visible()
    submit(bob, item.get_by_role("button", name="Yes", exact=True))
    heading(bob, "Closeness")
    said(bob, "Planned. Either of you can still call it off")
    check_a11y(bob)
    expect(bob.get_by_role("region", name="Moments").get_by_role("listitem")).to_contain_text(
        "Planned"
    )

    # 5. It's within two hours: the consent check-in is there for both, at once.
    consent_title = f"Still feel good about {when(at, BOB_ZONE)}?"
    consent = bob.get_by_role("region", name=consent_title)
    expect(consent).to_be_visible()
    expect(consent).to_contain_text("Alice sees only that it's called off")
    expect(consent.get_by_role("button", name="Yes, still good")).to_be_visible()
    expect(consent.get_by_role("button", name="Let's leave it for now")).to_be_visible()
    fits_the_phone(bob)
    screenshot(bob, "journey-closeness-bob-consent")
    visit(bob, "/", "Today")
    expect(bob.get_by_role("region", name="Waiting for you").get_by_role("link")).to_have_text(
        [CONSENT_LINK]
    )

    visit(alice, "/", "Today")
    waiting = alice.get_by_role("region", name="Waiting for you")
    submit(alice, waiting.get_by_role("link", name=CONSENT_LINK))
    heading(alice, "A moment together")
    check_a11y(alice)
    assert alice.url.endswith(moment_path)
    expect(alice.locator(".cl-state")).to_have_text("Planned")
    consent = alice.get_by_role("region", name=f"Still feel good about {when(at, ALICE_ZONE)}?")
    expect(consent).to_contain_text("Bob sees only that it's called off")
    fits_the_phone(alice)
    screenshot(alice, "journey-closeness-alice-consent")

    # Alice leaves it for now, without a reason.
    submit(alice, consent.get_by_role("button", name="Let's leave it for now"))
    heading(alice, "A moment together")
    said(alice, "It's called off. No reason is needed, and none is asked.")
    check_a11y(alice)
    expect(alice.locator(".cl-state")).to_have_text("Called off")
    expect(alice.get_by_role("region", name=re.compile("Still feel good"))).to_have_count(0)
    moment.refresh_from_db()
    assert moment.state == MomentState.OFF

    # 6. Bob: only that it's called off; nothing says who.
    visit(bob, "/", "Today")
    expect(bob.get_by_role("region", name="Waiting for you")).to_have_count(0)
    visit(bob, "/closeness/", "Closeness")
    expect(bob.get_by_role("region", name=re.compile("Still feel good"))).to_have_count(0)
    item = bob.get_by_role("region", name="Moments").get_by_role("listitem")
    expect(item.locator(".entry-meta")).to_have_text("Called off")
    expect(item.get_by_role("button")).to_have_count(0)
    assert not WHO_CALLED_OFF.search(item.inner_text()), item.inner_text()
    submit(bob, item.get_by_role("link", name=when(at, BOB_ZONE)))
    heading(bob, "A moment together")
    check_a11y(bob)
    fits_the_phone(bob)
    expect(bob.locator(".cl-state")).to_have_text("Called off")
    expect(bob.locator("main").get_by_role("button")).to_have_count(0)
    said_there = bob.locator("main").inner_text()
    assert not WHO_CALLED_OFF.search(said_there), said_there
    no_hints(bob)
    screenshot(bob, "journey-closeness-bob-off-for-now")

    # Whoever called it off, both see the same page (each on their own clock).
    visit(alice, moment_path, "A moment together")
    assert page_text(alice) == page_text(bob)
    visit(alice, "/closeness/", "Closeness")
    visit(bob, "/closeness/", "Closeness")
    assert page_text(alice).replace("Bob", "<partner>") == page_text(bob).replace(
        "Alice", "<partner>"
    )

    assert Pause.objects.count() == 1
    assert Pause.objects.get().ended_at is not None
    print(f"\nThe closeness journey took {time.monotonic() - started:.1f}s")
