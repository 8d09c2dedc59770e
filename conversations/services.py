"""Structured conversations: every rule lives here. Views parse, call and render.

The conversation moves through stages:

    agenda -> speaking -> reflecting -> checking --"yes, that's it"--> (roles switch) speaking
                              ^            |                                 ...
                              +-"not quite"+          both heard -> closing -> done

`speaker` is whose turn it is; the listener is the other partner. A pause can be called
by either at any stage and is orthogonal to the stage: the stage stays where it was, and
the conversation goes on from exactly there when the one who paused is ready (on one
shared device, whoever holds it). Either may instead end it for today (`resting`), and
resume it later; a conversation left untouched for a day rests by itself.

Two devices stay in step through `revision`: every change bumps it, screens poll for it,
and every action names the revision it was made on. An action made on a revision that has
moved on (both tapped at once, a double submit, a phone that slept) changes nothing and
the screen shows where things are now; what was typed stays in the browser (app.js).
Pausing is the one action that needs no revision: it must always work.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activity import services as activity
from agreements import services as agreements
from commitments import services as commitments
from conversations.models import (
    ITEM_MAX,
    TOPIC_MAX,
    WORDS_MAX,
    Conversation,
    Exchange,
    Item,
    ItemState,
    Kind,
    Mode,
    Said,
    Stage,
    WordingPreference,
)
from couples import services as couples
from couples.models import CoupleSpace
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring

# A conversation nobody has touched for this long rests: unfinished, resumable.
LEFT_OPEN = timedelta(hours=24)
ITEMS_MAX = 5  # "what I will do": a few concrete things, not a list of resolutions

# The weekly conversation's gentle agenda, in order. Words ours.
WEEKLY_AGENDA: tuple[tuple[str, str], ...] = (
    ("appreciation", "One thing each of you appreciated in the other this week"),
    ("safe", "A moment this week that felt safe"),
    ("hard", "Something that was hard this week"),
    ("request", "One small request each, for the week ahead"),
)


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


def open_conversation(user: User) -> Conversation | None:
    """The one conversation going on now (not finished, not resting), if any. After the
    partner has left it is still returned, as history: every action on it is refused."""
    found: Conversation | None = (
        conversations_of(user).filter(finished_at__isnull=True, resting=False).first()
    )
    if found is not None and rest_if_left(found):
        return None
    return found


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


# -- reading ---------------------------------------------------------------------------------


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
    """Finished conversations and resting ones (to resume), newest first."""
    return conversations_of(user).exclude(finished_at__isnull=True, resting=False)


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


# -- pausing ---------------------------------------------------------------------------------


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


def today_lines(user: User) -> tuple[Conversation | None, bool]:
    """For the home page: `open_conversation` and whether `items_to_confirm` has any, in one
    query when no conversation is going (nearly always)."""
    going = conversations_of(user).filter(finished_at__isnull=True, resting=False)
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(going=Exists(going), items=Exists(items_to_confirm(user)))
        .values_list("going", "items")
        .get()
    )
    return (open_conversation(user) if row[0] else None), bool(row[1])


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


# -- the wording aid setting -----------------------------------------------------------------


def wording_aid_on(user: User) -> bool:
    found = WordingPreference.objects.filter(user=user).values_list("aid_on", flat=True).first()
    return True if found is None else bool(found)


def set_wording_aid(user: User, on: bool) -> None:
    WordingPreference.objects.update_or_create(user=user, defaults={"aid_on": on})
