"""Pausing and resting: a pause either may call at any moment, going on when the one who
paused is ready, ending for today and resuming later."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from conversations.models import Conversation, Mode
from conversations.services.reading import open_conversation
from conversations.services.turns import ConversationProblem, _check_open


@transaction.atomic
def pause(user: User, conversation: Conversation) -> None:
    """Either of them, at any moment, from any stage, without a reason. A pause during a
    pause changes nothing."""
    _check_open(conversation, user)
    # Resting or finished already (a screen that hadn't caught up): nothing to do.
    Conversation.objects.filter(
        pk=conversation.pk, paused_by__isnull=True, resting=False, finished_at__isnull=True
    ).update(
        paused_by=user,
        paused_at=timezone.now(),
        revision=F("revision") + 1,
        last_activity_at=timezone.now(),
    )
    conversation.refresh_from_db()


@transaction.atomic
def resume(user: User, conversation: Conversation) -> None:
    """When the one who paused is ready (on one shared phone: whoever holds it)."""
    _check_open(conversation, user)
    conversation.refresh_from_db()
    if conversation.paused_by_id is None:
        return  # already going again (a double tap)
    if conversation.mode == Mode.APART and conversation.paused_by_id != user.pk:
        raise ConversationProblem("It goes on when the one who paused is ready; there's no hurry.")
    Conversation.objects.filter(pk=conversation.pk, paused_by=conversation.paused_by_id).update(
        paused_by=None,
        paused_at=None,
        revision=F("revision") + 1,
        last_activity_at=timezone.now(),
    )
    conversation.refresh_from_db()


@transaction.atomic
def end_for_today(user: User, conversation: Conversation) -> None:
    """Either of them: stop here for today; it can be resumed exactly where it stopped."""
    _check_open(conversation, user)
    Conversation.objects.filter(pk=conversation.pk, resting=False).update(
        resting=True,
        paused_by=None,
        paused_at=None,
        revision=F("revision") + 1,
        last_activity_at=timezone.now(),
    )
    conversation.refresh_from_db()


@transaction.atomic
def resume_later(user: User, conversation: Conversation) -> None:
    """Carry on a resting conversation from exactly where it stopped."""
    _check_open(conversation, user)
    if not conversation.resting:
        return
    going = open_conversation(user)
    if going is not None and going.pk != conversation.pk:
        raise ConversationProblem(
            "Another conversation is going; finish it or end it for today first."
        )
    Conversation.objects.filter(pk=conversation.pk, resting=True).update(
        resting=False, revision=F("revision") + 1, last_activity_at=timezone.now()
    )
    conversation.refresh_from_db()
