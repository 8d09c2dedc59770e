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

The rules live in this package by sub-domain: `turns` (starting, the speaker and listener
taking turns), `reading` (the conversation going on, the agenda, what was said, the
history), `pausing` (pausing, resting, resuming), `wording_aid` (the person's setting) and
`closing` (what each will do, finishing, confirming the commitments). Everything is imported from
`conversations.services`, as before the split.
"""

from __future__ import annotations

from conversations.services.closing import (
    confirm_item,
    done_writing,
    is_done_writing,
    items_to_confirm,
    not_done_writing,
    save_draft,
    set_aside,
    today_lines,
    today_probes,
    write_items,
)
from conversations.services.pausing import end_for_today, pause, resume, resume_later
from conversations.services.reading import (
    LEFT_OPEN,
    WEEKLY_AGENDA,
    Agenda,
    agenda,
    conversations_of,
    exchanges,
    history,
    items,
    listener_of,
    open_conversation,
    rest_if_left,
    reveal,
)
from conversations.services.turns import (
    ITEMS_MAX,
    ConversationProblem,
    MovedOn,
    another_round,
    begin,
    check,
    local_today,
    reflect,
    said_it,
    start,
)
from conversations.services.wording_aid import set_wording_aid, wording_aid_on

__all__ = [
    "ITEMS_MAX",
    "LEFT_OPEN",
    "WEEKLY_AGENDA",
    "Agenda",
    "ConversationProblem",
    "MovedOn",
    "agenda",
    "another_round",
    "begin",
    "check",
    "confirm_item",
    "conversations_of",
    "done_writing",
    "end_for_today",
    "exchanges",
    "history",
    "is_done_writing",
    "items",
    "items_to_confirm",
    "listener_of",
    "local_today",
    "not_done_writing",
    "open_conversation",
    "pause",
    "reflect",
    "rest_if_left",
    "resume",
    "resume_later",
    "reveal",
    "said_it",
    "save_draft",
    "set_aside",
    "set_wording_aid",
    "start",
    "today_lines",
    "today_probes",
    "wording_aid_on",
    "write_items",
]
