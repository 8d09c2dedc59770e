"""The private journal through real URLs: only ever its author's (no share control, no share
URL, not in the partner's export), newest first with paging, deletion, and bad input that
gets a clear message while nothing changes."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from accounts.models import User
from checkins import services
from checkins.models import JOURNAL_MAX, JournalEntry
from checkins.presenters.journal import BAD_PAGE
from conftest import PASSWORD, Cast, ring
from privacy import entries
from privacy.entries import Visibility

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
NASTY = "<script>alert('x')</script> & <b>bold</b>"
URL = "/journal/"


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def page(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def write(client: Client, body: str, **extra: str) -> Any:
    return client.post(URL, {"body": body, **extra})


def write_many(user: User, count: int, clock: time_machine.Traveller) -> list[JournalEntry]:
    """`count` entries a minute apart, oldest first, numbered from 00."""
    mine = ring(user)
    made = []
    for n in range(count):
        clock.shift(timedelta(minutes=1))
        made.append(services.write_journal(mine, f"entry number {n:02d}."))
    return made


def state() -> list[tuple[Any, ...]]:
    return [
        (e.pk, e.author_id, e.visibility, e.couple_id, bytes(e.body), e.updated_at)
        for e in JournalEntry.objects.order_by("pk")
    ]


def export_text(client: Client) -> str:
    response = client.post(reverse("privacy:export"), {"password": PASSWORD})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


# -- only ever yours -----------------------------------------------------------------------


def test_the_page_says_plainly_it_is_only_yours_and_offers_no_sharing(cast: Cast) -> None:
    text = page(cast.alice.client)
    assert "Only ever yours" in text and "can't be shared" in text
    assert 'name="shared"' not in text
    assert "Share with" not in text and "Stop sharing" not in text


def test_an_entry_is_kept_encrypted_and_private(cast: Cast) -> None:
    response = write(cast.alice.client, "alice journal words")
    assert response.status_code == 302 and response["Location"] == URL
    (kept,) = JournalEntry.objects.all()
    assert kept.author == cast.alice.user and kept.visibility == Visibility.PRIVATE
    assert b"alice journal words" not in bytes(kept.body)
    assert "alice journal words" in page(cast.alice.client)


def test_asking_to_share_in_the_form_still_keeps_it_private(cast: Cast) -> None:
    write(cast.alice.client, "alice tries to share", shared="on", visibility="shared")
    (kept,) = JournalEntry.objects.all()
    assert not kept.is_shared and kept.couple_id is None
    assert "alice tries to share" not in page(cast.bob.client)


def test_the_partner_never_sees_a_journal_not_even_in_their_export(cast: Cast) -> None:
    write(cast.alice.client, "alice journal canary")
    write(cast.bob.client, "bob journal canary")
    bobs = page(cast.bob.client)
    assert "bob journal canary" in bobs and "alice journal canary" not in bobs
    assert "alice journal canary" not in page(cast.carol.client)
    assert "alice journal canary" not in export_text(cast.bob.client)
    # The author's own export holds it: the check above looks where it would be.
    alices_export = export_text(cast.alice.client)
    assert "alice journal canary" in alices_export
    assert "bob journal canary" not in alices_export


def test_there_is_no_way_to_share_a_journal_entry(cast: Cast) -> None:
    entry = services.write_journal(ring(cast.alice.user), "never shared")
    for path in (f"/journal/{entry.pk}/share/", f"/journal/{entry.pk}/unshare/"):
        with pytest.raises(Resolver404):
            resolve(path)
        assert cast.alice.client.post(path).status_code == 404
    # Nor through the privacy core, even for the author who holds the couple key.
    before = state()
    with pytest.raises(entries.NotReady, match="only ever yours"):
        entries.share(entry, ring(cast.alice.user))
    assert state() == before
    # And the reflection share URL doesn't take a journal entry's id.
    share = reverse("checkins:reflection_share", args=[entry.pk])
    assert cast.alice.client.post(share).status_code == 404
    assert state() == before


# -- newest first, in pages ------------------------------------------------------------------


def test_entries_are_newest_first_in_pages_of_twenty(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    write_many(cast.alice.user, 45, clock)
    first = page(cast.alice.client)
    assert first.index("entry number 44.") < first.index("entry number 43.")
    assert "entry number 25." in first and "entry number 24." not in first
    assert "Page 1 of 3" in first and "Older entries" in first and "Newer entries" not in first
    second = page(cast.alice.client, f"{URL}?page=2")
    assert "entry number 24." in second and "entry number 05." in second
    assert "entry number 25." not in second and "entry number 04." not in second
    third = page(cast.alice.client, f"{URL}?page=3")
    assert "entry number 04." in third and "entry number 00." in third
    assert "Older entries" not in third and "Newer entries" in third


@pytest.mark.parametrize("bad", ["0", "4", "-1", "abc", "9" * 40, "1.5", "%00", "<b>"])
def test_a_bad_page_number_shows_the_first_page_with_a_message(
    cast: Cast, clock: time_machine.Traveller, bad: str
) -> None:
    write_many(cast.alice.user, 45, clock)
    text = page(cast.alice.client, f"{URL}?page={bad}")
    assert html.escape(BAD_PAGE) in text
    assert "entry number 44." in text and "Page 1 of 3" in text


def test_the_page_needs_the_same_queries_for_5_or_80_entries(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cast.alice.client.get(URL).status_code == 200
        return len(captured)

    write_many(cast.alice.user, 5, clock)
    few = count()
    write_many(cast.alice.user, 75, clock)
    assert JournalEntry.objects.count() == 80
    assert count() == few


# -- deleting ------------------------------------------------------------------------------


def test_an_entry_can_be_deleted_by_its_author_after_a_confirmation(cast: Cast) -> None:
    entry = services.write_journal(ring(cast.alice.user), "to be let go of")
    keep = services.write_journal(ring(cast.alice.user), "to be kept")
    url = reverse("checkins:journal_delete", args=[entry.pk])
    text = page(cast.alice.client)
    assert url in text and "Delete this entry for good?" in text
    assert cast.alice.client.get(url).status_code == 405  # never by a link
    response = cast.alice.client.post(url)
    assert response.status_code == 302 and response["Location"] == URL
    assert list(JournalEntry.objects.all()) == [keep]
    assert "to be let go of" not in page(cast.alice.client)


def test_nobody_else_can_delete_an_entry(cast: Cast) -> None:
    entry = services.write_journal(ring(cast.alice.user), "alice's own")
    url = reverse("checkins:journal_delete", args=[entry.pk])
    before = state()
    for person in (cast.bob, cast.carol, cast.erin):
        assert person.client.post(url).status_code == 404
    assert cast.anonymous.post(url).status_code == 302
    assert state() == before


def test_deleting_the_last_entry_of_a_page_goes_to_the_page_before(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    made = write_many(cast.alice.user, 21, clock)
    oldest = made[0]  # alone on page 2
    url = reverse("checkins:journal_delete", args=[oldest.pk])
    response = cast.alice.client.post(url, {"page": "2"})
    assert response["Location"] == URL
    response = cast.alice.client.post(
        reverse("checkins:journal_delete", args=[made[1].pk]), {"page": "javascript:x"}
    )
    assert response["Location"] == URL


# -- bad input: a clear message, nothing changed -------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "An empty page isn&#x27;t kept"),
        ("  \n\n\t ", "An empty page isn&#x27;t kept"),
        ("y" * (JOURNAL_MAX + 1), "up to 10,000 characters"),
    ],
)
def test_empty_or_overlong_entries_are_refused(cast: Cast, typed: str, message: str) -> None:
    services.write_journal(ring(cast.alice.user), "already here")
    before = state()
    response = write(cast.alice.client, typed)
    assert response.status_code == 422
    text = response.content.decode()
    assert message in text
    if typed.strip():
        assert typed in text  # what was typed is kept
    assert state() == before


def test_html_and_script_are_escaped(cast: Cast) -> None:
    write(cast.alice.client, NASTY)
    assert JournalEntry.objects.count() == 1
    text = page(cast.alice.client)
    assert "<script>alert" not in text and html.escape(NASTY) in text
    refused = write(cast.alice.client, NASTY + "z" * JOURNAL_MAX).content.decode()
    assert "<script>alert" not in refused and html.escape(NASTY) in refused


def test_the_service_refuses_what_the_form_would(cast: Cast) -> None:
    alice = ring(cast.alice.user)
    for body in ("", "   ", "z" * (JOURNAL_MAX + 1)):
        with pytest.raises(services.CheckInProblem):
            services.write_journal(alice, body)
    assert JournalEntry.objects.count() == 0
