"""How this person reads a conversation: names and titles, what waits for one, and the
lines of a finished conversation's note, each named for the reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accounts.models import User
from agreements import services as agreements
from conversations import services
from conversations.forms import KIND_LABELS
from conversations.models import Conversation, Kind, Stage
from privacy.keyring import Keyring

STAGE_WORDS = dict(Stage.choices)


# -- names and titles, as this person reads them ----------------------------------------------


def names_for(user: User, partner: User | None) -> dict[str, str]:
    """Whose words: the keys of a conversation's note are user ids as strings."""
    names = {str(user.pk): "You"}
    if partner is not None:
        names[str(partner.pk)] = partner.display_name
    return names


def agreement_title(agreement: agreements.Agreement | None) -> str:
    """The title of the version in effect (revealed first), or a plain stand-in."""
    if agreement is None:
        return "an agreement that was removed"
    for version in (agreement.current, agreement.pending):
        if version is not None and not (version.waiting or version.unreadable):
            title = str(version.plain.get("title") or "")
            if title:
                return title
    return "an agreement"


def stepped_back_label(agreement: agreements.Agreement, user: User, partner: User | None) -> str:
    """Who stepped back, named as the agreement pages name them."""
    if agreement.stepped_back_by_id == user.pk:
        who = "you"
    else:
        who = partner.display_name if partner is not None else "your partner"
    return f"An agreement {who} stepped back from: \u201c{agreement_title(agreement)}\u201d"


def concern_label(concern: agreements.Concern, user: User, partner: User | None) -> str:
    title = agreement_title(concern.agreement)
    if concern.author_id == user.pk:
        return f"Your concern about \u201c{title}\u201d"
    who = partner.display_name if partner is not None else "Your partner"
    return f"A concern {who} raised about \u201c{title}\u201d"


def conversation_title(conversation: Conversation) -> str:
    """What it is about (the conversation is revealed first)."""
    if conversation.kind == Kind.WEEKLY:
        return KIND_LABELS[Kind.WEEKLY]
    if conversation.waiting:
        return "About one thing (its words open once your partner next visits Tending)"
    topic = str(conversation.plain.get("topic") or "")
    return f"About: {topic}" if topic else KIND_LABELS[Kind.TOPIC]


@dataclass
class Waiting:
    """Something waiting for a conversation: an agreement someone stepped back from, or an
    open repair topic."""

    value: str  # what the start form sends: "agreement:<id>" or "concern:<id>"
    label: str


def waiting_for_conversation(ring: Keyring, partner: User | None) -> list[Waiting]:
    user = ring.user
    stepped = agreements.reveal_agreements(ring, agreements.needing_conversation(user))
    concerns = list(agreements.open_topics(user))
    agreements.reveal_agreements(ring, [c.agreement for c in concerns])
    found = [Waiting(f"agreement:{a.pk}", stepped_back_label(a, user, partner)) for a in stepped]
    found += [Waiting(f"concern:{c.pk}", concern_label(c, user, partner)) for c in concerns]
    return found


# -- notes and the history ----------------------------------------------------------------------


@dataclass
class Line:
    text: str
    by: str = ""  # whose words these are, when they aren't the speaker's own


@dataclass
class Said:
    who: str
    lines: list[Line]


@dataclass
class HistoryRow:
    conversation: Conversation
    title: str
    when: datetime
    resting: bool
    stage: str
    heard: list[Said] = field(default_factory=list)
    will_do: list[Said] = field(default_factory=list)


def _line(value: Any, speaker: str, names: dict[str, str]) -> Line:
    """One line of a note. What each felt heard about is usually in the listener's words:
    say whose, so the reader never takes them for the speaker's own."""
    if not isinstance(value, dict):
        return Line(str(value))  # notes kept before whose words were recorded
    text, by = str(value.get("words") or ""), str(value.get("by") or "")
    if not text or not by or by == speaker:
        return Line(text)
    who = names.get(by, "your partner")
    return Line(text, f"said back by {'you' if who == 'You' else who}")


def by_person(found: Any, names: dict[str, str]) -> list[Said]:
    """A note's {user id: [lines]}, in the order of `names` (You first), each named for
    this reader."""
    if not isinstance(found, dict):
        return []
    order = list(names)
    keys = sorted(found, key=lambda k: order.index(k) if k in order else len(order))
    return [
        Said(names.get(k, "Your partner"), [_line(line, k, names) for line in found[k] or []])
        for k in keys
    ]


def history_row(ring: Keyring, conversation: Conversation, names: dict[str, str]) -> HistoryRow:
    services.reveal(ring, conversation)
    note = conversation.plain.get("summary") if not conversation.waiting else None
    row = HistoryRow(
        conversation,
        conversation_title(conversation),
        conversation.finished_at or conversation.last_activity_at,
        resting=conversation.finished_at is None,
        stage=STAGE_WORDS.get(conversation.stage, ""),
    )
    if isinstance(note, dict):
        row.heard = by_person(note.get("heard"), names)
        row.will_do = by_person(note.get("will_do"), names)
    return row
