"""Appreciations through the real URLs: writing, answering, deleting, and bad input."""

from __future__ import annotations

import uuid

from django.urls import reverse

from activity import services as activity
from appreciations import services
from appreciations.models import Appreciation, AppreciationAnswer
from conftest import PASSWORD, Cast
from privacy.keyring import PasswordKeyring

DID = "You made tea & sat with me <b>quietly</b>"
MEANT = "I felt less alone with the day"


def write(cast: Cast, **extra: str) -> Appreciation:
    data = {"what_they_did": DID, "what_it_meant": MEANT, "token": str(uuid.uuid4()), **extra}
    response = cast.alice.client.post(reverse("appreciations:index"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Appreciation.objects.get(author=cast.alice.user)


def test_alice_writes_and_bob_reads_it_on_today_and_in_the_collection(cast: Cast) -> None:
    note = write(cast, says_about_them="You notice people")
    assert note.is_shared
    # Encrypted: the words are nowhere in the row.
    assert DID.encode() not in bytes(note.what_they_did)
    today = cast.bob.client.get(reverse("today")).content.decode()
    assert "A note from Alice" in today
    assert "You made tea &amp; sat with me &lt;b&gt;quietly&lt;/b&gt;" in today
    page = cast.bob.client.get(reverse("appreciations:index")).content.decode()
    assert MEANT in page and "You notice people" in page
    # Today showed it once, so it is now among the earlier lines.
    lines = activity.for_today(cast.bob.user).earlier
    assert [line.text for line in lines] == ["Alice wrote you a note of appreciation"]
    # Nobody outside the couple sees it.
    assert MEANT not in cast.carol.client.get(reverse("appreciations:index")).content.decode()


def test_bob_answers_once_and_alice_sees_the_answer(cast: Cast) -> None:
    note = write(cast)
    url = reverse("appreciations:answer", args=[note.pk])
    response = cast.bob.client.post(url, {"meant_a_lot": "on", "words": "thank you"})
    assert response.status_code == 302
    page = cast.alice.client.get(reverse("appreciations:detail", args=[note.pk])).content.decode()
    assert "Bob answered: this meant a lot" in page and "thank you" in page
    # A second answer (a double submit) is refused plainly and changes nothing.
    again = cast.bob.client.post(url, {"words": "again"})
    assert again.status_code == 409
    assert "answered this note already" in again.content.decode()
    assert AppreciationAnswer.objects.count() == 1
    # And the note no longer waits on his Today.
    assert "A note from Alice" not in cast.bob.client.get(reverse("today")).content.decode()


def test_answering_ones_own_note_or_with_nothing_is_refused(cast: Cast) -> None:
    note = write(cast)
    url = reverse("appreciations:answer", args=[note.pk])
    own = cast.alice.client.post(url, {"meant_a_lot": "on"})
    assert own.status_code == 409
    assert "the answer comes from your partner" in own.content.decode()
    empty = cast.bob.client.post(url, {"words": "   "})
    assert empty.status_code == 409
    assert "write a word back" in empty.content.decode()
    too_long = cast.bob.client.post(url, {"words": "x" * 201})
    assert too_long.status_code == 422
    assert AppreciationAnswer.objects.count() == 0


def test_bad_notes_are_refused_and_nothing_is_saved(cast: Cast) -> None:
    url = reverse("appreciations:index")
    token = str(uuid.uuid4())
    empty = cast.alice.client.post(url, {"what_they_did": " ", "what_it_meant": "", "token": token})
    assert empty.status_code == 422
    assert "Please say what they did." in empty.content.decode()
    long = cast.alice.client.post(
        url, {"what_they_did": "x" * 501, "what_it_meant": "y", "token": token}
    )
    assert long.status_code == 422
    assert "up to 500 characters" in long.content.decode()
    stale = cast.alice.client.post(url, {"what_they_did": "a", "what_it_meant": "b"})
    assert stale.status_code == 422
    alone = cast.erin.client.post(url, {"what_they_did": "a", "what_it_meant": "b", "token": token})
    assert alone.status_code == 409
    assert "once they have joined" in alone.content.decode()
    assert Appreciation.objects.count() == 0


def test_the_same_form_sent_twice_keeps_one_note(cast: Cast) -> None:
    data = {"what_they_did": DID, "what_it_meant": MEANT, "token": str(uuid.uuid4())}
    for _ in range(2):
        assert cast.alice.client.post(reverse("appreciations:index"), data).status_code == 302
    assert Appreciation.objects.count() == 1


def test_only_the_author_deletes_and_the_notice_goes_too(cast: Cast) -> None:
    note = write(cast)
    cast.bob.client.post(reverse("appreciations:answer", args=[note.pk]), {"meant_a_lot": "on"})
    url = reverse("appreciations:delete", args=[note.pk])
    assert cast.bob.client.post(url).status_code == 404
    assert Appreciation.objects.filter(pk=note.pk).exists()
    assert cast.alice.client.post(url).status_code == 302
    assert not Appreciation.objects.exists() and not AppreciationAnswer.objects.exists()
    assert activity.for_today(cast.bob.user).new == []
    assert activity.for_today(cast.alice.user).new == []


def test_the_collection_holds_both_partners_notes_without_counting_them(cast: Cast) -> None:
    write(cast)
    services.write(
        PasswordKeyring(cast.bob.user, PASSWORD), what_they_did="You called", what_it_meant="Calm"
    )
    page = cast.alice.client.get(reverse("appreciations:index")).content.decode()
    assert "You called" in page and MEANT in page
    assert services.written_together(cast.alice.user).count() == 2
    for tally in ("1 note", "2 notes", "wrote more"):
        assert tally not in page
