"""The private safety check: asked alone, kept under the person's own key, never the partner's.

The property (Hypothesis): whatever alice answered (never, once, several times, any answers,
danger or not), every page bob can load without an object in its URL (and as htmx where the
page answers htmx with a fragment, which it says with Vary: HX-Request),
his calendar feed, his export download and `build_export`, are the same bytes once CSRF
tokens and per-form tokens are taken out (the closeness path's normalisation, reused).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closeness.tests.test_indistinguishable import (
    HTMX,
    described,
    differences,
    every_plain_page,
    serves_htmx,
)
from commitments import feed as calendar_feed
from conftest import PASSWORD, Cast, examples
from privacy.keyring import PasswordKeyring
from privacy.lifecycle import build_export
from safety import services
from safety.check import ANSWERS, KEYS, NO, RATHER_NOT, SOMETIMES, YES
from safety.models import SafetyCheck

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
CHECK = "/help/safety-check/"
RESULT = "/help/safety-check/result/"
ALL_NO = dict.fromkeys(KEYS, NO)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def answered(**given_answers: str) -> dict[str, str]:
    return {**ALL_NO, **given_answers}


def test_answers_are_saved_under_the_persons_own_key_and_nothing_else(cast: Cast) -> None:
    response = cast.alice.client.post(CHECK, answered(afraid=YES))

    assert response.status_code == 302 and response["Location"] == RESULT
    check = SafetyCheck.objects.get()
    assert check.author == cast.alice.user and not check.is_shared
    assert b"afraid" not in bytes(check.answers) and b"yes" not in bytes(check.answers)
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    assert services.latest_answers(ring) == answered(afraid=YES)
    # The partner's keyring can't open it, and his reading rule doesn't even find it.
    assert not SafetyCheck.objects.visible_to(cast.bob.user).exists()


@pytest.mark.parametrize(
    ("answers", "danger"),
    [
        (answered(), False),
        (answered(afraid=RATHER_NOT, hurt=RATHER_NOT), False),
        (answered(afraid=YES), True),
        (answered(hurt=SOMETIMES), True),
        (answered(control=YES), True),
        (answered(sexual=SOMETIMES), True),
    ],
)
def test_the_result_page_says_plainly_when_couples_work_may_not_be_safe(
    cast: Cast, answers: dict[str, str], danger: bool
) -> None:
    page = cast.alice.client.post(CHECK, answers, follow=True).content.decode()

    assert ("may not be safe for you right now" in page) is danger
    if danger:
        for name in ("safety:help", "closeness:index", "couples:couple", "privacy:delete_account"):
            assert f'href="{reverse(name)}"' in page
        assert "Stop sharing" in page and "Pause the closeness path" in page
    else:
        assert "Thank you for answering" in page


def test_sign_up_offers_it_skippably_and_it_leads_on(cast: Cast) -> None:
    page = cast.erin.client.get(CHECK, {"next": "/couple/"}).content.decode()
    assert 'href="/couple/">Not now</a>' in page

    response = cast.erin.client.post(CHECK, {**answered(), "next": "/couple/"})
    assert response["Location"] == f"{RESULT}?next=%2Fcouple%2F"
    result = cast.erin.client.get(response["Location"]).content.decode()
    assert 'href="/couple/">Go on</a>' in result
    # Another site is never a "next".
    page = cast.erin.client.get(CHECK, {"next": "https://elsewhere.example/"}).content.decode()
    assert "elsewhere" not in page


def test_settings_and_help_offer_it(cast: Cast) -> None:
    assert f'href="{CHECK}"' in cast.alice.client.get("/account/settings/").content.decode()
    assert f'href="{CHECK}"' in cast.alice.client.get("/help/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {k: v for k, v in answered().items() if k != "hurt"},
        answered(hurt="maybe"),
        answered(afraid="<script>alert(1)</script>"),
    ],
)
def test_missing_or_unknown_answers_are_asked_again_kindly(cast: Cast, bad: dict[str, str]) -> None:
    response = cast.alice.client.post(CHECK, bad)

    assert response.status_code == 200
    assert "rather not say\u201d is fine too" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert not SafetyCheck.objects.exists()


def test_no_result_before_any_answer_leads_to_the_questions(cast: Cast) -> None:
    assert cast.alice.client.get(RESULT)["Location"] == CHECK


def test_signed_out_it_asks_to_sign_in_first(client: object) -> None:
    from django.test import Client

    response = Client().get(CHECK)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_her_own_export_leaves_it_out(cast: Cast) -> None:
    cast.alice.client.post(CHECK, answered(afraid=YES, sexual=YES))
    download = cast.alice.client.post(reverse("privacy:export"), {"password": PASSWORD})
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "afraid" not in text.lower() and "safety" not in text.lower()
    export = build_export(cast.alice.user, PasswordKeyring(cast.alice.user, PASSWORD))
    assert "safety" not in json.dumps(export).lower()


def test_her_own_export_holds_it_when_she_asks(cast: Cast) -> None:
    cast.alice.client.post(CHECK, answered(afraid=YES, sexual=YES))
    download = cast.alice.client.post(
        reverse("privacy:export"), {"password": PASSWORD, "include_withheld": "on"}
    )
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        text = archive.read("tending-export.json").decode()
    assert "safety" in text.lower() and '"afraid": "yes"' in text.lower()
    # Bob asking for the same box gets nothing of hers.
    bobs = cast.bob.client.post(
        reverse("privacy:export"), {"password": PASSWORD, "include_withheld": "on"}
    )
    with zipfile.ZipFile(io.BytesIO(bobs.content)) as archive:
        assert "safety" not in archive.read("tending-export.json").decode().lower()


def test_deleting_her_account_deletes_it(cast: Cast) -> None:
    from privacy.lifecycle import delete_account

    cast.alice.client.post(CHECK, answered(afraid=YES))
    delete_account(cast.alice.user)
    assert not SafetyCheck.objects.exists()


# -- the property ------------------------------------------------------------------------------

# Pages acting on GET (signing out, leaving, locking) would end bob's session mid-sweep.
ACTS_ON_GET = {"safety:quick_exit", "accounts:lock"}
answer_sets = st.fixed_dictionaries({k: st.sampled_from([a for a, _ in ANSWERS]) for k in KEYS})


def bob_sees(cast: Cast, pages: list[tuple[str, str]]) -> dict[str, str]:
    client = cast.bob.client
    seen: dict[str, str] = {}
    for name, url in pages:
        response = client.get(url)
        seen[name] = described(response)
        if serves_htmx(response):  # a view that answers htmx with a fragment says so
            seen[f"{name} (htmx)"] = described(client.get(url, headers=HTMX))
    seen["privacy:export download"] = described(
        client.post(reverse("privacy:export"), {"password": PASSWORD})
    )
    export = build_export(cast.bob.user, PasswordKeyring(cast.bob.user, PASSWORD))
    seen["build_export"] = json.dumps(export, indent=1, sort_keys=True, ensure_ascii=False)
    assert client.get(reverse("today")).status_code == 200, "bob must stay signed in"
    return seen


def test_bob_can_not_tell_whether_or_what_alice_answered(cast: Cast, clock: object) -> None:
    """Each drawn state (several checks, any answers) is compared with the state in which alice
    never answered; equal to that one, every two states are equal to each other."""
    token = calendar_feed.start_feed(PasswordKeyring(cast.bob.user, PASSWORD))
    pages = [(n, u) for n, u in every_plain_page() if n not in ACTS_ON_GET]
    pages.append(("commitments:feed", reverse("commitments:feed", kwargs={"feed_token": token})))
    assert len(pages) > 40, "the sweep's page list looks too short"
    bob_sees(cast, pages)  # a warm-up, so nothing a first visit does is compared
    never_answered = bob_sees(cast, pages)
    compared = {"examples": 0, "danger": 0}

    @settings(
        max_examples=examples(6),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(made=st.lists(answer_sets, min_size=1, max_size=3))
    def check(made: list[dict[str, str]]) -> None:
        with transaction.atomic():
            for answers in made:
                assert cast.alice.client.post(CHECK, answers).status_code == 302
            assert SafetyCheck.objects.filter(author=cast.alice.user).count() == len(made)
            found = differences(never_answered, bob_sees(cast, pages))
            assert not found, "bob can tell what alice answered:\n\n" + "\n\n".join(found)
            compared["examples"] += 1
            compared["danger"] += any(YES in a.values() for a in made)
            transaction.set_rollback(True)

    check()
    assert compared["examples"] >= 2


def test_the_comparison_can_fail(cast: Cast, clock: object) -> None:
    """Positive control: a change bob may see (alice's name) does show in the same sweep."""
    pages = [("today", reverse("today")), ("couples:couple", reverse("couples:couple"))]
    with transaction.atomic():
        before = bob_sees(cast, pages)
        cast.alice.user.display_name = "Alicia"
        cast.alice.user.save(update_fields=["display_name"])
        after = bob_sees(cast, pages)
        assert differences(before, after)
        transaction.set_rollback(True)
