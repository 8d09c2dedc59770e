"""The closeness path: every rule lives here. Views parse, call and render.

What the partner may learn is exactly this, and nothing else:
- the steps both said yes to ("our shared yes"), minus tiers a slow-down holds back;
- that the path is "paused for now" (never by whom, from their side, beyond that it wasn't
  them);
- moments: proposed, planned, "not this time", "called off" (never who called it off). A
  moment called off, by either or by a pause, stays off: another needs both to say yes.

So nothing here returns anything derived from the partner's answers except the match
(`shared_yes`). A person's own answers are theirs alone; `Answers` is private, and the
`YesList` the match is made from is sealed from the partner (privacy.entries). The match
itself is kept for the couple (`SharedYes`), written by whoever's yes list changed it and
only when it changes, so a page reads the match and never the partner's list.

The rules live in this package by sub-domain, as the views do: `path` (the steps, one's
own answers, pause, slowing down, the shared yes) and `moments` (planned moments, the
consent check-in, aftercare, its emails). Everything is imported from
`closeness.services`, as before the split.
"""

from __future__ import annotations

from closeness.services.moments import (
    CHECKIN_EMAIL_SUBJECT,
    MomentLists,
    aftercare_due,
    answer_moment,
    call_off,
    consent_due,
    in_checkin_window,
    moment_lists,
    moments,
    my_aftercare,
    note_aftercare,
    plan_checkin_emails,
    plan_moment,
    save_setting,
    setting_for,
    still_good,
    today_cards,
    today_probes,
    upcoming,
    visible_steps,
)
from closeness.services.path import (
    AFTERCARE_FOR,
    ANSWER_CHOICES,
    ANSWER_VALUES,
    CHECKIN_BEFORE,
    CLOCK_SLACK,
    LATER,
    NOT_YET,
    OPEN,
    PAUSED,
    PAUSED_BY_ME,
    PLAN_AHEAD_MAX,
    SLOW_DOWN_WEEKS,
    YES,
    ClosenessProblem,
    MyAnswers,
    add_step,
    all_steps,
    answer_slow_down,
    extend_slow_down,
    local_today,
    my_answers,
    own_steps,
    path_state,
    pause,
    propose_slow_down,
    remove_step,
    resume,
    save_answers,
    shared_yes,
    slow_down,
    sync_yes_list,
)

__all__ = [
    "AFTERCARE_FOR",
    "ANSWER_CHOICES",
    "ANSWER_VALUES",
    "CHECKIN_BEFORE",
    "CHECKIN_EMAIL_SUBJECT",
    "CLOCK_SLACK",
    "LATER",
    "NOT_YET",
    "OPEN",
    "PAUSED",
    "PAUSED_BY_ME",
    "PLAN_AHEAD_MAX",
    "SLOW_DOWN_WEEKS",
    "YES",
    "ClosenessProblem",
    "MomentLists",
    "MyAnswers",
    "add_step",
    "aftercare_due",
    "all_steps",
    "answer_moment",
    "answer_slow_down",
    "call_off",
    "consent_due",
    "extend_slow_down",
    "in_checkin_window",
    "local_today",
    "moment_lists",
    "moments",
    "my_aftercare",
    "my_answers",
    "note_aftercare",
    "own_steps",
    "path_state",
    "pause",
    "plan_checkin_emails",
    "plan_moment",
    "propose_slow_down",
    "remove_step",
    "resume",
    "save_answers",
    "save_setting",
    "setting_for",
    "shared_yes",
    "slow_down",
    "still_good",
    "sync_yes_list",
    "today_cards",
    "today_probes",
    "upcoming",
    "visible_steps",
]
