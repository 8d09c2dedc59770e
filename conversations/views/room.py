"""The conversation itself: one screen region (`#stage`) that always says whose turn it is
and what to do now, the actions that move it on, and the gentle wording aid.

Two devices stay in step by polling `state` with the revision the screen shows: the same
revision is 204 (nothing to do), anything else is the new `#stage`. Every action names the
revision it was made on; the services refuse one made on a screen that has moved on
(MovedOn, 409 here) and anything not allowed (ConversationProblem, 400), changing nothing.
With htmx every answer is the `#stage` partial; without it, a POST redirects to the room.
Messages never carry what anyone wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from conversations import services
from conversations import wording as wording_aid
from conversations.forms import ActForm
from conversations.models import ITEM_MAX, WORDS_MAX, Conversation, Mode, Said, Stage
from conversations.views.start import (
    by_person,
    concern_label,
    conversation_title,
    names_for,
    stepped_back_label,
)
from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import Keyring, keyring_for
from privacy.middleware import without_key_handover
from tending.http import HtmxHttpRequest, local_path, signed_in_user

POLL_MS = 1500  # the partner's screen follows within about this long
RESTING_POLL_MS = 5000
ITEM_SLOTS = services.ITEMS_MAX

DONE_WORDS = {
    "begin": "You've begun.",
    "said_it": "Thank you. Now it's time to say back what was heard.",
    "reflect": "Thank you. Now the one who spoke says whether that's it.",
    "heard": "Heard. Thank you both.",
    "not_quite": "Thank you for saying so. One more try at saying it back.",
    "kept": "Kept. Nothing is final until each of you says your list is done.",
    "done": "Your list is done. It finishes once you've both said so.",
    "undone": "Your list is open again.",
    "another_round": "One more thing, then. The first speaker begins again.",
    "finish": "Finished. The note is kept for both of you.",
    "pause": "Paused. Take all the time you need.",
    "resume": "Going on from where you were.",
    "end_for_today": "Resting for today. It goes on from exactly here whenever you're ready.",
    "resume_later": "Carrying on from where you stopped.",
}
STAGE_WORDS = dict(Stage.choices)
CHOOSE_FIRST = "Choose which of you speaks first."
WHOSE_ITEMS = "Each list belongs to one of you."


# -- what the screen says ---------------------------------------------------------------------


@dataclass
class ItemGroup:
    owner: User
    legend: str
    button: str
    texts: list[str]
    editable: bool
    done: bool  # its owner has said this list is done
    keep: str  # the start of each box's data-keep key
    undo: str = ""

    @property
    def slots(self) -> list[tuple[int, str]]:
        """One box per item that may be written, filled with what's saved."""
        filled = self.texts[:ITEM_SLOTS]
        return list(enumerate(filled + [""] * (ITEM_SLOTS - len(filled))))


@dataclass
class Screen:
    """Everything the `#stage` partial shows, decided here so the template only lays it out."""

    conversation: Conversation
    stage: str
    together: bool
    me: User
    partner: User | None
    speaker: User | None = None
    listener: User | None = None
    turn: str = ""
    todo: str = ""
    acting: bool = False  # this screen has the next step (on one phone: always)
    read_only: bool = False
    paused: bool = False
    may_resume: bool = False
    paused_by_name: str = ""
    resting: bool = False
    keep: str = ""  # prefix of the data-keep keys: a new step starts with empty boxes
    missed: str | None = None  # what the speaker said was missed last time
    reflection: str | None = None
    anchor: str | None = None
    prompts: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    groups: list[ItemGroup] = field(default_factory=list)
    firsts: list[tuple[User, str]] = field(default_factory=list)
    note: dict[str, Any] = field(default_factory=dict)
    step: str = ""
    topic: str = ""  # what a conversation about one thing is about, in its own words


def _name(person: User | None) -> str:
    return person.display_name if person is not None else "your partner"


