"""Devices where a person has signed in before, remembered by a signed cookie.

The cookie holds a random device id and, for each account that signed in there, a keyed
tag of (device id, email). It is signed with Django's signing (so it can't be forged or
moved to another device id), HttpOnly, long-lived, and names no account in clear. The
throttle (`accounts.throttle`) gives a known device its own budget, so failures from
another device (a partner's phone on the same Wi-Fi) never refuse it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

SALT = "accounts.devices"
MAX_ACCOUNTS = 5
_PENDING = "_tending_device_cookie"


def _read(request: HttpRequest) -> dict[str, Any] | None:
    raw = request.COOKIES.get(settings.DEVICE_COOKIE_NAME)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=SALT, max_age=settings.DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("d"), str):
        return None
    tags = value.get("a")
    return (
        {"d": value["d"], "a": [t for t in tags if isinstance(t, str)]}
        if isinstance(tags, list)
        else {"d": value["d"], "a": []}
    )


def _tag(device: str, email: str) -> str:
    return salted_hmac(SALT, f"{device}|{email.strip().lower()}", algorithm="sha256").hexdigest()[
        :24
    ]


def known_device(request: HttpRequest, email: str) -> str | None:
    """This device's id if the person with this email has signed in here before."""
    value = _read(request)
    if value is None or _tag(value["d"], email) not in value["a"]:
        return None
    return str(value["d"])


def remember(request: HttpRequest, email: str) -> None:
    """After a full sign-in: mark this device as known for this email."""
    value = _read(request) or {"d": secrets.token_urlsafe(18), "a": []}
    tag = _tag(value["d"], email)
    tags = [*[t for t in value["a"] if t != tag][-(MAX_ACCOUNTS - 1) :], tag]
    setattr(request, _PENDING, signing.dumps({"d": value["d"], "a": tags}, salt=SALT))


def sets_device_cookie(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Writes the cookie `remember` prepared onto the view's response."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        pending = getattr(request, _PENDING, None)
        if pending:
            response.set_cookie(
                settings.DEVICE_COOKIE_NAME,
                pending,
                max_age=settings.DEVICE_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapped
