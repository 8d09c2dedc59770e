"""Sign-in throttling keyed on (account, address) together.

Keying on the pair means a partner who knows the other's email can only lock out
their own device, never the other person's. A looser per-address limit stops one
address spraying many accounts. Keys are keyed hashes: no raw email or IP is stored.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import FailedSignIn


def client_address(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is believed only from a configured proxy."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if remote not in settings.TRUSTED_PROXIES:
        return remote
    forwarded = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    # Walk from the right, skipping our own proxies: the first other hop is the client.
    for hop in reversed([p for p in forwarded if p]):
        if hop not in settings.TRUSTED_PROXIES:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


def _key(*parts: str) -> str:
    return salted_hmac("accounts.throttle", "|".join(parts), algorithm="sha256").hexdigest()


def _keys(kind: str, identity: str, address: str) -> tuple[str, str]:
    return _key(kind, "pair", identity.strip().lower(), address), _key(kind, "addr", address)


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SIGN_IN_THROTTLE_WINDOW_SECONDS)


def is_blocked(kind: str, identity: str, address: str) -> bool:
    """`identity` is what is being tried against (an email; empty for invite codes)."""
    pair, addr = _keys(kind, identity, address)
    since = _window_start()
    recent = FailedSignIn.objects.filter(at__gte=since)
    return (
        recent.filter(key=pair).count() >= settings.SIGN_IN_THROTTLE_PER_PAIR
        or recent.filter(key=addr).count() >= settings.SIGN_IN_THROTTLE_PER_ADDRESS
    )


def record_failure(kind: str, identity: str, address: str) -> None:
    pair, addr = _keys(kind, identity, address)
    FailedSignIn.objects.bulk_create([FailedSignIn(key=pair), FailedSignIn(key=addr)])
    FailedSignIn.objects.filter(at__lt=_window_start()).delete()


def clear(kind: str, identity: str, address: str) -> None:
    pair, _ = _keys(kind, identity, address)
    FailedSignIn.objects.filter(key=pair).delete()