def _words(s: Screen) -> tuple[str, str]:
    """Whose turn it is, and what to do now, in plain words for this screen."""
    speaker, listener = _name(s.speaker), _name(s.listener)
    partner = _name(s.partner)
    if s.read_only:
        return (
            "This conversation stays as history.",
            "It was with a partner who has since left, so nothing more can be added.",
        )
    if s.stage == Stage.DONE:
        return (
            "Finished. Thank you both.",
            "Here is the note of your conversation. Each of you can make your own "
            "\u201cwhat I will do\u201d into commitments on the conversations page.",
        )
    if s.resting:
        return (
            "Resting for today.",
            "Nothing is lost. It goes on from exactly where you stopped, whenever you're "
            "both ready.",
        )
    if s.paused:
        if s.together:
            return (
                "Paused. Take a breath together.",
                "Breathe slowly, in for four and out for six, for a minute or two. Go on "
                "when you're ready, or end it here for today.",
            )
        if s.may_resume:
            return (
                "You called a pause. Take a breath.",
                f"Breathe slowly, in for four and out for six, for a minute or two; "
                f"{partner}'s screen shows this too. Go on when you're ready, or end it here "
                "for today.",
            )
        return (
            f"{s.paused_by_name} called a pause. Take a breath.",
            f"Breathe slowly, in for four and out for six. We'll go on when "
            f"{s.paused_by_name} is ready. Either of you can end it here for today.",
        )
    if s.stage == Stage.AGENDA:
        if s.together:
            return (
                "Choose who speaks first.",
                "Read what's below together. When you're ready, choose who speaks first.",
            )
        return (
            "Choose who speaks first.",
            f"Read what's below, together or each on your own. Either of you can choose who "
            f"speaks first; {partner}'s screen follows.",
        )
    if s.stage == Stage.SPEAKING:
        if s.together:
            return (
                f"{speaker} speaks. {listener} listens.",
                f"{speaker}, say the one thing on your mind, in your own words. A few words "
                f"here can anchor it, if you like. {listener}, listen without answering yet. "
                f"When {speaker} has said it, tap \u201cI've said it\u201d.",
            )
        if s.acting:
            return (
                "It's your turn to speak.",
                f"Say the one thing on your mind to {listener}. A few words here can anchor "
                "it, if you like. Tap \u201cI've said it\u201d when you have.",
            )
        return (
            f"{speaker} is speaking. Listen; you'll say back what you heard.",
            f"There's nothing to tap yet. Listen for what matters to {speaker}.",
        )
    if s.stage == Stage.REFLECTING:
        if s.together:
            return (
                f"{listener}, say back what you heard.",
                f"Pass the phone to {listener}. {listener}: say it in your own words, aloud "
                f"or written here, then tap \u201cThat's what I heard\u201d. {speaker}: listen.",
            )
        if s.acting:
            return (
                "Your turn: say back what you heard.",
                f"Say it in your own words, aloud to {speaker} or written here. Then tap "
                "\u201cThat's what I heard\u201d.",
            )
        return (
            f"{listener} is saying back what they heard.",
            "Listen. Next you'll say whether that's it.",
        )
    if s.stage == Stage.CHECKING:
        if s.together:
            return (
                f"{speaker}, is that what you meant?",
                f"Pass the phone back to {speaker}. {speaker}: if {listener} heard you, tap "
                "\u201cYes, that's it\u201d. If something is missing, tap \u201cNot quite\u201d "
                "and say what.",
            )
        if s.acting:
            return (
                "Your turn: is that what you meant?",
                f"If {listener} heard you, tap \u201cYes, that's it\u201d. If something is "
                "missing, tap \u201cNot quite\u201d and add what was missed.",
            )
        return (
            f"{speaker} is saying whether that's it.",
            "Wait a moment. If something was missed, you'll have another go.",
        )
    # closing
    if s.together:
        return (
            "What will each of you do?",
            "Each of you writes up to five small, concrete things you'll do; what you type is "
            "kept as you go. When a list is done, its owner says so here. The conversation "
            "finishes once you both have.",
        )
    me_done = services.is_done_writing(s.conversation, s.me)
    partner_done = s.partner is not None and services.is_done_writing(s.conversation, s.partner)
    if me_done:
        return (
            f"Your list is done. {partner} is still writing.",
            f"There's no hurry: the conversation finishes once {partner} says their list is "
            "done too. You can still change yours.",
        )
    theirs = f" {partner} has said theirs is done." if partner_done else ""
    return (
        "Your turn: what will you do?",
        f"Write up to five small, concrete things you'll do; what you type is kept as you go. "
        f"{partner} writes theirs on their own screen. The conversation finishes once you've "
        f"each said your list is done.{theirs}",
    )


