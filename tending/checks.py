"""Configuration mistakes surface as system checks, each with an id and a test."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_shared_secret(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    engine = str(settings.DATABASES["default"]["ENGINE"])
    if engine.endswith("postgresql") and settings.SECRET_KEY_FROM_FILE:
        found.append(
            Warning(
                "TENDING_SECRET_KEY is not set, so each machine generates its own.",
                hint="Several app servers must share one key: set TENDING_SECRET_KEY on each.",
                id="tending.W001",
            )
        )
    local = {"127.0.0.1", "localhost", "[::1]"}
    if not settings.HTTPS and any(host not in local for host in settings.ALLOWED_HOSTS):
        found.append(
            Warning(
                "Tending serves other hosts than this machine over plain HTTP.",
                hint="Put it behind HTTPS and set TENDING_HTTPS=1.",
                id="tending.W002",
            )
        )
    return found
