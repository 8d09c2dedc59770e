"""With titles on, a new or renamed commitment reaches the feed without opening its settings."""

from __future__ import annotations

from django.urls import reverse

from commitments import feed as calendar_feed
from commitments.models import Commitment
from commitments.services import local_today
from conftest import PASSWORD, Cast
from privacy.keyring import PasswordKeyring


def test_titles_follow_creating_and_renaming(cast: Cast) -> None:
    alice = cast.alice
    token = calendar_feed.start_feed(PasswordKeyring(alice.user, PASSWORD))
    calendar_feed.set_show_titles(PasswordKeyring(alice.user, PASSWORD), True)
    feed_url = reverse("commitments:feed", args=[token])

    made = alice.client.post(
        reverse("commitments:new"),
        {
            "title": "Phone stays in the kitchen after ten",
            "cadence": "daily",
            "starts_on": local_today(alice.user).isoformat(),
            "sharing": "shared",
        },
    )
    assert made.status_code == 302
    assert "Phone stays in the kitchen after ten" in cast.anonymous.get(feed_url).content.decode()

    commitment = Commitment.objects.get(author=alice.user)
    renamed = alice.client.post(
        reverse("commitments:edit", args=[commitment.pk]),
        {"title": "Phone rests in the kitchen", "details": "", "revision": commitment.revision},
    )
    assert renamed.status_code == 302
    ics = cast.anonymous.get(feed_url).content.decode()
    assert "Phone rests in the kitchen" in ics
    assert "Phone stays in the kitchen after ten" not in ics
