"""The operator's own list of local help, read from a small JSON file (TENDING_HELP_RESOURCES).

The file is checked at start (safety.E001-E002); a file that turns bad while running shows
no list rather than an error page, because the help page must always open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ALLOWED_KEYS = frozenset({"name", "about", "phone", "url", "hours"})
MAX_RESOURCES = 50


@dataclass(frozen=True)
class Resource:
    name: str
    about: str = ""
    phone: str = ""
    url: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Loaded:
    region: str
    resources: tuple[Resource, ...]


class ResourceFileError(ValueError):
    """The file can't be used; the message says what to fix."""


def is_web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def parse(text: str) -> Loaded:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ResourceFileError(f"not valid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise ResourceFileError('the file must hold one object with a "resources" list')
    region = data.get("region", "")
    if not isinstance(region, str):
        raise ResourceFileError('"region" must be text')
    entries = data.get("resources")
    if not isinstance(entries, list):
        raise ResourceFileError('"resources" must be a list')
    if len(entries) > MAX_RESOURCES:
        raise ResourceFileError(f"at most {MAX_RESOURCES} resources, please")
    found = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ResourceFileError(f"resource {number} must be an object")
        unknown = sorted(set(entry) - ALLOWED_KEYS)
        if unknown:
            raise ResourceFileError(f"resource {number} has unknown keys: {', '.join(unknown)}")
        if any(not isinstance(value, str) for value in entry.values()):
            raise ResourceFileError(f"resource {number}: every value must be text")
        values = {key: value.strip() for key, value in entry.items()}
        if not values.get("name"):
            raise ResourceFileError(f"resource {number} needs a name")
        if not values.get("phone") and not values.get("url"):
            raise ResourceFileError(f"resource {number} needs a phone number or a web address")
        if values.get("url") and not is_web_address(values["url"]):
            raise ResourceFileError(f"resource {number}: url must start with https:// or http://")
        found.append(Resource(**values))
    return Loaded(region=region.strip(), resources=tuple(found))


def load(path: str) -> Loaded:
    """Read and check the file at `path`; an empty path means the operator listed nothing."""
    if not path:
        return Loaded(region="", resources=())
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ResourceFileError(f"can't read {path}: {error}") from None
    return parse(text)


def load_or_nothing(path: str) -> Loaded:
    try:
        return load(path)
    except ResourceFileError:
        return Loaded(region="", resources=())