def _latest(rows: list[Any], said: str, round_: int, speaker_id: Any, attempt: int | None) -> Any:
    found = [
        e
        for e in rows
        if e.said == said
        and e.round == round_
        and e.speaker_id == speaker_id
        and (attempt is None or e.attempt == attempt)
    ]
    return found[-1] if found else None


def _words_of(exchange: Any) -> str | None:
    if exchange is None:
        return None
    if exchange.waiting or exchange.unreadable:
        return "(these words open once your partner next visits Tending)"
    return str(exchange.plain.get("words") or "")


def _screen(ring: Keyring, conversation: Conversation) -> Screen:
    me = ring.user
    partner = couples.partner_of(me)
    services.reveal(ring, conversation)
    s = Screen(
        conversation=conversation,
        stage=conversation.stage,
        together=conversation.mode == Mode.TOGETHER,
        me=me,
        partner=partner,
    )
    people = {me.pk: me, **({partner.pk: partner} if partner else {})}
    s.read_only = conversation.finished_at is None and (
        partner is None or conversation.couple_id is None
    )
    if conversation.speaker_id is not None:
        speaker = people.get(conversation.speaker_id)
        s.speaker = speaker if speaker is not None else conversation.speaker
        s.listener = partner if s.speaker is not None and s.speaker.pk == me.pk else me
    s.resting = conversation.resting and conversation.finished_at is None
    s.paused = conversation.paused_by_id is not None and not s.resting
    if conversation.paused_by_id is not None and s.paused:
        s.may_resume = s.together or conversation.paused_by_id == me.pk
        s.paused_by_name = _name(people.get(conversation.paused_by_id))
    s.keep = (
        f"tending:{conversation.pk}:{conversation.stage}:{conversation.round}:"
        f"{conversation.speaker_id or '-'}:{conversation.attempt}"
    )
    if s.together:
        s.acting = True
    elif s.stage in (Stage.SPEAKING, Stage.CHECKING):
        s.acting = s.speaker is not None and s.speaker.pk == me.pk
    elif s.stage == Stage.REFLECTING:
        s.acting = s.listener is not None and s.listener.pk == me.pk
    else:
        s.acting = True

    if s.read_only or s.paused or s.resting:
        pass
    elif s.stage == Stage.AGENDA:
        _agenda(ring, s)
    elif s.stage in (Stage.REFLECTING, Stage.CHECKING) and s.speaker is not None:
        rows = services.exchanges(ring, conversation)
        turn = (conversation.round, s.speaker.pk)
        if s.stage == Stage.REFLECTING and conversation.attempt > 1:
            s.missed = _words_of(_latest(rows, Said.MISSED, *turn, conversation.attempt - 1))
        if s.stage == Stage.CHECKING:
            s.reflection = _words_of(_latest(rows, Said.REFLECTION, *turn, conversation.attempt))
            s.anchor = _words_of(_latest(rows, Said.ANCHOR, *turn, None))
    elif s.stage == Stage.CLOSING:
        _closing(ring, s)
    if s.stage == Stage.DONE:
        note = conversation.plain.get("summary") if not conversation.waiting else None
        s.note = note if isinstance(note, dict) else {}
    s.turn, s.todo = _words(s)
    s.step = _step(s)
    return s


