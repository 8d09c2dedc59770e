"""How a conversation ends: each writes what they will do, both say they are done, and the
items become commitments once their owner confirms them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, QuerySet
from django.utils import timezone

from accounts import probes
from accounts.models import User
from accounts.probes import Answers, Probes
from commitments import services as commitments
from conversations.models import (
    ITEM_MAX,
    Conversation,
    Item,
    ItemState,
    Kind,
    Mode,
    Said,
    Stage,
)
from conversations.services.reading import (
    conversations_of,
    exchanges,
    items,
    open_conversation,
    reveal,
)
from conversations.services.turns import (
    ITEMS_MAX,
    ConversationProblem,
    _advance,
    _plain_text,
    _ready,
    _step,
    local_today,
)
from couples import services as couples
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring

# -- ending ----------------------------------------------------------------------------------


def _lists(
    ring: Keyring, conversation: Conversation, lists: Mapping[User, Iterable[str]]
) -> list[tuple[User, list[str]]]:
    """Each owner's list, tidied and checked, before anything is written."""
    partner = couples.partner_of(ring.user)
    checked = []
    for owner, texts in lists.items():
        if partner is None or owner.pk not in (ring.user.pk, partner.pk):
            raise ConversationProblem("Each item belongs to one of you.")
        if conversation.mode == Mode.APART and owner.pk != ring.user.pk:
            raise ConversationProblem("Your partner writes what they will do on their own screen.")
        cleaned = [_plain_text(t, ITEM_MAX, "Each item") for t in texts]
        cleaned = [t for t in cleaned if t]
        if len(cleaned) > ITEMS_MAX:
            raise ConversationProblem(f"Up to {ITEMS_MAX} things each; fewer is often kinder.")
        checked.append((owner, cleaned))
    return checked


def _replace_items(
    ring: Keyring, conversation: Conversation, owner: User, texts: list[str]
) -> list[Item]:
    conversation.items.filter(owner=owner, state=ItemState.WRITTEN).delete()
    made = []
    for text in texts:
        item = Item(
            conversation=conversation,
            author=ring.user,
            couple_id=conversation.couple_id,
            visibility=Visibility.SHARED,
            owner=owner,
        )
        try:
            entries.encrypt_into(item, ring, {"text": text})
        except entries.NotReady as reason:
            raise ConversationProblem(str(reason)) from None
        item.save()
        made.append(item)
    return made


def _locked_closing(ring: Keyring, conversation: Conversation) -> None:
    # Lock the row and look again: words written as the other says they're done must be
    # in the note or refused, never land in a finished conversation unseen.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    conversation.refresh_from_db()
    _ready(conversation, Stage.CLOSING, ring.user)


def is_done_writing(conversation: Conversation, person: User) -> bool:
    return str(person.pk) in (conversation.done_writing or [])


@_step
def save_draft(
    ring: Keyring, conversation: Conversation, lists: Mapping[User, Iterable[str]]
) -> None:
    """What each has typed so far, kept as it is typed (the screen saves it a moment after
    each change). The screens stay as they are: the revision doesn't move, and the partner
    sees a list once its owner says it's done. Lists of someone already done are left as
    they were (a screen that hadn't caught up)."""
    _locked_closing(ring, conversation)
    for owner, texts in _lists(ring, conversation, lists):
        if not is_done_writing(conversation, owner):
            _replace_items(ring, conversation, owner, texts)


@_step
def write_items(
    ring: Keyring,
    conversation: Conversation,
    owner: User,
    texts: Iterable[str],
) -> list[Item]:
    """What `owner` will do, kept as a draft (see `save_draft`); returns the items."""
    _locked_closing(ring, conversation)
    ((owner, cleaned),) = _lists(ring, conversation, {owner: texts})
    if is_done_writing(conversation, owner):
        raise ConversationProblem(
            "That list is marked done. Choose to change it first, then write again."
        )
    return _replace_items(ring, conversation, owner, cleaned)


