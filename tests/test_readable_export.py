"""Issue 13, bug 7: the Markdown in the export reads as plain words, dated and grouped.

The JSON beside it stays complete; only the person's own entries and what is shared with
them now are in either.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from bids import services as bids
from checkins import services as checkins
from closeness import services as closeness
from commitments import services as commitments
from commitments.models import Cadence
from commitments.occurrences import Rule
from conftest import PASSWORD, Cast
from notes import services as notes
from privacy.keyring import PasswordKeyring


def export(cast: Cast) -> tuple[dict[str, Any], str]:
    response = cast.alice.client.post("/account/export/", {"password": PASSWORD})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("tending-export.json"))
        markdown = archive.read("tending-export.md").decode()
    return data, markdown


def line_with(markdown: str, words: str) -> str:
    found = [line for line in markdown.splitlines() if words in line]
    assert found, f"no line with {words!r}"
    return found[0]


@time_machine.travel("2026-03-10 09:00 +01:00", tick=False)
def test_every_kind_reads_in_plain_words(cast: Cast) -> None:
    cast.alice.client.get("/")
    cast.bob.client.get("/")  # both hold the couple key now
    alice = PasswordKeyring(cast.alice.user, PASSWORD)
    bob = PasswordKeyring(cast.bob.user, PASSWORD)
    today = timezone.localdate()

    notes.write_note(alice, "Only for me, this one.", shared=False)
    notes.write_note(bob, "Bob's words for Alice.", shared=True)
    notes.write_note(bob, "Bob's private words.", shared=False)
    checkins.check_in(
        alice, today, safety=7, closeness=4, heaviness=2, moments=["still_hurts"], words=""
    )
    late = commitments.create_commitment(
        alice, title="Text when I'm running late", rule=Rule(Cadence.DAILY), starts_on=today
    )
    commitments.record_outcome(
        alice, late, today - timedelta(days=0), "missed", in_the_way="The train was full."
    )
    bids.note_bid(alice, who="me", kind="humour", response="toward")
    closeness.save_answers(alice, {"b-sit-close": "yes", "b-kiss": "not_yet"}, [])

    data, markdown = export(cast)

    # No raw keys, values or Python in the readable file.
    for raw in ("None", "b-sit-close", "{'", "response:", "details:", "still_hurts", "True"):
        assert raw not in markdown, raw
    # Dated in the person's own words and zone, grouped under plain headings.
    assert "## What I wrote" in markdown and "## Shared with me" in markdown
    assert "### Notes" in markdown and "### How each commitment went" in markdown
    outcome = line_with(markdown, "Missed: \u201cText when I'm running late\u201d")
    assert outcome.startswith("- **10 March 2026 \u00b7 ")
    assert "What got in the way: The train was full." in markdown
    assert "How safe I felt with my partner: 7 of 10" in markdown
    assert "What the day held: This still hurts" in markdown
    assert "I reached out: humour" in markdown and "How it was met: Turned toward" in markdown
    assert "Yes: Sitting close to each other on the sofa" in markdown
    assert "Not yet: Kissing" in markdown
    # One's own yes list is never called "shared".
    yes_list = line_with(markdown, "My yes list")
    assert "(never shown to my partner)" in yes_list and "shared" not in yes_list.lower()
    assert "(only me)" in line_with(markdown, "My answers on the closeness path")
    # What the partner shares is there, by name; their private words never are.
    shared = markdown.split("## Shared with me", 1)[1]
    assert "Bob's words for Alice." in shared and "(shared with me by Bob)" in shared
    assert "Bob's private words." not in markdown + json.dumps(data)

    # The JSON stays complete: every field, every clear value.
    kinds = data["my_entries"]
    outcome_json = kinds["How each commitment went"][0]
    # How it went is encrypted since issue 17, so it is one of the fields.
    assert outcome_json["on_date"] == "2026-03-10"
    assert outcome_json["fields"] == {
        "how_it_went": "missed",
        "in_the_way": "The train was full.",
        "will_change": None,
    }
    assert re.search(r'"b-sit-close": "yes"', json.dumps(data))


def test_an_empty_export_says_so_kindly(cast: Cast) -> None:
    from questions.models import Round

    # Opening Today picks the couple's question of the day (a joint record); without it the
    # account holds nothing at all.
    Round.objects.all().delete()
    _, markdown = export(cast)
    assert markdown.count("Nothing here.") == 2
    assert "Downloaded on" in markdown
