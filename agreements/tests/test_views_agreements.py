"""The agreement pages through real URLs: the list, proposing, one agreement, revising
(with a stale form), answering, retiring, stepping back, the history, escaping, ownership
and query budgets. Setup goes through the services; every check reads the database."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from agreements import services
from agreements.models import (
    TITLE_MAX,
    Agreement,
    AgreementVersion,
    Area,
    Change,
    Status,
    VersionState,
)
from agreements.services import Terms
from conftest import Cast, ring
from couples import services as couples

pytestmark = pytest.mark.django_db

TRANSPARENCY = Terms(
    title="Evenings, phones face up",
    what="Who I've been in touch with today",
    how_often="Each evening",
    channel="Over dinner, face to face",
)
SCRIPT = "<script>alert('hi')</script><b>bold</b>"


def propose(user: User, terms: Terms = TRANSPARENCY, kind: str = "transparency") -> Agreement:
    return services.propose(ring(user), kind, terms)


def in_effect(
    proposer: User, accepter: User, terms: Terms = TRANSPARENCY, kind: str = "transparency"
) -> Agreement:
    agreement = propose(proposer, terms, kind)
    assert agreement.pending is not None
    services.accept(accepter, agreement, agreement.pending)
    agreement.refresh_from_db()
    return agreement


def revise(user: User, agreement: Agreement, **changes: str) -> AgreementVersion:
    agreement.refresh_from_db()
    base = {"title": TRANSPARENCY.title, "what": TRANSPARENCY.what}
    base |= {"how_often": TRANSPARENCY.how_often, "channel": TRANSPARENCY.channel}
    terms = Terms(**(base | changes))
    return services.revise(ring(user), agreement, terms, expected_revision=agreement.revision)


def words(kind: str = "transparency", **changes: str) -> dict[str, str]:
    data = {
        "kind": kind,
        "token": str(uuid.uuid4()),
        "title": TRANSPARENCY.title,
        "what": TRANSPARENCY.what,
        "how_often": TRANSPARENCY.how_often,
        "channel": TRANSPARENCY.channel,
        "notes": "",
    }
    return data | changes


def url(name: str, agreement: Agreement | None = None) -> str:
    return reverse(f"agreements:{name}", args=[agreement.pk] if agreement else [])


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def hidden(response: Any, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert found, f"no hidden {name}"
    return found[1]


# -- the list --------------------------------------------------------------------------------


def test_index_offers_proposing_and_the_review(cast: Cast) -> None:
    response = cast.alice.client.get(url("index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert url("new") in body and url("review") in body
    assert "No agreements yet" in body


def test_index_for_someone_without_a_partner_says_agreements_take_two(cast: Cast) -> None:
    response = cast.erin.client.get(url("index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Made by two" in body
    assert reverse("couples:couple") in body
    assert url("new") not in body


def test_index_groups_agreements_in_order(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    propose(bob, Terms(title="Theirs", text="Their words"), "other")
    propose(alice, Terms(title="Mine waiting", text="We agree"), "other")
    kept = in_effect(alice, bob, Terms(title="Kept one", text="Kept words"), "other")
    stepped = in_effect(alice, bob, Terms(title="Stepped one", text="Words"), "other")
    services.step_back(bob, stepped)
    ended = propose(alice, Terms(title="Ended one", text="Words"), "other")
    assert ended.pending is not None
    services.withdraw(alice, ended, ended.pending)

    body = text_of(cast.alice.client.get(url("index")))
    headings = [
        "Waiting for your answer",
        "Stepped back: to talk about",
        "In effect",
        "Proposed by you",
        "Ended",
    ]
    places = [body.index(f">{h}</h2>") for h in headings]
    assert places == sorted(places)
    assert body.index("Theirs") < body.index("Stepped one") < body.index("Kept one")
    assert body.index("Kept one") < body.index("Mine waiting") < body.index("<details")
    assert body.index("<details") < body.index("Ended one")
    assert "Proposed by Bob, waiting for your answer" in body
    assert "Bob stepped back from it" in body
    assert url("detail", kept) in body


def test_index_shows_open_repair_topics_without_counts(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    for _ in range(2):
        services.write_concern(
            ring(cast.bob.user),
            agreement,
            what_happened="It wasn't shared",
            how_it_felt="Unsettled",
            what_i_need="A talk",
            send=True,
        )
    body = text_of(cast.alice.client.get(url("index")))
    assert "Concerns to talk through" in body
    assert f"About “{TRANSPARENCY.title}”" in body
    start = body.index("Concerns to talk through")
    section = body[start : body.index("</section>", start)]
    # No numbers but the day each was sent: not how many there are, nor whose.
    words_only = re.sub(r"<[^>]*>", "", section)
    words_only = re.sub(r"\b\d{1,2} [A-Z][a-z]+", "", words_only)
    assert not re.search(r"\d", words_only), words_only


# -- proposing -------------------------------------------------------------------------------


def test_new_without_a_kind_offers_three_explained_choices(cast: Cast) -> None:
    response = cast.alice.client.get(url("new"))
    assert response.status_code == 200
    body = response.content.decode()
    for kind in ("transparency", "boundary", "other"):
        assert f"?kind={kind}" in body
    assert "how often" in body


def test_new_transparency_form_says_tending_reads_nothing(cast: Cast) -> None:
    response = cast.alice.client.get(url("new") + "?kind=transparency")
    assert response.status_code == 200
    body = text_of(response)
    assert "never reads a phone, messages or any account" in body
    for label in ("What will be shared", "How often", "Through which channel", "Notes"):
        assert label in body
    assert 'name="token"' in body


def test_new_boundary_offers_the_areas(cast: Cast) -> None:
    body = cast.alice.client.get(url("new") + "?kind=boundary").content.decode()
    assert "<select" in body
    for value in Area.values:
        assert f'value="{value}"' in body
    assert "never reads a phone" not in body


@pytest.mark.parametrize("method", ["get", "post"])
def test_new_with_a_kind_tending_doesnt_offer_is_refused(cast: Cast, method: str) -> None:
    client = cast.alice.client
    if method == "get":
        response = client.get(url("new") + "?kind=secret")
    else:
        response = client.post(url("new"), words(kind="secret"))
    assert response.status_code == 400
    assert "isn't one Tending offers" in text_of(response)
    assert not Agreement.objects.exists()


def test_proposing_waits_for_the_partner(cast: Cast) -> None:
    response = cast.alice.client.post(url("new"), words(notes="Until the summer"))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", agreement)
    assert agreement.status == Status.PROPOSED and agreement.author == cast.alice.user
    page = text_of(cast.alice.client.get(response["Location"]))
    assert "It waits for Bob" in page
    assert "Proposed agreement" in page and "Until the summer" in page
    assert "Withdraw" in page and "Accept" not in page
    message = page[
        page.index('class="messages"') : page.index("</div>", page.index('class="messages"'))
    ]
    assert TRANSPARENCY.title not in message


def test_proposing_a_boundary(cast: Cast) -> None:
    data = {"kind": "boundary", "token": str(uuid.uuid4()), "title": "Late nights"}
    data |= {"area": Area.DEVICES, "text": "Phones out of the bedroom"}
    response = cast.bob.client.post(url("new"), data)
    assert response.status_code == 302
    page = text_of(cast.alice.client.get(response["Location"]))
    assert "Devices" in page and "Phones out of the bedroom" in page
    assert "Accept" in page and "Not this one" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"what": "   "}, "Please fill in “What will be shared”."),
        ({"title": "x" * (TITLE_MAX + 1)}, "can be up to 120 characters"),
        ({"notes": "n" * 2001}, "can be up to 2,000 characters"),
    ],
)
def test_new_with_bad_words_keeps_what_was_typed(
    cast: Cast, changes: dict[str, str], message: str
) -> None:
    data = words(**changes, how_often="Each evening, typed carefully")
    response = cast.alice.client.post(url("new"), data)
    assert response.status_code == 400
    body = text_of(response)
    assert message in body
    assert "Each evening, typed carefully" in body
    assert data["token"] in body
    assert not Agreement.objects.exists()


def test_new_with_a_missing_area_is_refused(cast: Cast) -> None:
    data = {"kind": "boundary", "token": str(uuid.uuid4()), "title": "T", "text": "Words"}
    response = cast.alice.client.post(url("new"), data | {"area": "moon"})
    assert response.status_code == 400
    assert "Choose what the boundary is about." in text_of(response)
    assert not Agreement.objects.exists()


def test_new_with_a_lost_token_gets_a_new_one_and_keeps_the_words(cast: Cast) -> None:
    response = cast.alice.client.post(url("new"), words(token="nonsense"))
    assert response.status_code == 400
    assert "out of date" in text_of(response)
    uuid.UUID(hidden(response, "token"))
    assert TRANSPARENCY.what in text_of(response)
    assert not Agreement.objects.exists()


def test_new_for_someone_without_a_partner(cast: Cast) -> None:
    client = cast.erin.client
    page = client.get(url("new") + "?kind=other")
    assert page.status_code == 200 and "Made by two" in page.content.decode()
    assert '<form method="post" action="/agreements/new/"' not in page.content.decode()
    data = {"kind": "other", "token": str(uuid.uuid4()), "title": "T", "text": "Kept words"}
    response = client.post(url("new"), data)
    assert response.status_code == 400
    assert "Agreements are made by two" in text_of(response)
    assert "Kept words" in text_of(response)
    assert not Agreement.objects.exists()


def test_a_double_submit_makes_one_agreement(cast: Cast) -> None:
    data = words()
    first = cast.alice.client.post(url("new"), data)
    second = cast.alice.client.post(url("new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Agreement.objects.count() == 1
    assert AgreementVersion.objects.count() == 1


# -- one agreement: answering ----------------------------------------------------------------


def test_the_partner_accepts_and_it_takes_effect(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    assert agreement.pending is not None
    page = cast.bob.client.get(url("detail", agreement))
    assert page.status_code == 200
    assert hidden(page, "version") == str(agreement.pending.pk)
    response = cast.bob.client.post(
        url("answer", agreement), {"action": "accept", "version": agreement.pending.pk}
    )
    assert response.status_code == 302 and response["Location"] == url("detail", agreement)
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_EFFECT and agreement.pending is None
    page = text_of(cast.alice.client.get(url("detail", agreement)))
    assert "Proposed by you and accepted by Bob" in page
    assert "Propose a revision" in page and "Propose retiring it" in page
    assert "Step back from this" in page and "Raise a concern" in page
    assert url("concern_new", agreement) in page and url("history", agreement) in page


def test_not_this_one_ends_a_first_proposal(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    assert agreement.pending is not None
    response = cast.bob.client.post(
        url("answer", agreement),
        {"action": "decline", "version": agreement.pending.pk},
        follow=True,
    )
    assert "Set aside" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.status == Status.NOT_AGREED


def test_withdrawing_ones_own_proposal(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    assert agreement.pending is not None
    cast.alice.client.post(
        url("answer", agreement), {"action": "withdraw", "version": agreement.pending.pk}
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.NOT_AGREED
    assert AgreementVersion.objects.get().state == VersionState.WITHDRAWN


def test_answering_twice_says_nothing_changed(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    assert agreement.pending is not None
    data = {"action": "decline", "version": agreement.pending.pk}
    cast.bob.client.post(url("answer", agreement), data)
    again = cast.bob.client.post(url("answer", agreement), data | {"action": "accept"}, follow=True)
    # Declined, it can't be accepted after all: a different answer is refused, plainly.
    assert "already been answered" in text_of(again)
    agreement.refresh_from_db()
    assert agreement.status == Status.NOT_AGREED


def test_accepting_ones_own_proposal_is_refused(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    assert agreement.pending is not None
    response = cast.alice.client.post(
        url("answer", agreement), {"action": "accept", "version": agreement.pending.pk}, follow=True
    )
    assert "takes effect when your partner accepts it" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.status == Status.PROPOSED and agreement.revision == 1
    assert AgreementVersion.objects.get().state == VersionState.PENDING


def test_accepting_a_replaced_proposal_changes_nothing(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    first = agreement.pending
    assert first is not None
    opened = cast.bob.client.get(url("detail", agreement))
    assert hidden(opened, "version") == str(first.pk)
    newer = revise(cast.alice.user, agreement, how_often="Each Sunday")
    agreement.refresh_from_db()
    revision = agreement.revision

    response = cast.bob.client.post(
        url("answer", agreement), {"action": "accept", "version": first.pk}, follow=True
    )
    assert "since been replaced" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.status == Status.PROPOSED
    assert agreement.pending_id == newer.pk and agreement.current_id is None
    assert agreement.revision == revision
    first.refresh_from_db()
    assert first.state == VersionState.REPLACED


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "accept"}, {"action": "accept", "version": "nope"}, {"action": "shout"}],
)
def test_a_malformed_answer_changes_nothing(cast: Cast, data: dict[str, str]) -> None:
    agreement = propose(cast.alice.user)
    response = cast.bob.client.post(url("answer", agreement), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.PROPOSED and agreement.revision == 1


# -- revising --------------------------------------------------------------------------------


def test_revise_starts_from_the_words_in_effect(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    response = cast.bob.client.get(url("revise", agreement))
    assert response.status_code == 200
    body = text_of(response)
    assert TRANSPARENCY.channel in body
    assert "never reads a phone" in body
    assert hidden(response, "expected_revision") == str(agreement.revision)


def test_revise_starts_from_a_waiting_proposal(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    revise(cast.alice.user, agreement, channel="A message before ten")
    body = text_of(cast.bob.client.get(url("revise", agreement)))
    assert "A message before ten" in body
    assert "A proposal is already waiting" in body


def test_a_revision_waits_beside_the_version_in_effect(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    page = cast.bob.client.get(url("revise", agreement))
    data = words(how_often="Every Sunday evening") | {
        "token": hidden(page, "token"),
        "expected_revision": hidden(page, "expected_revision"),
    }
    response = cast.bob.client.post(url("revise", agreement), data)
    assert response.status_code == 302 and response["Location"] == url("detail", agreement)
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_EFFECT
    assert agreement.pending is not None and agreement.pending.change == Change.REVISE
    assert agreement.current is not None and agreement.current.number == 1

    detail = cast.alice.client.get(url("detail", agreement)).content.decode()
    assert "Proposed change" in detail
    assert '<del><span class="ag-vh">removed: </span>Each</del>' in detail
    assert '<ins><span class="ag-vh">added: </span>Every Sunday</ins>' in detail
    assert 'name="action" value="accept"' in detail

    again = cast.bob.client.post(url("revise", agreement), data)  # the same form, twice
    assert again.status_code == 302
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_a_stale_revision_shows_how_it_stands_and_keeps_what_was_typed(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    alices_form = cast.alice.client.get(url("revise", agreement))
    bobs_form = cast.bob.client.get(url("revise", agreement))
    first = words(channel="A call at lunchtime") | {
        "token": hidden(bobs_form, "token"),
        "expected_revision": hidden(bobs_form, "expected_revision"),
    }
    assert cast.bob.client.post(url("revise", agreement), first).status_code == 302
    agreement.refresh_from_db()

    mine = words(what="Where I am when plans change, typed by Alice") | {
        "token": hidden(alices_form, "token"),
        "expected_revision": hidden(alices_form, "expected_revision"),
    }
    response = cast.alice.client.post(url("revise", agreement), mine)
    assert response.status_code == 409
    body = text_of(response)
    assert "changed while you had it open" in body
    assert "Where I am when plans change, typed by Alice" in body
    assert "A call at lunchtime" in body  # the proposal now waiting
    assert TRANSPARENCY.channel in body  # the words in effect
    assert hidden(response, "expected_revision") == str(agreement.revision)
    assert agreement.pending is not None
    pending_before = agreement.pending.pk

    # Sending it again now applies, over Bob's proposal.
    again = mine | {"expected_revision": hidden(response, "expected_revision")}
    assert cast.alice.client.post(url("revise", agreement), again).status_code == 302
    agreement.refresh_from_db()
    assert agreement.pending is not None and agreement.pending.pk != pending_before
    assert AgreementVersion.objects.get(pk=pending_before).state == VersionState.REPLACED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Please fill in “In a few words”."),
        ({"what": "w" * 301}, "“What will be shared” can be up to 300 characters"),
    ],
)
def test_a_revision_with_bad_words_keeps_them(
    cast: Cast, changes: dict[str, str], message: str
) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    page = cast.bob.client.get(url("revise", agreement))
    data = words(**changes, channel="Kept channel words") | {
        "token": hidden(page, "token"),
        "expected_revision": hidden(page, "expected_revision"),
    }
    response = cast.bob.client.post(url("revise", agreement), data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Kept channel words" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.pending is None and agreement.revision == 2


def test_revise_of_an_ended_agreement_goes_back_to_it(cast: Cast) -> None:
    agreement = propose(cast.alice.user)
    assert agreement.pending is not None
    services.withdraw(cast.alice.user, agreement, agreement.pending)
    response = cast.alice.client.get(url("revise", agreement))
    assert response.status_code == 302 and response["Location"] == url("detail", agreement)


# -- retiring and stepping back ----------------------------------------------------------------


def test_retiring_takes_both(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    page = cast.alice.client.get(url("detail", agreement))
    data = {"expected_revision": hidden(page, "expected_revision"), "token": hidden(page, "token")}
    response = cast.alice.client.post(url("retire", agreement), data, follow=True)
    assert "proposed ending this agreement" in text_of(response)
    assert cast.alice.client.post(url("retire", agreement), data).status_code == 302  # twice
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_EFFECT
    assert agreement.pending is not None and agreement.pending.change == Change.RETIRE
    assert AgreementVersion.objects.filter(change=Change.RETIRE).count() == 1

    bobs = text_of(cast.bob.client.get(url("detail", agreement)))
    assert "This proposes ending the agreement" in bobs
    cast.bob.client.post(
        url("answer", agreement), {"action": "accept", "version": agreement.pending.pk}
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.RETIRED
    page_after = cast.bob.client.get(url("detail", agreement)).content.decode()
    assert "Propose a revision" not in page_after and "Step back" not in page_after


def test_retiring_from_a_stale_page_changes_nothing(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    old = str(agreement.revision)
    services.step_back(cast.bob.user, agreement)
    response = cast.alice.client.post(
        url("retire", agreement), {"expected_revision": old}, follow=True
    )
    assert "changed while you had it open" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.pending is None


@pytest.mark.parametrize("revision", ["", "abc", "-1", "9" * 40])
def test_retiring_without_a_good_revision_changes_nothing(cast: Cast, revision: str) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    response = cast.alice.client.post(url("retire", agreement), {"expected_revision": revision})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.pending is None


def test_stepping_back_and_taking_it_up_again(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    page = text_of(cast.bob.client.get(url("detail", agreement)))
    assert "you can step back from it on your own" in page
    assert "weekly conversation" in page and "monthly review" in page
    response = cast.bob.client.post(url("step_back", agreement), {"action": "out"}, follow=True)
    assert "You've stepped back" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.stepped_back_by == cast.bob.user

    alices = text_of(cast.alice.client.get(url("detail", agreement)))
    assert "Bob stepped back from this" in alices
    assert 'value="in"' not in alices
    cast.alice.client.post(url("step_back", agreement), {"action": "in"})
    agreement.refresh_from_db()
    assert agreement.stepped_back_by == cast.bob.user  # only Bob can take it up again

    assert 'value="in"' in cast.bob.client.get(url("detail", agreement)).content.decode()
    cast.bob.client.post(url("step_back", agreement), {"action": "in"})
    agreement.refresh_from_db()
    assert agreement.stepped_back_by is None


def test_stepping_back_from_a_stale_page_says_nothing_changed(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    services.step_back(cast.bob.user, agreement)
    response = cast.alice.client.post(url("step_back", agreement), {"action": "out"}, follow=True)
    assert "already marked to talk about, so nothing changed" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.stepped_back_by == cast.bob.user


def test_step_back_without_an_action_changes_nothing(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    assert cast.bob.client.post(url("step_back", agreement), {}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.stepped_back_by is None


# -- history ---------------------------------------------------------------------------------


def test_history_lists_every_version_with_what_changed(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    second = revise(cast.bob.user, agreement, how_often="Each Sunday")
    services.decline(cast.alice.user, agreement, second)
    third = revise(cast.alice.user, agreement, channel="A short call")
    services.accept(cast.bob.user, agreement, third)

    response = cast.alice.client.get(url("history", agreement))
    assert response.status_code == 200
    body = response.content.decode()
    text = html.unescape(body)
    for n in (1, 2, 3):
        assert f"Version {n}:" in text
    assert "Proposed by you" in text and "Accepted by Bob" in text
    assert "Not taken up by you" in text and "Proposed by Bob" in text
    # Both later versions are compared with version 1, the one agreed before them.
    assert text.count("Compared with version 1, the one agreed before it") == 2
    assert '<del><span class="ag-vh">removed: </span>evening</del>' in body
    assert '<ins><span class="ag-vh">added: </span>Sunday</ins>' in body
    assert '<ins><span class="ag-vh">added: </span>A short call</ins>' in body


def test_history_says_when_a_version_proposed_ending_it(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    services.propose_retiring(ring(cast.bob.user), agreement, expected_revision=agreement.revision)
    text = text_of(cast.alice.client.get(url("history", agreement)))
    assert "Version 2: ending it" in text
    assert "This proposes ending the agreement" in text


def test_history_shows_times_in_the_viewers_own_zone(cast: Cast) -> None:
    bob = cast.bob.user
    bob.time_zone = "Pacific/Auckland"
    bob.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2026, 3, 11, 12, 0, tzinfo=UTC), tick=False):
        agreement = propose(cast.alice.user)
    alices = text_of(cast.alice.client.get(url("history", agreement)))
    bobs = text_of(cast.bob.client.get(url("history", agreement)))
    assert "11 March 2026, 13:00" in alices  # Amsterdam
    assert "12 March 2026, 01:00" in bobs  # Auckland


# -- escaping --------------------------------------------------------------------------------


def test_html_in_the_words_is_escaped_everywhere(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user, Terms(title=SCRIPT, text=SCRIPT), "other")
    revise_to = Terms(title=SCRIPT + " again", text=SCRIPT + " <i>more</i>")
    services.revise(ring(cast.bob.user), agreement, revise_to, expected_revision=agreement.revision)
    for name in ("index", "detail", "history", "revise"):
        target = url(name, agreement if name != "index" else None)
        body = cast.alice.client.get(target).content.decode()
        assert "<script>" not in body, name
        assert "<b>bold</b>" not in body and "<i>more</i>" not in body, name
        assert "&lt;script&gt;" in body, name


# -- who may see what --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "revise", "history"])
def test_another_couple_gets_404(cast: Cast, name: str) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    assert cast.carol.client.get(url(name, agreement)).status_code == 404
    assert cast.erin.client.get(url(name, agreement)).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("answer", {"action": "decline"}),
        ("retire", {"expected_revision": "2"}),
        ("step_back", {"action": "out"}),
        ("revise", {"title": "Taken"}),
    ],
)
def test_another_couple_cant_change_anything(cast: Cast, name: str, data: dict[str, str]) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    revise(cast.bob.user, agreement, how_often="Sometimes")
    agreement.refresh_from_db()
    assert agreement.pending is not None
    data = data | {"version": str(agreement.pending.pk)}
    assert cast.carol.client.post(url(name, agreement), data).status_code == 404
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert (fresh.revision, fresh.stepped_back_by_id) == (agreement.revision, None)


def test_an_unknown_agreement_is_404(cast: Cast) -> None:
    missing = reverse("agreements:detail", args=[uuid.uuid4()])
    assert cast.alice.client.get(missing).status_code == 404


def test_after_a_partner_leaves_it_is_history_only(cast: Cast) -> None:
    agreement = in_effect(cast.alice.user, cast.bob.user)
    couples.leave(cast.bob.user)
    response = cast.alice.client.get(url("detail", agreement))
    assert response.status_code == 200
    body = text_of(response)
    assert "stays here as history" in body
    assert TRANSPARENCY.title in body and "accepted by Bob" in body
    for action in ("Propose a revision", "Propose retiring it", "Step back", "Raise a concern"):
        assert action not in body
    assert 'method="post" action="/agreements/' not in body
    assert cast.alice.client.get(url("history", agreement)).status_code == 200
    listed = text_of(cast.alice.client.get(url("index")))
    assert "Made by two" in listed and TRANSPARENCY.title in listed
    response = cast.alice.client.post(url("step_back", agreement), {"action": "out"}, follow=True)
    assert "stays as history" in text_of(response)
    agreement.refresh_from_db()
    assert agreement.stepped_back_by is None


# -- query budgets ---------------------------------------------------------------------------


def not_taken_up(user: User) -> None:
    withdrawn = propose(user)
    assert withdrawn.pending is not None
    services.withdraw(user, withdrawn, withdrawn.pending)


def raise_concern(user: User, agreement: Agreement) -> None:
    services.write_concern(
        ring(user), agreement, what_happened="It slipped", how_it_felt="", what_i_need="", send=True
    )


def queries_for(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.usefixtures("pages_made_afresh")
def test_pages_keep_to_a_query_budget(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    watched = in_effect(alice, bob)
    revise(bob, watched, how_often="Now and then")
    propose(bob)
    not_taken_up(alice)
    raise_concern(bob, watched)
    client = cast.alice.client
    client.get(url("index"))  # the first visit may hand over keys; budgets are for later ones
    pages = [url("index"), url("detail", watched), url("history", watched)]
    before = {page: queries_for(client, page) for page in pages}

    for n in range(4):
        extra = in_effect(alice if n % 2 else bob, bob if n % 2 else alice)
        revise(alice, extra, channel=f"Channel {n}")
        if n == 1:
            services.step_back(bob, extra)
        not_taken_up(bob)
        raise_concern(alice, extra)
        revise(alice, watched, how_often=f"Every {n + 2} days")
        revise(bob, watched, what=f"Words {n}")
    after = {page: queries_for(client, page) for page in pages}
    assert after == before
    assert max(after.values()) <= 14, after
