from django.urls import reverse

from conftest import Cast
from notes.models import Note


def test_private_and_shared_notes_reach_only_whom_they_should(cast: Cast) -> None:
    add = reverse("notes:list")
    cast.alice.client.post(add, {"body": "alice private words"})
    cast.alice.client.post(add, {"body": "alice shared words", "shared": "on"})
    assert Note.objects.count() == 2
    mine = cast.alice.client.get(add).content.decode()
    assert "alice private words" in mine and "alice shared words" in mine
    bobs = cast.bob.client.get(add).content.decode()
    assert "alice shared words" in bobs
    assert "alice private words" not in bobs
    carols = cast.carol.client.get(add).content.decode()
    assert "alice" not in carols.lower()
