"""The commitment pages' wording and page building: a commitment's cadence in words, its
recent occasions and who noticed them, what a page offers this person, the rhythms page,
and the calm line after each change. The views parse, call the services and render these
plain values. Messages never carry what a person wrote: they live in the session, which
isn't encrypted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import prefetch_related_objects
from django.urls import reverse

from accounts.models import User
from commitments import occurrences, services
from commitments.forms import ChangeCadenceForm, describe_rule
from commitments.models import Commitment, Kind, Outcome, Result, Status
from commitments.occurrences import Rule
from couples import services as couples
from privacy import entries, rules
from privacy.keyring import Keyring

# How far back the commitment page lists occasions: about five weeks.
HISTORY_DAYS = 34

STATE_WORDS = {
    Result.KEPT: "Kept",
    Result.PARTLY: "Partly kept",
    Result.MISSED: "Missed",
    "open": "Not marked yet",
}

THANKS = {
    Result.KEPT: "Marked as kept.",
    Result.PARTLY: "Marked as partly kept. Thank you for being honest about it.",
    Result.MISSED: "Marked as missed. Thank you for being honest about it.",
}

STATUS_DONE = {
    Status.ACTIVE: "It's active again.",
    Status.PAUSED: "Paused. Nothing is asked of you while it rests; resume it when you're ready.",
    Status.RETIRED: "Retired. Its history stays, and you can bring it back at any time.",
}


SUGGESTED_DONE = (
    "Suggested. It starts once your partner says yes too; until then nothing is asked of "
    "either of you."
)

MADE = "Your commitment is made."
SAVED = "Saved."
CADENCE_CHANGED = "The new rhythm applies from today on. Past days keep how they went."
STATUS_REFUSED = "That change couldn't be made."
# After a quick "partly" or "missed" from Today: the questions that follow are optional.
ASK_WHAT_GOT_IN_THE_WAY = (
    " If you'd like, say what got in the way and what you'll change; both are optional."
)
RHYTHMS_SET = "Your rhythms are set."
NO_SUCH_ANSWER = "That answer isn't one Tending offers; nothing changed."
SUGGESTION_TAKEN = "It's on, for both of you, from today."
SUGGESTION_NOT_NOW = "Not now, then. Nothing starts, and either of you can suggest it again."


def marked_words(result: Result, *, asking_more: bool = False) -> str:
    """The line after marking a day; after a quick "partly" or "missed" from Today, with the
    optional questions that follow."""
    return THANKS[result] + (ASK_WHAT_GOT_IN_THE_WAY if asking_more else "")


def noticed_words(commitment: Commitment) -> str:
    return f"Thank you for noticing. {commitment.author.display_name} will see it."


def rhythms_set_words(user: User, partner: User | None) -> str:
    """What a joint rhythm this person suggested waits for, said once the rhythms are set."""
    waits = [c for c in services.rhythm_suggestions(user) if c.suggested_by_id == user.pk]
    if waits and partner is not None:
        return (
            f"Your rhythms are set. What you suggested for the two of you starts "
            f"once {partner.display_name} says yes too."
        )
    return RHYTHMS_SET


# -- a commitment and its occasions, in words ------------------------------------------------


def current_rule(commitment: Commitment) -> Rule | None:
    """The cadence in force from now on (the latest schedule; schedules are prefetched)."""
    schedules = list(commitment.schedules.all())
    return Rule.of(schedules[-1]) if schedules else None


def schedule_words(commitment: Commitment) -> str:
    rule = current_rule(commitment)
    return describe_rule(rule, commitment.starts_on) if rule else ""


@dataclass
class Row:
    """One commitment in a list, with its cadence in words."""

    commitment: Commitment
    schedule: str


@dataclass
class Mark:
    by: str
    note: str | None
    mine: bool


@dataclass
class OccasionRow:
    day: date
    state: str
    state_words: str
    outcome: Outcome | None
    marks: list[Mark] = field(default_factory=list)
    url: str = ""


def _names(user: User) -> dict[object, str]:
    """Who wrote a mark: this person or their partner, without a query per mark."""
    partner = couples.partner_of(user)
    names: dict[object, str] = {user.pk: "You"}
    if partner is not None:
        names[partner.pk] = partner.display_name
    return names


def occasion_rows(
    ring: Keyring, user: User, commitment: Commitment, window: tuple[date, date]
) -> list[OccasionRow]:
    found = services.occasions(user, window, commitments=[commitment], ring=ring)
    opened: list[entries.Entry] = [o.outcome for o in found if o.outcome is not None]
    opened += [n for o in found for n in o.noticed]
    entries.reveal(opened, ring)
    names = _names(user)
    return [
        OccasionRow(
            day=o.day,
            state=o.state,
            state_words=STATE_WORDS.get(o.state, o.state),
            outcome=o.outcome,
            marks=[
                Mark(
                    names.get(n.author_id, "Your partner"),
                    n.plain.get("note"),
                    mine=n.author_id == user.pk,
                )
                for n in o.noticed
            ],
            url=reverse("commitments:occasion", args=[commitment.pk, o.day]),
        )
        for o in found
    ]


def who_may(user: User, commitment: Commitment) -> dict[str, bool]:
    """What the page offers; the services decide again on every POST."""
    return {
        "is_own": rules.is_author(user, commitment),
        "may_change": rules.may_change(user, commitment),
        "may_mark": services.may_mark(user, commitment),
        "may_notice": rules.may_notice(user, commitment),
    }


# -- the list ----------------------------------------------------------------------------------


def rows_suggested(user: User, shown: list[Commitment]) -> list[Commitment]:
    return [c for c in shown if c.joint and c.status == Status.SUGGESTED]


def list_context(ring: Keyring, user: User) -> dict[str, Any]:
    """Mine, my partner's and ours, each with its cadence in words, and the joint rhythms
    suggested and waiting."""
    found = list(services.visible_commitments(user))
    entries.reveal(found, ring)
    rows = [Row(c, schedule_words(c)) for c in found]
    return {
        "mine": [r for r in rows if not r.commitment.joint and r.commitment.author_id == user.pk],
        "theirs": [r for r in rows if not r.commitment.joint and r.commitment.author_id != user.pk],
        "ours": [r for r in rows if r.commitment.joint and r.commitment.status != Status.SUGGESTED],
        "suggestions": [
            Row(c, schedule_words(c)) for c in rows_suggested(user, [r.commitment for r in rows])
        ],
        "partner": couples.partner_of(user),
    }


# -- one commitment --------------------------------------------------------------------------


def detail_context(ring: Keyring, user: User, commitment: Commitment) -> dict[str, Any]:
    """One commitment as this person may see it: its words and cadence, the next day it
    falls on, about five weeks of occasions (newest first) and what the page offers. The
    forms are the view's (see `edit_initial`, `cadence_initial`)."""
    prefetch_related_objects([commitment], "schedules")
    entries.reveal([commitment], ring)
    today = services.local_today(user)
    rule = current_rule(commitment)
    readable = not (commitment.unreadable or commitment.waiting)
    upcoming: list[date] = []
    if commitment.status == Status.ACTIVE:
        upcoming = occurrences.dates_between(
            list(commitment.schedules.all()),
            commitment.starts_on,
            commitment.ends_on,
            (today + timedelta(days=1), today + timedelta(days=400)),
        )[:1]
    history = occasion_rows(ring, user, commitment, (today - timedelta(days=HISTORY_DAYS), today))
    return {
        "commitment": commitment,
        "readable": readable,
        "schedule": describe_rule(rule, commitment.starts_on) if rule else "",
        "history": list(reversed(history)),
        "next_day": upcoming[0] if upcoming else None,
        "today": today,
        "partner": couples.partner_of(user),
        "suggestion_row": Row(commitment, describe_rule(rule, commitment.starts_on) if rule else "")
        if commitment.status == Status.SUGGESTED
        else None,
        **who_may(user, commitment),
    }


