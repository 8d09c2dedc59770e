"""Rituals: suggest one, answer the partner's suggestion, rest one for a while.

A ritual starts only once the partner said yes; it then becomes a joint commitment of its own
kind through `commitments.services`, so it shows on the calendar in its own colour.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from commitments import services as commitments
from couples import services as couples
from privacy import entries
from privacy.keyring import Keyring
from rituals import ideas
from rituals.models import TITLE_MAX, Ritual, State

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class RitualProblem(Exception):
    """Something that can't be done; the message says why, plainly."""


@transaction.atomic
def propose(
    ring: Keyring, *, title: str, weekday: int, idea_key: str = "", token: uuid.UUID | None = None
) -> Ritual:
    user = ring.user
    words = (title or "").strip()
    if not words and idea_key:
        idea = ideas.by_key(idea_key)
        words = idea.title if idea else ""
    if not words:
        raise RitualProblem(
            "Please choose an idea or write a ritual of your own. Nothing was sent."
        )
    if len(words) > TITLE_MAX:
        raise RitualProblem(
            f"A ritual can be up to {TITLE_MAX} characters; this has {len(words)}. "
            "Nothing was sent."
        )
    if weekday not in range(7):
        raise RitualProblem("Please choose a day of the week. Nothing was sent.")
    if token is not None:
        earlier = Ritual.objects.authored_by(user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    if couples.partner_of(user) is None:
        raise RitualProblem("Rituals are for two: they open once your partner has joined.")
    ritual = Ritual(author=user, weekday=weekday, idea_key=idea_key, form_token=token)
    entries.encrypt_into(ritual, ring, {"title": words})
    ritual.save()
    try:
        entries.share(ritual, ring)
    except entries.NotReady as reason:
        raise RitualProblem(str(reason)) from None
    activity.tell_partner(user, "ritual-suggested", reverse("rituals:index"), entry=ritual)
    return ritual


def _locked(ritual: Ritual) -> Ritual:
    found = Ritual.objects.select_for_update().filter(pk=ritual.pk).first()
    if found is None:
        raise RitualProblem("This ritual isn't here any more.")
    return found  # type: ignore[no-any-return]


@transaction.atomic
def accept(ring: Keyring, ritual: Ritual) -> None:
    """The partner's yes: the ritual starts today, as a joint commitment on the calendar."""
    user = ring.user
    ritual = _locked(ritual)
    if ritual.author_id == user.pk:
        raise RitualProblem("This is your own suggestion; it starts once your partner says yes.")
    if ritual.state != State.PROPOSED:
        raise RitualProblem("This suggestion has already been answered. Nothing changed.")
    (opened,) = entries.reveal([ritual], ring)
    if opened.waiting or opened.unreadable:
        raise RitualProblem("This opens once your partner next visits Tending.")
    try:
        commitment = commitments.start_ritual(
            ring,
            title=str(opened.plain["title"]),
            weekday=ritual.weekday,
            starts_on=commitments.local_today(user),
        )
    except commitments.CommitmentProblem as problem:
        raise RitualProblem(str(problem)) from None
    ritual.state, ritual.answered_at, ritual.commitment_id = (
        State.AGREED,
        timezone.now(),
        commitment.pk,
    )
    ritual.save(update_fields=["state", "answered_at", "commitment_id"])
    activity.tell_partner(user, "ritual-agreed", reverse("rituals:index"), entry=ritual)


@transaction.atomic
def decline(user: User, ritual: Ritual) -> None:
    """ "Not for now": no reason asked, nothing counted."""
    ritual = _locked(ritual)
    if ritual.author_id == user.pk:
        raise RitualProblem("This is your own suggestion; you can withdraw it instead.")
    if ritual.state != State.PROPOSED:
        raise RitualProblem("This suggestion has already been answered. Nothing changed.")
    ritual.state, ritual.answered_at = State.DECLINED, timezone.now()
    ritual.save(update_fields=["state", "answered_at"])


@transaction.atomic
def withdraw(user: User, ritual: Ritual) -> None:
    ritual = _locked(ritual)
    if ritual.author_id != user.pk:
        raise RitualProblem("Only the one who suggested it can withdraw it.")
    if ritual.state != State.PROPOSED:
        raise RitualProblem("This suggestion has already been answered. Nothing changed.")
    ritual.state = State.WITHDRAWN
    ritual.save(update_fields=["state"])


def rest(user: User, ritual: Ritual, resting: bool) -> None:
    """Either partner pauses an agreed ritual for a while, or takes it up again."""
    if ritual.state != State.AGREED or ritual.commitment_id is None:
        raise RitualProblem("Only a ritual you both agreed to can rest or start again.")
    try:
        commitments.rest_ritual(user, ritual.commitment_id, resting)
    except commitments.CommitmentProblem as problem:
        raise RitualProblem(str(problem)) from None


def ours(ring: Keyring) -> list[Ritual]:
    """Every ritual suggestion the two of them can see, with its weekday's name and, once
    agreed, whether it's resting."""
    found = list(
        Ritual.objects.visible_to(ring.user)
        .exclude(state=State.WITHDRAWN)
        .select_related("author")[:50]
    )
    entries.reveal(found, ring)
    statuses: dict[Any, str] = commitments.ritual_statuses(
        ring.user, [r.commitment_id for r in found if r.commitment_id]
    )
    for r in found:
        r.day_name = WEEKDAYS[r.weekday]
        r.resting = statuses.get(r.commitment_id) == "paused"
    return found
