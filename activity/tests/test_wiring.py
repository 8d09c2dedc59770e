"""Each thing a partner does that concerns the other leaves one calm line for them, and the
closeness path tells nothing beyond what its own pages show."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from activity import services as activity
from agreements import services as agreements
from agreements.models import Agreement, AgreementVersion, Kind
from bids import services as bids
from checkins import services as checkins
from closeness import services as closeness
from closeness.steps import TIER_KEYS
from conftest import PASSWORD, Cast
from conversations import services as conversations
from privacy import entries
from privacy.keyring import PasswordKeyring


def lines(cast: Cast, who: str = "bob") -> list[str]:
    persona = getattr(cast, who)
    feed = activity.for_today(persona.user)
    activity.mark_seen(persona.user, [line.id for line in feed.new])
    return [line.text for line in feed.new]


def agreement_in_effect(cast: Cast) -> Agreement:
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    terms = agreements.Terms(title="Phones away", text="after ten")
    agreement = agreements.propose(ring, Kind.OTHER, terms, token=uuid.uuid4())
    assert agreement.pending_id is not None
    version = AgreementVersion.objects.get(pk=agreement.pending_id)
    agreements.accept(cast.bob.user, agreement, version)
    return Agreement.objects.get(pk=agreement.pk)


def test_agreements_concerns_and_the_review(cast: Cast) -> None:
    agreement = agreement_in_effect(cast)
    assert lines(cast) == ["Alice suggested an agreement"]
    assert lines(cast, "alice") == ["Bob accepted what you suggested"]

    ring_a, ring_b = (PasswordKeyring(p.user, PASSWORD) for p in (cast.alice, cast.bob))
    draft = agreements.write_concern(
        ring_a, agreement, what_happened="x", how_it_felt="", what_i_need="", send=False
    )
    assert lines(cast) == []  # a draft is hers alone
    concern = agreements.write_concern(
        ring_a, agreement, what_happened="x", how_it_felt="", what_i_need="", send=True
    )
    assert draft.pk == concern.pk or concern.is_shared
    assert lines(cast) == ["Alice raised a concern about an agreement"]
    agreements.answer_concern(
        ring_b, concern, what_i_did="y", how_it_affected="z", what_i_will_do="w", send=True
    )
    assert lines(cast, "alice") == ["Bob answered your concern"]

    agreements.save_review_answers(ring_a, {agreement.pk: ("keep", "")})
    agreements.finish_review(ring_a)
    agreements.finish_review(ring_a)  # again: still one line
    assert lines(cast) == ["Alice finished this month's review"]


def test_shared_check_ins_reflections_and_bids(cast: Cast) -> None:
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    day = checkins.local_today(cast.alice.user)
    checkins.check_in(ring, day, safety=5, closeness=5, heaviness=2, words="", shared=False)
    checkins.reflect(ring, "b-enough", "private", shared=False)
    bid, _ = bids.note_bid(ring, who="me", kind="touch", response="toward", words="")
    assert lines(cast) == []  # nothing shared, nothing told
    checkins.reflect(ring, "b-enough", "shared", shared=True)
    entries.share(bid, ring)
    assert lines(cast) == ["Alice shared a reflection", "Alice shared a moment of reaching"]


def test_closeness_tells_suggestions_only_never_answers_or_pauses(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    for person in (alice, bob):
        closeness.save_answers(PasswordKeyring(person, PASSWORD), {"b-hug": "yes"}, [])
    closeness.save_answers(PasswordKeyring(alice, PASSWORD), {"b-hug": "not_yet"}, [])
    closeness.save_answers(PasswordKeyring(alice, PASSWORD), {"b-hug": "yes"}, [])
    assert lines(cast) == []  # answers and their changes are never told
    ring = PasswordKeyring(alice, PASSWORD)
    closeness.plan_moment(ring, timezone.now() + timedelta(hours=2), ["b-hug"])
    assert lines(cast) == ["Alice suggested a moment of closeness"]
    closeness.pause(alice)
    closeness.resume(alice)
    assert lines(cast) == []  # never "paused by"
    closeness.propose_slow_down(alice, TIER_KEYS[0], 2)
    assert lines(cast) == ["Alice suggested a slower pace for closeness"]


def test_a_conversation_started(cast: Cast) -> None:
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    conversations.start(ring, kind="topic", mode="apart", topic="Sunday plans")
    assert lines(cast) == ["Alice started a conversation"]
    assert lines(cast, "alice") == []
