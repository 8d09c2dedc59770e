"""Safety configuration mistakes surface at start, each with an id and a test."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from safety import resources


@register()
def check_help_resources(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    try:
        resources.load(settings.HELP_RESOURCES_FILE)
    except resources.ResourceFileError as error:
        return [
            Error(
                f"TENDING_HELP_RESOURCES can't be used: {error}.",
                hint="See safety/help_resources.example.json for the expected shape.",
                id="safety.E001",
            )
        ]
    return []


@register()
def check_quick_exit_url(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if resources.is_web_address(settings.QUICK_EXIT_URL):
        return []
    return [
        Error(
            "TENDING_QUICK_EXIT_URL must be a full web address.",
            hint="For example https://www.bbc.co.uk/weather: a harmless page on another site.",
            id="safety.E002",
        )
    ]
