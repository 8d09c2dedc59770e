"""Notes: write, share, stop sharing, delete. The privacy core does the key work."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists

from accounts.models import User
from accounts.probes import Answers, Probes
from notes.forms import NoteForm
from notes.models import Note
from privacy import entries
from privacy.keyring import Keyring

RECENT = 5


@transaction.atomic
def write_note(ring: Keyring, body: str, *, shared: bool) -> Note:
    note = Note(author=ring.user)
    entries.encrypt_into(note, ring, {"body": body})
    note.save()
    if shared:
        entries.share(note, ring)
    return note


def note_form() -> NoteForm:
    """A blank note form, for pages of other areas that offer to write a note (Today)."""
    return NoteForm()


ANY_NOTES = "notes.any"


def today_probes(user: User) -> Probes:
    """Today's question to this practice (`accounts.probes`): any note to show at all."""
    return {ANY_NOTES: Exists(Note.objects.visible_to(user))}


def recent_notes(ring: Keyring, limit: int = RECENT, answers: Answers | None = None) -> list[Note]:
    if answers is not None and not answers[ANY_NOTES]:
        return []
    visible = Note.objects.visible_to(ring.user).select_related("author")[:limit]
    return entries.reveal(list(visible), ring)  # type: ignore[return-value]


def delete_note(note: Note) -> None:
    note.delete()