def edit_initial(commitment: Commitment) -> dict[str, Any]:
    """The edit form as the commitment reads now (opened by `detail_context`)."""
    return {
        "title": commitment.plain.get("title"),
        "details": commitment.plain.get("details"),
        "ends_on": commitment.ends_on,
        "revision": commitment.revision,
    }


def cadence_initial(commitment: Commitment) -> dict[str, Any]:
    """The cadence form at the cadence in force (schedules prefetched by `detail_context`)."""
    rule = current_rule(commitment)
    initial: dict[str, Any] = ChangeCadenceForm.initial_for(rule) if rule else {}
    return {**initial, "revision": commitment.revision}


# -- one occasion ----------------------------------------------------------------------------


def _my_mark(row: OccasionRow | None) -> Mark | None:
    return next((m for m in (row.marks if row else []) if m.mine), None)


def occasion_context(
    ring: Keyring, user: User, commitment: Commitment, on_date: date
) -> dict[str, Any]:
    """One day of a commitment: how it went, who noticed it, and which forms the page offers
    (a day that never fell on its cadence and was never marked does not exist)."""
    prefetch_related_objects([commitment], "schedules")
    entries.reveal([commitment], ring)
    rows = occasion_rows(ring, user, commitment, (on_date, on_date))
    row = rows[0] if rows else None
    on_cadence = occurrences.falls_on(
        list(commitment.schedules.all()), commitment.starts_on, commitment.ends_on, on_date
    )
    exists = row is not None or on_cadence
    today = services.local_today(user)
    may = who_may(user, commitment)
    open_to_marks = exists and on_date <= today
    return {
        "commitment": commitment,
        "on_date": on_date,
        "row": row,
        "exists": exists,
        "future": on_date > today,
        "today": today,
        "noticed_already": _my_mark(row) is not None,
        "show_outcome_form": may["may_mark"] and open_to_marks,
        "show_noticed_form": may["may_notice"] and open_to_marks,
        **may,
    }


