"""The private journal as its page shows it: a page of one's own entries, newest first."""

from __future__ import annotations

from math import ceil
from typing import Any

from django.urls import reverse

from accounts.models import User
from checkins.forms import JournalForm
from checkins.models import JournalEntry
from privacy import entries
from privacy.keyring import Keyring
from tending.paging import page_of

PER_PAGE = 20
BAD_PAGE = "There's no such page in your journal, so here are your newest entries."


def journal_context(
    ring: Keyring, user: User, form: JournalForm, *, asked_page: str | None
) -> dict[str, Any]:
    # Only ever the author's own: never `visible_to`, which would also admit shared entries.
    own = JournalEntry.objects.authored_by(user).order_by("-created_at", "-pk")
    page, page_problem = page_of(own, asked_page, PER_PAGE, BAD_PAGE)
    entries.reveal(list(page.object_list), ring)
    return {"form": form, "page": page, "page_problem": page_problem}


def back_after_delete(user: User, asked: str) -> str:
    """Back to the page the person was on, or the last one left if that page is gone now."""
    url = reverse("checkins:journal")
    remaining = JournalEntry.objects.authored_by(user).count()
    page = min(int(asked), ceil(remaining / PER_PAGE)) if asked.isascii() and asked.isdigit() else 1
    return f"{url}?page={page}" if page > 1 else url
