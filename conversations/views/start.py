"""Starting a conversation, the history of past ones, and confirming what each will do.

Thin on purpose: parse with a form, call `conversations.services` (which decides every rule
again), render. Every page works without JavaScript, and every POST redirects once it has
done its work. Messages never carry what anyone wrote: they live in the session, which isn't
encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from agreements import services as agreements
from conversations import services
from conversations.forms import ConfirmItemForm, StartForm
from conversations.models import TOPIC_MAX, Item, Kind
from conversations.presenters.titles import (
    STAGE_WORDS,
    agreement_title,
    concern_label,
    conversation_title,
    history_row,
    names_for,
    waiting_for_conversation,
)
from couples import services as couples
from privacy import entries
from privacy.access import visible_or_404
from privacy.kept_pages import kept_briefly, one_time_token
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user
from tending.paging import page_or_first

PER_PAGE = 10
BAD_PAGE = "There's no such page, so here are the most recent conversations."


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
        form = StartForm(initial={"token": one_time_token(request)})
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
@kept_briefly
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