def outcome_initial(row: OccasionRow | None) -> dict[str, Any]:
    """The outcome form as the day was marked, if it was."""
    outcome = row.outcome if row else None
    return {
        "result": outcome.outcome_result if outcome else None,
        "in_the_way": outcome.plain.get("in_the_way") if outcome else None,
        "will_change": outcome.plain.get("will_change") if outcome else None,
    }


def noticed_initial(row: OccasionRow | None) -> dict[str, Any]:
    """The "I noticed" form with this person's own note on the day, if they left one."""
    mine = _my_mark(row)
    return {"note": mine.note if mine else None}


def today_card_context(ring: Keyring, marked: services.Occasion, result: Result) -> dict[str, Any]:
    """The occasion's card on Today, swapped in by htmx, with the line for what was marked."""
    entries.reveal([marked.commitment], ring)
    return {"o": marked, "just_marked": THANKS[result]}


# -- the rhythms -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RhythmsPage:
    initial: dict[str, Any]
    suggestions: list[Row]


def rhythms_page(ring: Keyring, user: User) -> RhythmsPage:
    """The rhythms form starts from the rhythms that are on, or the joint ones this person
    suggested and that wait; every suggestion waiting is listed with its cadence in words."""
    now = services.current_rhythms(user)
    waiting = services.rhythm_suggestions(user)
    entries.reveal(waiting, ring)
    mine_waiting = {c.kind: c for c in waiting if c.suggested_by_id == user.pk}
    conversation_c = now.conversation or mine_waiting.get(Kind.CONVERSATION)
    review_c = now.review or mine_waiting.get(Kind.REVIEW)
    conversation = current_rule(conversation_c) if conversation_c else None
    review = current_rule(review_c) if review_c else None
    initial = {
        "checkin": now.checkin is not None,
        "conversation_weekday": conversation.weekdays[0]
        if conversation and conversation.weekdays
        else "",
        "review_day": review.month_day if review and review.month_day else "",
    }
    return RhythmsPage(initial, [Row(c, schedule_words(c)) for c in waiting])