def _step(s: Screen) -> str:
    """Where the conversation stands, in a few words above whose turn it is."""
    if s.read_only:
        return "Kept as history"
    if s.paused:
        return "Paused"
    if s.resting:
        return "Resting"
    words = STAGE_WORDS.get(s.stage, "")
    talking = (Stage.SPEAKING, Stage.REFLECTING, Stage.CHECKING)
    if s.stage in talking and s.conversation.round > 1:
        return f"One more thing \u00b7 {words}"
    return words


def _agenda(ring: Keyring, s: Screen) -> None:
    if not s.conversation.waiting:
        s.topic = str(s.conversation.plain.get("topic") or "")
    found = services.agenda(ring, s.conversation)
    s.prompts = [words for _, words in found.prompts]
    s.waiting = [stepped_back_label(a, s.me, s.partner) for a in found.stepped_back]
    if found.topics:
        s.waiting += [concern_label(c, s.me, s.partner) for c in found.topics]
    if s.partner is None:
        return
    pair = [s.me, s.partner]
    if s.together:
        s.firsts = [(p, f"{p.display_name} speaks first") for p in pair]
    else:
        s.firsts = [(s.me, "I'll speak first"), (s.partner, f"{s.partner.display_name} first")]


def _closing(ring: Keyring, s: Screen) -> None:
    if s.partner is None:
        return
    written: dict[Any, list[str]] = {}
    for item in services.items(ring, s.conversation):
        text = _words_of_item(item)
        written.setdefault(item.owner_id, []).append(text)
    first = s.conversation.first_speaker_id
    pair = [s.me, s.partner]
    if s.together and first is not None:
        pair.sort(key=lambda p: 0 if p.pk == first else 1)
    for person in pair:
        editable = s.together or person.pk == s.me.pk
        name = person.display_name
        mine = not s.together and person.pk == s.me.pk
        s.groups.append(
            ItemGroup(
                owner=person,
                legend="What I will do" if mine else f"{name} will\u2026",
                button="My list is done" if mine else f"{name}'s list is done",
                undo="Change my list" if mine else f"Change {name}'s list",
                texts=written.get(person.pk, []),
                editable=editable,
                done=services.is_done_writing(s.conversation, person),
                keep=f"{s.keep}:items:{person.pk}" if editable else "",
            )
        )


def _words_of_item(item: Any) -> str:
    if item.waiting or item.unreadable:
        return "(this opens once your partner next visits Tending)"
    return str(item.plain.get("text") or "")


def _note(s: Screen) -> dict[str, Any]:
    """The note of a finished conversation, each person named for this screen: "You" for
    the reader's own words on their own device, names on one shared phone."""
    if not s.note:
        return {}
    if s.together and s.partner is not None:
        names = {str(s.me.pk): s.me.display_name, str(s.partner.pk): s.partner.display_name}
    else:
        names = names_for(s.me, s.partner)
    return {
        "topic": s.note.get("topic") or "",
        "heard": by_person(s.note.get("heard"), names),
        "will_do": by_person(s.note.get("will_do"), names),
    }


def _context(request: HtmxHttpRequest, conversation: Conversation, problem: str) -> dict[str, Any]:
    ring = keyring_for(request)
    s = _screen(ring, conversation)
    finished = conversation.finished_at is not None
    poll = None if finished or s.read_only else RESTING_POLL_MS if s.resting else POLL_MS
    return {
        "s": s,
        "conversation": conversation,
        "title": conversation_title(conversation),
        "revision": conversation.revision,
        "problem": problem,
        "poll_ms": poll,
        "note": _note(s),
        "item_max": ITEM_MAX,
        "words_max": WORDS_MAX,
        "wording_on": services.wording_aid_on(ring.user),
        "may_pause": not (finished or s.read_only or s.paused or s.resting),
    }


