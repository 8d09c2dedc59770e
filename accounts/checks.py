"""Passkey settings (TENDING_PASSKEY_RP_ID, TENDING_PASSKEY_ORIGINS) checked at start.

A mistake that can never work is an error (accounts.E010-E013). An install on plain HTTP
or on a bare IP address is a warning: Tending still runs there, it just doesn't offer
passkeys, and the settings page says why.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

HOW = "See “Passkeys” in the README."


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_local(host: str) -> bool:
    """Browsers treat http://localhost as a secure context: passkeys work there."""
    return host == "localhost" or host.endswith(".localhost")


def under(host: str, rp_id: str) -> bool:
    return host == rp_id or host.endswith("." + rp_id)


@register(Tags.security)
def check_passkey_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    rp_id = str(settings.OTP_WEBAUTHN_RP_ID)
    origins = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS
    if not rp_id or any(mark in rp_id for mark in ("://", "/", ":", " ")) or rp_id != rp_id.lower():
        found.append(
            Error(
                f"TENDING_PASSKEY_RP_ID {rp_id!r} is not a plain host name.",
                hint="Give the host name alone, e.g. tending.example.org (no https://, port "
                "or path). " + HOW,
                id="accounts.E010",
            )
        )
        return found
    if is_ip(rp_id):
        found.append(
            Warning(
                f"Passkeys can't be bound to an IP address ({rp_id}), so none are offered.",
                hint="Open Tending by a host name over HTTPS and set TENDING_SITE_URL (or "
                "TENDING_PASSKEY_RP_ID and TENDING_PASSKEY_ORIGINS) to it. " + HOW,
                id="accounts.W011",
            )
        )
    for origin in origins:
        parts = urlsplit(str(origin))
        try:
            parts.port  # noqa: B018  (a port that isn't a number raises here)
        except ValueError:
            parts = urlsplit("")
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            found.append(
                Error(
                    f"TENDING_PASSKEY_ORIGINS has {origin!r}, which is not an origin.",
                    hint="Each origin is a scheme, a host and maybe a port, e.g. "
                    "https://tending.example.org, nothing after it. " + HOW,
                    id="accounts.E011",
                )
            )
            continue
        host = parts.hostname
        if not under(host, rp_id):
            found.append(
                Error(
                    f"The passkey origin {origin!r} is not on {rp_id!r} or below it.",
                    hint="A browser refuses passkeys for a relying party id its address "
                    "doesn't end with: make TENDING_PASSKEY_RP_ID that host, or a domain "
                    "above it. " + HOW,
                    id="accounts.E012",
                )
            )
        elif parts.scheme == "http" and not is_local(host) and not is_ip(host):
            found.append(
                Warning(
                    f"The passkey origin {origin!r} is plain HTTP, where browsers offer no "
                    "passkeys.",
                    hint="Serve Tending over HTTPS (TENDING_HTTPS=1 behind a proxy with a "
                    "certificate); until then the settings page says passkeys need it. " + HOW,
                    id="accounts.W010",
                )
            )
    if not origins:
        found.append(
            Error(
                "TENDING_PASSKEY_ORIGINS is empty.",
                hint="Leave it unset to use TENDING_SITE_URL, or name the addresses. " + HOW,
                id="accounts.E013",
            )
        )
    return found
