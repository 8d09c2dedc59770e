"""The concern pages through real URLs: a private draft, sending it, the partner's answer
(private while a draft, even from the concern's author), settling, and bad input refused
with what was typed kept. Nothing is ever counted."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from agreements import services
from agreements.models import CONCERN_MAX, Agreement, Concern, Kind
from agreements.services import Terms
from conftest import Cast, ring
from tests.support import markup as text

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
NASTY = "<script>alert('x')</script> & <b>bold</b>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
COUNT_LIKE = re.compile(r"\b\d+\s+(concerns?|answers?|times?|drafts?)\b", re.I)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def flashed(response: Any) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def in_effect(
    proposer: User, accepter: User, title: str = "Phone stays in the kitchen"
) -> Agreement:
    agreement = services.propose(ring(proposer), Kind.OTHER, Terms(title=title, text="After 10pm"))
    assert agreement.pending is not None
    services.accept(accepter, agreement, agreement.pending)
    agreement.refresh_from_db()
    return agreement


def concern_words(send: str = "draft", **more: str) -> dict[str, str]:
    return {
        "what_happened": "the-phone-came-to-bed",
        "how_it_felt": "felt-uneasy",
        "what_i_need": "need-to-talk",
        "send": send,
        **more,
    }


def answer_words(send: str = "draft", **more: str) -> dict[str, str]:
    return {
        "what_i_did": "i-kept-it-with-me",
        "how_it_affected": "you-felt-shut-out",
        "what_i_will_do": "charge-it-downstairs",
        "send": send,
        **more,
    }


def url(name: str, pk: Any) -> str:
    return reverse(f"agreements:{name}", args=[pk])


@pytest.fixture
def agreement(cast: Cast) -> Agreement:
    return in_effect(cast.alice.user, cast.bob.user)


def raise_concern(cast: Cast, agreement: Agreement, send: str = "draft") -> Concern:
    response = cast.alice.client.post(url("concern_new", agreement.pk), concern_words(send))
    assert response.status_code == 302
    concern = services.visible_concerns(cast.alice.user).get()
    assert response["Location"] == url("concern", concern.pk)
    return concern


def without_csrf(page: str) -> str:
    return CSRF.sub("", page)


# -- writing and sending --------------------------------------------------------------------------


def test_the_new_concern_page_offers_gentle_prompts(cast: Cast, agreement: Agreement) -> None:
    page = text(cast.alice.client.get(url("concern_new", agreement.pk)))
    assert "Phone stays in the kitchen" in page
    for label in ("What happened", "How it felt", "What I need now"):
        assert f">{label}</label>" in page
    assert 'value="draft"' in page and "Keep as a private draft" in page
    assert 'value="send"' in page and "Send to Bob" in page
    assert "A draft is only yours" in page
    assert not COUNT_LIKE.search(page)
    assert cast.carol.client.get(url("concern_new", agreement.pk)).status_code == 404
    assert (
        cast.erin.client.post(url("concern_new", agreement.pk), concern_words()).status_code == 404
    )
    assert not Concern.objects.exists()


def test_a_draft_is_private_to_its_author(cast: Cast, agreement: Agreement) -> None:
    response = cast.alice.client.post(url("concern_new", agreement.pk), concern_words())
    assert "private draft" in flashed(response)
    assert "the-phone-came-to-bed" not in flashed(response)
    concern = services.visible_concerns(cast.alice.user).get()
    assert concern.sent_at is None

    page = text(cast.alice.client.get(url("concern", concern.pk)))
    assert "A private draft. Only you can see it." in page
    assert "the-phone-came-to-bed</textarea>" in page  # editable

    for persona in (cast.bob, cast.carol, cast.erin):
        client = persona.client
        assert client.get(url("concern", concern.pk)).status_code == 404
        assert client.post(url("concern", concern.pk), concern_words("send")).status_code == 404
        assert client.post(url("concern_answer", concern.pk), answer_words()).status_code == 404
        assert client.post(url("concern_settle", concern.pk), {"talked": "yes"}).status_code == 404
    concern.refresh_from_db()
    assert concern.sent_at is None and concern.settled_at is None
    assert services.concern_answer(cast.alice.user, concern) is None


def test_editing_a_draft_and_then_sending_it(cast: Cast, agreement: Agreement) -> None:
    concern = raise_concern(cast, agreement)
    edited = cast.alice.client.post(
        url("concern", concern.pk), concern_words(what_happened="edited-words")
    )
    assert edited.status_code == 302 and "private draft" in flashed(edited)
    assert "edited-words</textarea>" in text(cast.alice.client.get(url("concern", concern.pk)))

    sent = cast.alice.client.post(url("concern", concern.pk), concern_words("send"))
    assert sent.status_code == 302 and "Sent to Bob" in flashed(sent)
    assert "the-phone-came-to-bed" not in flashed(sent)
    concern.refresh_from_db()
    assert concern.sent_at is not None and concern.is_shared

    bobs = text(cast.bob.client.get(url("concern", concern.pk)))
    assert "Alice sent this to you on" in bobs
    assert "the-phone-came-to-bed" in bobs and "felt-uneasy" in bobs and "need-to-talk" in bobs
    for label in ("What I did", "How I see it affected you", "What I will do"):
        assert f">{label}</label>" in bobs
    alices = text(cast.alice.client.get(url("concern", concern.pk)))
    assert "Waiting for Bob's answer" in alices
    assert "</textarea>" not in alices  # a sent concern isn't edited any more
    assert not COUNT_LIKE.search(bobs) and not COUNT_LIKE.search(alices)


def test_a_sent_concern_stays_as_it_was_sent(cast: Cast, agreement: Agreement) -> None:
    concern = raise_concern(cast, agreement, send="send")
    again = cast.alice.client.post(
        url("concern", concern.pk), concern_words("send", what_happened="rewritten")
    )
    assert again.status_code == 302 and "nothing changed" in flashed(again)
    page = text(cast.bob.client.get(url("concern", concern.pk)))
    assert "the-phone-came-to-bed" in page and "rewritten" not in page
    # The partner can read it but not change it.
    assert cast.bob.client.post(url("concern", concern.pk), concern_words()).status_code == 404


# -- answering --------------------------------------------------------------------------------


def test_a_draft_answer_is_invisible_to_the_concerns_author(
    cast: Cast, agreement: Agreement
) -> None:
    concern = raise_concern(cast, agreement, send="send")
    cast.alice.client.get(url("concern", concern.pk))  # the "sent" message, shown once
    before = without_csrf(text(cast.alice.client.get(url("concern", concern.pk))))

    drafted = cast.bob.client.post(url("concern_answer", concern.pk), answer_words())
    assert drafted.status_code == 302 and "private draft" in flashed(drafted)
    bobs = text(cast.bob.client.get(url("concern", concern.pk)))
    assert "i-kept-it-with-me</textarea>" in bobs
    assert "Your draft answer is only yours until you send it." in bobs

    after = without_csrf(text(cast.alice.client.get(url("concern", concern.pk))))
    assert after == before  # not a word, and not even that a draft exists
    assert "i-kept-it-with-me" not in after and "draft" not in after.lower()
    # The author can't answer her own concern.
    own = cast.alice.client.post(url("concern_answer", concern.pk), answer_words("send"))
    assert own.status_code == 400 and "your partner answers it" in text(own)
    assert "i-kept-it-with-me" not in text(own)


def test_a_sent_answer_shows_to_both(cast: Cast, agreement: Agreement) -> None:
    concern = raise_concern(cast, agreement, send="send")
    cast.bob.client.post(url("concern_answer", concern.pk), answer_words())
    sent = cast.bob.client.post(url("concern_answer", concern.pk), answer_words("send"))
    assert sent.status_code == 302 and "sent to Alice" in flashed(sent)
    assert "charge-it-downstairs" not in flashed(sent)
    for persona in (cast.alice, cast.bob):
        page = text(persona.client.get(url("concern", concern.pk)))
        assert "i-kept-it-with-me" in page and "you-felt-shut-out" in page
        assert "charge-it-downstairs" in page and "</textarea>" not in page
    again = cast.bob.client.post(
        url("concern_answer", concern.pk), answer_words("send", what_i_did="rewritten")
    )
    assert again.status_code == 302 and "nothing changed" in flashed(again)
    assert "rewritten" not in text(cast.alice.client.get(url("concern", concern.pk)))


def test_an_answer_needs_what_i_will_do_and_keeps_what_was_typed(
    cast: Cast, agreement: Agreement
) -> None:
    concern = raise_concern(cast, agreement, send="send")
    response = cast.bob.client.post(
        url("concern_answer", concern.pk), answer_words("send", what_i_will_do="")
    )
    assert response.status_code == 400
    assert "What I will do" in text(response) and "i-kept-it-with-me</textarea>" in text(response)
    assert services.concern_answer(cast.bob.user, concern) is None


# -- settling ---------------------------------------------------------------------------------


def test_talked_through_settles_when_both_agree(cast: Cast, agreement: Agreement) -> None:
    """Issue 13, rule 6: one partner alone marked a concern "talked through"."""
    concern = raise_concern(cast, agreement, send="send")
    assert "We've talked this through" in text(cast.bob.client.get(url("concern", concern.pk)))
    no_button = cast.bob.client.post(url("concern_settle", concern.pk), {})
    assert no_button.status_code == 400
    concern.refresh_from_db()
    assert concern.settled_at is None

    suggested = cast.bob.client.post(url("concern_settle", concern.pk), {"talked": "yes"})
    assert suggested.status_code == 302 and "once Alice agrees too" in flashed(suggested)
    concern.refresh_from_db()
    assert concern.settled_at is None
    bobs = text(cast.bob.client.get(url("concern", concern.pk)))
    assert "It stays open until Alice agrees too." in bobs and "Take back my suggestion" in bobs
    alices = text(cast.alice.client.get(url("concern", concern.pk)))
    assert "Bob feels this has been talked through. Do you?" in alices
    assert "Yes, it&#x27;s talked through" in alices or "Yes, it's talked through" in alices
    # Not yet: it stays open, as it was.
    not_yet = cast.alice.client.post(url("concern_settle", concern.pk), {"talked": "not_yet"})
    assert not_yet.status_code == 302 and "stays open" in flashed(not_yet)
    concern.refresh_from_db()
    assert concern.settled_at is None and concern.settle_suggested_by_id is None

    cast.bob.client.post(url("concern_settle", concern.pk), {"talked": "yes"})
    settled = cast.alice.client.post(url("concern_settle", concern.pk), {"talked": "yes"})
    assert settled.status_code == 302 and "by you both" in flashed(settled)
    concern.refresh_from_db()
    first = concern.settled_at
    assert first is not None
    for persona in (cast.alice, cast.bob):
        page = text(persona.client.get(url("concern", concern.pk)))
        assert "Talked through on" in page and "11 March 2026" in page
        assert "We've talked this through" not in page
    again = cast.alice.client.post(url("concern_settle", concern.pk), {"talked": "yes"})
    assert again.status_code == 302 and "already" in flashed(again)
    concern.refresh_from_db()
    assert concern.settled_at == first


def test_a_draft_cant_be_settled(cast: Cast, agreement: Agreement) -> None:
    concern = raise_concern(cast, agreement)
    response = cast.alice.client.post(url("concern_settle", concern.pk), {"talked": "yes"})
    assert response.status_code == 400 and "hasn&#x27;t been sent" in text(response)
    concern.refresh_from_db()
    assert concern.settled_at is None


# -- bad input --------------------------------------------------------------------------------


def test_an_empty_concern_is_refused(cast: Cast, agreement: Agreement) -> None:
    empty = {"what_happened": "  ", "how_it_felt": "", "what_i_need": "", "send": "send"}
    response = cast.alice.client.post(url("concern_new", agreement.pk), empty)
    assert response.status_code == 400
    assert "Please write something first; nothing was saved." in text(response)
    assert not Concern.objects.exists()


def test_an_over_long_concern_is_refused_with_everything_kept(
    cast: Cast, agreement: Agreement
) -> None:
    long_words = "y" * (CONCERN_MAX + 1)
    response = cast.alice.client.post(
        url("concern_new", agreement.pk), concern_words("send", how_it_felt=long_words)
    )
    assert response.status_code == 400
    page = text(response)
    assert f"Each answer can be up to {CONCERN_MAX:,} characters" in page
    assert long_words in page and "the-phone-came-to-bed</textarea>" in page
    assert not Concern.objects.exists()


def test_a_button_tending_doesnt_offer_is_refused(cast: Cast, agreement: Agreement) -> None:
    response = cast.alice.client.post(url("concern_new", agreement.pk), concern_words("shout"))
    assert response.status_code == 400
    assert "isn&#x27;t one of the buttons" in text(response)
    assert not Concern.objects.exists()


def test_only_an_agreement_in_effect_takes_a_concern(cast: Cast) -> None:
    proposal = services.propose(
        ring(cast.alice.user), Kind.OTHER, Terms(title="Not yet agreed", text="Soon")
    )
    page = text(cast.bob.client.get(url("concern_new", proposal.pk)))
    assert "isn't in effect right now" in page and "<textarea" not in page
    refused = cast.bob.client.post(url("concern_new", proposal.pk), concern_words())
    assert refused.status_code == 400 and "agreement in effect" in text(refused)
    assert not Concern.objects.exists()


def test_unknown_concerns_are_not_found(cast: Cast) -> None:
    missing = uuid.uuid4()
    assert cast.alice.client.get(url("concern", missing)).status_code == 404
    assert (
        cast.alice.client.post(url("concern_settle", missing), {"talked": "yes"}).status_code == 404
    )


def test_what_people_wrote_is_escaped(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user, title=NASTY)
    new_page = text(cast.alice.client.get(url("concern_new", agreement.pk)))
    assert ESCAPED in new_page and NASTY not in new_page
    cast.alice.client.post(
        url("concern_new", agreement.pk), concern_words("send", what_happened=NASTY)
    )
    concern = services.visible_concerns(cast.alice.user).get()
    cast.bob.client.post(url("concern_answer", concern.pk), answer_words("send", what_i_did=NASTY))
    for persona in (cast.alice, cast.bob):
        page = text(persona.client.get(url("concern", concern.pk)))
        assert ESCAPED in page and NASTY not in page
    refused = cast.alice.client.post(
        url("concern_new", agreement.pk), {"what_happened": NASTY, "send": "nope"}
    )
    assert refused.status_code == 400 and NASTY not in text(refused)


def test_sending_the_same_new_concern_form_twice_makes_one_concern(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    url = reverse("agreements:concern_new", args=[agreement.pk])
    token = str(uuid.uuid4())
    first = cast.bob.client.post(url, concern_words("send", token=token))
    second = cast.bob.client.post(url, concern_words("send", token=token))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Concern.objects.filter(author=cast.bob.user).count() == 1
    # A fresh form (a new token) is a new concern.
    cast.bob.client.post(url, concern_words("draft", token=str(uuid.uuid4())))
    assert Concern.objects.filter(author=cast.bob.user).count() == 2


def test_a_draft_needs_only_some_words_but_sending_needs_what_happened(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    url = reverse("agreements:concern_new", args=[agreement.pk])
    draft = concern_words("draft", what_happened="")
    assert cast.bob.client.post(url, draft).status_code == 302
    refused = cast.bob.client.post(url, concern_words("send", what_happened=""))
    assert refused.status_code == 400
    assert "before sending" in text(refused)
    assert "felt-uneasy" in text(refused)
    assert Concern.objects.filter(author=cast.bob.user, sent_at__isnull=False).count() == 0


def test_a_private_draft_is_listed_for_its_author_only(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    services.write_concern(
        ring(cast.bob.user),
        agreement,
        what_happened="draft-words",
        how_it_felt="",
        what_i_need="",
        send=False,
    )
    index = reverse("agreements:index")
    assert "Your drafts" in text(cast.bob.client.get(index))
    assert "Your drafts" not in text(cast.alice.client.get(index))


# -- the gentle wording aid -------------------------------------------------------------------


def test_the_wording_aid_listens_to_the_concern_and_answer_boxes(
    cast: Cast, agreement: Agreement
) -> None:
    from conversations import services as conversations

    wording = reverse("conversations:wording")
    page = text(cast.alice.client.get(url("concern_new", agreement.pk)))
    assert page.count(f'hx-post="{wording}"') == 3
    for name in ("what_happened", "how_it_felt", "what_i_need"):
        assert f'hx-params="csrfmiddlewaretoken,{name}"' in page
        assert f'id="cn-hints-{name}"' in page
    assert "Wording suggestions: <strong>on</strong>" in page

    # What one box sends is read, and nothing of it is kept.
    hint = cast.alice.client.post(
        wording,
        {"what_happened": "You never listen. You're so selfish."},
        headers={"HX-Request": "true"},
    )
    assert hint.status_code == 200 and "You could try" in text(hint)
    assert not Concern.objects.exists()
    calm = cast.alice.client.post(
        wording,
        {"what_happened": "The phone came to bed on Tuesday, and I felt uneasy."},
        headers={"HX-Request": "true"},
    )
    assert "You could try" not in text(calm)

    # The partner answering gets it under the answer boxes, and can switch it off.
    concern = raise_concern(cast, agreement, send="send")
    answering = text(cast.bob.client.get(url("concern", concern.pk)))
    for name in ("what_i_did", "how_it_affected", "what_i_will_do"):
        assert f'hx-params="csrfmiddlewaretoken,{name}"' in answering
    answer = cast.bob.client.post(
        wording, {"what_i_did": "It was only one text, calm down."}, headers={"HX-Request": "true"}
    )
    assert "You could try" in text(answer)
    conversations.set_wording_aid(cast.bob.user, False)
    off = text(cast.bob.client.get(url("concern", concern.pk)))
    assert f'hx-post="{wording}"' not in off and "cn-hints-" not in off
    assert "Wording suggestions: <strong>off</strong>" in off
    # Alice, reading what she sent, has no box to write in, so no aid either.
    assert f'hx-post="{wording}"' not in text(cast.alice.client.get(url("concern", concern.pk)))
