"""Today: what today asks of me, then what my partner shared or did, then what waits."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity.models import Notice
from agreements import services as agreements
from agreements.models import Kind
from checkins import services as checkins
from commitments import services as commitments
from commitments.occurrences import Rule
from conftest import PASSWORD, Cast
from couples.models import Membership
from notes import services as notes
from privacy import entries
from privacy.keyring import PasswordKeyring

PRIVATE = "kept-to-myself-words"
SHARED = "shared-for-bob-words"


def today_html(client: Client) -> str:
    response = client.get(reverse("today"))
    assert response.status_code == 200
    return str(response.content.decode())


def test_what_alice_shares_reaches_bob_once_then_moves_to_earlier(cast: Cast) -> None:
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    day = checkins.local_today(cast.alice.user)
    checkins.check_in(ring, day, safety=4, closeness=4, heaviness=2, words=SHARED, shared=True)
    notes.write_note(ring, PRIVATE, shared=False)
    page = today_html(cast.bob.client)
    new = page.split('class="feed feed-new"')[1].split("</ul>")[0]
    assert "Alice shared a check-in" in new
    assert PRIVATE not in page and SHARED not in page  # the line is a phrase, never words
    assert "note" not in new  # the private note told nobody

    again = today_html(cast.bob.client)
    assert 'class="feed feed-new"' not in again
    assert "Nothing new since you last looked." in again
    earlier = again.split('class="feed feed-earlier"')[1].split("</ul>")[0]
    assert "Alice shared a check-in" in earlier
    # Alice's own Today says nothing of her own doing.
    assert "Alice shared" not in today_html(cast.alice.client)


def test_lines_come_in_the_order_things_happened(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    ring_a, ring_b = PasswordKeyring(alice, PASSWORD), PasswordKeyring(bob, PASSWORD)
    start = timezone.localdate() - timedelta(days=3)
    promise = commitments.create_commitment(
        ring_b, title="Text when late", rule=Rule("daily"), starts_on=start, shared=True
    )
    notes.write_note(ring_a, SHARED, shared=True)
    commitments.notice(ring_a, promise, commitments.local_today(alice) - timedelta(days=1))
    agreements.propose(ring_a, Kind.OTHER, agreements.Terms(title="Phones away", text="at 10"))
    page = today_html(cast.bob.client)
    new = page.split('class="feed feed-new"')[1].split("</ul>")[0]
    order = [
        "Alice shared a note",
        "Alice noticed one of your commitments",
        "Alice suggested an agreement",
    ]
    assert [new.index(line) for line in order] == sorted(new.index(line) for line in order)


def test_a_line_about_an_entry_goes_when_it_stops_being_shared(cast: Cast) -> None:
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    note = notes.write_note(ring, SHARED, shared=True)
    entries.unshare(note, ring)
    assert "Alice shared a note" not in today_html(cast.bob.client)
    # Shared again before Bob looked: one line, not two.
    entries.share(note, ring)
    entries.unshare(note, ring)
    entries.share(note, ring)
    assert Notice.objects.filter(recipient=cast.bob.user).count() == 1
    assert today_html(cast.bob.client).count("Alice shared a note") == 1


def test_the_other_couple_hears_nothing(cast: Cast) -> None:
    notes.write_note(PasswordKeyring(cast.alice.user, PASSWORD), SHARED, shared=True)
    for persona in (cast.carol, cast.dan, cast.erin):
        assert "Alice" not in today_html(persona.client)


def _second_day_noon(user: User) -> datetime:
    """Noon on this person's second day in their space, in their own time zone: "a day
    and an hour later" is their third day when they joined after 23:00 where they live."""
    zone = ZoneInfo(user.time_zone)
    joined = Membership.objects.filter(user=user).get().joined_at.astimezone(zone)
    return datetime.combine(joined.date() + timedelta(days=1), time(12), tzinfo=zone)


def test_the_intro_card_and_the_guide_only_in_the_first_week(cast: Cast) -> None:
    page = today_html(cast.bob.client)
    assert "You and Alice" in page
    assert "For this week: a first check-in" in page  # day one of the guide
    joined = Membership.objects.filter(user=cast.bob.user).get().joined_at
    with time_machine.travel(_second_day_noon(cast.bob.user)):
        assert "one small promise" in today_html(cast.bob.client)
    with time_machine.travel(joined + timedelta(days=8)):
        page = today_html(cast.bob.client)
    assert "You and Alice" not in page
    assert "For this week" not in page


def test_no_first_check_in_is_suggested_after_checking_in(cast: Cast) -> None:
    assert "For this week: a first check-in" in today_html(cast.bob.client)
    bob = cast.bob.user
    checkins.check_in(
        PasswordKeyring(bob, PASSWORD),
        checkins.local_today(bob),
        safety=6,
        closeness=6,
        heaviness=2,
    )
    page = today_html(cast.bob.client)
    assert "For this week" not in page
    assert "You and Alice" in page  # still the first week


def test_a_suggestion_can_be_skipped_or_all_of_them(cast: Cast) -> None:
    client = cast.bob.client
    response = client.post(reverse("today_guide"), {"step": "checkin"})
    assert response.status_code == 302 and response["Location"] == reverse("today")
    assert "For this week" not in today_html(client)
    with time_machine.travel(_second_day_noon(cast.bob.user)):
        assert "one small promise" in today_html(client)
        client.post(reverse("today_guide"), {"all": "yes"})
        assert "For this week" not in today_html(client)
    # Nonsense is ignored calmly.
    assert client.post(reverse("today_guide"), {"step": "<b>x</b>"}).status_code == 302


