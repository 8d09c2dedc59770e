"""Sharing and unsharing one's own entry from a page: one helper the feature apps' share and
unshare views call, so every kind behaves alike.

It fetches through the access core (only the author's own entry; anything else is the same
404 as a missing one), shares or unshares it (`entries.share` / `entries.unshare`, or the
app's own service that does more), says so calmly, and sends the person back to the page
they came from. When sharing can't happen yet (no partner in the space, a kind that is only
ever one's own), the reason is shown and nothing changes: never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from privacy import entries
from privacy.access import own_or_404
from privacy.keyring import Keyring, keyring_for
from tending.http import signed_in_user


def change_sharing[E: entries.Entry](
    request: HttpRequest,
    model: type[E],
    entry_id: UUID,
    *,
    shared: bool,
    back: str,
    said: str | None = None,
    act: Callable[[E, Keyring], None] | None = None,
) -> HttpResponse:
    """Share (`shared=True`) or stop sharing the signed-in person's own entry, then redirect
    to `back` (a path or a URL name). `said` is the calm line shown when it worked (none
    when the page itself shows the change); `act` replaces the plain share/unshare when the
    app keeps more in step."""
    entry = own_or_404(model, signed_in_user(request), entry_id)
    change: Callable[[E, Keyring], None] = act or (entries.share if shared else entries.unshare)
    try:
        change(entry, keyring_for(request))
    except entries.NotReady as reason:
        messages.error(request, str(reason))
    else:
        if said:
            messages.add_message(request, messages.SUCCESS if shared else messages.INFO, said)
    return redirect(back)
