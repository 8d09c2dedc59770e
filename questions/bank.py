"""The bank of questions, read once from `data/bank.txt` (see the file's header)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

TIERS = ("light", "middle", "deeper")
AUDIENCES = ("all", "repair", "both")
TOPICS = ("everyday", "appreciation", "future", "helps", "vulnerable")
BANK_FILE = Path(__file__).resolve().parent / "data" / "bank.txt"


@dataclass(frozen=True)
class Question:
    key: str
    tier: str
    audience: str
    topic: str
    text: str


@cache
def questions() -> tuple[Question, ...]:
    found: list[Question] = []
    for number, line in enumerate(BANK_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, tier, audience, topic, text = (part.strip() for part in line.split("|"))
        if tier not in TIERS or audience not in AUDIENCES or topic not in TOPICS or not text:
            raise ValueError(f"{BANK_FILE.name} line {number} isn't a question: {line!r}")
        found.append(Question(key, tier, audience, topic, text))
    if len({q.key for q in found}) != len(found):
        raise ValueError(f"{BANK_FILE.name} uses a key twice")
    return tuple(found)


def by_key(key: str) -> Question | None:
    return next((q for q in questions() if q.key == key), None)
