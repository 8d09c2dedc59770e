from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse

from couples import services as couples
from privacy import keys
from privacy.access import NOT_FOUND
from privacy.keyring import SESSION_FIELD, Locked, keyring_for
from tending.http import signed_in_user

SKIPS_HANDOVER = "skips_key_handover"


def without_key_handover[V: Callable[..., Any]](view: V) -> V:
    """For a view polled every few seconds that reads no shared entry's words (a screen
    asking "anything new?"): the couple key handover waits for the next real page, which
    saves its two queries on every poll."""
    setattr(view, SKIPS_HANDOVER, True)
    return view


class KeyringMiddleware:
    """Gives each request its keyring, sets or clears the key cookie, and hands the
    couple key to a partner who joined while this person was away."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ring = keyring_for(request)
        response = self.get_response(request)
        if ring.new_cookie_secret is not None:
            response.set_cookie(
                settings.KEY_COOKIE_NAME,
                base64.urlsafe_b64encode(ring.new_cookie_secret).decode(),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif settings.KEY_COOKIE_NAME in request.COOKIES and not request.session.get(SESSION_FIELD):
            response.delete_cookie(settings.KEY_COOKIE_NAME, samesite="Lax")
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if request.user.is_authenticated and not getattr(view, SKIPS_HANDOVER, False):
            self._grant_partner_if_needed(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """This browser can't open the keys (the key cookie was lost): sign in again."""
        if not isinstance(exception, Locked):
            return None
        logout(request)
        messages.info(request, "Please sign in again to open your entries on this device.")
        return redirect_to_login(request.get_full_path())

    def _grant_partner_if_needed(self, request: HttpRequest) -> None:
        user = signed_in_user(request)
        mine, partner = couples.pair_of(user)
        if mine is None or partner is None:
            return
        holders = keys.couple_key_holders(mine.couple_id)
        if user.pk not in holders or partner.user_id in holders:
            return
        try:
            couple_key = keyring_for(request).couple_key(mine.couple_id)
        except Locked:
            return
        if couple_key is not None:
            keys.grant_to_partner(mine.couple_id, couple_key, partner.user)


class NotYoursMiddleware:
    """A service that refuses a person with `PermissionError` (privacy/rules.py) answers with
    the same 404 as a missing entry, in this one place rather than in every view: "not
    yours" never confirms that something exists, and never becomes a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionError):
            return response_for_exception(request, Http404(NOT_FOUND))
        return None
