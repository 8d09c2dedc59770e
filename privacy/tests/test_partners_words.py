"""Issue 17, finding 3: what a person wrote belongs to them. When the other partner leaves
and deletes their account, bob's "I noticed" on alice's commitment, his answer to her
concern and his revision of her agreement stay his: in the database, readable by him (his
export), with alice's part marked as removed. Alice's own words are gone."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta

from django.urls import reverse

from agreements import services as agreements
from agreements.models import Agreement, AgreementVersion, Concern, ConcernAnswer, Kind
from commitments import services as commitments
from commitments.models import Cadence, Commitment, Noticed
from commitments.occurrences import Rule
from conftest import PASSWORD, Cast
from privacy.keyring import PasswordKeyring
from privacy.lifecycle import REMOVED_PART


def test_deleting_an_account_keeps_the_words_the_partner_wrote(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    alices_ring, bobs_ring = PasswordKeyring(alice, PASSWORD), PasswordKeyring(bob, PASSWORD)
    today = commitments.local_today(alice)
    commitment = commitments.create_commitment(
        alices_ring,
        title="Phone in the kitchen after ten",
        rule=Rule(Cadence.DAILY),
        starts_on=today - timedelta(days=2),
    )
    noticed = commitments.notice(
        bobs_ring, commitment, today - timedelta(days=1), note="I saw the phone stay away"
    )
    agreement = agreements.propose(
        alices_ring,
        Kind.TRANSPARENCY,
        agreements.Terms(title="Evenings", what="where I am", how_often="daily", channel="text"),
        token=uuid.uuid4(),
    )
    agreements.accept(
        bob,
        Agreement.objects.get(pk=agreement.pk),
        AgreementVersion.objects.get(pk=agreement.pending_id or uuid.uuid4()),
    )
    fresh = Agreement.objects.get(pk=agreement.pk)
    bobs_version = agreements.revise(
        bobs_ring,
        fresh,
        agreements.Terms(title="Evenings", what="where I am", how_often="weekly", channel="text"),
        expected_revision=fresh.revision,
        token=uuid.uuid4(),
    )
    concern = agreements.write_concern(
        alices_ring,
        Agreement.objects.get(pk=agreement.pk),
        what_happened="No text on Friday",
        how_it_felt="Uneasy",
        what_i_need="A message",
        send=True,
    )
    answer = agreements.answer_concern(
        bobs_ring,
        concern,
        what_i_did="I forgot to write",
        how_it_affected="You waited",
        what_i_will_do="Set a reminder",
        send=True,
    )

    left = cast.alice.client.post(reverse("couples:leave"), {"password": PASSWORD})
    assert left.status_code == 302
    gone = cast.alice.client.post(reverse("privacy:delete_account"), {"password": PASSWORD})
    assert gone.status_code == 302

    # Alice's words are gone; bob's stay his, pointing at nothing.
    assert not Commitment.objects.filter(pk=commitment.pk).exists()
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not Agreement.objects.filter(pk=agreement.pk).exists()
    kept_noticed = Noticed.objects.get(pk=noticed.pk)
    kept_answer = ConcernAnswer.objects.get(pk=answer.pk)
    kept_version = AgreementVersion.objects.get(pk=bobs_version.pk)
    assert kept_noticed.author_id == kept_answer.author_id == kept_version.author_id == bob.pk
    assert kept_noticed.commitment_id is None and kept_noticed.parent_removed
    assert kept_answer.concern_id is None and kept_version.agreement_id is None

    # Readable by bob: his export carries his words, with alice's part marked as removed.
    export = cast.bob.client.post(reverse("privacy:export"), {"password": PASSWORD})
    assert export.status_code == 200
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        data = json.loads(archive.read("tending-export.json"))
        markdown = archive.read("tending-export.md").decode()
    mine = json.dumps(data["my_entries"])
    for words in ("I saw the phone stay away", "I forgot to write", "Set a reminder", "weekly"):
        assert words in mine and words in markdown
    assert "No text on Friday" not in mine and "No text on Friday" not in markdown
    assert REMOVED_PART in mine and REMOVED_PART in markdown

    # And bob's own pages still open.
    for url in ("today", "commitments:list", "agreements:index"):
        assert cast.bob.client.get(reverse(url)).status_code == 200, url
