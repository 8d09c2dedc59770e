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
from conversations.models import WORDS_MAX, Conversation
from conversations.presenters.room import CHOOSE_FIRST, DONE_WORDS, WHOSE_ITEMS, room_context
from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import Keyring, keyring_for
from privacy.middleware import without_key_handover
from tending.http import HtmxHttpRequest, local_path, signed_in_user


def _stage(
    request: HtmxHttpRequest, conversation: Conversation, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = room_context(keyring_for(request), conversation, problem)
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
    response = render(
        request, "conversations/room.html", room_context(keyring_for(request), conversation, "")
    )
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