@_step
def done_writing(
    ring: Keyring,
    conversation: Conversation,
    owner: User,
    lists: Mapping[User, Iterable[str]] | None = None,
) -> bool:
    """`owner` says their list is done (what is typed in `lists` is kept first, for
    whoever is still writing). The conversation finishes once both have said so; until
    then it waits for the other, whose words are never cut short. On two devices each
    says it for themselves; on one phone, each confirms on the one screen. Returns whether
    the conversation finished now."""
    _locked_closing(ring, conversation)
    partner = couples.partner_of(ring.user)
    if partner is None or owner.pk not in (ring.user.pk, partner.pk):
        raise ConversationProblem("Each list belongs to one of you.")
    if conversation.mode == Mode.APART and owner.pk != ring.user.pk:
        raise ConversationProblem("Only your partner can say their own list is done.")
    for who, texts in _lists(ring, conversation, lists or {}):
        if not is_done_writing(conversation, who):
            _replace_items(ring, conversation, who, texts)
    done = sorted({*(conversation.done_writing or []), str(owner.pk)})
    Conversation.objects.filter(pk=conversation.pk).update(
        done_writing=done, revision=F("revision") + 1, last_activity_at=timezone.now()
    )
    conversation.refresh_from_db()
    if {str(ring.user.pk), str(partner.pk)} <= set(done):
        _finish(ring, conversation)
        return True
    return False


@_step
def not_done_writing(ring: Keyring, conversation: Conversation, owner: User) -> None:
    """Open a list marked done again, to change it (its owner, or on one phone either)."""
    _locked_closing(ring, conversation)
    partner = couples.partner_of(ring.user)
    if partner is None or owner.pk not in (ring.user.pk, partner.pk):
        raise ConversationProblem("Each list belongs to one of you.")
    if conversation.mode == Mode.APART and owner.pk != ring.user.pk:
        raise ConversationProblem("Only your partner can change their own list.")
    done = [pk for pk in (conversation.done_writing or []) if pk != str(owner.pk)]
    Conversation.objects.filter(pk=conversation.pk).update(
        done_writing=done, revision=F("revision") + 1, last_activity_at=timezone.now()
    )
    conversation.refresh_from_db()


def _summary(ring: Keyring, conversation: Conversation) -> dict[str, Any]:
    """The note kept: the topic, what each felt heard about (the words the listener said
    back that the speaker confirmed, with whose words they are), and what each will do."""
    said = exchanges(ring, conversation)
    heard: dict[str, list[dict[str, str]]] = {}
    last_reflection: dict[tuple[int, Any], tuple[str, str]] = {}
    for e in said:
        if e.said == Said.REFLECTION:
            last_reflection[(e.round, e.speaker_id)] = (
                str(e.plain.get("words") or ""),
                str(e.by_id),
            )
        if e.said == Said.HEARD:
            anchor = next(
                (
                    str(x.plain.get("words") or "")
                    for x in said
                    if x.said == Said.ANCHOR and x.round == e.round and x.speaker_id == e.speaker_id
                ),
                "",
            )
            words, by = last_reflection.get((e.round, e.speaker_id), ("", ""))
            if not words:  # said back aloud: the speaker's own anchoring words, if any
                words, by = anchor, str(e.speaker_id)
            heard.setdefault(str(e.speaker_id), []).append({"words": words, "by": by})
    will_do: dict[str, list[str]] = {}
    for item in items(ring, conversation):
        will_do.setdefault(str(item.owner_id), []).append(str(item.plain.get("text") or ""))
    return {
        "topic": conversation.plain.get("topic"),
        "heard": heard,
        "will_do": will_do,
    }


