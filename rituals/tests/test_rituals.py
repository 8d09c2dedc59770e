"""Rituals: suggested by one, agreed by both before they start, on the calendar in their own
colour, rested without guilt; and the bad input around them."""

from __future__ import annotations

import uuid

from django.urls import reverse

from commitments.models import Commitment, Kind, Status
from conftest import Cast
from rituals.ideas import IDEAS
from rituals.models import Ritual, State


def suggest(cast: Cast, **data: object) -> Ritual:
    body = {"idea": "r02", "title": "", "weekday": "6", "token": str(uuid.uuid4()), **data}
    response = cast.alice.client.post(reverse("rituals:index"), body)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Ritual.objects.get(author=cast.alice.user)


def test_there_are_forty_ideas_of_every_sort() -> None:
    assert len(IDEAS) >= 40
    assert len({i.key for i in IDEAS}) == len({i.title for i in IDEAS}) == len(IDEAS)
    assert {i.where for i in IDEAS} == {"home", "out"}
    assert {i.mood for i in IDEAS} == {"quiet", "playful"}
    assert {i.touch for i in IDEAS} == {True, False}


def test_a_ritual_starts_only_when_the_partner_says_yes(cast: Cast) -> None:
    ritual = suggest(cast)
    assert ritual.is_shared and ritual.state == State.PROPOSED
    assert not Commitment.objects.filter(kind=Kind.RITUAL).exists()
    page = cast.bob.client.get(reverse("rituals:index")).content.decode()
    assert "Cook one meal together, start to finish" in page and "Suggested by Alice" in page
    # Accepting one's own suggestion is refused, and nothing starts.
    own = cast.alice.client.post(reverse("rituals:answer", args=[ritual.pk]), {"answer": "yes"})
    assert own.status_code == 409
    assert "starts once your partner says yes" in own.content.decode()
    assert not Commitment.objects.filter(kind=Kind.RITUAL).exists()

    yes = cast.bob.client.post(reverse("rituals:answer", args=[ritual.pk]), {"answer": "yes"})
    assert yes.status_code == 302
    commitment = Commitment.objects.get(kind=Kind.RITUAL)
    assert commitment.joint and commitment.is_shared
    # Answering again (a double submit) changes nothing.
    again = cast.bob.client.post(reverse("rituals:answer", args=[ritual.pk]), {"answer": "no"})
    assert again.status_code == 409
    assert Ritual.objects.get(pk=ritual.pk).state == State.AGREED
    assert Commitment.objects.filter(kind=Kind.RITUAL).count() == 1
    # On both calendars, in the ritual's own colour.
    for client in (cast.alice.client, cast.bob.client):
        calendar = client.get(reverse("commitments:calendar")).content.decode()
        assert "kind-ritual" in calendar


def test_either_rests_it_and_takes_it_up_again(cast: Cast) -> None:
    ritual = suggest(cast)
    cast.bob.client.post(reverse("rituals:answer", args=[ritual.pk]), {"answer": "yes"})
    url = reverse("rituals:rest", args=[ritual.pk])
    assert cast.alice.client.post(url).status_code == 302
    assert Commitment.objects.get(kind=Kind.RITUAL).status == Status.PAUSED
    assert "Resting for now" in cast.bob.client.get(reverse("rituals:index")).content.decode()
    assert cast.bob.client.post(url, {"resume": "1"}).status_code == 302
    assert Commitment.objects.get(kind=Kind.RITUAL).status == Status.ACTIVE


def test_not_for_now_and_withdrawing(cast: Cast) -> None:
    ritual = suggest(cast)
    assert cast.bob.client.post(reverse("rituals:withdraw", args=[ritual.pk])).status_code == 409
    assert (
        cast.bob.client.post(
            reverse("rituals:answer", args=[ritual.pk]), {"answer": "no"}
        ).status_code
        == 302
    )
    assert Ritual.objects.get(pk=ritual.pk).state == State.DECLINED
    assert not Commitment.objects.exists() or not Commitment.objects.filter(kind=Kind.RITUAL)
    # Resting one that never started is refused plainly.
    assert cast.alice.client.post(reverse("rituals:rest", args=[ritual.pk])).status_code == 409


def test_bad_suggestions_are_refused_and_nothing_is_sent(cast: Cast) -> None:
    url = reverse("rituals:index")
    token = str(uuid.uuid4())
    cases = [
        ({"idea": "", "title": "  ", "weekday": "6", "token": token}, 409),
        ({"idea": "", "title": "x" * 121, "weekday": "6", "token": token}, 422),
        ({"idea": "nope", "title": "", "weekday": "6", "token": token}, 422),
        ({"idea": "r01", "title": "", "weekday": "9", "token": token}, 422),
        ({"idea": "r01", "title": "", "weekday": "6"}, 422),
    ]
    for data, status in cases:
        assert cast.alice.client.post(url, data).status_code == status, data
    assert (
        cast.erin.client.post(url, {"idea": "r01", "weekday": "1", "token": token}).status_code
        == 409
    )
    assert not Ritual.objects.exists()
    # The same form twice: one suggestion.
    data = {"idea": "", "title": "Tea on the step at dusk", "weekday": "2", "token": token}
    for _ in range(2):
        assert cast.alice.client.post(url, data).status_code == 302
    assert Ritual.objects.count() == 1
