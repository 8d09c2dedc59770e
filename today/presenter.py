"""What Today shows, gathered from each feature's services; Today owns no data itself.

The order is the order of the page: what today asks of me (check in, today's commitments,
note a bid, and in the first week one gentle suggestion), then what my partner shared or did
that concerns me, then what waits for me.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse
from django.utils import timezone

from accounts import probes
from accounts.models import User
from activity import services as activity
from agreements import services as agreements
from appreciations import services as appreciations
from bids import services as bids
from checkins import services as checkins
from closeness import services as closeness
from commitments import services as commitments
from conversations import services as conversations
from couples import services as couples
from couples.forms import RoleForm
from couples.models import Membership
from milestones import services as milestones
from notes import services as notes
from privacy.keyring import Keyring
from projects import services as projects
from questions import services as questions

FIRST_WEEK = timedelta(days=7)
# Where skipped suggestions are kept: on this device's session, so nothing is written about
# what someone chose not to do.
GUIDE_SKIPPED = "today_guide_skipped"
GUIDE_OFF = "today_guide_off"


@dataclass(frozen=True)
class Suggestion:
    key: str
    title: str
    text: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# One a day after pairing, in this order; days without one are quiet.
GUIDE: tuple[Suggestion, ...] = (
    Suggestion(
        "checkin",
        "A first check-in",
        "Three small scales and, if you like, a few words. It stays yours unless you share it.",
        "checkins:today",
    ),
    Suggestion(
        "commitment",
        "One small promise",
        "Pick something small enough that keeping it will feel almost ordinary.",
        "commitments:new",
    ),
    Suggestion(
        "bid",
        "Notice a reach",
        "Watch for one small moment today when one of you reached for the other, and note it.",
        "bids:new",
    ),
    Suggestion(
        "agreement",
        "A first agreement",
        "Write down one thing you already both want to hold to. It counts once you both accept.",
        "agreements:new",
    ),
    Suggestion(
        "conversation",
        "Your weekly conversation",
        "Find half an hour this week to talk, one speaking and one listening, then swap.",
        "conversations:index",
    ),
)


def paired_since(membership: Membership, partner: Membership) -> Any:
    return max(membership.joined_at, partner.joined_at)


def suggestion_for(
    day_number: int, session: SessionBase, done: frozenset[str] = frozenset()
) -> Suggestion | None:
    """The day's suggestion, unless skipped on this device or already `done` today."""
    if session.get(GUIDE_OFF) or not 0 <= day_number < len(GUIDE):
        return None
    suggestion = GUIDE[day_number]
    if suggestion.key in done or suggestion.key in session.get(GUIDE_SKIPPED, []):
        return None
    return suggestion


def skip_suggestion(session: SessionBase, key: str, *, all_of_them: bool) -> None:
    if all_of_them:
        session[GUIDE_OFF] = True
    elif key in {s.key for s in GUIDE}:
        session[GUIDE_SKIPPED] = [*session.get(GUIDE_SKIPPED, []), key]


def _day_number(user: User, since: Any, today: date) -> int:
    return (today - timezone.localtime(since, zoneinfo.ZoneInfo(user.time_zone)).date()).days


def today_context(user: User, ring: Keyring, session: SessionBase) -> dict[str, Any]:
    membership, partner = couples.pair_of(user)
    invite = couples.live_invite(membership, user) if membership and not partner else None
    day = commitments.local_today(user)
    # Today's occasions this person marks (their own, and the ones the two of them share),
    # and the rhythms their partner suggested, from one read of the commitments.
    due, rhythms_suggested = commitments.for_today(ring, day)
    paired = partner is not None and membership is not None and not membership.couple.ended_at
    # Each practice's small question ("anything waiting?"), all answered by one query; a
    # practice with nothing to show then asks nothing more.
    answers = probes.ask(_probes(user, day, paired=paired))
    context: dict[str, Any] = {
        "membership": membership,
        "partner": partner,
        "live_invite": invite,
        "role_form": RoleForm(),
        "note_form": notes.note_form(),
        "notes": notes.recent_notes(ring, answers=answers),
        "today_occasions": due,
        "checked_in_today": checkins.checked_in_on(user, day, answers),
        "first_week": False,
        "suggestion": None,
        "feed": activity.Feed([], []),
    }
    context |= _closeness_practices(ring, membership, partner, answers)
    if not paired or membership is None or partner is None:
        return context
    since = paired_since(membership, partner)
    waiting = agreements.waiting_today(user, answers)
    agreements.reveal_agreements(ring, waiting)
    consent_due, aftercare_due = closeness.today_cards(user, answers)
    noted, nudge = bids.today_card(user, answers)
    conversation_going, items_waiting = conversations.today_lines(user, answers)
    feed = activity.for_today(user, couple_id=membership.couple_id)
    if feed.new:
        # Shown once: next time these lines are under "earlier".
        activity.mark_seen_up_to(user, max(line.at for line in feed.new))
    return context | {
        "first_week": timezone.now() - since < FIRST_WEEK,
        # A first check-in isn't suggested to someone who checked in today already.
        "suggestion": suggestion_for(
            _day_number(user, since, day),
            session,
            frozenset({"checkin"} if context["checked_in_today"] else ()),
        ),
        "feed": feed,
        "bid_noted_today": noted,
        "bid_nudge": nudge and not context["quiet_day"],
        "bid_whos": bids.who_choices(partner.user.display_name),
        # What waits for this person in the practices the two of them share.
        "agreements_waiting": waiting,
        "conversation_going": conversation_going,
        "items_to_confirm": items_waiting,
        "consent_due": consent_due,
        "aftercare_due": aftercare_due,
        "rhythms_suggested": rhythms_suggested,
    }


def _probes(user: User, day: date, *, paired: bool) -> probes.Probes:
    """The practices' questions for this visit (`accounts.probes`): those of the shared
    practices only while there is a partner to share them with."""
    asked = {
        **notes.today_probes(user),
        **checkins.today_probes(user, day),
        **milestones.today_probes(user),
    }
    if paired:
        asked |= {
            **appreciations.today_probes(user),
            **projects.today_probes(user),
            **agreements.today_probes(user),
            **closeness.today_probes(user),
            **bids.today_probes(user),
            **conversations.today_probes(user),
        }
    return asked


def _closeness_practices(
    ring: Keyring,
    membership: Membership | None,
    partner: Membership | None,
    answers: probes.Answers,
) -> dict[str, Any]:
    """Today cards of the rituals, appreciation and milestones apps, each from its own small
    service function. On one of this person's quiet dates nothing is celebrated or nudged."""
    couple_id = membership.couple_id if membership else None
    quiet, card = milestones.today_for(ring, couple_id, answers)
    cards: dict[str, Any] = {"quiet_day": quiet, "milestones": card}
    if membership is None or partner is None or membership.couple.ended_at:
        return cards
    return cards | {
        "appreciations_waiting": appreciations.waiting_for(ring, answers=answers),
        "our_question": questions.today_card(ring, membership, partner),
        "project_due": projects.due_soon(ring, answers),
    }
