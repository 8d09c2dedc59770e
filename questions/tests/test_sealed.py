"""The seal on our question, as a property: until both have answered, nothing bob can load
differs with what alice did about the question (answered it, in any words; let it go; both;
or nothing at all).

Hypothesis draws the couple's rhythm (daily or weekly), whether bob let the question go, what
alice does and the words of her answer. For each example, inside a savepoint rolled back
afterwards, bob's Today, his "Our question" page, his "from my partner" lines and his export
(`privacy.lifecycle.build_export`) are taken with alice having done nothing, then again after
she acts, and compared byte for byte once CSRF tokens and the random per-form tokens are taken
out. The rule would allow a "waiting for you" line; Tending shows none, so the pages must be
identical. A positive control closes each example: once bob answers too, his page does show
alice's words, so the comparison isn't between two blanks.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activity import services as activity
from conftest import PASSWORD, Cast
from privacy.keyring import PasswordKeyring
from privacy.lifecycle import build_export
from questions import services

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TOKENS = re.compile(r'name="(csrfmiddlewaretoken|token)" value="[^"]*"')

words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80
).filter(lambda s: s.strip() != "")


def bobs_view(cast: Cast) -> list[str]:
    client = cast.bob.client
    pages = [client.get(reverse(name)).content.decode() for name in ("today", "questions:index")]
    pages = [TOKENS.sub(r'name="\1" value=""', page) for page in pages]
    lines = [line.text for line in activity.for_today(cast.bob.user).new]
    export = build_export(cast.bob.user, PasswordKeyring(cast.bob.user, PASSWORD))
    return [*pages, json.dumps(lines), json.dumps(export, sort_keys=True, default=str)]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cadence=st.sampled_from(["daily", "weekly"]),
    bob_skipped=st.booleans(),
    alice_does=st.sampled_from(["answers", "skips", "skips then answers"]),
    alice_says=words,
)
def test_bob_learns_nothing_until_both_have_answered(
    cast: Cast, cadence: str, bob_skipped: bool, alice_does: str, alice_says: str
) -> None:
    alice_ring = PasswordKeyring(cast.alice.user, PASSWORD)
    with time_machine.travel(NOW, tick=False):
        savepoint = transaction.savepoint_create()
        try:
            services.set_cadence(cast.alice.user, cadence)
            asked = services.current_round(alice_ring)
            assert asked is not None
            if bob_skipped:
                services.skip(cast.bob.user, asked)
            before = bobs_view(cast)

            if "skips" in alice_does:
                services.skip(cast.alice.user, asked)
            if "answers" in alice_does:
                services.answer(alice_ring, asked, alice_says)
            after = bobs_view(cast)
            assert after == before

            # Positive control: once bob answers too, her words reach him.
            if "answers" in alice_does:
                services.answer(PasswordKeyring(cast.bob.user, PASSWORD), asked, "mine")
                page = cast.bob.client.get(reverse("questions:index")).content.decode()
                assert html.escape(alice_says.strip()) in page
        finally:
            transaction.savepoint_rollback(savepoint)
