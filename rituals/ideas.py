"""Ideas for rituals of connection, written for Tending: low-cost, at home or out, quiet or
playful, with and without touch. A couple can also write their own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Idea:
    key: str
    title: str
    where: str  # "home" or "out"
    mood: str  # "quiet" or "playful"
    touch: bool


IDEAS: tuple[Idea, ...] = (
    Idea("r01", "A weekly evening that's only for us", "home", "quiet", False),
    Idea("r02", "Cook one meal together, start to finish", "home", "playful", False),
    Idea("r03", "A walk after dinner, phones left at home", "out", "quiet", False),
    Idea("r04", "Morning coffee together before the day starts", "home", "quiet", False),
    Idea("r05", "Share one small moment from the week that mattered", "home", "quiet", False),
    Idea("r06", "Swap notes of appreciation on Sunday evening", "home", "quiet", False),
    Idea("r07", "Read aloud to each other for twenty minutes", "home", "quiet", False),
    Idea("r08", "A long hug when one of us comes home", "home", "quiet", True),
    Idea("r09", "Hold hands on the sofa for one episode", "home", "quiet", True),
    Idea("r10", "Try a recipe neither of us has made before", "home", "playful", False),
    Idea("r11", "A picnic, even if it's on the living room floor", "home", "playful", False),
    Idea("r12", "A board game or a card game night", "home", "playful", False),
    Idea("r13", "Visit a market and choose one thing each for dinner", "out", "playful", False),
    Idea("r14", "A slow breakfast at the weekend", "home", "quiet", False),
    Idea("r15", "Plan the week ahead together over tea", "home", "quiet", False),
    Idea("r16", "Dance in the kitchen to one song", "home", "playful", True),
    Idea("r17", "A short shoulder or hand massage, taking turns", "home", "quiet", True),
    Idea("r18", "Stargazing or watching the sunset together", "out", "quiet", False),
    Idea("r19", "Go somewhere new in our own town", "out", "playful", False),
    Idea("r20", "A bike ride with a stop for something warm", "out", "playful", False),
    Idea("r21", "Look through old photos and tell the stories", "home", "quiet", False),
    Idea("r22", "Ten minutes at bedtime to say how the day was", "home", "quiet", False),
    Idea("r23", "Sit close and listen to an album from start to end", "home", "quiet", True),
    Idea(
        "r24", "A library or bookshop visit, each choosing for the other", "out", "playful", False
    ),
    Idea("r25", "Garden, or look after the houseplants, together", "home", "quiet", False),
    Idea("r26", "Bake something and give half away", "home", "playful", False),
    Idea("r27", "A swim or a sauna together", "out", "quiet", False),
    Idea("r28", "Watch a film one of us loved as a teenager", "home", "playful", False),
    Idea("r29", "Write a short letter to each other once a month", "home", "quiet", False),
    Idea("r30", "A free museum or gallery afternoon", "out", "quiet", False),
    Idea("r31", "Tidy one corner of the home together, with music", "home", "playful", False),
    Idea("r32", "Breakfast in bed, taking turns to make it", "home", "quiet", False),
    Idea("r33", "A walk in the rain with a hot drink afterwards", "out", "playful", False),
    Idea("r34", "Sit in silence together for five minutes, side by side", "home", "quiet", True),
    Idea("r35", "Learn a few words of a new language together", "home", "playful", False),
    Idea(
        "r36",
        "Choose a question from 'Our question' and talk it over aloud",
        "home",
        "quiet",
        False,
    ),
    Idea("r37", "A lazy lie-in with no plans", "home", "quiet", True),
    Idea("r38", "A day trip somewhere we can reach by train or bus", "out", "playful", False),
    Idea("r39", "Stretch or do gentle yoga together", "home", "quiet", False),
    Idea("r40", "Call or visit someone we both care about", "out", "quiet", False),
    Idea("r41", "Make a playlist for each other", "home", "playful", False),
    Idea(
        "r42",
        "Sunday evening bath or shower time for each of us, undisturbed",
        "home",
        "quiet",
        False,
    ),
    Idea("r43", "Walk the same route each week and notice what has changed", "out", "quiet", False),
    Idea("r44", "A candlelit dinner at home, however simple the food", "home", "quiet", False),
)


def by_key(key: str) -> Idea | None:
    return next((idea for idea in IDEAS if idea.key == key), None)
