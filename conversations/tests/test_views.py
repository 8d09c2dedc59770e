"""The conversation pages through real URLs: starting, the whole flow on two devices and on
one, the polling endpoint, stale screens and the wrong person, pausing from every stage,
resting and resuming, confirming what each will do, the wording aid, and escaping.

Every refusal is checked twice: the answer says why, and the database is unchanged."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from agreements import services as agreements
from agreements.models import Kind as AgreementKind
from agreements.services import Terms
from commitments.models import Commitment
from conftest import Cast, ring
from conversations import services
from conversations.models import Conversation, Item, ItemState, Kind, Mode, Stage
from couples import services as couples
from tests.support import markup as text

# Wednesday 11 March 2026, 12:00 UTC (13:00 in Amsterdam, where everyone lives).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = "2026-03-11"
HTMX = {"HX-Request": "true"}
NASTY = "<script>alert('x')</script> & <b>bold</b>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def fresh(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def plain(response: Any) -> str:
    """The page's words without tags, entities turned back into characters, spaces squeezed."""
    words = re.sub(r"<[^>]+>", " ", text(response))
    return re.sub(r"\s+", " ", html.unescape(words))


def begin_page(client: Client, **data: Any) -> Conversation:
    """Start a conversation through the index page; it redirects to the room."""
    posted = {"kind": Kind.WEEKLY, "mode": Mode.APART, "token": str(uuid.uuid4()), **data}
    response = client.post(reverse("conversations:index"), posted)
    assert response.status_code == 302, text(response)[:2000]
    conversation: Conversation | None = Conversation.objects.order_by("-created_at").first()
    assert conversation is not None
    assert response["Location"] == reverse("conversations:room", args=[conversation.pk])
    return conversation


def act(
    client: Client,
    conversation: Conversation,
    action: str,
    *,
    htmx: bool = True,
    revision: int | None = None,
    **data: Any,
) -> Any:
    """One button on the conversation screen, with the revision that screen showed (the
    current one, unless given)."""
    shown = fresh(conversation).revision if revision is None else revision
    posted = {"action": action, "revision": shown, **data}
    extra = HTMX if htmx else {}
    return client.post(reverse("conversations:act", args=[conversation.pk]), posted, headers=extra)


def lists(*owned: tuple[User, list[str]]) -> dict[str, Any]:
    """The closing form's boxes: one list per owner."""
    return {f"item-{owner.pk}": texts for owner, texts in owned}


def keep(client: Client, conversation: Conversation, *owned: tuple[User, list[str]]) -> Any:
    """The closing form sent without saying anyone is done (Enter, or "Keep it for now")."""
    return act(client, conversation, "closing", keep="1", **lists(*owned))


def say_done(
    client: Client, conversation: Conversation, who: User, *owned: tuple[User, list[str]]
) -> Any:
    """`who`'s "... list is done" button, with what the boxes hold."""
    return act(client, conversation, "closing", done=str(who.pk), **lists(*owned))


def draft(client: Client, conversation: Conversation, *owned: tuple[User, list[str]]) -> Any:
    url = reverse("conversations:draft", args=[conversation.pk])
    return client.post(url, lists(*owned), headers=HTMX)


def state(client: Client, conversation: Conversation, revision: int) -> Any:
    url = reverse("conversations:state", args=[conversation.pk])
    return client.get(url, {"revision": revision}, headers=HTMX)


def snapshot(conversation: Conversation) -> tuple[Any, ...]:
    c = fresh(conversation)
    return (
        c.stage,
        c.speaker_id,
        c.round,
        c.attempt,
        c.second_half,
        c.paused_by_id,
        c.resting,
        c.revision,
        c.exchanges.count(),
        c.items.count(),
    )


# -- starting ----------------------------------------------------------------------------------


def test_the_index_offers_both_kinds_with_the_weekly_agenda(cast: Cast) -> None:
    response = cast.alice.client.get(reverse("conversations:index"))
    assert response.status_code == 200
    page = plain(response)
    assert "Our weekly conversation" in page and "About one thing" in page
    assert "One thing each of you appreciated in the other this week" in page
    assert "Side by side, passing one phone" in page and "Each on our own device" in page
    assert "Wording suggestions: on" in page


def test_someone_without_a_partner_is_told_plainly(cast: Cast) -> None:
    page = plain(cast.erin.client.get(reverse("conversations:index")))
    assert "A conversation needs the two of you" in page
    assert "Begin" not in page


