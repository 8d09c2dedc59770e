"""The words of a version: its fields by kind, their labels and limits, and the check that
tidies them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from agreements.models import FIELD_MAX, NOTES_MAX, TITLE_MAX, Area, Kind
from agreements.services.guards import AgreementProblem


@dataclass(frozen=True)
class Terms:
    """The words of one version. Which fields count depends on the kind."""

    title: str = ""
    what: str = ""
    how_often: str = ""
    channel: str = ""
    area: str = ""
    text: str = ""
    notes: str = ""

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Terms:
        return cls(**{f.name: plain.get(f.name) or "" for f in fields(cls)})

    def as_values(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) or None for f in fields(self)}


# Field labels in the order a person reads them, by kind: pages and comparisons use these.
FIELD_LABELS: dict[str, list[tuple[str, str]]] = {
    Kind.TRANSPARENCY: [
        ("title", "In a few words"),
        ("what", "What will be shared"),
        ("how_often", "How often"),
        ("channel", "Through which channel"),
        ("notes", "Notes"),
    ],
    Kind.BOUNDARY: [
        ("title", "In a few words"),
        ("area", "What it's about"),
        ("text", "The boundary"),
        ("notes", "Notes"),
    ],
    Kind.OTHER: [
        ("title", "In a few words"),
        ("text", "What we agree"),
        ("notes", "Notes"),
    ],
    Kind.HEADING: [
        ("text", "Where we're heading"),
    ],
}

_LIMITS = {
    "title": TITLE_MAX,
    "what": FIELD_MAX,
    "how_often": FIELD_MAX,
    "channel": FIELD_MAX,
    "text": FIELD_MAX * 2,
    "notes": NOTES_MAX,
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    Kind.TRANSPARENCY: ("title", "what", "how_often", "channel"),
    Kind.BOUNDARY: ("title", "area", "text"),
    Kind.OTHER: ("title", "text"),
    Kind.HEADING: ("text",),
}


def check_terms(kind: str, terms: Terms) -> Terms:
    """The words, tidied, with only the fields this kind uses; AgreementProblem otherwise."""
    if kind not in Kind.values:
        raise AgreementProblem("That kind of agreement isn't one Tending offers.")
    used = {name for name, _ in FIELD_LABELS[kind]}
    tidy = {f.name: (getattr(terms, f.name) or "").strip() for f in fields(Terms)}
    tidy = {name: (value if name in used else "") for name, value in tidy.items()}
    labels = dict(FIELD_LABELS[kind])
    for name in _REQUIRED[kind]:
        if not tidy[name]:
            raise AgreementProblem(f"Please fill in \u201c{labels[name]}\u201d.")
    for name, limit in _LIMITS.items():
        if len(tidy[name]) > limit:
            raise AgreementProblem(
                f"\u201c{labels.get(name, name)}\u201d can be up to {limit:,} characters."
            )
    if kind == Kind.BOUNDARY and tidy["area"] not in Area.values:
        raise AgreementProblem("Choose what the boundary is about.")
    return Terms(**tidy)
