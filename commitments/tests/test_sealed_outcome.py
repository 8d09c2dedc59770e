"""Issue 17, finding 4: how an occasion went (kept, partly, missed) is the person's own
news, so it is encrypted like their words. Rows from before are moved out of the clear
column the next time their author's keys are at hand (a migration holds no keys)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from commitments import services
from commitments.models import Cadence, Outcome, Result
from commitments.occurrences import Rule
from commitments.tests.helpers import how_it_went
from conftest import PASSWORD, Cast
from privacy.entries import encrypt_into
from privacy.keyring import PasswordKeyring


def test_a_private_outcome_is_stored_encrypted_and_still_counted(cast: Cast) -> None:
    alice = cast.alice.user
    ring = PasswordKeyring(alice, PASSWORD)
    today = services.local_today(alice)
    private = services.create_commitment(
        ring,
        title="Walk before work",
        rule=Rule(Cadence.DAILY),
        starts_on=today - timedelta(days=1),
        shared=False,
    )
    services.record_outcome(ring, private, today - timedelta(days=1), Result.MISSED)

    row = Outcome.objects.get(commitment=private)
    assert row.result == ""
    assert row.how_it_went is not None and b"missed" not in bytes(row.how_it_went)
    assert how_it_went(Outcome.objects.get(pk=row.pk)) == Result.MISSED
    # The follow-through counts still see it, opened with alice's keys.
    counted = services.kept_between(ring, (today - timedelta(days=1), today))
    assert (counted.missed, counted.kept) == (1, 0)
    page = cast.alice.client.get(reverse("commitments:detail", args=[private.pk]))
    assert "Missed" in page.content.decode()


def test_a_clear_result_from_before_is_sealed_on_its_authors_next_visit(cast: Cast) -> None:
    alice = cast.alice.user
    ring = PasswordKeyring(alice, PASSWORD)
    today = services.local_today(alice)
    commitment = services.create_commitment(
        ring, title="Tea together", rule=Rule(Cadence.DAILY), starts_on=today, shared=False
    )
    legacy = Outcome(
        commitment=commitment,
        on_date=today,
        author=alice,
        couple_id=commitment.couple_id,
        visibility=commitment.visibility,
        result=Result.PARTLY,  # written the old way, in clear
    )
    encrypt_into(legacy, ring, {"in_the_way": "A late train", "will_change": None})
    legacy.save()

    # Bob's visits move nothing: only alice's keys can seal her row.
    cast.bob.client.get(reverse("today"))
    assert Outcome.objects.get(pk=legacy.pk).result == Result.PARTLY

    page = cast.alice.client.get(reverse("commitments:detail", args=[commitment.pk]))
    assert page.status_code == 200 and "Partly kept" in page.content.decode()
    moved = Outcome.objects.get(pk=legacy.pk)
    assert moved.result == ""
    assert how_it_went(moved) == Result.PARTLY
    moved_plain = Outcome.objects.get(pk=legacy.pk)
    from privacy.entries import reveal

    reveal([moved_plain], ring)
    assert moved_plain.plain["in_the_way"] == "A late train"