def test_a_double_submit_starts_one_conversation_and_one_going_shows_carry_on(
    cast: Cast,
) -> None:
    token = str(uuid.uuid4())
    data = {"kind": Kind.TOPIC, "mode": Mode.APART, "topic": "Sundays", "token": token}
    first = cast.alice.client.post(reverse("conversations:index"), data)
    again = cast.alice.client.post(reverse("conversations:index"), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Conversation.objects.count() == 1
    page = plain(cast.bob.client.get(reverse("conversations:index")))
    assert "A conversation is going" in page and "Carry on" in page
    assert "About: Sundays" in page
    other = cast.bob.client.post(
        reverse("conversations:index"),
        {"kind": Kind.WEEKLY, "mode": Mode.APART, "token": str(uuid.uuid4())},
    )
    assert other.status_code == 400
    assert "There's a conversation going already" in plain(other)
    assert Conversation.objects.count() == 1


def test_a_topic_is_needed_and_an_overlong_one_is_refused(cast: Cast) -> None:
    url = reverse("conversations:index")
    empty = cast.alice.client.post(
        url, {"kind": Kind.TOPIC, "mode": Mode.APART, "token": str(uuid.uuid4())}
    )
    assert empty.status_code == 400
    assert "Say in a few words what this conversation is about." in plain(empty)
    long = cast.alice.client.post(
        url,
        {"kind": Kind.TOPIC, "mode": Mode.APART, "topic": "x" * 201, "token": str(uuid.uuid4())},
    )
    assert long.status_code == 400
    assert "The topic can be up to 200 characters; this has 201." in plain(long)
    odd = cast.alice.client.post(
        url, {"kind": "chat", "mode": "shouting", "token": str(uuid.uuid4())}
    )
    assert odd.status_code == 400
    assert not Conversation.objects.exists()


def test_an_agreement_stepped_back_from_can_be_the_topic(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    agreement = agreements.propose(
        ring(alice), AgreementKind.OTHER, Terms(title="Phones away at dinner", text="Yes")
    )
    assert agreement.pending is not None
    agreements.accept(bob, agreement, agreement.pending)
    agreement.refresh_from_db()
    agreements.step_back(bob, agreement)
    page = plain(cast.alice.client.get(reverse("conversations:index")))
    # Named as the agreement pages name it (issue 13: "one of you" / "someone").
    assert "An agreement Bob stepped back from: \u201cPhones away at dinner\u201d" in page
    bobs = plain(cast.bob.client.get(reverse("conversations:index")))
    assert "An agreement you stepped back from: \u201cPhones away at dinner\u201d" in bobs
    conversation = begin_page(cast.alice.client, kind=Kind.TOPIC, about=f"agreement:{agreement.pk}")
    assert conversation.agreement_id == agreement.pk
    room = plain(cast.bob.client.get(reverse("conversations:room", args=[conversation.pk])))
    assert "About: Phones away at dinner" in room
    # Someone else's agreement is not found, whatever its id.
    theirs = cast.carol.client.post(
        reverse("conversations:index"),
        {
            "kind": Kind.TOPIC,
            "mode": Mode.APART,
            "about": f"agreement:{agreement.pk}",
            "token": str(uuid.uuid4()),
        },
    )
    assert theirs.status_code == 404


# -- the whole flow, on two devices -----------------------------------------------------------


def test_a_whole_conversation_on_two_devices(cast: Cast) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = begin_page(alice)
    room = bob.get(reverse("conversations:room", args=[conversation.pk]))
    assert room.status_code == 200
    assert "Choose who speaks first." in plain(room)
    assert 'id="stage"' in text(room) and "every 1500ms" in text(room)

    # Polling: nothing new is 204; an older revision gets the new #stage.
    shown = fresh(conversation).revision
    assert state(bob, conversation, shown).status_code == 204

    response = act(alice, conversation, "begin", first=cast.alice.user.pk)
    assert response.status_code == 200
    assert "It's your turn to speak." in plain(response)
    followed = state(bob, conversation, shown)
    assert followed.status_code == 200
    assert text(followed).lstrip().startswith('<section id="stage"')
    assert "Alice is speaking. Listen; you'll say back what you heard." in plain(followed)
    assert "<html" not in text(followed)

    response = act(alice, conversation, "said_it", words="I felt alone on Sunday.")
    assert "Bob is saying back what they heard." in plain(response)
    response = act(bob, conversation, "reflect", words="You felt alone when I was out.")
    assert "Alice is saying whether that's it." in plain(response)
    checking = plain(state(alice, conversation, 0))
    assert "Your turn: is that what you meant?" in checking
    assert "You felt alone when I was out." in checking

    response = act(alice, conversation, "not_quite", missed="That I missed you, too.")
    assert "Bob is saying back what they heard." in plain(response)
    again = plain(state(bob, conversation, 0))
    assert "Your turn: say back what you heard." in again
    assert "That I missed you, too." in again
    act(bob, conversation, "reflect", words="You felt alone, and you missed me.")
    response = act(alice, conversation, "heard")
    assert "Bob is speaking. Listen; you'll say back what you heard." in plain(response)

    # Roles switch.
    act(bob, conversation, "said_it", words="Work has been heavy.")
    act(alice, conversation, "reflect", words="")
    response = act(bob, conversation, "heard")
    assert response.status_code == 200
    assert "Your turn: what will you do?" in plain(response)

    a, b = cast.alice.user, cast.bob.user
    response = keep(alice, conversation, (a, ["Call at lunch", ""]))
    assert response.status_code == 200
    response = say_done(bob, conversation, b, (b, ["Home by seven on Fridays"]))
    assert response.status_code == 200
    assert "Your list is done. Alice is still writing." in plain(response)
    assert fresh(conversation).finished_at is None
    closing = plain(state(alice, conversation, 0))
    assert "Bob will\u2026" in closing and "Home by seven on Fridays" in closing
    assert "Bob has said this list is done." in closing
    assert "Call at lunch" in text(state(alice, conversation, 0))  # her box, as she left it

    response = say_done(alice, conversation, a, (a, ["Call at lunch", "Walk on Sunday"]))
    assert response.status_code == 200
    done = plain(response)
    assert "Finished. Thank you both." in done
    assert "Home by seven on Fridays" in done and "Call at lunch" in done
    assert "Walk on Sunday" in done
    assert fresh(conversation).finished_at is not None
    # A finished screen stops polling.
    assert "hx-trigger" not in text(state(alice, conversation, 0))

    history = plain(alice.get(reverse("conversations:index")))
    assert "Earlier conversations" in history
    assert "You felt alone, and you missed me." in history
    assert "What each will do" in history and "Call at lunch" in history
    assert "Bob" in history and "You" in history
    assert "What you said you'd do" in history  # Alice's item waits for her


def test_the_wrong_person_acting_is_refused_and_nothing_changes(cast: Cast) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = begin_page(alice)
    act(alice, conversation, "begin", first=cast.alice.user.pk)
    before = snapshot(conversation)
    response = act(bob, conversation, "said_it", words="Not my turn")
    assert response.status_code == 400
    assert "This step is your partner's" in plain(response)
    assert 'id="stage"' in text(response)
    assert snapshot(conversation) == before
    # Someone outside the couple gets nothing at all.
    assert act(cast.carol.client, conversation, "pause").status_code == 404
    assert (
        cast.carol.client.get(reverse("conversations:room", args=[conversation.pk])).status_code
        == 404
    )
    assert state(cast.dan.client, conversation, 0).status_code == 404
    assert snapshot(conversation) == before
    # Choosing someone outside the couple to speak first is refused too.
    other = begin_page(cast.carol.client)
    before = snapshot(other)
    response = act(cast.carol.client, other, "begin", first=cast.alice.user.pk)
    assert response.status_code == 400
    assert "Choose which of you speaks first." in plain(response)
    assert snapshot(other) == before


def test_a_stale_screen_is_answered_with_where_things_are_now(cast: Cast) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = begin_page(alice)
    shown = fresh(conversation).revision
    act(alice, conversation, "begin", first=cast.bob.user.pk)
    before = snapshot(conversation)
    # Bob's screen still showed the agenda; both tapped at once.
    response = act(bob, conversation, "begin", revision=shown, first=cast.bob.user.pk)
    assert response.status_code == 409
    page = plain(response)
    assert "The conversation moved on a moment ago" in page
    assert "It's your turn to speak." in page
    assert snapshot(conversation) == before
    # A double submit of the same step: the second changes nothing.
    revision = fresh(conversation).revision
    assert act(bob, conversation, "said_it", revision=revision).status_code == 200
    after = snapshot(conversation)
    assert act(bob, conversation, "said_it", revision=revision).status_code == 409
    assert snapshot(conversation) == after
    # Without htmx: back to the room, with the same calm message.
    plain_post = act(bob, conversation, "said_it", revision=revision, htmx=False)
    assert plain_post.status_code == 302
    assert plain_post["Location"] == reverse("conversations:room", args=[conversation.pk])
    assert "moved on a moment ago" in plain(bob.get(plain_post["Location"]))
    assert snapshot(conversation) == after


def test_without_htmx_every_step_redirects_to_the_room(cast: Cast) -> None:
    alice = cast.alice.client
    conversation = begin_page(alice)
    response = act(alice, conversation, "begin", htmx=False, first=cast.alice.user.pk)
    assert response.status_code == 302
    page = alice.get(response["Location"])
    assert "<html" in text(page) and "It's your turn to speak." in plain(page)
    missing = alice.post(reverse("conversations:act", args=[conversation.pk]), {"action": "dance"})
    assert missing.status_code == 302
    assert "That isn't one of the choices here" in plain(alice.get(missing["Location"]))


# -- one phone, passed between them -------------------------------------------------------------


def test_a_whole_conversation_on_one_phone(cast: Cast) -> None:
    alice = cast.alice.client
    conversation = begin_page(alice, kind=Kind.TOPIC, topic="Money", mode=Mode.TOGETHER)
    page = plain(alice.get(reverse("conversations:room", args=[conversation.pk])))
    assert "About: Money" in page and "Bob speaks first" in page
    assert "What it's about Money" in plain(state(alice, conversation, 0))
    response = act(alice, conversation, "begin", first=cast.bob.user.pk)
    assert "Bob speaks. Alice listens." in plain(response)
    response = act(alice, conversation, "said_it", words="I worry about the rent.")
    assert "Alice, say back what you heard." in plain(response)
    response = act(alice, conversation, "reflect", words="You worry about the rent.")
    assert "Bob, is that what you meant?" in plain(response)
    response = act(alice, conversation, "heard")
    assert "Alice speaks. Bob listens." in plain(response)
    act(alice, conversation, "said_it")
    act(alice, conversation, "reflect")
    response = act(alice, conversation, "heard")
    page = plain(response)
    assert "What will each of you do?" in page
    assert "Bob will\u2026" in page and "Alice will\u2026" in page
    a, b = cast.alice.user, cast.bob.user
    keep(alice, conversation, (b, ["Check the bank on Mondays"]), (a, ["Make a budget together"]))
    response = act(alice, conversation, "another_round")
    assert "Bob speaks. Alice listens." in plain(response)
    assert "One more thing" in plain(response)
    for step in ("said_it", "reflect", "heard", "said_it", "reflect", "heard"):
        assert act(alice, conversation, step).status_code == 200
    typed = ((b, ["Check the bank on Mondays"]), (a, ["Make a budget together", "Save a little"]))
    response = say_done(alice, conversation, b, *typed)
    assert "Bob has said this list is done." in plain(response)
    assert "Finished." not in plain(response)
    response = say_done(alice, conversation, a, (a, ["Make a budget together", "Save a little"]))
    page = plain(response)
    assert "Finished. Thank you both." in page
    assert "Check the bank on Mondays" in page and "Make a budget together" in page
    assert "Save a little" in page
    owners = {i.owner_id for i in Item.objects.filter(conversation=conversation)}
    assert owners == {cast.alice.user.pk, cast.bob.user.pk}


# -- what each will do: nothing typed is lost (issue 13, bug 1) -------------------------------


def test_typed_words_are_kept_as_drafts_and_the_partner_never_ends_my_turn(cast: Cast) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    a, b = cast.alice.user, cast.bob.user
    conversation = _at(Stage.CLOSING, cast)
    revision = fresh(conversation).revision
    # Alice types; the screen sends it a moment later, without moving anyone's screen.
    kept = draft(alice, conversation, (a, ["Call at lunch", ""]))
    assert kept.status_code == 200 and "Kept as you type." in plain(kept)
    assert fresh(conversation).revision == revision
    assert state(bob, conversation, revision).status_code == 204
    # Bob can't write into her list, nor say it's done for her.
    refused = draft(bob, conversation, (a, ["Something else"]))
    assert "on their own screen" in plain(refused)
    assert say_done(bob, conversation, a).status_code == 400
    # Bob says his list is done: the conversation waits for her.
    say_done(bob, conversation, b, (b, ["Home by seven"]))
    c = fresh(conversation)
    assert c.finished_at is None and c.stage == Stage.CLOSING
    assert "Alice is still writing." in plain(state(bob, conversation, 0))
    mine = text(state(alice, conversation, 0))
    assert 'value="Call at lunch"' in mine  # her draft, back in her box
    assert "Your turn: what will you do?" in plain(state(alice, conversation, 0))
    assert "Bob has said theirs is done." in plain(state(alice, conversation, 0))
    say_done(alice, conversation, a, (a, ["Call at lunch", "Walk on Sunday"]))
    c = fresh(conversation)
    assert c.finished_at is not None
    note = services.reveal(ring(b), c).plain["summary"]
    assert note["will_do"] == {
        str(a.pk): ["Call at lunch", "Walk on Sunday"],
        str(b.pk): ["Home by seven"],
    }
    # A draft after it finished changes nothing and says why.
    late = draft(alice, conversation, (a, ["Too late"]))
    assert "finished" in plain(late)
    assert Item.objects.filter(conversation=conversation, owner=a).count() == 2


def test_on_one_phone_both_confirm_and_nothing_typed_is_lost(cast: Cast) -> None:
    alice = cast.alice.client
    a, b = cast.alice.user, cast.bob.user
    conversation = begin_page(alice, mode=Mode.TOGETHER)
    act(alice, conversation, "begin", first=a.pk)
    for step in ("said_it", "reflect", "heard", "said_it", "reflect", "heard"):
        act(alice, conversation, step)
    room = text(alice.get(reverse("conversations:room", args=[conversation.pk])))
    assert "Alice&#x27;s list is done" in room and "Bob&#x27;s list is done" in room
    assert "Finish</button>" not in room
    typed = ((a, ["Plan one dinner a week"]), (b, ["Bed by eleven"]))
    # Alice taps hers with both lists typed: Bob's words are kept, and it waits for him.
    response = act(alice, conversation, "closing", htmx=False, done=str(a.pk), **lists(*typed))
    assert response.status_code == 302
    page = plain(alice.get(response["Location"]))
    assert "Alice has said this list is done." in page and "Plan one dinner a week" in page
    assert fresh(conversation).finished_at is None
    assert 'value="Bed by eleven"' in text(alice.get(response["Location"]))
    response = say_done(alice, conversation, b, (b, ["Bed by eleven", "Walk after dinner"]))
    page = plain(response)
    assert "Finished. Thank you both." in page
    assert "Bed by eleven" in page and "Walk after dinner" in page
    assert "Plan one dinner a week" in page


def test_the_note_names_whose_words_were_said_back(cast: Cast) -> None:
    """Issue 13: bob's note showed alice's words under his "You"."""
    alice, bob = cast.alice.client, cast.bob.client
    a, b = cast.alice.user, cast.bob.user
    conversation = begin_page(alice)
    act(alice, conversation, "begin", first=b.pk)
    act(bob, conversation, "said_it", words="Work has been heavy.")
    act(alice, conversation, "reflect", words="Work weighs on you.")
    act(bob, conversation, "heard")
    act(alice, conversation, "said_it", words="I felt alone.")
    act(bob, conversation, "reflect")  # said back aloud: her own words stand
    act(alice, conversation, "heard")
    say_done(alice, conversation, a)
    say_done(bob, conversation, b)
    bobs = plain(bob.get(reverse("conversations:room", args=[conversation.pk])))
    assert "You Work weighs on you. (said back by Alice)" in bobs
    assert "Alice I felt alone." in bobs and "I felt alone. (said back" not in bobs
    alices = plain(alice.get(reverse("conversations:room", args=[conversation.pk])))
    assert "Bob Work weighs on you. (said back by you)" in alices
    history = plain(bob.get(reverse("conversations:index")))
    assert "Work weighs on you. (said back by Alice)" in history


# -- pausing ----------------------------------------------------------------------------------


def _at(stage: str, cast: Cast) -> Conversation:
    """An apart conversation moved by the services to `stage`, Alice speaking first."""
    alice, bob = cast.alice.user, cast.bob.user
    c = services.start(ring(alice), kind=Kind.WEEKLY, mode=Mode.APART)
    steps: list[str] = {
        Stage.AGENDA: [],
        Stage.SPEAKING: ["begin"],
        Stage.REFLECTING: ["begin", "said_it"],
        Stage.CHECKING: ["begin", "said_it", "reflect"],
        Stage.CLOSING: ["begin", "said_it", "reflect", "heard", "said_it", "reflect", "heard"],
    }[Stage(stage)]
    for step in steps:
        c = fresh(c)
        speaker = alice if c.speaker_id == alice.pk else bob
        if step == "begin":
            services.begin(alice, c, c.revision, alice)
        elif step == "said_it":
            services.said_it(ring(speaker), c, c.revision)
        elif step == "reflect":
            listener = bob if speaker == alice else alice
            services.reflect(ring(listener), c, c.revision)
        else:
            services.check(ring(speaker), c, c.revision, heard=True)
    assert fresh(c).stage == stage
    return fresh(c)


@pytest.mark.parametrize(
    "stage",
    [Stage.AGENDA, Stage.SPEAKING, Stage.REFLECTING, Stage.CHECKING, Stage.CLOSING],
)
def test_a_pause_from_every_stage_and_only_the_one_who_paused_goes_on(
    cast: Cast, stage: str
) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = _at(stage, cast)
    shown = conversation.revision
    assert ">Pause<" in text(bob.get(reverse("conversations:room", args=[conversation.pk])))
    response = act(bob, conversation, "pause", revision=0)  # a pause needs no revision
    assert response.status_code == 200
    page = plain(response)
    assert "You called a pause." in page and "I'm ready to go on" in page
    assert "data-breathe" in text(response) and "Breathe out gently" in page
    assert fresh(conversation).paused_by_id == cast.bob.user.pk
    # Alice's screen follows, and only says it goes on when Bob is ready.
    theirs = state(alice, conversation, shown)
    assert theirs.status_code == 200
    page = plain(theirs)
    assert "Bob called a pause." in page and "We'll go on when Bob is ready." in page
    assert "I'm ready to go on" not in page and "End it here for today" in page
    # A pause during a pause changes nothing.
    before = snapshot(conversation)
    assert act(alice, conversation, "pause").status_code == 200
    assert snapshot(conversation) == before
    # Alice can't resume Bob's pause.
    response = act(alice, conversation, "resume")
    assert response.status_code == 400
    assert "It goes on when the one who paused is ready" in plain(response)
    assert snapshot(conversation) == before
    # While paused, no step can be taken.
    if stage == Stage.SPEAKING:
        assert act(alice, conversation, "said_it").status_code == 400
        assert snapshot(conversation) == before
    response = act(bob, conversation, "resume")
    assert response.status_code == 200
    after = fresh(conversation)
    assert after.paused_by_id is None and after.stage == stage


def test_on_one_phone_whoever_holds_it_goes_on(cast: Cast) -> None:
    alice = cast.alice.client
    conversation = begin_page(alice, mode=Mode.TOGETHER)
    act(alice, conversation, "begin", first=cast.bob.user.pk)
    services.pause(cast.bob.user, fresh(conversation))
    page = plain(alice.get(reverse("conversations:room", args=[conversation.pk])))
    assert "Paused. Take a breath together." in page and "I'm ready to go on" in page
    assert act(alice, conversation, "resume").status_code == 200
    assert fresh(conversation).paused_by_id is None


def test_ending_for_today_and_resuming_later(cast: Cast) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = begin_page(alice)
    act(alice, conversation, "begin", first=cast.alice.user.pk)
    act(alice, conversation, "pause")
    response = act(bob, conversation, "end_for_today")
    assert response.status_code == 200
    assert "Resting for today." in plain(response) and "Carry on" in plain(response)
    c = fresh(conversation)
    assert c.resting and c.paused_by_id is None and c.stage == Stage.SPEAKING
    index = plain(bob.get(reverse("conversations:index")))
    assert "Resting since" in index and "Resume" in index
    assert "A conversation is going" not in index
    response = act(bob, conversation, "resume_later", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:room", args=[conversation.pk])
    c = fresh(conversation)
    assert not c.resting and c.stage == Stage.SPEAKING and c.speaker_id == cast.alice.user.pk
    page = plain(alice.get(reverse("conversations:room", args=[conversation.pk])))
    assert "It's your turn to speak." in page


def test_a_conversation_left_for_a_day_rests_when_looked_at(cast: Cast) -> None:
    conversation = begin_page(cast.alice.client)
    with time_machine.travel(datetime(2026, 3, 12, 13, 0, tzinfo=UTC)):
        response = state(cast.bob.client, conversation, fresh(conversation).revision)
        assert response.status_code == 200
        assert "Resting for today." in plain(response)
    assert fresh(conversation).resting


# -- what each will do, confirmed ----------------------------------------------------------------


def _finished_with_items(cast: Cast) -> Conversation:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = _at(Stage.CLOSING, cast)
    a, b = cast.alice.user, cast.bob.user
    say_done(alice, conversation, a, (a, ["Walk together on Sundays", "Cook on Tuesdays"]))
    assert say_done(bob, conversation, b, (b, ["Ask how the day was"])).status_code == 200
    assert fresh(conversation).finished_at is not None
    return conversation


def test_confirming_items_makes_commitments_that_show_on_the_calendar(cast: Cast) -> None:
    alice = cast.alice.client
    _finished_with_items(cast)
    walk, cook = Item.objects.filter(owner=cast.alice.user).order_by("created_at")
    page = plain(alice.get(reverse("conversations:index")))
    assert "Walk together on Sundays" in page and "Make it a commitment" in page
    assert (
        "Ask how the day was"
        not in page.split("What you said you'd do")[1].split("Earlier conversations")[0]
    )

    url = reverse("conversations:confirm_item", args=[walk.pk])
    response = alice.post(url, {"action": "confirm", "cadence": "daily", "starts_on": TODAY})
    assert response.status_code == 302
    assert "It's a commitment now, shared with Bob." in plain(alice.get(response["Location"]))
    walk.refresh_from_db()
    assert walk.state == ItemState.CONFIRMED and walk.commitment is not None
    commitment = Commitment.objects.get(pk=walk.commitment_id)
    assert commitment.author_id == cast.alice.user.pk and commitment.is_shared
    assert "Walk together on Sundays" in plain(alice.get(reverse("commitments:calendar")))

    # Weekly needs a day; nothing is made without one.
    url = reverse("conversations:confirm_item", args=[cook.pk])
    response = alice.post(url, {"action": "confirm", "cadence": "weekly", "starts_on": TODAY})
    assert response.status_code == 400
    assert "Choose at least one day of the week." in plain(response)
    cook.refresh_from_db()
    assert cook.state == ItemState.WRITTEN
    response = alice.post(
        url, {"action": "confirm", "cadence": "weekly", "weekdays": ["1"], "starts_on": TODAY}
    )
    assert response.status_code == 302
    assert "Cook on Tuesdays" in plain(alice.get(reverse("commitments:calendar")))
    assert Commitment.objects.filter(author=cast.alice.user).count() == 2


def test_an_item_can_be_set_aside_and_only_its_owner_confirms_it(cast: Cast) -> None:
    _finished_with_items(cast)
    asks = Item.objects.get(owner=cast.bob.user)
    url = reverse("conversations:confirm_item", args=[asks.pk])
    response = cast.alice.client.post(
        url, {"action": "confirm", "cadence": "daily", "starts_on": TODAY}
    )
    assert response.status_code == 400
    assert "Only the one who will do it can make it a commitment." in plain(response)
    assert not Commitment.objects.filter(author=cast.alice.user).exists()
    assert cast.carol.client.post(url, {"action": "set_aside"}).status_code == 404
    response = cast.bob.client.post(url, {"action": "set_aside"})
    assert response.status_code == 302
    asks.refresh_from_db()
    assert asks.state == ItemState.SET_ASIDE and asks.commitment is None
    assert (
        "Ask how the day was"
        not in plain(cast.bob.client.get(reverse("conversations:index"))).split(
            "Earlier conversations"
        )[0]
    )


# -- the wording aid ---------------------------------------------------------------------------


def test_the_wording_aid_hints_and_can_be_turned_off(cast: Cast) -> None:
    client = cast.alice.client
    url = reverse("conversations:wording")
    response = client.post(url, {"text": "You always leave me waiting."}, headers=HTMX)
    assert response.status_code == 200
    page = plain(response)
    assert "\u201cYou always\u201d" in page and "You could try:" in page
    # The words of the box being typed in count too (the form sends "words").
    assert "You could try:" in plain(client.post(url, {"words": "you never ask"}, headers=HTMX))
    assert plain(client.post(url, {"text": "I felt alone on Sunday."}, headers=HTMX)).strip() == ""

    off = client.post(reverse("conversations:wording_setting"), {"on": "off"}, headers=HTMX)
    assert off.status_code == 200 and "Wording suggestions: off" in plain(off)
    assert not services.wording_aid_on(cast.alice.user)
    assert (
        plain(client.post(url, {"text": "You always leave me waiting."}, headers=HTMX)).strip()
        == ""
    )
    # Bob's aid is his own.
    assert "You could try:" in plain(
        cast.bob.client.post(url, {"text": "you always"}, headers=HTMX)
    )

    back = client.post(
        reverse("conversations:wording_setting"), {"on": "on", "back": "/conversations/"}
    )
    assert back.status_code == 302 and back["Location"] == "/conversations/"
    assert services.wording_aid_on(cast.alice.user)
    assert client.post(reverse("conversations:wording_setting"), {"on": "maybe"}).status_code == 302


@pytest.mark.parametrize("back", ["NaN", "https://elsewhere.test/", "//elsewhere.test/", "today"])
@pytest.mark.parametrize("htmx", [True, False])
def test_a_back_link_that_is_not_a_local_page_changes_nothing(
    cast: Cast, back: str, htmx: bool
) -> None:
    """Issue 13, bug 12: `back=NaN` was a 500, after saving the setting."""
    client = cast.alice.client
    url = reverse("conversations:wording_setting")
    response = client.post(url, {"on": "off", "back": back}, headers=HTMX if htmx else {})
    assert services.wording_aid_on(cast.alice.user)
    if htmx:
        assert response.status_code == 400
        assert "isn't one of Tending's pages; nothing changed" in plain(response)
        assert "Wording suggestions: on" in plain(response)
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("conversations:index")
        page = plain(client.get(response["Location"]))
        assert "isn't one of Tending's pages; nothing changed" in page


def test_the_room_offers_the_aid_only_when_it_is_on(cast: Cast) -> None:
    conversation = begin_page(cast.alice.client)
    act(cast.alice.client, conversation, "begin", first=cast.alice.user.pk)
    url = reverse("conversations:room", args=[conversation.pk])
    wording = reverse("conversations:wording")
    page = text(cast.alice.client.get(url))
    assert f'hx-post="{wording}"' in page and 'data-keep="tending:' in page
    # Issue 13: the hints sat under the box and its help, hidden by the phone's keyboard.
    # They come just above the box, after its label, and are read out politely.
    hints = page.index('<div id="cv-hints-words" class="cv-hints" aria-live="polite">')
    assert page.index('<label for="cv-words">') < hints < page.index('<textarea id="cv-words"')
    services.set_wording_aid(cast.alice.user, False)
    assert f'hx-post="{wording}"' not in text(cast.alice.client.get(url))


# -- bad input ----------------------------------------------------------------------------------


def test_overlong_words_are_refused_with_the_reason_and_nothing_changes(cast: Cast) -> None:
    alice = cast.alice.client
    conversation = begin_page(alice)
    act(alice, conversation, "begin", first=cast.alice.user.pk)
    before = snapshot(conversation)
    response = act(alice, conversation, "said_it", words="x" * 2001)
    assert response.status_code == 400
    assert "What you want to say can be up to 2,000 characters." in plain(response)
    assert snapshot(conversation) == before
    hint = alice.post(reverse("conversations:wording"), {"text": "x" * 2001}, headers=HTMX)
    assert "longer than the 2,000 characters" in plain(hint)


def test_html_and_script_are_shown_as_text(cast: Cast) -> None:
    alice, bob = cast.alice.client, cast.bob.client
    conversation = begin_page(alice, kind=Kind.TOPIC, topic=NASTY)
    act(alice, conversation, "begin", first=cast.alice.user.pk)
    act(alice, conversation, "said_it", words=NASTY)
    act(bob, conversation, "reflect", words=NASTY)
    checking = alice.get(reverse("conversations:room", args=[conversation.pk]))
    act(alice, conversation, "heard")
    act(bob, conversation, "said_it")
    act(alice, conversation, "reflect")
    act(bob, conversation, "heard")
    keep(alice, conversation, (cast.alice.user, [NASTY]))
    say_done(bob, conversation, cast.bob.user)
    closing = alice.get(reverse("conversations:room", args=[conversation.pk]))
    done = say_done(alice, conversation, cast.alice.user, (cast.alice.user, [NASTY]))
    index = alice.get(reverse("conversations:index"))
    hint = alice.post(
        reverse("conversations:wording"), {"text": NASTY + " you always"}, headers=HTMX
    )
    for response in (checking, closing, done, index):
        assert "<script>alert" not in text(response)
        assert (
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
            in text(response)
        )
    assert "<script>alert" not in text(hint)


def test_pages_say_they_vary_with_htmx(cast: Cast) -> None:
    conversation = begin_page(cast.alice.client)
    url = reverse("conversations:room", args=[conversation.pk])
    for response in (
        cast.alice.client.get(url),
        cast.alice.client.get(url, headers=HTMX),
        act(cast.alice.client, conversation, "pause"),
    ):
        assert "hx-request" in response["Vary"].lower()
    assert text(cast.alice.client.get(url, headers=HTMX)).lstrip().startswith('<section id="stage"')


def test_after_a_partner_leaves_the_conversation_stays_as_history(cast: Cast) -> None:
    conversation = begin_page(cast.alice.client)
    act(cast.alice.client, conversation, "begin", first=cast.alice.user.pk)
    couples.leave(cast.bob.user)
    before = snapshot(conversation)
    response = cast.alice.client.get(reverse("conversations:room", args=[conversation.pk]))
    assert response.status_code == 200
    page = plain(response)
    assert "This conversation stays as history." in page
    assert "hx-trigger" not in text(response) and ">Pause<" not in text(response)
    refused = act(cast.alice.client, conversation, "pause")
    assert refused.status_code == 400
    assert "a partner who has since left" in plain(refused)
    assert snapshot(conversation) == before
    index = plain(cast.alice.client.get(reverse("conversations:index")))
    assert "An unfinished conversation" in index and "Read it" in index


def test_polling_costs_a_few_queries_when_nothing_changed(cast: Cast) -> None:
    conversation = begin_page(cast.alice.client)
    for _ in range(3):
        act(cast.alice.client, conversation, "pause")
        act(cast.alice.client, conversation, "resume")
    with CaptureQueriesContext(connection) as queries:
        response = state(cast.bob.client, conversation, fresh(conversation).revision)
    assert response.status_code == 204 and response.content == b""
    assert len(queries.captured_queries) <= 6
