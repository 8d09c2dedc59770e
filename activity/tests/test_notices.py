"""The notice list: only the current partner is told, only while the entry is visible."""

from __future__ import annotations

from activity import services as activity
from activity.models import Notice
from conftest import PASSWORD, Cast
from couples import services as couples
from notes import services as notes
from privacy import entries
from privacy.keyring import PasswordKeyring


def test_partner_is_told_and_line_moves_to_earlier_once_seen(cast: Cast) -> None:
    activity.register_kind("test.hello", "{actor} said hello")
    alice, bob = cast.alice.user, cast.bob.user
    activity.tell_partner(alice, "test.hello", "/")
    feed = activity.for_today(bob)
    assert [line.text for line in feed.new] == ["Alice said hello"]
    assert feed.earlier == []
    assert activity.for_today(alice).new == []
    assert activity.for_today(cast.carol.user).new == []

    activity.mark_seen(bob, [line.id for line in feed.new])
    again = activity.for_today(bob)
    assert again.new == []
    assert [line.text for line in again.earlier] == ["Alice said hello"]


def test_a_notice_about_an_entry_disappears_when_it_stops_being_shared(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    ring = PasswordKeyring(alice, PASSWORD)
    # Sharing through the privacy core tells the partner by itself (entry_shared).
    note = notes.write_note(ring, "for you", shared=True)
    about_note = Notice.objects.filter(recipient=bob, entry_id=note.pk).values_list("pk", flat=True)
    assert [line.id for line in activity.for_today(bob).new] == list(about_note)
    assert [line.text for line in activity.for_today(bob).new] == ["Alice shared a note"]
    entries.unshare(note, ring)
    assert activity.for_today(bob).new == []


def test_nobody_is_told_without_a_partner(cast: Cast) -> None:
    assert activity.tell_partner(cast.erin.user, "test.hello", "/") is None
    couples.leave(cast.bob.user)
    assert activity.tell_partner(cast.alice.user, "test.hello", "/") is None
