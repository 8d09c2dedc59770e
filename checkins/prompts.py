"""Reflection prompts, written for Tending and reviewed for tone: warm, plain, no pressure.

Each prompt has a stable key (answers refer to it) and the roles it is offered to.
The role only changes which prompts are offered, never what anyone may see or do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from couples.models import Role


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str
    roles: frozenset[str]


R, H, B = Role.REPAIRING.value, Role.HURT.value, Role.BOTH.value
ALL = frozenset({R, H, B})


def _p(key: str, text: str, *roles: str) -> Prompt:
    return Prompt(key, text, frozenset(roles) if roles else ALL)


_ALL_PROMPTS = [
    # For the partner who is repairing: looking at one's own part.
    _p("r-safer", "Is my partner safer with me than they were a month ago? What tells me so?", R),
    _p("r-consistent", "Where was I consistent today, even when it was uncomfortable?", R),
    _p("r-repair-or-reassure", "Did I choose repair today, or did I look for reassurance?", R),
    _p("r-owned", "What did I own today without explaining it away?", R),
    _p(
        "r-impact",
        "What do I understand about the impact on my partner that I didn't before?",
        R,
    ),
    _p("r-defend", "When did I feel the pull to defend myself today? What did I do with it?", R),
    _p("r-honest-small", "Was there a small thing I could have said honestly and didn't?", R),
    _p("r-patience", "Where could I be more patient with my partner's pace?", R),
    _p("r-promise", "Which promise did I keep today that no one would have missed if I hadn't?", R),
    _p("r-listen", "When my partner spoke today, did I listen to understand, or to answer?", R),
    _p("r-trigger", "What might have felt like a reminder of the hurt for my partner today?", R),
    _p("r-support", "Who or what helps me stay steady in this work, outside of my partner?", R),
    _p("r-proud", "What am I quietly proud of from this week, without needing it to be seen?", R),
    _p(
        "r-not-yet",
        "What am I hoping my partner feels that they may not be ready to feel yet?",
        R,
    ),
    # For the partner who was hurt: honouring pace and honesty.
    _p("h-unsafe", "What feels unsafe right now, even a little?", H),
    _p("h-not-yet", "What would saying \u201cnot yet\u201d protect for me today?", H),
    _p("h-helped", "What helped today, however small?", H),
    _p("h-body", "Where in my body do I notice the hurt today? What does it need?", H),
    _p("h-evidence", "Did I see anything today that I could count as new evidence?", H),
    _p("h-need", "What do I need that I haven't asked for yet?", H),
    _p("h-allowed", "What am I allowed to feel today, even if it doesn't make sense yet?", H),
    _p("h-pace", "Is the pace right for me at the moment, too fast, or too slow?", H),
    _p("h-care", "What did I do today to take care of myself, apart from us?", H),
    _p("h-doubt", "When doubt came today, what did it say? What do I know that answers it?", H),
    _p("h-boundary", "Is there a boundary that would make the coming week feel safer?", H),
    _p("h-moment", "Was there a moment today when I felt a little closer, even briefly?", H),
    _p("h-question", "Is there a question I'm carrying that I'd like to ask when I'm ready?", H),
    _p("h-kind", "What would I say to a friend who felt the way I do today?", H),
    # For both of us, and offered to everyone.
    _p("b-turned-toward", "When did one of us reach for the other today? How was it met?", B, R, H),
    _p("b-appreciate", "What is one thing my partner did this week that I appreciated?", B, R, H),
    _p("b-hard", "What was hard between us this week, described without blame?", B, R, H),
    _p("b-request", "What is one small request I could make for the coming week?", B, R, H),
    _p("b-distance", "When did I feel distant today? What was happening just before?", B),
    _p("b-my-part", "What is my part in the distance between us, just my part?", B),
    _p("b-old-pattern", "Which old pattern showed up today, and what did I do differently?", B),
    _p("b-curious", "What am I curious about in my partner that I haven't asked?", B),
    _p("b-ease", "When did being together feel easy recently? What made it so?", B),
    _p("b-ritual", "Is there a small daily habit that would help us feel connected?", B),
    _p("b-listened", "When did I feel truly listened to lately?", B),
    _p("b-repair", "After our last difficult moment, what helped us find our way back?", B),
    _p("b-hope", "What do I hope our relationship feels like a year from now?", B),
    _p("b-grateful", "What am I grateful for in myself, as someone in this relationship?", B),
    _p("b-rest", "What would rest look like for me this week?", B, R, H),
    _p("b-enough", "What was enough about today?", B, R, H),
]

PROMPTS: dict[str, Prompt] = {p.key: p for p in _ALL_PROMPTS}


def for_role(role: str) -> list[Prompt]:
    return [p for p in _ALL_PROMPTS if role in p.roles]


def suggested(role: str, day: date, person_id: int) -> Prompt:
    """One prompt a day: the same all day for one person, a different one the next day."""
    offered = for_role(role)
    seed = hashlib.blake2b(f"{person_id}:{day.isoformat()}".encode(), digest_size=4).digest()
    return offered[int.from_bytes(seed) % len(offered)]