def test_the_daily_actions_come_before_the_partner_and_what_waits(cast: Cast) -> None:
    agreements.propose(
        PasswordKeyring(cast.alice.user, PASSWORD),
        Kind.OTHER,
        agreements.Terms(title="Phones away", text="after ten"),
    )
    page = today_html(cast.bob.client)
    marks = ['id="checkin-heading"', 'id="commitments-heading"', 'id="bids-heading"']
    marks += ['id="from-partner-heading"', 'id="waiting-heading"']
    positions = [page.index(m) for m in marks]
    assert positions == sorted(positions)


def test_more_lists_every_practice(cast: Cast) -> None:
    page = cast.bob.client.get(reverse("more")).content.decode()
    for name in (
        "checkins:today",
        "checkins:reflect",
        "checkins:journal",
        "checkins:trends",
        "bids:log",
        "commitments:list",
        "commitments:calendar",
        "agreements:index",
        "conversations:index",
        "closeness:index",
        "notes:list",
        "accounts:settings",
    ):
        assert f'href="{reverse(name)}"' in page, name


def _something_waiting_in_every_practice(cast: Cast) -> None:
    """For bob: a shared note, a note of appreciation, a step due soon, a proposal, a moment
    just past, a conversation going, a bid noted and a check-in, all from today."""
    from appreciations import services as appreciations
    from bids import services as bids
    from closeness import services as closeness
    from closeness.models import Moment
    from closeness.services import YES
    from closeness.steps import BUILT_IN
    from conftest import ring
    from conversations import services as conversations
    from projects import services as projects

    alice, bob = ring(cast.alice.user), ring(cast.bob.user)
    notes.write_note(alice, SHARED, shared=True)
    appreciations.write(alice, what_they_did="the dishes", what_it_meant="rest")
    soon = timezone.localdate() + timedelta(days=2)
    projects.start(alice, title="A trip", steps=[projects.NewStep("Book the room", soon)])
    terms = agreements.Terms(title="Phones", what="who", how_often="daily", channel="dinner")
    agreements.propose(alice, "transparency", terms)
    for keys in (alice, bob):
        closeness.save_answers(keys, dict.fromkeys([s.key for s in BUILT_IN[:3]], YES), ())
    steps = [s.key for s in closeness.shared_yes(alice) or []][:1]
    moment = closeness.plan_moment(alice, timezone.now() + timedelta(hours=2), steps)
    closeness.answer_moment(cast.bob.user, moment, yes=True)
    Moment.objects.filter(pk=moment.pk).update(at=timezone.now() - timedelta(hours=1))
    conversations.start(alice, kind="topic", mode="apart", topic="Sundays")
    bids.note_bid(bob, who="me", kind="touch", response="toward", words="a hug")
    checkins.check_in(
        bob, checkins.local_today(cast.bob.user), safety=7, closeness=5, heaviness=2, words="ok"
    )


def test_cards_read_after_todays_probes_match_each_service_asked_alone(cast: Cast) -> None:
    """Today asks every practice "anything waiting?" in one query (accounts/probes.py) and
    reads only where the answer is yes: what it shows must be what each service gives when
    asked on its own, with something waiting everywhere and with nothing anywhere."""
    from appreciations import services as appreciations
    from bids import services as bids
    from closeness import services as closeness
    from conftest import ring
    from conversations import services as conversations
    from milestones import services as milestones
    from projects import services as projects
    from today import presenter

    def pks(items: object) -> list[object]:
        return [item.pk for item in items]  # type: ignore[attr-defined]

    def compare(expect_something: bool) -> None:
        keys, bob = ring(cast.bob.user), cast.bob.user
        seen = presenter.today_context(bob, keys, cast.bob.client.session)
        day = checkins.local_today(bob)
        alone = {
            "notes": pks(notes.recent_notes(keys)),
            "appreciations_waiting": pks(appreciations.waiting_for(keys)),
            "agreements_waiting": pks(agreements.waiting_for_answer(bob)),
            "consent_due": pks(closeness.today_cards(bob)[0]),
            "aftercare_due": pks(closeness.today_cards(bob)[1]),
        }
        assert {name: pks(seen[name]) for name in alone} == alone
        assert seen["project_due"] == projects.due_soon(keys)
        assert seen["checked_in_today"] == checkins.checked_in_on(bob, day)
        assert seen["bid_noted_today"] == bids.today_card(bob)[0]
        going, items = conversations.today_lines(bob)
        assert (seen["conversation_going"], seen["items_to_confirm"]) == (going, items)
        assert seen["quiet_day"] == milestones.is_quiet(keys, day)
        shown = [
            alone["notes"],
            alone["appreciations_waiting"],
            alone["agreements_waiting"],
            alone["aftercare_due"],
            seen["project_due"],
            seen["checked_in_today"],
            seen["bid_noted_today"],
            going,
        ]
        assert all(shown) if expect_something else not any(shown), shown

    compare(expect_something=False)
    _something_waiting_in_every_practice(cast)
    compare(expect_something=True)
