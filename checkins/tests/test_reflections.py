"""Reflection prompts through real URLs: today's prompt for one's role, others on request,
answers private unless shared, the partner seeing only what was shared, and every bad input
getting a clear message while nothing changes."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from checkins import services
from checkins.models import ANSWER_MAX, Reflection
from checkins.presenters.reflect import BAD_PAGE, UNKNOWN_PROMPT, UNKNOWN_PROMPT_KEPT
from checkins.prompts import PROMPTS, for_role, suggested
from conftest import Cast, ring, signed_in
from couples.models import Role
from privacy import entries

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
NASTY = "<script>alert('x')</script> & <b>bold</b>"
URL = "/reflect/"


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def page(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def shown(text: str) -> str:
    """How a text appears in the page once escaped."""
    return html.escape(text)


def answer(client: Client, key: str, text: str, **extra: str) -> Any:
    return client.post(URL, {"prompt": key, "answer": text, **extra})


def state() -> list[tuple[Any, ...]]:
    """Everything about every answer, to prove that nothing changed."""
    return [
        (r.pk, r.author_id, r.visibility, r.couple_id, bytes(r.answer), r.prompt_key, r.updated_at)
        for r in Reflection.objects.order_by("pk")
    ]


def todays(user: User, role: str) -> str:
    return suggested(role, TODAY, user.pk).text


# -- the prompt of the day -----------------------------------------------------------------


def test_the_page_offers_todays_prompt_for_the_persons_role(cast: Cast) -> None:
    alices = page(cast.alice.client)  # repairing
    bobs = page(cast.bob.client)  # hurt
    erins = page(cast.erin.client)  # not paired: the set for both of us
    assert shown(todays(cast.alice.user, Role.REPAIRING)) in alices
    assert shown(todays(cast.bob.user, Role.HURT)) in bobs
    assert shown(todays(cast.erin.user, Role.BOTH)) in erins
    assert "Today's prompt" in alices


def test_the_prompt_stays_the_same_all_day_and_follows_the_local_day(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    # 00:05 and 23:55 in Amsterdam (UTC+1 in March) on the 12th: one local day.
    tomorrow = TODAY + timedelta(days=1)
    clock.move_to(datetime(2026, 3, 11, 23, 5, tzinfo=UTC))
    morning = page(cast.alice.client)
    clock.move_to(datetime(2026, 3, 12, 22, 55, tzinfo=UTC))
    night = page(cast.alice.client)
    expected = shown(suggested(Role.REPAIRING, tomorrow, cast.alice.user.pk).text)
    assert expected in morning and expected in night
    # Across a month the suggestion moves on (signing in again as sessions run out).
    seen = set()
    client = cast.alice.client
    for n in range(30):
        clock.move_to(NOW + timedelta(days=n))
        if n % 10 == 0:
            client = signed_in(cast.alice.user)
        text = suggested(Role.REPAIRING, TODAY + timedelta(days=n), cast.alice.user.pk).text
        assert shown(text) in page(client)
        seen.add(text)
    assert len(seen) >= 10


def test_other_prompts_for_the_role_are_offered_on_request(cast: Cast) -> None:
    alices = page(cast.alice.client)
    assert "Another prompt" in alices
    today = suggested(Role.REPAIRING, TODAY, cast.alice.user.pk)
    for prompt in for_role(Role.REPAIRING):
        assert shown(prompt.text) in alices
        assert (f"?prompt={prompt.key}" in alices) == (prompt != today)
    # Never another role's own prompts.
    for prompt in PROMPTS.values():
        if Role.REPAIRING not in prompt.roles:
            assert shown(prompt.text) not in alices
    erins = page(cast.erin.client)
    assert all(shown(p.text) in erins for p in for_role(Role.BOTH))
    assert shown(PROMPTS["r-safer"].text) not in erins


def test_a_chosen_prompt_can_be_answered(cast: Cast) -> None:
    # Whichever repairing prompt is not today's (today's depends on the person's id, which
    # differs between databases), so the page is the "chosen" one.
    today = suggested(Role.REPAIRING, TODAY, cast.alice.user.pk)
    key = next(p.key for p in for_role(Role.REPAIRING) if p != today)
    chosen = page(cast.alice.client, f"{URL}?prompt={key}")
    assert shown(PROMPTS[key].text) in chosen
    assert f'name="prompt" value="{key}"' in chosen
    assert f'<label for="id_answer">{shown(PROMPTS[key].text)}</label>' in chosen
    assert "A prompt you chose" in chosen and "Back to today" in chosen
    response = answer(cast.alice.client, key, "I said sorry without a but.")
    assert response.status_code == 302
    (saved,) = Reflection.objects.all()
    assert saved.prompt_key == key and saved.day == TODAY


@pytest.mark.parametrize("key", ["no-such-prompt", "<script>x</script>", "r-" * 40, ""])
def test_an_unknown_prompt_gets_a_clear_message_not_an_error(cast: Cast, key: str) -> None:
    text = page(cast.alice.client, f"{URL}?prompt={key}")
    if key:
        assert shown(UNKNOWN_PROMPT) in text
    assert shown(todays(cast.alice.user, Role.REPAIRING)) in text
    assert "<script>x" not in text


# -- private unless shared ------------------------------------------------------------------


def test_an_answer_is_private_by_default(cast: Cast) -> None:
    key = suggested(Role.REPAIRING, TODAY, cast.alice.user.pk).key
    response = answer(cast.alice.client, key, "alice private reflection")
    assert response.status_code == 302 and response["Location"] == URL
    (saved,) = Reflection.objects.all()
    assert saved.author == cast.alice.user and not saved.is_shared
    assert b"alice private reflection" not in bytes(saved.answer)  # encrypted at rest
    alices = page(cast.alice.client)
    assert "alice private reflection" in alices and "only you" in alices
    assert shown(PROMPTS[key].text) in alices.split("Answers so far")[1]
    for other in (cast.bob, cast.carol, cast.erin):
        assert "alice private reflection" not in page(other.client)


def test_the_share_box_is_off_and_names_the_partner(cast: Cast) -> None:
    alices = page(cast.alice.client)
    assert "Share with Bob" in alices
    assert 'type="checkbox" name="shared"' in alices
    assert "checked" not in alices.split('name="shared"')[1].split(">")[0]
    assert 'name="shared"' not in page(cast.erin.client)  # nobody to share with


def test_the_partner_sees_only_shared_answers_labelled_as_theirs(cast: Cast) -> None:
    answer(cast.alice.client, "r-owned", "alice kept this to herself")
    answer(cast.alice.client, "r-safer", "alice shared this one", shared="on")
    answer(cast.bob.client, "h-helped", "bob private thought")
    mine = Reflection.objects.get(prompt_key="r-safer")
    assert mine.is_shared
    bobs = page(cast.bob.client)
    assert "alice shared this one" in bobs
    assert "Alice's answer</strong>, shared with you" in bobs
    assert shown(PROMPTS["r-safer"].text) in bobs
    assert "alice kept this to herself" not in bobs
    # Bob can't change what alice shared.
    assert reverse("checkins:reflection_unshare", args=[mine.pk]) not in bobs
    alices = page(cast.alice.client)
    assert "shared with Bob" in alices and "bob private thought" not in alices
    for outsider in (cast.carol, cast.dan, cast.erin):
        text = page(outsider.client)
        assert "alice shared this one" not in text and "Alice" not in text


def test_own_answers_can_be_shared_and_unshared(cast: Cast) -> None:
    answer(cast.alice.client, "r-owned", "alice changes her mind")
    (mine,) = Reflection.objects.all()
    share = reverse("checkins:reflection_share", args=[mine.pk])
    unshare = reverse("checkins:reflection_unshare", args=[mine.pk])
    assert share in page(cast.alice.client)
    assert cast.alice.client.post(share).status_code == 302
    mine.refresh_from_db()
    assert mine.is_shared
    assert "alice changes her mind" in page(cast.bob.client)
    assert unshare in page(cast.alice.client)
    assert cast.alice.client.post(unshare).status_code == 302
    mine.refresh_from_db()
    assert not mine.is_shared
    assert "alice changes her mind" not in page(cast.bob.client)
    # Only by POST.
    assert cast.alice.client.get(share).status_code == 405


def test_nobody_else_can_share_or_unshare_an_answer(cast: Cast) -> None:
    answer(cast.alice.client, "r-owned", "alice private")
    answer(cast.alice.client, "r-safer", "alice shared", shared="on")
    private = Reflection.objects.get(prompt_key="r-owned")
    shared = Reflection.objects.get(prompt_key="r-safer")
    before = state()
    for person in (cast.bob, cast.carol, cast.erin):
        for url in (
            reverse("checkins:reflection_share", args=[private.pk]),
            reverse("checkins:reflection_unshare", args=[shared.pk]),
        ):
            assert person.client.post(url).status_code == 404
    assert state() == before


def test_sharing_without_a_partner_is_refused_with_nothing_kept(cast: Cast) -> None:
    response = answer(cast.erin.client, "b-enough", "erin writes", shared="on")
    assert response.status_code == 409
    text = response.content.decode()
    assert "Sharing needs a partner" in text and "erin writes" in text
    assert Reflection.objects.count() == 0


# -- the list of answers --------------------------------------------------------------------


def test_answers_are_listed_newest_first_with_their_prompt(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    alice = ring(cast.alice.user)
    services.reflect(alice, "r-owned", "first answer")
    clock.shift(timedelta(days=1))
    services.reflect(alice, "r-safer", "second answer")
    clock.shift(timedelta(hours=1))
    services.reflect(alice, "r-listen", "third answer")
    text = page(cast.alice.client).split("Answers so far")[1]
    assert text.index("third answer") < text.index("second answer") < text.index("first answer")
    assert text.index(shown(PROMPTS["r-listen"].text)) < text.index("third answer")


def test_answers_are_paged(cast: Cast, clock: time_machine.Traveller) -> None:
    alice = ring(cast.alice.user)
    for n in range(23):
        clock.shift(timedelta(minutes=1))
        services.reflect(alice, "r-owned", f"answer number {n:02d}.")
    first = page(cast.alice.client)
    assert "answer number 22." in first and "answer number 03." in first
    assert "answer number 02." not in first and "Older answers" in first
    second = page(cast.alice.client, f"{URL}?page=2")
    assert "answer number 02." in second and "answer number 00." in second
    assert "answer number 03." not in second and "Newer answers" in second
    for bad in ("0", "3", "-1", "abc", "9" * 30, "2.5"):
        text = page(cast.alice.client, f"{URL}?page={bad}")
        assert shown(BAD_PAGE) in text and "answer number 22." in text


def test_sharing_from_a_later_page_returns_to_that_page(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    alice = ring(cast.alice.user)
    oldest = services.reflect(alice, "r-owned", "the oldest")
    for n in range(21):
        clock.shift(timedelta(minutes=1))
        services.reflect(alice, "r-owned", f"newer {n}")
    url = reverse("checkins:reflection_share", args=[oldest.pk])
    response = cast.alice.client.post(url, {"page": "2"})
    assert response["Location"] == f"{URL}?page=2"
    response = cast.alice.client.post(url, {"page": "https://elsewhere.test/"})
    assert response["Location"] == URL


def test_the_page_needs_the_same_queries_however_many_answers(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    alice, bob = ring(cast.alice.user), ring(cast.bob.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cast.alice.client.get(URL).status_code == 200
        return len(captured)

    services.reflect(alice, "r-owned", "one", shared=True)
    services.reflect(bob, "h-helped", "one", shared=True)
    few = count()
    for n in range(30):
        clock.shift(timedelta(minutes=1))
        services.reflect(alice, "r-owned", f"more {n}", shared=n % 2 == 0)
        services.reflect(bob, "h-helped", f"more {n}", shared=True)
    # The first request after a minute of quiet also notes the session's activity (its
    # "last seen" on the devices page, at most once a minute): compare a settled request.
    cast.alice.client.get(URL)
    assert count() == few


# -- bad input: a clear message, nothing changed -------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please write something first"),
        ("   \n\t  ", "Please write something first"),
        ("x" * (ANSWER_MAX + 1), "up to 2,000 characters"),
    ],
)
def test_empty_or_overlong_answers_are_refused(cast: Cast, typed: str, message: str) -> None:
    answer(cast.alice.client, "r-safer", "already here", shared="on")
    before = state()
    response = answer(cast.alice.client, "r-owned", typed, shared="on")
    assert response.status_code == 422
    text = response.content.decode()
    assert message in text
    # Still under the question that was being answered, with what was typed kept.
    assert f'<label for="id_answer">{shown(PROMPTS["r-owned"].text)}</label>' in text
    if typed.strip():
        assert typed in text
    assert state() == before


def test_an_answer_to_an_unknown_prompt_is_refused_and_kept_on_the_page(cast: Cast) -> None:
    response = answer(cast.alice.client, "made-up", "words worth keeping")
    assert response.status_code == 422
    text = response.content.decode()
    assert shown(UNKNOWN_PROMPT_KEPT) in text and "words worth keeping" in text
    assert f'value="{suggested(Role.REPAIRING, TODAY, cast.alice.user.pk).key}"' in text
    assert Reflection.objects.count() == 0


def test_html_and_script_are_escaped_everywhere(cast: Cast) -> None:
    answer(cast.alice.client, "r-owned", NASTY, shared="on")
    assert Reflection.objects.count() == 1
    for person in (cast.alice, cast.bob):
        text = page(person.client)
        assert NASTY not in text and "<script>alert" not in text
        assert shown(NASTY) in text
    refused = answer(cast.alice.client, "r-owned", NASTY + "x" * ANSWER_MAX).content.decode()
    assert "<script>alert" not in refused and shown(NASTY) in refused


def test_the_service_refuses_what_the_form_would(cast: Cast) -> None:
    alice = ring(cast.alice.user)
    for key, text in (("r-owned", " "), ("nope", "words"), ("r-owned", "x" * (ANSWER_MAX + 1))):
        with pytest.raises(services.CheckInProblem):
            services.reflect(alice, key, text)
    with pytest.raises(services.CheckInProblem, match="partner"):
        services.reflect(ring(cast.erin.user), "b-enough", "words", shared=True)
    assert Reflection.objects.count() == 0


def test_only_the_author_may_share_through_the_privacy_core(cast: Cast) -> None:
    mine = services.reflect(ring(cast.alice.user), "r-owned", "alice's")
    before = state()
    with pytest.raises(PermissionError):
        entries.share(mine, ring(cast.bob.user))
    assert state() == before
