"""Starting a conversation, the history of past ones, and confirming what each will do.

Thin on purpose: parse with a form, call `conversations.services` (which decides every rule
again), render. Every page works without JavaScript, and every POST redirects once it has
done its work. Messages never carry what anyone wrote: they live in the session, which isn't
encrypted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from agreements import services as agreements
from conversations import services
from conversations.forms import KIND_LABELS, ConfirmItemForm, StartForm
from conversations.models import TOPIC_MAX, Conversation, Item, Kind, Stage
from couples import services as couples
from privacy import entries
from privacy.access import visible_or_404
from privacy.keyring import Keyring, keyring_for
from tending.http import HtmxHttpRequest, signed_in_user
from tending.paging import page_or_first

PER_PAGE = 10
BAD_PAGE = "There's no such page, so here are the most recent conversations."
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


# -- the page ---------------------------------------------------------------------------------


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


@dataclass
class ToConfirm:
    item: Item
    text: str
    form: ConfirmItemForm


def _render_index(
    request: HtmxHttpRequest,
    *,
    form: StartForm | None = None,
    bound: tuple[UUID, ConfirmItemForm] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    partner = couples.partner_of(user)
    names = names_for(user, partner)
    going = services.open_conversation(user)
    if going is not None:
        services.reveal(ring, going)
    waiting = waiting_for_conversation(ring, partner) if partner and not going else []
    if form is None:
        form = StartForm(initial={"token": uuid.uuid4()})
    elif form.errors and (going is not None or partner is None) and not problem:
        # The start form isn't shown then; its reason still is.
        problem = str(next(iter(form.errors.values()))[0])

    page, page_problem = page_or_first(request, services.history(user), PER_PAGE, BAD_PAGE)
    history = [history_row(ring, c, names) for c in page.object_list]

    today = services.local_today(user)
    to_confirm = []
    items = entries.reveal(list(services.items_to_confirm(user)), ring)
    for item in items:
        assert isinstance(item, Item)
        auto_id = f"id_{item.pk.hex}_%s"
        if bound is not None and bound[0] == item.pk:
            item_form = bound[1]
        else:
            item_form = ConfirmItemForm(today=today, auto_id=auto_id)
        text = (
            "(this opens once your partner next visits Tending)"
            if item.waiting or item.unreadable
            else str(item.plain.get("text") or "")
        )
        to_confirm.append(ToConfirm(item, text, item_form))

    context: dict[str, Any] = {
        "partner": partner,
        "going": going,
        "going_title": conversation_title(going) if going else "",
        "going_stage": STAGE_WORDS.get(going.stage, "") if going else "",
        "form": form,
        "waiting": waiting,
        "chosen_about": form.data.get("about", "") if form.is_bound else "",
        "prompts": [words for _, words in services.WEEKLY_AGENDA],
        "history": history,
        "page": page,
        "page_problem": page_problem,
        "to_confirm": to_confirm,
        "problem": problem,
        "wording_on": services.wording_aid_on(user),
        "topic_max": TOPIC_MAX,
    }
    return render(request, "conversations/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_index(request)
    user = signed_in_user(request)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _render_index(request, form=form, status=400)
    data = form.cleaned_data
    ring = keyring_for(request)
    agreement = concern = None
    topic = data["topic"]
    if data["kind"] == Kind.TOPIC and data["about"]:
        what, pk = data["about"]
        if what == "agreement":
            agreement = agreements.visible_agreement_or_404(user, pk)
            agreements.reveal_agreements(ring, [agreement])
            topic = topic or agreement_title(agreement)
        else:
            concern = agreements.visible_concern_or_404(user, pk)
            agreements.reveal_agreements(ring, [concern.agreement])
            topic = topic or concern_label(concern, user, couples.partner_of(user))
    if data["kind"] == Kind.WEEKLY:
        topic = ""
    try:
        conversation = services.start(
            ring,
            kind=data["kind"],
            mode=data["mode"],
            topic=topic[:TOPIC_MAX],
            agreement=agreement,
            concern=concern,
            token=data["token"],
        )
    except services.ConversationProblem as problem:
        form.add_error(None, str(problem))
        return _render_index(request, form=form, status=400)
    return redirect("conversations:room", conversation.pk)


# -- what each will do: into a commitment, or set aside ---------------------------------------


@require_POST
def confirm_item(request: HtmxHttpRequest, item_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    item = visible_or_404(Item, user, item_id)
    ring = keyring_for(request)
    form = ConfirmItemForm(
        request.POST, today=services.local_today(user), auto_id=f"id_{item.pk.hex}_%s"
    )
    if not form.is_valid():
        return _render_index(request, bound=(item.pk, form), status=400)
    try:
        if form.setting_aside:
            services.set_aside(user, item)
        else:
            services.confirm_item(
                ring, item, rule=form.rule(), starts_on=form.cleaned_data["starts_on"]
            )
    except services.ConversationProblem as problem:
        form.add_error(None, str(problem))
        return _render_index(request, bound=(item.pk, form), problem=str(problem), status=400)
    if form.setting_aside:
        messages.info(request, "Set aside. It stays in the conversation's note.")
    else:
        partner = couples.partner_of(user)
        shared = f", shared with {partner.display_name}" if partner is not None else ""
        messages.success(
            request, f"It's a commitment now{shared}. You'll find it on your calendar."
        )
    return redirect("conversations:index")
