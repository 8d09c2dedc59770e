"""Appreciations: write one for the partner, answer one, delete one's own, read them back.

Nothing here counts who wrote more: the collection is one list, newest first.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, QuerySet
from django.urls import reverse

from accounts.models import User
from accounts.probes import Answers, Probes
from activity import services as activity
from appreciations.models import (
    ABOUT_MAX,
    DID_MAX,
    MEANT_MAX,
    WORD_MAX,
    Appreciation,
    AppreciationAnswer,
)
from couples import services as couples
from privacy import entries
from privacy.keyring import Keyring


class AppreciationProblem(Exception):
    """Something a person asked for that can't be done; the message says why, plainly."""


def _text(value: str, limit: int, what: str, *, required: bool) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise AppreciationProblem(f"Please write {what}. Nothing was sent.")
    if len(cleaned) > limit:
        raise AppreciationProblem(
            f"{what.capitalize()} can be up to {limit} characters; this has {len(cleaned)}. "
            "Nothing was sent."
        )
    return cleaned


@transaction.atomic
def write(
    ring: Keyring,
    *,
    what_they_did: str,
    what_it_meant: str,
    says_about_them: str = "",
    token: uuid.UUID | None = None,
) -> Appreciation:
    """Keeps a note of appreciation, shared with the partner at once, and tells them.
    The same form sent twice returns the first note."""
    user = ring.user
    values: dict[str, Any] = {
        "what_they_did": _text(what_they_did, DID_MAX, "what they did", required=True),
        "what_it_meant": _text(what_it_meant, MEANT_MAX, "what it meant to you", required=True),
        "says_about_them": _text(says_about_them, ABOUT_MAX, "what it says", required=False)
        or None,
    }
    if token is not None:
        earlier = Appreciation.objects.authored_by(user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    if couples.partner_of(user) is None:
        raise AppreciationProblem("Appreciations go to your partner, once they have joined.")
    note = Appreciation(author=user, form_token=token)
    entries.encrypt_into(note, ring, values)
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        earlier = Appreciation.objects.authored_by(user).filter(form_token=token).first()
        if earlier is None:
            raise
        return earlier  # type: ignore[no-any-return]
    try:
        entries.share(note, ring)
    except entries.NotReady as reason:
        raise AppreciationProblem(str(reason)) from None
    activity.tell_partner(
        user, "appreciation", reverse("appreciations:detail", args=[note.pk]), entry=note
    )
    return note


@transaction.atomic
def answer(ring: Keyring, note: Appreciation, *, meant_a_lot: bool, words: str = "") -> None:
    """The partner's small answer: "this meant a lot", a word, or both. Once per note."""
    user = ring.user
    if note.author_id == user.pk:
        raise AppreciationProblem("This note is yours; the answer comes from your partner.")
    cleaned = _text(words, WORD_MAX, "your answer", required=False)
    if not meant_a_lot and not cleaned:
        raise AppreciationProblem(
            "Choose \u201cthis meant a lot\u201d, or write a word back. Nothing was sent."
        )
    if AppreciationAnswer.objects.authored_by(user).filter(appreciation=note).exists():
        raise AppreciationProblem("You've answered this note already; your answer is below.")
    reply = AppreciationAnswer(author=user, appreciation=note)
    entries.encrypt_into(reply, ring, {"meant_a_lot": meant_a_lot, "words": cleaned or None})
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise AppreciationProblem(
            "You've answered this note already; your answer is below."
        ) from None
    try:
        entries.share(reply, ring)
    except entries.NotReady as reason:
        raise AppreciationProblem(str(reason)) from None
    activity.tell_partner(
        user, "appreciation-answer", reverse("appreciations:detail", args=[note.pk]), entry=reply
    )


@transaction.atomic
def delete(note: Appreciation) -> None:
    """The author takes their note back; its answer and notices go with it."""
    for reply in note.answers.all():
        activity.withdraw(reply)
    activity.withdraw(note)
    note.delete()


def _answers_for(ring: Keyring, notes: list[Appreciation]) -> None:
    replies = list(
        AppreciationAnswer.objects.visible_to(ring.user)
        .filter(appreciation_id__in=[n.pk for n in notes])
        .select_related("author")
    )
    entries.reveal(replies, ring)
    by_note = {r.appreciation_id: r for r in replies}
    for note in notes:
        note.answer = by_note.get(note.pk)  # type: ignore[attr-defined]


def collection(ring: Keyring, limit: int = 100) -> list[Appreciation]:
    """ "What we appreciate": both partners' notes, newest first, each with its answer."""
    notes = list(Appreciation.objects.visible_to(ring.user).select_related("author")[:limit])
    entries.reveal(notes, ring)
    _answers_for(ring, notes)
    return notes


def one(ring: Keyring, note: Appreciation) -> Appreciation:
    entries.reveal([note], ring)
    _answers_for(ring, [note])
    return note


def _unanswered(user: User) -> QuerySet[Appreciation]:
    mine, _ = couples.pair_of(user)
    if mine is None:
        return Appreciation.objects.none()
    return (
        Appreciation.objects.visible_to(user)
        # Implied once one's own notes are left out (what remains of `visible_to` is this
        # couple's); said outright, PostgreSQL reads the couple's index instead of every
        # couple's notes inside Today's EXISTS (bench.scale: 50,000 rows read).
        .filter(couple_id=mine.couple_id)
        .exclude(author_id=user.pk)
        # NOT IN one small list (a hashed lookup on PostgreSQL) rather than NOT EXISTS per
        # note: for a couple with years of notes the planner, expecting a few, compared
        # every note with every answer (bench.scale: 34,000 comparisons on Today).
        .exclude(
            pk__in=AppreciationAnswer.objects.filter(author_id=user.pk).values("appreciation_id")
        )
    )


WAITING = "appreciations.waiting"


def today_probes(user: User) -> Probes:
    """Today's question to this practice (`accounts.probes`): a note waiting for an answer."""
    return {WAITING: Exists(_unanswered(user))}


def waiting_for(
    ring: Keyring, limit: int = 3, answers: Answers | None = None
) -> list[Appreciation]:
    """The partner's notes this person hasn't answered yet (for Today), newest first; no
    query when Today's probes already said there are none."""
    if answers is not None and not answers[WAITING]:
        return []
    notes = list(_unanswered(ring.user)[:limit])
    # No author joined: they are the partner's, and Today names the partner already.
    return entries.reveal(notes, ring)  # type: ignore[return-value]


def written_together(user: User) -> QuerySet[Appreciation]:
    """Every note the two of them can read: for a shared milestone, never split by person."""
    return Appreciation.objects.visible_to(user)
