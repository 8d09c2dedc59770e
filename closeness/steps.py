"""The built-in steps of the closeness path, in tiers from presence to sexual closeness.

Every word is ours. A step's key never changes once released (answers refer to it); its
wording may be improved. A couple adds their own steps beside these (`OwnStep`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    key: str
    name: str
    about: str


TIERS: tuple[Tier, ...] = (
    Tier("presence", "Being near", "Time in each other's company, without touch being the point."),
    Tier("affection", "Affection", "Simple, warm touch."),
    Tier("sensual", "Sensual", "Closer touch that lingers, without going on to sex."),
    Tier("sexual", "Sexual", "Sex and sexual touch, in whatever ways feel right to you both."),
)
TIER_KEYS: tuple[str, ...] = tuple(t.key for t in TIERS)
TIER_BY_KEY = {t.key: t for t in TIERS}


@dataclass(frozen=True)
class Step:
    key: str
    tier: str
    words: str
    own: bool = False  # added by the couple


BUILT_IN: tuple[Step, ...] = (
    Step("b-sit-close", "presence", "Sitting close to each other on the sofa"),
    Step("b-eyes", "presence", "Looking at each other while we talk"),
    Step("b-walk", "presence", "A walk side by side"),
    Step("b-same-room", "presence", "Reading or resting in the same room"),
    Step("b-hands", "affection", "Holding hands"),
    Step("b-hug", "affection", "A long hug"),
    Step("b-rest", "affection", "Lying down and resting together"),
    Step("b-cheek", "affection", "A kiss on the cheek or the forehead"),
    Step("b-massage", "sensual", "A massage of the shoulders, back or feet"),
    Step("b-kiss", "sensual", "Kissing"),
    Step("b-bath", "sensual", "Bathing or showering together"),
    Step("b-skin", "sensual", "Lying close with little or nothing on, and going no further"),
    Step("b-touch", "sexual", "Touching each other sexually"),
    Step("b-oral", "sexual", "Oral sex"),
    Step("b-sex", "sexual", "Sex, in the ways we both like"),
)
BUILT_IN_BY_KEY = {s.key: s for s in BUILT_IN}


def tier_rank(tier: str) -> int:
    return TIER_KEYS.index(tier)
