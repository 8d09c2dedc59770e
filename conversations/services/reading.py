"""Reading conversations: the one going on now, a conversation left open resting by itself,
who listens, the weekly agenda, the words said, and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from agreements import services as agreements
from conversations.models import Conversation, Exchange, Item, Kind
from couples import services as couples
from privacy import entries
from privacy.keyring import Keyring

# A conversation nobody has touched for this long rests: unfinished, resumable.
LEFT_OPEN = timedelta(hours=24)

# The weekly conversation's gentle agenda, in order. Words ours.
WEEKLY_AGENDA: tuple[tuple[str, str], ...] = (
    ("appreciation", "One thing each of you appreciated in the other this week"),
    ("safe", "A moment this week that felt safe"),
    ("hard", "Something that was hard this week"),
    ("request", "One small request each, for the week ahead"),
)


def open_conversation(user: User) -> Conversation | None:
    """The one conversation going on now (not finished, not resting), if any. After the
    partner has left it is still returned, as history: every action on it is refused."""
    found: Conversation | None = (
        conversations_of(user).filter(finished_at__isnull=True, resting=False).first()
    )
    if found is not None and rest_if_left(found):
        return None
    return found


def conversations_of(user: User) -> QuerySet[Conversation]:
    return Conversation.objects.visible_to(user).select_related(
        "speaker", "first_speaker", "paused_by"
    )


def rest_if_left(conversation: Conversation) -> bool:
    """A conversation left untouched for a day rests (unfinished, resumable)."""
    if conversation.finished_at or conversation.resting:
        return False
    if conversation.last_activity_at > timezone.now() - LEFT_OPEN:
        return False
    changed = Conversation.objects.filter(
        pk=conversation.pk, revision=conversation.revision, resting=False
    ).update(
        resting=True,
        paused_by=None,
        paused_at=None,
        revision=F("revision") + 1,
    )
    conversation.refresh_from_db()
    return bool(changed)


def listener_of(conversation: Conversation) -> User | None:
    """The partner who isn't speaking now."""
    if conversation.speaker is None:
        return None
    return couples.partner_of(conversation.speaker)


@dataclass
class Agenda:
    prompts: tuple[tuple[str, str], ...]
    stepped_back: list[agreements.Agreement]
    topics: list[agreements.Concern]


def agenda(ring: Keyring, conversation: Conversation) -> Agenda:
    """The weekly prompts, agreements someone stepped back from, and open repair topics."""
    if conversation.kind != Kind.WEEKLY:
        return Agenda((), [], [])
    stepped = list(agreements.needing_conversation(ring.user))
    agreements.reveal_agreements(ring, stepped)
    topics = list(agreements.open_topics(ring.user))
    entries.reveal(topics, ring)
    agreements.reveal_agreements(ring, [t.agreement for t in topics])
    return Agenda(WEEKLY_AGENDA, stepped, topics)


def reveal(ring: Keyring, conversation: Conversation) -> Conversation:
    entries.reveal([conversation], ring)
    return conversation


def exchanges(ring: Keyring, conversation: Conversation) -> list[Exchange]:
    rows = list(conversation.exchanges.select_related("speaker", "by").order_by("created_at"))
    return entries.reveal(rows, ring)  # type: ignore[return-value]


def items(ring: Keyring, conversation: Conversation) -> list[Item]:
    rows = list(conversation.items.select_related("owner", "commitment").order_by("created_at"))
    return entries.reveal(rows, ring)  # type: ignore[return-value]


def history(user: User) -> QuerySet[Conversation]:
    """Finished conversations and resting ones (to resume), newest first. Their rows name
    people from the couple the page already knows, so no person is joined in: joining the
    speaker and the one who paused (mostly empty) made PostgreSQL hash every account of
    the server, 18 ms per page beside 10,000 other couples (bench.scale)."""
    return (
        conversations_of(user).select_related(None).exclude(finished_at__isnull=True, resting=False)
    )
