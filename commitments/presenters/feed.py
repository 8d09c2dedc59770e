"""The calendar feed's settings page: the calm line after each change, and the page's
values (its secret address, also as a webcal:// link a phone opens in its calendar app)."""

from __future__ import annotations

from typing import Any

from commitments import feed as feeds
from commitments.models import CalendarFeed

DONE = {
    "start": "Your calendar feed is ready. Add its address to your calendar app.",
    "regenerate": (
        "Your feed has a new address. The old one has stopped working; "
        "add the new one to your calendar app."
    ),
    "titles_on": "Your calendar will show the titles of your commitments.",
    "titles_off": "Your calendar will show only the kind of each occasion again.",
    "stop": "Your calendar feed is off, and its address no longer works.",
}
NOTHING_CHANGED = "Nothing changed."


def settings_context(
    feed: CalendarFeed | None, url: str | None, lost: bool | None
) -> dict[str, Any]:
    return {
        "feed": feed,
        "url": url,
        "webcal": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
        if url
        else None,
        "lost": lost,
        "days_back": feeds.DAYS_BACK,
        "days_ahead": feeds.DAYS_AHEAD,
    }
