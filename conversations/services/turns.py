"""A conversation from its start through the turns: starting one, speaking, reflecting
and checking, another round."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from agreements import services as agreements
from conversations.models import (
    TOPIC_MAX,
    WORDS_MAX,
    Conversation,
    Exchange,
    Kind,
    Mode,
    Said,
    Stage,
)
from conversations.services.reading import listener_of, open_conversation, rest_if_left
from couples import services as couples
from couples.models import CoupleSpace
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring

ITEMS_MAX = 5  # "what I will do": a few concrete things, not a list of resolutions


class ConversationProblem(Exception):
    """A plain reason why nothing changed."""


class MovedOn(ConversationProblem):
    """The conversation changed since this screen was drawn (the other tapped first)."""

    def __init__(self) -> None:
        super().__init__(
            "The conversation moved on a moment ago; here is where it is now. Anything you "
            "typed is still in the box."
        )


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


def _couple_and_partner(user: User) -> tuple[CoupleSpace, User]:
    membership = couples.current_membership(user)
    partner = couples.partner_of(user)
    if membership is None or partner is None:
        raise ConversationProblem("A conversation needs the two of you. Invite your partner first.")
    return membership.couple, partner


def _plain_text(words: str, limit: int, what: str) -> str:
    words = words.strip()
    if len(words) > limit:
        raise ConversationProblem(f"{what} can be up to {limit:,} characters.")
    return words


# -- starting --------------------------------------------------------------------------------


@transaction.atomic
def start(
    ring: Keyring,
    *,
    kind: str,
    mode: str,
    topic: str = "",
    agreement: agreements.Agreement | None = None,
    concern: agreements.Concern | None = None,
    token: uuid.UUID | None = None,
) -> Conversation:
    if kind not in Kind.values:
        raise ConversationProblem("Choose the weekly conversation or one about a single thing.")
    if mode not in Mode.values:
        raise ConversationProblem("Choose one phone passed between you, or one device each.")
    couple, _ = _couple_and_partner(ring.user)
    # One start at a time per couple: both starting at once, or a double submit, wait here
    # and then find the first one.
    CoupleSpace.objects.select_for_update().filter(pk=couple.pk).first()
    if token is not None:
        earlier = Conversation.objects.authored_by(ring.user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    if (agreement is not None and agreement.couple_id != couple.pk) or (
        concern is not None and concern.couple_id != couple.pk
    ):
        raise ConversationProblem("That topic isn't one of yours.")
    topic = _plain_text(topic, TOPIC_MAX, "The topic")
    if kind == Kind.TOPIC and not (topic or agreement or concern):
        raise ConversationProblem("Say in a few words what this conversation is about.")
    going = open_conversation(ring.user)
    if going is not None:
        raise ConversationProblem(
            "There's a conversation going already. Carry on with it, or end it for today first."
        )
    conversation = Conversation(
        author=ring.user,
        couple=couple,
        visibility=Visibility.SHARED,
        kind=kind,
        mode=mode,
        agreement=agreement,
        concern=concern,
        form_token=token,
    )
    try:
        entries.encrypt_into(conversation, ring, {"topic": topic or None, "summary": None})
    except entries.NotReady as reason:
        raise ConversationProblem(str(reason)) from None
    try:
        with transaction.atomic():
            conversation.save(force_insert=True)
    except IntegrityError:  # the same form twice at once, where rows can't be locked
        found = Conversation.objects.authored_by(ring.user).filter(form_token=token).first()
        if found is None:
            raise
        return found  # type: ignore[no-any-return]
    url = reverse("conversations:room", args=[conversation.pk])
    activity.tell_partner(ring.user, "conversations.started", url, entry=conversation)
    return conversation


# -- acting ----------------------------------------------------------------------------------


def _step[**P, R](action: Callable[P, R]) -> Callable[P, R]:
    """One step of the conversation, in one transaction. A conversation found left open
    for a day is rested first, outside that transaction, so the rest is kept even though
    the step is then refused."""

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for value in args:
            if isinstance(value, Conversation):
                rest_if_left(value)
        with transaction.atomic():
            return action(*args, **kwargs)

    return run


def _check_open(conversation: Conversation, user: User | None = None) -> None:
    if user is not None:
        membership = couples.current_membership(user)
        if membership is None or membership.couple_id != conversation.couple_id:
            raise ConversationProblem("This conversation isn't one of yours.")
    if (
        conversation.couple_id is None
        or CoupleSpace.objects.filter(pk=conversation.couple_id, ended_at__isnull=False).exists()
    ):
        raise ConversationProblem(
            "This conversation was with a partner who has since left; it stays as history."
        )
    if conversation.finished_at is not None:
        raise ConversationProblem("This conversation is finished; its note is kept below.")


def _advance(conversation: Conversation, expected_revision: int, **changes: Any) -> None:
    """Apply `changes` only if nobody changed the conversation since `expected_revision`."""
    moved = Conversation.objects.filter(pk=conversation.pk, revision=expected_revision).update(
        revision=F("revision") + 1, last_activity_at=timezone.now(), **changes
    )
    if moved != 1:
        conversation.refresh_from_db()
        raise MovedOn()
    conversation.refresh_from_db()


def _ready(conversation: Conversation, stage: str, user: User) -> None:
    _check_open(conversation, user)
    rest_if_left(conversation)
    if conversation.resting:
        raise ConversationProblem("This conversation is resting. Resume it to carry on.")
    if conversation.paused_by_id is not None:
        raise ConversationProblem("The conversation is paused. It goes on when you're ready.")
    if conversation.stage != stage:
        raise MovedOn()


def _may_act_as(conversation: Conversation, user: User, who: User | None) -> None:
    """On two devices each acts for themselves; on one shared phone, whoever holds it."""
    if conversation.mode == Mode.TOGETHER or who is None:
        return
    if who.pk != user.pk:
        raise ConversationProblem("This step is your partner's; their screen shows it now.")


def _say(
    ring: Keyring,
    conversation: Conversation,
    said: str,
    words: str,
    turn: tuple[User, int, int],
) -> None:
    """Keep one step of a turn; `turn` is (speaker, round, attempt) as it was when said."""
    speaker, round_, attempt = turn
    if conversation.mode == Mode.APART:
        by = ring.user
    elif said == Said.REFLECTION:
        by = couples.partner_of(speaker) or ring.user
    else:
        by = speaker
    exchange = Exchange(
        conversation=conversation,
        author=ring.user,
        couple_id=conversation.couple_id,
        visibility=Visibility.SHARED,
        round=round_,
        speaker=speaker,
        by=by,
        said=said,
        attempt=attempt,
    )
    try:
        entries.encrypt_into(exchange, ring, {"words": words or None})
    except entries.NotReady as reason:
        raise ConversationProblem(str(reason)) from None
    exchange.save()


def _turn(conversation: Conversation) -> tuple[User, int, int]:
    speaker = conversation.speaker
    if speaker is None:
        raise MovedOn()
    return speaker, conversation.round, conversation.attempt


@_step
def begin(user: User, conversation: Conversation, expected_revision: int, first: User) -> None:
    """Leave the agenda: `first` speaks first."""
    _ready(conversation, Stage.AGENDA, user)
    partner = couples.partner_of(user)
    if partner is None or first.pk not in (user.pk, partner.pk):
        raise ConversationProblem("Choose which of you speaks first.")
    _advance(
        conversation,
        expected_revision,
        stage=Stage.SPEAKING,
        first_speaker=first,
        speaker=first,
        second_half=False,
        attempt=1,
    )


@_step
def said_it(
    ring: Keyring, conversation: Conversation, expected_revision: int, words: str = ""
) -> None:
    """The speaker has said their one thing (a few anchoring words are optional)."""
    _ready(conversation, Stage.SPEAKING, ring.user)
    _may_act_as(conversation, ring.user, conversation.speaker)
    words = _plain_text(words, WORDS_MAX, "What you want to say")
    turn = _turn(conversation)
    _advance(conversation, expected_revision, stage=Stage.REFLECTING)
    _say(ring, conversation, Said.ANCHOR, words, turn)


@_step
def reflect(
    ring: Keyring, conversation: Conversation, expected_revision: int, words: str = ""
) -> None:
    """The listener says back what they heard (written here, or said aloud)."""
    _ready(conversation, Stage.REFLECTING, ring.user)
    if conversation.speaker is not None:
        _may_act_as(conversation, ring.user, listener_of(conversation))
    words = _plain_text(words, WORDS_MAX, "What you heard")
    turn = _turn(conversation)
    _advance(conversation, expected_revision, stage=Stage.CHECKING)
    _say(ring, conversation, Said.REFLECTION, words, turn)


@_step
def check(
    ring: Keyring,
    conversation: Conversation,
    expected_revision: int,
    *,
    heard: bool,
    missed: str = "",
) -> None:
    """The speaker: "yes, that's it" (roles switch, or on to what we'll do), or "not quite"
    with what was missed (the listener tries again)."""
    _ready(conversation, Stage.CHECKING, ring.user)
    _may_act_as(conversation, ring.user, conversation.speaker)
    missed = _plain_text(missed, WORDS_MAX, "What was missed")
    turn = _turn(conversation)
    speaker = turn[0]
    if not heard:
        _advance(conversation, expected_revision, stage=Stage.REFLECTING, attempt=F("attempt") + 1)
        _say(ring, conversation, Said.MISSED, missed, turn)
        return
    if conversation.second_half:
        _advance(conversation, expected_revision, stage=Stage.CLOSING)
    else:
        _advance(
            conversation,
            expected_revision,
            stage=Stage.SPEAKING,
            speaker=couples.partner_of(speaker),
            second_half=True,
            attempt=1,
        )
    _say(ring, conversation, Said.HEARD, "", turn)


@_step
def another_round(user: User, conversation: Conversation, expected_revision: int) -> None:
    """From "what we'll do", talk about one more thing, each in turn again."""
    _ready(conversation, Stage.CLOSING, user)
    _advance(
        conversation,
        expected_revision,
        stage=Stage.SPEAKING,
        speaker=conversation.first_speaker,
        round=F("round") + 1,
        second_half=False,
        attempt=1,
        done_writing=[],
    )
