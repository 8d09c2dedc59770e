"""The monthly review pages through real URLs: answering privately, saving for now,
finishing, the results side by side with differences flagged first, the month's review
rhythm marked kept, and bad input refused with what was typed kept."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from agreements import services
from agreements.models import REVIEW_NOTE_MAX, Agreement, Kind, ReviewTurn
from agreements.services import Terms
from commitments import services as commitments
from commitments.models import Kind as RhythmKind
from commitments.models import Outcome, Result
from commitments.occurrences import Rule
from commitments.tests.helpers import how_it_went
from conftest import Cast, ring
from tests.support import markup as text

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
REVIEW = reverse("agreements:review")
FINISH = reverse("agreements:review_finish")
NASTY = "<script>alert('x')</script> & <b>bold</b>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
COUNT_LIKE = re.compile(r"\b\d+\s+(concerns?|answers?|times?|agreements?|reviews?)\b", re.I)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def in_effect(proposer: User, accepter: User, title: str) -> Agreement:
    agreement = services.propose(
        ring(proposer), Kind.OTHER, Terms(title=title, text=f"What we agree: {title}")
    )
    assert agreement.pending is not None
    services.accept(accepter, agreement, agreement.pending)
    agreement.refresh_from_db()
    return agreement


def answers(**by_agreement: tuple[Agreement, str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for agreement, choice, note in by_agreement.values():
        if choice:
            data[f"choice-{agreement.pk}"] = choice
        data[f"note-{agreement.pk}"] = note
    return data


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def two(cast: Cast) -> tuple[Agreement, Agreement]:
    phone = in_effect(cast.alice.user, cast.bob.user, "Phone stays in the kitchen")
    walk = in_effect(cast.bob.user, cast.alice.user, "A walk on Sundays")
    return phone, walk


# -- the happy path ---------------------------------------------------------------------------


def test_both_finish_and_see_answers_side_by_side_with_the_difference_first(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    phone, walk = two
    alice, bob = cast.alice.client, cast.bob.client

    page = text(alice.get(REVIEW))
    assert "Phone stays in the kitchen" in page and "A walk on Sundays" in page
    assert "Your answers stay private until you have both finished" in page
    assert 'formaction="/agreements/review/finish/"' in page
    assert page.count('type="radio"') == 6

    done = alice.post(
        FINISH,
        answers(a=(phone, "keep", "alice-note-phone"), b=(walk, "keep", "alice-note-walk")),
    )
    assert done.status_code == 302 and done["Location"] == REVIEW
    assert "Bob can finish theirs" in " ".join(flashed(done))
    waiting = text(alice.get(REVIEW))
    assert "You've finished. Your answers show side by side once Bob has finished too." in waiting
    assert "alice-note-phone" in waiting  # her own answers, read-only

    bob_page = text(bob.get(REVIEW))
    assert "alice-note-phone" not in bob_page and "alice-note-walk" not in bob_page

    done = bob.post(
        FINISH,
        answers(a=(phone, "revise", "bob-note-phone"), b=(walk, "keep", "")),
    )
    assert done.status_code == 302
    assert "You've both finished" in " ".join(flashed(done))

    for client, partner in ((alice, "Bob"), (bob, "Alice")):
        results = text(client.get(REVIEW))
        assert "Done for this month" in results
        assert results.count("To talk about: you chose differently") == 1
        # The agreement they differ on comes first, with both answers beside each other.
        assert results.index("Phone stays in the kitchen") < results.index("A walk on Sundays")
        assert results.index("To talk about") < results.index("A walk on Sundays")
        assert "alice-note-phone" in results and "bob-note-phone" in results
        assert f"<dt>{partner}</dt>" in results and "<dt>You</dt>" in results
        assert "Revise it" in results and "Keep it" in results
        assert "You both chose to keep it as it is." in results
        assert reverse("agreements:detail", args=[phone.pk]) in results
        assert reverse("agreements:detail", args=[walk.pk]) in results
        assert not COUNT_LIKE.search(results)
        assert 'name="choice-' not in results  # the form is gone once finished


def test_nothing_of_the_partners_answers_shows_before_both_have_finished(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    phone, walk = two
    alice, bob = cast.alice.client, cast.bob.client
    secret = "bob-private-thought"

    saved = bob.post(REVIEW, answers(a=(phone, "retire", secret), b=(walk, "keep", "")))
    assert saved.status_code == 302
    assert secret not in " ".join(flashed(saved))
    assert secret in text(bob.get(REVIEW))  # his own answer, prefilled
    assert secret not in text(alice.get(REVIEW))

    alice.post(FINISH, answers(a=(phone, "keep", ""), b=(walk, "keep", "")))
    page = text(alice.get(REVIEW))
    assert secret not in page and "Retire it" not in page

    bob.post(FINISH, answers(a=(phone, "retire", secret), b=(walk, "keep", "")))
    page = text(alice.get(REVIEW))
    assert secret in page and "Retire it" in page


def test_save_for_now_keeps_answers_and_prefills_them(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    phone, walk = two
    alice = cast.alice.client
    saved = alice.post(REVIEW, answers(a=(phone, "revise", "needs new words"), b=(walk, "", "")))
    assert saved.status_code == 302 and saved["Location"] == REVIEW
    assert "Saved for now" in " ".join(flashed(saved))
    page = text(alice.get(REVIEW))
    radio = re.search(rf'<input[^>]*name="choice-{phone.pk}"[^>]*value="revise"[^>]*>', page)
    assert radio is not None and "checked" in radio.group(0)
    assert "needs new words</textarea>" in page
    mine = services.my_answers(ring(cast.alice.user), services.find_review(cast.alice.user))
    assert set(mine) == {phone.pk}

    nothing = alice.post(REVIEW, answers(a=(phone, "", ""), b=(walk, "", "")))
    assert nothing.status_code == 302
    assert "Nothing was chosen yet" in " ".join(flashed(nothing))


def test_finishing_marks_the_months_review_rhythm_kept(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    phone, walk = two
    rhythm = commitments.create_commitment(
        ring(cast.alice.user),
        title="Monthly review",
        rule=Rule("monthly", month_day=1),
        starts_on=date(2026, 3, 1),
        kind=RhythmKind.REVIEW,
        joint=True,
    )
    cast.alice.client.post(FINISH, answers(a=(phone, "keep", ""), b=(walk, "keep", "")))
    assert not Outcome.objects.filter(commitment=rhythm).exists()
    cast.bob.client.post(FINISH, answers(a=(phone, "keep", ""), b=(walk, "retire", "")))
    outcome = Outcome.objects.get(commitment=rhythm)
    assert outcome.on_date == date(2026, 3, 1) and how_it_went(outcome) == Result.KEPT
    page = text(cast.alice.client.get(REVIEW))
    assert "Done for this month" in page and "marked as kept on your calendar" in page


def test_a_second_finish_changes_nothing(cast: Cast, two: tuple[Agreement, Agreement]) -> None:
    phone, walk = two
    data = answers(a=(phone, "keep", "first"), b=(walk, "keep", ""))
    assert cast.alice.client.post(FINISH, data).status_code == 302
    again = cast.alice.client.post(FINISH, {**data, f"note-{phone.pk}": "second"})
    assert again.status_code == 302
    assert "already finished" in " ".join(flashed(again))
    assert ReviewTurn.objects.filter(user=cast.alice.user).count() == 1
    mine = services.my_answers(ring(cast.alice.user), services.find_review(cast.alice.user))
    assert mine[phone.pk].plain["note"] == "first"
    # Saving after finishing is refused plainly too.
    late = cast.alice.client.post(REVIEW, data)
    assert late.status_code == 400 and "your answers are set" in text(late)


# -- bad input: a clear message, what was typed kept, nothing saved ------------------------


def _nothing_saved(user: User) -> None:
    review = services.find_review(user)
    assert services.my_answers(ring(user), review) == {}
    assert not services.has_finished(user, review)


@pytest.mark.parametrize("url", [REVIEW, FINISH])
def test_a_choice_tending_doesnt_offer_is_refused(
    cast: Cast, two: tuple[Agreement, Agreement], url: str
) -> None:
    phone, walk = two
    response = cast.alice.client.post(
        url, answers(a=(phone, "burn it", "typed-words-kept"), b=(walk, "keep", ""))
    )
    assert response.status_code == 400
    page = text(response)
    assert "Keep it, revise it or retire it are the choices here" in page
    assert "typed-words-kept</textarea>" in page
    _nothing_saved(cast.alice.user)


@pytest.mark.parametrize("url", [REVIEW, FINISH])
def test_an_over_long_note_is_refused(
    cast: Cast, two: tuple[Agreement, Agreement], url: str
) -> None:
    phone, walk = two
    long_note = "x" * (REVIEW_NOTE_MAX + 1)
    response = cast.alice.client.post(
        url, answers(a=(phone, "keep", long_note), b=(walk, "keep", "walk-note-kept"))
    )
    assert response.status_code == 400
    page = text(response)
    assert f"A note can be up to {REVIEW_NOTE_MAX} characters" in page
    assert long_note in page and "walk-note-kept</textarea>" in page
    _nothing_saved(cast.alice.user)


def test_a_note_without_a_choice_is_refused(cast: Cast, two: tuple[Agreement, Agreement]) -> None:
    phone, walk = two
    response = cast.alice.client.post(
        REVIEW, answers(a=(phone, "", "a note alone"), b=(walk, "keep", ""))
    )
    assert response.status_code == 400
    assert "To keep a note, please also choose keep, revise or retire." in text(response)
    assert "a note alone</textarea>" in text(response)
    _nothing_saved(cast.alice.user)


def test_agreements_that_changed_since_the_page_opened_are_refused(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    phone, walk = two
    data = answers(a=(phone, "keep", "kept-typing"), b=(walk, "keep", ""))
    data[f"choice-{uuid.uuid4()}"] = "retire"  # an agreement no longer in effect
    response = cast.alice.client.post(REVIEW, data)
    assert response.status_code == 400
    assert "changed since the page was opened" in text(response)
    assert "kept-typing</textarea>" in text(response)
    _nothing_saved(cast.alice.user)


def test_finishing_needs_every_agreement_and_then_saves_nothing(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    phone, walk = two
    response = cast.alice.client.post(
        FINISH, answers(a=(phone, "keep", "half-done"), b=(walk, "", ""))
    )
    assert response.status_code == 400
    assert "for every agreement first" in text(response)
    assert "half-done</textarea>" in text(response)
    _nothing_saved(cast.alice.user)


# -- what the page says ------------------------------------------------------------------------


def test_with_no_agreements_in_effect_the_page_is_calm(cast: Cast) -> None:
    page = text(cast.alice.client.get(REVIEW))
    assert "Nothing to review yet" in page
    assert reverse("agreements:new") in page
    assert 'name="choice-' not in page
    finish = cast.alice.client.post(FINISH, {})
    assert finish.status_code == 302
    assert services.find_review(cast.alice.user) is None


def test_stepped_back_agreements_come_first_and_say_so(
    cast: Cast, two: tuple[Agreement, Agreement]
) -> None:
    _, walk = two
    services.step_back(cast.bob.user, walk)
    page = text(cast.alice.client.get(REVIEW))
    assert page.index("A walk on Sundays") < page.index("Phone stays in the kitchen")
    # Issue 13: the review said "someone" where the agreement page names the person.
    assert page.count("Bob stepped back from this; it needs a conversation.") == 1
    assert "Someone stepped back" not in page
    assert not COUNT_LIKE.search(page)
    bobs = text(cast.bob.client.get(REVIEW))
    assert bobs.count("You stepped back from this; it needs a conversation.") == 1


def test_what_people_wrote_is_escaped(cast: Cast) -> None:
    nasty = in_effect(cast.alice.user, cast.bob.user, NASTY)
    data = answers(a=(nasty, "keep", NASTY))
    form_page = text(cast.alice.client.get(REVIEW))
    assert ESCAPED in form_page and NASTY not in form_page
    cast.alice.client.post(FINISH, data)
    cast.bob.client.post(FINISH, answers(a=(nasty, "revise", NASTY)))
    page = text(cast.bob.client.get(REVIEW))
    assert ESCAPED in page and NASTY not in page
    refused = cast.carol.client.post(REVIEW, data)  # not her couple's agreement
    assert NASTY not in text(refused)


def test_another_couple_sees_none_of_it(cast: Cast, two: tuple[Agreement, Agreement]) -> None:
    phone, walk = two
    cast.alice.client.post(FINISH, answers(a=(phone, "keep", "only-ours"), b=(walk, "keep", "")))
    cast.bob.client.post(FINISH, answers(a=(phone, "keep", "ours-too"), b=(walk, "keep", "")))
    for persona in (cast.carol, cast.erin):
        page = text(persona.client.get(REVIEW))
        assert "only-ours" not in page and "Phone stays in the kitchen" not in page
        assert "Nothing to review yet" in page
