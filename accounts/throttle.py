"""Sign-in throttling that a partner on the same network can't turn into a lock-out.

Two kinds of device try to sign in:

- A **known device** carries a signed device cookie (`accounts.devices`) naming this
  account, set when the person last signed in there. Its failures count only against
  that device and that account, with a generous budget. Nothing done elsewhere (another
  device on the same Wi-Fi, the same address, any number of other accounts) refuses it.
- An **unknown device** is limited per (account, address) pair, per address, and, more
  loosely, per account across all addresses, so guessing from anywhere stays slow.

Keys are keyed hashes: no raw email, address or device id is stored.
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


def _limits(kind: str, identity: str, address: str, device: str | None) -> list[tuple[str, int]]:
    """(key, allowed failures in the window) for every counter this attempt touches."""
    who = identity.strip().lower()
    if device is not None:
        return [(_key(kind, "device", device, who), settings.SIGN_IN_THROTTLE_PER_KNOWN_DEVICE)]
    limits = [
        (_key(kind, "pair", who, address), settings.SIGN_IN_THROTTLE_PER_PAIR),
        (_key(kind, "addr", address), settings.SIGN_IN_THROTTLE_PER_ADDRESS),
    ]
    if who:
        limits.append((_key(kind, "account", who), settings.SIGN_IN_THROTTLE_PER_ACCOUNT))
    return limits


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SIGN_IN_THROTTLE_WINDOW_SECONDS)


def is_blocked(kind: str, identity: str, address: str, device: str | None = None) -> bool:
    """`identity` is what is being tried against (an email; empty for invite codes);
    `device` is the id of a device known for that identity (see `accounts.devices`)."""
    recent = FailedSignIn.objects.filter(at__gte=_window_start())
    return any(
        recent.filter(key=key).count() >= limit
        for key, limit in _limits(kind, identity, address, device)
    )


def record_failure(kind: str, identity: str, address: str, device: str | None = None) -> None:
    FailedSignIn.objects.bulk_create(
        [FailedSignIn(key=key) for key, _ in _limits(kind, identity, address, device)]
    )
    FailedSignIn.objects.filter(at__lt=_window_start()).delete()


def clear(kind: str, identity: str, address: str, device: str | None = None) -> None:
    """A success forgets this device's own failures (never the address's or account's)."""
    key, _ = _limits(kind, identity, address, device)[0]
    FailedSignIn.objects.filter(key=key).delete()
