"""A readable comparison between two versions of an agreement: field by field, and within
a field word by word, with words (not only colour) saying what was added and removed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from agreements.models import Area

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Piece:
    op: str  # "same", "added" or "removed"
    text: str


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after


def shown(name: str, value: str) -> str:
    """A field's value as a person reads it (a boundary's area by its label)."""
    if name == "area" and value in Area.values:
        return str(Area(value).label)
    return value


def words_diff(before: str, after: str) -> list[Piece]:
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return [p for p in pieces if p.text]


def phrases(pieces: list[Piece]) -> list[Piece]:
    """Word-level changes read as phrases: a space kept between two changed words joins
    them, so "Over dinner" becoming "A call" reads as one phrase out and one in, rather than
    alternating single words."""
    tidy: list[Piece] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        out, into = "".join(removed), "".join(added)
        if out.strip():
            tidy.append(Piece("removed", out))
        if into.strip():
            tidy.append(Piece("added", into))
        elif into and not out.strip():
            tidy.append(Piece("same", into))
        removed.clear()
        added.clear()

    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        joining = (
            piece.op == "same"
            and piece.text.isspace()
            and 0 < i < last
            and pieces[i - 1].op != "same"
            and pieces[i + 1].op != "same"
        )
        if joining:
            removed.append(piece.text)
            added.append(piece.text)
        elif piece.op == "removed":
            removed.append(piece.text)
        elif piece.op == "added":
            added.append(piece.text)
        else:
            flush()
            tidy.append(piece)
    flush()
    return tidy


def compare(
    labels: list[tuple[str, str]], before: dict[str, str] | None, after: dict[str, str]
) -> list[FieldChange]:
    """Every field of the kind, in reading order; `before` None for a first version."""
    changes = []
    for name, label in labels:
        old = shown(name, (before or {}).get(name) or "")
        new = shown(name, after.get(name) or "")
        change = FieldChange(name, label, old, new)
        if before is not None and change.changed:
            change.pieces = phrases(words_diff(old, new))
        changes.append(change)
    return changes
