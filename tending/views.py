"""The home page composes what each feature offers for today; it owns no data itself."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
from notes.forms import NoteForm
from privacy import entries
from privacy.keyring import Keyring, keyring_for
from questions import services as questions
from tending.http import signed_in_user


def today(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    membership = couples.current_membership(user)
    partner = couples.partner_membership(membership) if membership else None
    invite = couples.live_invite(membership, user) if membership and not partner else None
    ring = keyring_for(request)
    day = commitments.local_today(user)
    # Today's occasions this person marks: their own, and the ones the two of them share.
    due = [
        o
        for o in commitments.occasions(user, (day, day))
        if commitments.may_mark(user, o.commitment)
    ]
    entries.reveal([o.commitment for o in due], ring)
    paired = partner is not None and membership is not None and not membership.couple.ended_at
    waiting = list(agreements.waiting_for_answer(user)) if paired else []
    agreements.reveal_agreements(ring, waiting)
    consent_due, aftercare_due = closeness.today_cards(user) if paired else ([], [])
    return render(
        request,
        "tending/today.html",
        {
            "membership": membership,
            "partner": partner,
            "live_invite": invite,
            "role_form": RoleForm(),
            "note_form": NoteForm(),
            "notes": notes.recent_notes(ring),
            "today_occasions": due,
            "checked_in_today": checkins.checked_in_on(user, day),
            "bid_noted_today": bids.noted_today(user),
            "bid_nudge": bids.wants_nudge(user),
            "bid_whos": bids.who_choices(partner.user.display_name if partner else None),
            # What waits for this person in the practices the two of them share.
            "agreements_waiting": waiting,
            "conversation_going": conversations.open_conversation(user) if paired else None,
            "items_to_confirm": conversations.items_to_confirm(user).exists(),
            "consent_due": consent_due,
            "aftercare_due": aftercare_due,
            # Issue 15 (rituals, appreciation, milestones): its own Today cards.
            **_closeness_practices(ring, membership, partner),
        },
    )


def _closeness_practices(
    ring: Keyring, membership: Membership | None, partner: Membership | None
) -> dict[str, object]:
    """Today cards of issue 15's apps, each from its own small service function. On one of
    this person's quiet dates nothing is celebrated and nothing nudges."""
    quiet = milestones.is_quiet(ring, commitments.local_today(ring.user))
    cards: dict[str, object] = {
        "milestones": milestones.today_card(
            ring, membership.couple_id if membership else None, quiet=quiet
        )
    }
    if quiet:
        cards["bid_nudge"] = False
    if membership is None or partner is None or membership.couple.ended_at:
        return cards
    return {
        **cards,
        "appreciations_waiting": appreciations.waiting_for(ring),
        "our_question": questions.today_card(ring, membership, partner),
    }
