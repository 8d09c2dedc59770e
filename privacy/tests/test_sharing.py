"""The one share/unshare helper (privacy/sharing.py), through the notes' real URLs: the
author alone changes it, a partner or another couple gets the same 404 as a missing entry,
and a person with no partner hears why nothing changed."""

from __future__ import annotations

import uuid

from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import Cast
from notes.models import Note
from privacy.entries import Visibility


def _note(cast: Cast, who: str, body: str) -> Note:
    client = getattr(cast, who).client
    client.post(reverse("notes:list"), {"body": body})
    client.get(reverse("notes:list"))  # shows (and so clears) the "Kept." line
    note: Note = Note.objects.filter(author=getattr(cast, who).user).latest("created_at")
    return note


def test_only_the_author_shares_and_unshares(cast: Cast) -> None:
    note = _note(cast, "alice", "words for later")
    share = reverse("notes:share", args=[note.pk])
    unshare = reverse("notes:unshare", args=[note.pk])
    for stranger in (cast.bob, cast.carol, cast.erin):
        assert stranger.client.post(share).status_code == 404
    assert Note.objects.get(pk=note.pk).visibility == Visibility.PRIVATE

    assert cast.alice.client.post(share).status_code == 302
    assert Note.objects.get(pk=note.pk).visibility == Visibility.SHARED
    for stranger in (cast.bob, cast.carol):
        assert stranger.client.post(unshare).status_code == 404
    assert Note.objects.get(pk=note.pk).visibility == Visibility.SHARED

    response = cast.alice.client.post(unshare)
    assert response.status_code == 302 and response["Location"] == reverse("notes:list")
    assert Note.objects.get(pk=note.pk).visibility == Visibility.PRIVATE
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Only you can see this note now."]
    # Twice is the same as once.
    assert cast.alice.client.post(unshare).status_code == 302
    assert Note.objects.get(pk=note.pk).visibility == Visibility.PRIVATE


def test_sharing_without_a_partner_says_why_and_changes_nothing(cast: Cast) -> None:
    note = _note(cast, "erin", "only mine")
    response = cast.erin.client.post(reverse("notes:share", args=[note.pk]))
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["Sharing needs a partner in your couple space."]
    assert Note.objects.get(pk=note.pk).visibility == Visibility.PRIVATE


def test_an_unknown_id_is_the_same_404(cast: Cast) -> None:
    missing = reverse("notes:share", args=[uuid.uuid4()])
    assert cast.alice.client.post(missing).status_code == 404