def _finish(ring: Keyring, conversation: Conversation) -> None:
    """Both have said their list is done: the note is kept for both, and the week's
    conversation (when that rhythm is on) is marked kept."""
    reveal(ring, conversation)
    note = _summary(ring, conversation)
    _advance(conversation, conversation.revision, stage=Stage.DONE, finished_at=timezone.now())
    try:
        entries.encrypt_into(
            conversation, ring, {"topic": conversation.plain.get("topic"), "summary": note}
        )
    except entries.NotReady as reason:
        raise ConversationProblem(str(reason)) from None
    conversation.save(update_fields=["topic", "summary"])
    if conversation.kind == Kind.WEEKLY:
        today = local_today(ring.user)
        monday = today - timedelta(days=today.weekday())
        # When the rhythm can't be marked now, the conversation still counts.
        with suppress(commitments.CommitmentProblem):
            commitments.keep_rhythm_in(
                ring, commitments.RhythmKind.CONVERSATION, (monday, monday + timedelta(days=6))
            )


GOING, ITEMS_WAITING = "conversations.going", "conversations.items_waiting"


def today_probes(user: User) -> Probes:
    """Today's questions to this practice (`accounts.probes`): a conversation going, and
    "what I will do" items waiting to be confirmed."""
    going = conversations_of(user).filter(finished_at__isnull=True, resting=False)
    return {GOING: Exists(going), ITEMS_WAITING: Exists(items_to_confirm(user))}


def today_lines(user: User, answers: Answers | None = None) -> tuple[Conversation | None, bool]:
    """For the home page: `open_conversation` and whether `items_to_confirm` has any, in one
    query when no conversation is going (nearly always), or none when it already asked
    `today_probes`."""
    answers = answers if answers is not None else probes.ask(today_probes(user))
    return (open_conversation(user) if answers[GOING] else None), bool(answers[ITEMS_WAITING])


def items_to_confirm(user: User) -> QuerySet[Item]:
    """This person's "what I will do" items from finished conversations, not yet a
    commitment nor set aside."""
    return (
        Item.objects.visible_to(user)
        .filter(owner=user, state=ItemState.WRITTEN, conversation__finished_at__isnull=False)
        .select_related("conversation")
    )


@transaction.atomic
def confirm_item(
    ring: Keyring, item: Item, *, rule: commitments.Rule, starts_on: date
) -> commitments.Commitment:
    """Its owner makes it a commitment, shared with the partner (through the commitments
    area's public function)."""
    if item.owner_id != ring.user.pk:
        raise ConversationProblem("Only the one who will do it can make it a commitment.")
    if item.state != ItemState.WRITTEN:
        if item.commitment is not None:
            return item.commitment
        raise ConversationProblem("This one was set aside.")
    (opened,) = entries.reveal([item], ring)
    if opened.waiting or opened.unreadable:
        raise ConversationProblem(
            "This can't be opened right now; try again after your partner's next visit."
        )
    # Claim it first: a second tab confirming at the same moment finds it taken.
    claimed = Item.objects.filter(pk=item.pk, state=ItemState.WRITTEN).update(
        state=ItemState.CONFIRMED
    )
    if claimed != 1:
        item.refresh_from_db()
        if item.commitment is not None:
            return item.commitment
        raise ConversationProblem("This one was already made a commitment, or set aside.")
    try:
        commitment = commitments.create_commitment(
            ring, title=str(opened.plain["text"]), rule=rule, starts_on=starts_on, shared=True
        )
    except commitments.CommitmentProblem as problem:
        raise ConversationProblem(str(problem)) from None  # the claim rolls back with it
    Item.objects.filter(pk=item.pk).update(commitment=commitment)
    item.refresh_from_db()
    return commitment


@transaction.atomic
def set_aside(user: User, item: Item) -> None:
    if item.owner_id != user.pk:
        raise ConversationProblem("Only the one who would do it can set it aside.")
    Item.objects.filter(pk=item.pk, state=ItemState.WRITTEN).update(state=ItemState.SET_ASIDE)