def _stage(
    request: HtmxHttpRequest, conversation: Conversation, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = _context(request, conversation, problem)
    response = render(request, "conversations/room.html#stage", context, status=status)
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- the views ----------------------------------------------------------------------------------


@require_GET
def room(request: HtmxHttpRequest, conversation_id: UUID) -> HttpResponse:
    conversation = visible_or_404(Conversation, signed_in_user(request), conversation_id)
    services.rest_if_left(conversation)
    if request.htmx:
        return _stage(request, conversation)
    response = render(request, "conversations/room.html", _context(request, conversation, ""))
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    return response


@without_key_handover
@require_GET
def state(request: HtmxHttpRequest, conversation_id: UUID) -> HttpResponse:
    """For polling: 204 while the screen is current, else the new `#stage`."""
    conversation = visible_or_404(Conversation, signed_in_user(request), conversation_id)
    services.rest_if_left(conversation)
    shown = request.GET.get("revision", "")
    if shown.isdigit() and int(shown) == conversation.revision:
        response = HttpResponse(status=204)
        add_never_cache_headers(response)
        return response
    return _stage(request, conversation)


def _person(me: User, partner: User | None, posted: str, problem: str) -> User:
    """Me or my partner, named by the id a button sent."""
    for person in (me, partner):
        if person is not None and posted == str(person.pk):
            return person
    raise services.ConversationProblem(problem)


def _posted_lists(me: User, partner: User | None, post: Any) -> dict[User, list[str]]:
    """The "what I will do" boxes the form sent, by whose list they are."""
    return {
        person: post.getlist(f"item-{person.pk}")
        for person in (me, partner)
        if person is not None and f"item-{person.pk}" in post
    }


def _closing_action(ring: Keyring, conversation: Conversation, revision: int, post: Any) -> str:
    """The closing form: every button keeps what is typed in every list first."""
    user = ring.user
    partner = couples.partner_of(user)
    lists = _posted_lists(user, partner, post)
    if post.get("done"):
        owner = _person(user, partner, post.get("done", ""), WHOSE_ITEMS)
        finished = services.done_writing(ring, conversation, owner, lists)
        return "finish" if finished else "done"
    services.save_draft(ring, conversation, lists)
    if post.get("undo"):
        owner = _person(user, partner, post.get("undo", ""), WHOSE_ITEMS)
        services.not_done_writing(ring, conversation, owner)
        return "undone"
    if post.get("more"):
        services.another_round(user, conversation, revision)
        return "another_round"
    return "kept"


def _do(ring: Keyring, conversation: Conversation, action: str, revision: int, post: Any) -> str:
    """Do what the button says; returns the key of the words that say it was done."""
    user = ring.user
    if action == "begin":
        first = _person(user, couples.partner_of(user), post.get("first", ""), CHOOSE_FIRST)
        services.begin(user, conversation, revision, first)
    elif action == "said_it":
        services.said_it(ring, conversation, revision, post.get("words", ""))
    elif action == "reflect":
        services.reflect(ring, conversation, revision, post.get("words", ""))
    elif action == "heard":
        services.check(ring, conversation, revision, heard=True)
    elif action == "not_quite":
        services.check(ring, conversation, revision, heard=False, missed=post.get("missed", ""))
    elif action == "closing":
        return _closing_action(ring, conversation, revision, post)
    elif action == "another_round":
        services.another_round(user, conversation, revision)
    elif action == "pause":
        services.pause(user, conversation)
    elif action == "resume":
        services.resume(user, conversation)
    elif action == "end_for_today":
        services.end_for_today(user, conversation)
    elif action == "resume_later":
        services.resume_later(user, conversation)
    return action


@require_POST
def act(request: HtmxHttpRequest, conversation_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    conversation = visible_or_404(Conversation, user, conversation_id)
    form = ActForm(request.POST)
    problem, status, done = "", 200, ""
    if not form.is_valid():
        problem, status = str(next(iter(form.errors.values()))[0]), 400
    else:
        action = form.cleaned_data["action"]
        try:
            done = _do(
                keyring_for(request),
                conversation,
                action,
                form.cleaned_data["revision"] or 0,
                request.POST,
            )
        except services.MovedOn as moved:
            problem, status = str(moved), 409
        except services.ConversationProblem as refused:
            problem, status = str(refused), 400
            conversation.refresh_from_db()
    if request.htmx:
        return _stage(request, conversation, problem=problem, status=status)
    if status == 409:
        messages.info(request, problem)
    elif problem:
        messages.error(request, problem)
    else:
        messages.success(request, DONE_WORDS[done])
    return redirect("conversations:room", conversation.pk)


@require_POST
def draft(request: HtmxHttpRequest, conversation_id: UUID) -> HttpResponse:
    """What is typed in the "what I will do" boxes, kept a moment after each change. The
    screen stays as it is; only a quiet line says it was kept (or why it wasn't)."""
    user = signed_in_user(request)
    conversation = visible_or_404(Conversation, user, conversation_id)
    ring = keyring_for(request)
    problem = ""
    try:
        services.save_draft(
            ring, conversation, _posted_lists(user, couples.partner_of(user), request.POST)
        )
    except services.MovedOn:
        # The conversation moved on; the next poll shows where. The words stay in the box.
        return HttpResponse(status=204)
    except services.ConversationProblem as refused:
        problem = str(refused)
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        return redirect("conversations:room", conversation.pk)
    response = render(
        request,
        "conversations/room.html#draft_status",
        {"draft_problem": problem, "draft_kept": not problem},
    )
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- the wording aid -------------------------------------------------------------------------


# The boxes the aid listens to: a conversation's, and a concern's and its answer's (the
# agreements pages send only the box being typed in, through `hx-params`).
AID_FIELDS = (
    "text",
    "words",
    "missed",
    "what_happened",
    "how_it_felt",
    "what_i_need",
    "what_i_did",
    "how_it_affected",
    "what_i_will_do",
)


@require_POST
def wording(request: HtmxHttpRequest) -> HttpResponse:
    """Hints for the words being written. Nothing is kept, nothing is logged, nothing is
    told to the partner; it never stands between anyone and sending."""
    user = signed_in_user(request)
    post = request.POST
    text = next((post[name] for name in AID_FIELDS if post.get(name)), "")
    context: dict[str, Any] = {"hints": [], "too_long": False, "words_max_words": f"{WORDS_MAX:,}"}
    if services.wording_aid_on(user):
        context["too_long"] = len(text.strip()) > WORDS_MAX
        context["hints"] = wording_aid.hints(text[: WORDS_MAX * 2])
    response = render(request, "conversations/hints.html", context)
    add_never_cache_headers(response)
    return response


BAD_BACK = "That link back isn't one of Tending's pages; nothing changed."
NOT_A_CHOICE = "That choice isn't one Tending offers; nothing changed."


def _back(request: HtmxHttpRequest) -> str | None:
    """Where to return after the setting: a page of this site, or None when the form
    named something else (a bare word, another site)."""
    back = request.POST.get("back", "")
    if not back:
        return reverse("conversations:index")
    return local_path(back, request)


@require_POST
def wording_setting(request: HtmxHttpRequest) -> HttpResponse:
    """Switch the wording aid on or off. Anything odd in the form (the choice or the page
    to return to) changes nothing and says so."""
    user = signed_in_user(request)
    on = request.POST.get("on")
    back = _back(request)
    problem = NOT_A_CHOICE if on not in {"on", "off"} else BAD_BACK if back is None else ""
    if problem:
        if request.htmx:
            context = {
                "wording_on": services.wording_aid_on(user),
                "back": back or reverse("conversations:index"),
                "problem": problem,
            }
            response = render(request, "conversations/wording_toggle.html", context, status=400)
            patch_vary_headers(response, ["HX-Request"])
            return response
        messages.error(request, problem)
        return redirect(back or reverse("conversations:index"))
    assert back is not None
    services.set_wording_aid(user, on == "on")
    if request.htmx:
        context = {"wording_on": on == "on", "back": back, "saved": True}
        response = render(request, "conversations/wording_toggle.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if on == "on":
        messages.success(request, "Wording suggestions are on.")
    else:
        messages.info(request, "Wording suggestions are off. You can turn them on again here.")
    return redirect(back)
