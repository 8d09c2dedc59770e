"""The gentle wording aid: every rule in one readable place.

While someone writes (what they want to say, what they heard, a concern or its answer),
this notices phrases that usually land as one of four patterns that wear a relationship
down, and offers the antidote: criticism (a verdict on the person instead of a complaint
about a moment), contempt (mockery, sarcasm, name-calling, disgust), defensiveness
(counter-attack, "yes, but", minimising, the apology that blames) and stonewalling
(closing the conversation with no way back). It runs here, on the Tending server, with no
outside service; it stores nothing, never blocks sending, never tells the partner
anything, and each person can switch it off.

How it reads a text, before any rule:
- curly quotes become straight ones, one character for one, so positions stay the same;
- words someone else said are set aside: a quotation after "you said", "told me", "called
  me" and the like, or the rest of a clause after such a verb ("when you said I never
  listen, ..."), so reflecting the other's words back is never flagged;
- each rule then looks at the text as written, and at the sentence a phrase is in, to
  stay quiet where the same words are warm ("you always make me laugh"), about oneself,
  denied ("I don't think you're lazy"), polite ("sorry, but could you ...") or, for a
  pause, come with a way back ("... let's pick this up after dinner").

The rules are written for the patterns, not for sentences: each accepts contractions with
or without the apostrophe, "u"/"ur", and no punctuation. `conversations/data/
wording_set.tsv` is the labelled set they are measured on; `python -m bench.wording`
prints precision and recall on its held-out part, and a test holds them to the bar.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

# Only to find the literal words of each phrase, to skip phrases that can't match; on a
# Python without it, every phrase is simply run.
_parse: Any = getattr(getattr(re, "_parser", None), "parse", None)

# -- the four patterns, in plain words --------------------------------------------------------

PATTERNS: dict[str, str] = {
    "criticism": "criticism of the person",
    "contempt": "contempt",
    "defensiveness": "defending instead of hearing",
    "stonewalling": "closing the conversation",
}


@dataclass(frozen=True)
class Kind:
    """One kind of phrase the aid can point at: which pattern it belongs to, its name in
    plain words, why it tends to land badly, and one or two ways to say it instead."""

    key: str
    pattern: str
    name: str
    why: str
    instead: tuple[str, ...]


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "always-never",
            "criticism",
            "\u201calways\u201d or \u201cnever\u201d about the other person",
            "It turns one moment into a verdict on the whole person, and the talk tends to "
            "become about whether it's true rather than about what you feel.",
            ("When \u2026 happened, I felt \u2026", "I feel \u2026 about \u2026 and I need \u2026"),
        ),
        Kind(
            "character",
            "criticism",
            "a judgement of who they are",
            "A word about someone's character is hard to hear as anything but an attack, "
            "so what you need from them can get lost.",
            (
                "I felt \u2026 when \u2026, and what I need is \u2026",
                "Can we talk about what happened on \u2026?",
            ),
        ),
        Kind(
            "loaded-question",
            "criticism",
            "a question that is really a reproach",
            "It asks for no answer, so it usually lands as blame and invites a defence.",
            (
                "It matters to me that \u2026; could you \u2026?",
                "I'd like \u2026. Would that work for you?",
            ),
        ),
        Kind(
            "you-make-me",
            "criticism",
            "putting your feeling in their hands",
            "\u201cYou make me\u201d says they are the cause; saying the feeling as your own "
            "is easier to take in.",
            ("I feel \u2026 when \u2026, and I need \u2026",),
        ),
        Kind(
            "name-calling",
            "contempt",
            "a name or a word of disgust",
            "Being called a name tells someone they are looked down on; after that, little "
            "else in the message can be heard.",
            (
                "I'm really hurt right now, and what I need is \u2026",
                "I'm angry about \u2026, and I want us to sort it out.",
            ),
        ),
        Kind(
            "sarcasm",
            "contempt",
            "sarcasm",
            "Saying the opposite of what you mean usually stings more than saying it "
            "plainly, and it hides the hurt underneath.",
            (
                "I was disappointed when \u2026, and I'd like \u2026",
                "Say plainly what you wish had happened.",
            ),
        ),
        Kind(
            "mockery",
            "contempt",
            "mockery or an eye-roll in words",
            "Mocking someone's feelings, or brushing them off with a roll of the eyes, "
            "tells them they aren't worth taking seriously.",
            (
                "I'm finding this hard to hear. Can you tell me more?",
                "I see it differently; can I say how?",
            ),
        ),
        Kind(
            "yes-but",
            "defensiveness",
            "\u201cyes, but\u201d",
            "The \u201cbut\u201d tends to cancel the \u201cyes\u201d, so the other person hears "
            "that their point didn't land.",
            (
                "You're right that \u2026. What I can do is \u2026",
                "I hear that \u2026. Tell me more.",
            ),
        ),
        Kind(
            "counter-attack",
            "defensiveness",
            "answering a complaint with one of your own",
            "Turning it back on them makes the talk a contest, and their concern goes unanswered.",
            (
                "You're right about \u2026; my part was \u2026",
                "Let's stay with what you raised first. I can bring mine up later.",
            ),
        ),
        Kind(
            "innocent-victim",
            "defensiveness",
            "feeling blamed rather than hearing them",
            "When a complaint is answered with \u201cit's not my fault\u201d or \u201cI can't "
            "do anything right\u201d, the other person ends up comforting you instead of "
            "being heard.",
            (
                "I can see this matters to you. What part is mine?",
                "That's hard to hear, and I want to understand it.",
            ),
        ),
        Kind(
            "minimising",
            "defensiveness",
            "making it smaller than it feels to them",
            "Telling someone it's not a big deal, or that they feel too much, usually "
            "makes them feel less heard, not calmer.",
            (
                "Help me understand what this is like for you.",
                "I can see this matters a lot to you.",
            ),
        ),
        Kind(
            "excuse",
            "defensiveness",
            "an explanation in place of ownership",
            "A reason why it happened can sound like a reason it shouldn't have hurt, even "
            "when that isn't meant.",
            (
                "I see how that affected you.",
                "What I did was \u2026, and I understand it left you feeling \u2026",
            ),
        ),
        Kind(
            "sorry-but",
            "defensiveness",
            "an apology that hands the blame back",
            "An apology followed by a \u201cbut\u201d, or one for how they feel rather than "
            "for what you did, tends to take the apology back.",
            (
                "I'm sorry. I see how that affected you.",
                "I'm sorry; what I'll do differently is \u2026",
            ),
        ),
        Kind(
            "shutting-down",
            "stonewalling",
            "closing the conversation with no way back",
            "Ending the talk without saying when you'll return can feel like being shut "
            "out. A break is often wise; saying when you'll come back makes it safe.",
            (
                "I need a break. Can we come back to this at \u2026?",
                "I'm too wound up to listen well; give me twenty minutes and I'll come back.",
            ),
        ),
    )
}

# -- building blocks --------------------------------------------------------------------------

# Written once and reused, so every rule accepts the same spellings.
_PARTS = {
    "YOU": r"(?:you|u|ya)",
    # "your" only where it can't be the possessive ("your so selfish", not "your cold hands").
    "YOURE": r"(?:you'?re|you are|ur|u r|u are|youre|you're being|you are being|your(?= (?:so|"
    r"such|always|being|really|just|the most|an?|never|not|constantly|completely|totally|"
    r"literally|honestly|over-?reacting|overreacting)\b))",
    "YOUWERE": r"(?:you'?re|you are|ur|u r|u are|youre|you were|u were|you'?ve been|"
    r"you have been|your(?= (?:so|such|always|being|really|just|the most|an?|never|not|"
    r"constantly|completely|totally|literally|honestly)\b))",
    "IM": r"(?:i'?m|i am|im)",
    "NT": r"(?:n'?t| not)",
    "DONT": r"(?:don'?t|do not|dont)",
    "DIDNT": r"(?:didn'?t|did not|didnt)",
    "CANT": r"(?:can'?t|cannot|can not|cant)",
    "ITS": r"(?:it'?s|it is|its|it was|that'?s|that is|thats|that was|this is|this was)",
    "WHATS": r"(?:what'?s|what is|whats|wats)",
    # Sentence start (after a stop, a line break or a dash) and clause start (also a comma).
    "S": r"(?:^|(?<=[.!?\n\u2026;:\u2014\u2013]))[\s\"'(*~-]*",
    "C": r"(?:^|(?<=[.!?\n\u2026;:,\u2014\u2013]))[\s\"'(*~-]*",
    # Sentence end: a stop, a line break or the end of the text.
    "E": r"[\s\"')*~]*(?:[.!?\u2026\n]|$)",
    "INTENS": r"(?:so |such |really |just |completely |totally |truly |the most |incredibly |very "
    r"|always |always so |pretty |kind of |honestly |plain |being |so damn |damn |fucking "
    r"|bloody |absolutely |utterly |seriously |unbelievably |ridiculously |a |an |such an? )*",
}


def _x(pattern: str) -> str:
    for name, part in _PARTS.items():
        pattern = pattern.replace("{" + name + "}", part)
    return pattern


# Words of character that make "you are ..." a verdict on the person (criticism) ...
_CHARACTER = (
    r"(?:selfish|lazy|careless|thoughtless|inconsiderate|irresponsible|unreliable|"
    r"self-?absorbed|self-?centr?e?red|self-?obsessed|cold|heartless|controlling|negative|"
    r"impossible|difficult|immature|insensitive|ungrateful|rude|mean|cruel|manipulative|"
    r"toxic|selfish person|needy|clingy|jealous|paranoid|lazy person|untrustworthy|"
    r"dishonest|fake|spoiled|spoilt|arrogant|entitled|stubborn|unbearable|incompetent|"
    r"hopeless|a mess|a nightmare|so (?:hard|difficult) to (?:love|live with|talk to)|"
    r"impossible to (?:live with|talk to|please|love)|"
    r"(?:terrible|bad|lousy|awful|horrible|crap|shit|useless) "
    r"(?:listener|partner|husband|wife|boyfriend|girlfriend|father|mother|dad|mum|mom|"
    r"parent|friend|person|communicator))"
)
_SUPERLATIVE = (
    r"(?:the (?:laziest|worst|most (?:selfish|inconsiderate|careless|thoughtless|"
    r"irresponsible|difficult|unreliable|self-?absorbed|selfish|negative|controlling|"
    r"annoying|insensitive|ungrateful))\b)"
)
# A wider list of traits that, said of the other person, judge who they are.
_TRAITS = (
    r"(?:selfish|lazy|careless|thoughtless|inconsiderate|insensitive|irresponsible|unreliable|"
    r"untrustworthy|dishonest|deceitful|sneaky|shady|manipulative|controlling|possessive|"
    r"jealous|needy|clingy|paranoid|unstable|immature|childish|stubborn|pig-?headed|arrogant|"
    r"entitled|spoiled|spoilt|ungrateful|greedy|stingy|tight|petty|vindictive|spiteful|bitter|"
    r"negative|moody|grumpy|miserable|boring|hopeless|helpless|incompetent|clueless|ignorant|"
    r"weak|spineless|cowardly|annoying|irritating|exhausting|draining|demanding|impossible|"
    r"difficult|hypocritical|two-?faced|fake|shallow|vain|self-?absorbed|self-?centr?e?red|"
    r"self-?obsessed|self-?ish|narcissistic|toxic|abusive|nasty|horrible|awful|terrible|"
    r"cold|cold-?hearted|heartless|emotionless|uncaring|unfeeling|unromantic|distant|"
    r"closed off|checked out|flaky|sloppy|messy|disorganised|disorganized|forgetful|"
    r"obsessive|neurotic|insecure|passive-?aggressive|aggressive|defensive|critical|"
    r"judgemental|judgmental|condescending|patronising|patronizing|disrespectful|rude|mean|"
    r"cruel|lazy as hell|useless at|hopeless at|terrible at|awful at|bad at|crap at|"
    r"incapable|unbearable|impossible to \w+|hard to (?:love|live with|talk to|be with)|"
    r"never satisfied|a workaholic|"
    r"a control freak|a slob|a snob|a bully|a cheat|a cheater|a flirt|a miser|a nag|"
    r"a know-?it-?all|a pushover|a doormat|a mummy'?s boy|a mama'?s boy)"
)
_TRAIT_NOUNS = (
    r"(?:person|partner|husband|wife|boyfriend|girlfriend|father|mother|dad|mum|mom|parent|"
    r"friend|listener|communicator|human being|man|woman|cook|driver|lover)"
)
# What "it was only a ..." tends to make small: the things couples argue about.
_INCIDENTS = (
    r"(?:texts?|messages?|drinks?|coffees?|lunch(?:es)?|dinner|kiss|hug|jokes?|games?|friends?|"
    r"colleagues?|co-?workers?|chats?|dance|photos?|pictures?|likes?|comments?|flirt(?:ing)?|"
    r"night out|bit of fun|banter|words?|once|one time|a few (?:texts|messages|drinks|times)|"
    r"fling|crush|conversation|email|dm|snap|bet|hundred|few quid|few pounds|few dollars|"
    r"money|porn|video|app|phone call|phone|party|night|weekend|thing|hobby|show|match|"
    r"gym|film|movie|game)\b"
)
# ... and names that look down on them (contempt).
_NAMES = (
    r"(?:idiot|moron|imbecile|loser|joke|child|baby|clown|liar|fool|jerk|coward|hypocrite|"
    r"drama queen|princess|pig|slob|creep|brat|psycho|narcissist|waste of space|disgrace|"
    r"embarrassment|failure|piece of (?:work|shit|crap)|prick|dick|bitch|bastard|asshole|"
    r"arsehole|twat|dumbass|dork|wimp|parasite|leech|pathetic|disgusting|useless|worthless|"
    r"stupid|dumb|ridiculous|laughable|delusional|gross|crazy|insane|nuts|"
    r"pathetic excuse for an? \w+|sad little \w+|spineless|brainless|clueless|a sad \w+)"
)

# Warm words: a sentence with one of these is an appreciation, not a reproach.
_WARM = re.compile(
    r"\b(?:thank|thanks|thankful|appreciate|grateful|love|loved|lovely|glad|happy|proud|"
    r"lucky|admire|adore|cherish|notice|noticed|meant a lot|means a lot|miss you|sweet|"
    r"i'?m (?:always )?here|favou?rite|in the best way|"
    r"wonderful|amazing|beautiful|bless)",
    re.IGNORECASE,
)
# What "you always ..." is when it is warm (a good habit) ...
_GOOD_HABIT = re.compile(
    r"^\W*(?:so |such |just |really |the )?(?:have a way|know|make me (?:laugh|smile|"
    r"feel (?:safe|better|"
    r"loved|good|at home|seen|heard|special|calm))|remember|help|listen|there for|kind|patient|"
    r"gentle|thoughtful|generous|show up|the first to|bring me|make (?:the best|time|sure)|"
    r"smell|look (?:great|good|lovely|beautiful|nice)|believe in|(?:have|had|got) my back|"
    r"find the|find a way|support|"
    r"take care|care|keep your word|on time|honest|cheer|forgive|encourage|calm|warm|fun|"
    r"funny|good|great|brilliant|wonderful|lovely|sweet|welcome|ready to|willing|"
    r"put (?:us|me|the kids|others)|made me|been (?:there|kind|good|patient|gentle|honest|my|"
    r"the (?:best|one)|so)|find (?:the right|a way|time|the good)|the best|my (?:favourite|"
    r"favorite|rock|person|home|safe)|get me|understand|see the (?:best|good)|light up|"
    r"brighten|manage to (?:make|find)|come through|stand by|back me|believe|stick up)",
    re.IGNORECASE,
)
# ... and what "you never ..." is when it is warm (a bad habit they don't have).
_BAD_HABIT_ABSENT = re.compile(
    r"^\W*(?:once |ever |even )?(?:complain|fail|let me down|give up|judge|forget|miss|"
    r"criticis|criticiz|raise your voice|raised your voice|yell|shout|blame|make me feel "
    r"(?:small|stupid|bad|alone|silly|unwanted)|made me feel (?:small|stupid|bad|alone|silly)|"
    r"(?:an? )?(?:burden|bother|nuisance|problem to me)|too much|in the way|alone|"
    r"make me feel (?:like (?:a|an) (?:burden|failure|idiot|bother|nuisance|fool|child)|guilty|"
    r"judged|ashamed|rushed|pressured|worthless|unloved|unwanted|crazy|dumb|less)|"
    r"have to|need to (?:earn|apologi|prove|worry|ask|explain|thank|hide|pretend)|"
    r"too (?:tired|busy|proud|shy) to|more (?:\w+ )?than|let me (?:face|go through|"
    r"deal with|struggle|handle|carry)|"
    r"hold (?:it|"
    r"a grudge|grudges)|lie|lied|"
    r"ask for (?:much|anything)|stop (?:trying|caring|loving|believing|surprising|amazing|"
    r"making me|showing)|quit|walk away|gave up|given up|(?:make|made) a (?:fuss|scene)|"
    r"leave me (?:out|behind)|push|rush|pressure|doubt|hesitate|disappoint)",
    re.IGNORECASE,
)
# Words of a reply that asks something of the other, after "yes, but" or "sorry, but".
_REQUEST_AFTER_BUT = re.compile(
    r"\W*(?:(?:could|can|would|will|do|did|shall|should|may|might|is|are|have|has)\b|"
    r"let'?s\b|please\b|maybe\b|perhaps\b|only if\b|if you (?:want|like|'?d like|prefer)|"
    r"i'?d (?:still |really |also )?(?:like|love|prefer)|i would (?:still |really |also )?"
    r"(?:like|love|prefer)|i (?:also |still )?(?:want|need) (?:to (?:leave|go|take|get|make|"
    r"finish|ask|check|be)|us|you to (?:know|call|pick|come)|a (?:minute|hand|lift))|"
    r"i (?:have|'?ve got|must) to (?:leave|go|take|get|finish|be)|i'?ll\b|i will\b|"
    r"i (?:can'?t|cannot) (?:do|make|come|go|get|find)\b|"
    r"i (?:also |still |really )?(?:want|need|'?d like|would like|'?m going|am going|'?m trying|"
    r"am trying) to (?!explain|defend|say (?:that )?(?:you|it)|point out|remind you)|"
    r"the (?!point|thing is|fact)\w+|my (?!point)\w+|our\b|yes\b|no\b|we (?:could|can|should|"
    r"need|might)|that'?s (?:fine|okay|ok|great)|saturday|sunday|monday|tuesday|wednesday|"
    r"thursday|friday|tomorrow|tonight)",
    re.IGNORECASE,
)
# A way back after a pause: with one of these anywhere in the text, closing words are a
# break, not a shut door.
_WAY_BACK = re.compile(
    r"\b(?<!or )(?:later|tonight|tomorrow|this (?:evening|afternoon|weekend)|come back|be back|"
    r"back in (?:a|an|\d+|one|two|five|ten|fifteen|twenty|thirty|half|a few|an hour)|"
    r"back to (?:this|it|you)|pick (?:it|this|things) (?:up|back up)|return to|talk again|"
    r"(?:we|we'?ll|let'?s|and|then) keep (?:talking|going)|carry on|continue|"
    r"when i'?m (?:calmer|ready|less)|once i'?ve|"
    r"once i (?:calm|cool)|after (?:dinner|lunch|breakfast|work|the kids|a break|a walk|a "
    r"while|some sleep|school|the meeting)|in (?:a|an|\d+|one|two|five|ten|fifteen|twenty|"
    r"thirty|half an?|a few|a couple of) (?:minutes?|mins?|hours?|hrs?|while|bit|sec|"
    r"seconds?|moment|days?)|one sec|a minute|a moment|give me (?:a|some|an) |i promise|"
    r"(?:on|next) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"at (?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)|"
    r"in the morning|let'?s (?:talk|try) (?:again|when|after|in)|another time|not yet but|"
    r"when we'?re (?:both )?(?:calmer|rested|ready))",
    re.IGNORECASE,
)
# Words before a phrase in its clause that deny it or make it hypothetical.
_DENIED = re.compile(
    r"\b(?:not|n'?t|never said|don'?t think|didn'?t mean|wouldn'?t say|not saying|"
    r"if i|when i|i'?m not saying|no one thinks|nobody thinks)\b[^,;]*$",
    re.IGNORECASE,
)
# "I feel like ..." before a phrase: a feeling about oneself, told as one's own.
_OWN_FEELING = re.compile(r"\bi (?:feel|felt)(?: like| that| as if)?\b[^,;]*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Phrase:
    """One alternative of a rule, compiled on its own so the regular-expression engine can
    jump to its first literal words; `needs` are words one of which must be in the text for
    it to match at all (so most phrases are never run), `at_word` that it starts a word."""

    pattern: re.Pattern[str]
    needs: tuple[str, ...]
    at_word: bool


@dataclass(frozen=True)
class Rule:
    kind: str
    phrases: tuple[_Phrase, ...]
    # When this matches the sentence the phrase is in, the rule stays quiet there.
    unless: re.Pattern[str] | None = None
    # When true, "not" or "I don't think" earlier in the clause keeps it quiet.
    deniable: bool = False
    # When true, an "I feel like" earlier in the clause keeps it quiet.
    own_feeling_ok: bool = False
    # Checked on what follows a match that ends in "but": a request there keeps it quiet.
    after_ok: re.Pattern[str] | None = None


def _needs(parsed: Any) -> list[tuple[str, ...]]:
    """Literal words every match of a parsed pattern contains (each tuple: one of these)."""
    out: list[tuple[str, ...]] = []
    run = ""
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            run += chr(arg)
            continue
        if run.strip():
            out.append((run.lower(),))
        run = ""
        if name == "SUBPATTERN":
            out += _needs(arg[-1])
        elif name == "BRANCH":
            options: list[str] = []
            for branch in arg[1]:
                inner = _needs(branch)
                if not inner:
                    options = []
                    break
                options.extend(max(inner, key=lambda t: min(len(w) for w in t)))
            if options:
                out.append(tuple(options))
        elif name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"} and arg[0] >= 1:
            out += _needs(arg[2])
    if run.strip():
        out.append((run.lower(),))
    return out


def _phrase(source: str) -> _Phrase:
    at_word = source.startswith(r"\b")
    body = source[2:] if at_word else source
    needs: tuple[str, ...] = ()
    if _parse is not None:
        found = _needs(_parse(body, re.IGNORECASE))
        if found:
            best = max(found, key=lambda t: min(len(w.strip()) for w in t))
            if min(len(w.strip()) for w in best) >= 3:
                needs = best
    # Compiled without IGNORECASE on purpose: the text is lowercased once instead, which
    # lets the engine search for a phrase's first literal words quickly.
    return _Phrase(re.compile(body), needs, at_word)


def _rule(
    kind: str,
    *alternatives: str,
    unless: str = "",
    deniable: bool = False,
    own_feeling_ok: bool = False,
    after_ok: re.Pattern[str] | None = None,
) -> Rule:
    assert kind in KINDS, kind
    phrases = tuple(_phrase(_x(a)) for a in alternatives)
    quiet = re.compile(_x(unless), re.IGNORECASE) if unless else None
    return Rule(kind, phrases, quiet, deniable, own_feeling_ok, after_ok)


# -- the rules, by pattern, stonewalling and defensiveness first (a phrase claimed by one rule
# is not flagged again by a later one) ----------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # ---- stonewalling: closing the door, with no return ----
    _rule(
        "shutting-down",
        r"{S}(?:just )?(?:{DONT}|do not) (?:text|call|message|contact|follow) me{E}",
        r"\bi'?ll (?:talk|speak|answer|deal with it|discuss it|reply) when i (?:feel like it|want "
        r"to|'?m good and ready|decide|'?m ready,? not)\b",
        r"{C}(?:just )?leave it(?:{E}|,| alone| be)(?! (?:with|on|in|at|there|for|to))",
        r"\b{IM} (?:out of here|outta here)(?:{E}|,)",
        r"\bshutting (?:this|it) down\b",
        r"\b{IM} not (?:going to|gonna) (?:dignify|answer|respond|engage|discuss|talk|argue|do "
        r"this|get into|listen)",
        r"{S}(?:just )?(?:{DONT}|do not)[.!]*(?:\s+just (?:{DONT}|do not)[.!]*)?{E}",
        r"\bi (?:{CANT}|cannot) be bothered\b",
        r"\b(?:get lost|piss off|sod off|bugger off|go to hell|screw you|fuck off|get out)\b",
        r"{S}not (?:talking|discussing|doing|having|going) (?:about |into |over )?(?:this|it|that)"
        r"(?: again| anymore| any more| now)?{E}",
        r"\bi (?:{DONT}|do not) (?:have|need) to (?:explain|justify) (?:myself|anything)\b",
        r"{S}no comment{E}",
        r"\b{IM} not in the mood (?:for (?:this|talking|your|you|a lecture|it|another)|{E})",
        r"{S}or (?:{DONT}|do not)[.!]*{E}",
        r"{S}(?:well,? )?you do you\b",
        r"\bi (?:{DONT}|do not) (?:owe|have to give) (?:you|u) (?:an? )?(?:explanation|answer|"
        r"anything)\b",
        r"\bconversation over\b",
        r"\bi'?m (?:finished|through) (?:with (?:this|you|talking)|talking){E}",
        r"\b{IM} not (?:getting into|going into|going there|engaging|answering|responding to|"
        r"dignifying|having this|having that|repeating myself)\b",
        r"\btalk to (?:yourself|the wall|someone who cares)\b",
        r"{S}(?:just |oh,? )?(?:{DONT}|do not) (?:even )?bother{E}",
        r"{S}can we (?:just )?not[.!]*{E}",
        r"\b(?:we'?re|we are|i'?m|i am) (?:so )?done here\b",
        r"\bi (?:{DONT}|do not) (?:want|need) to hear (?:it|this|another word|any more|anymore)\b",
        r"\b(?:this|that) (?:is|was) (?:the end of it|final)\b",
        r"\bthere'?s nothing (?:left )?to (?:say|talk about|discuss)\b",
        r"\bi (?:have|'?ve) (?:nothing|no more) to (?:add|say)\b",
        r"\bi'?m not (?:doing|having) this(?: again| anymore| any more| now)?\b",
        r"\bi (?:{CANT}|won'?t) (?:do|deal with) this (?:anymore|any more|right now)?\b",
        r"\b(?:get|go) out of my (?:face|sight|room)\b",
        r"\bwe'?ll talk (?:when|if) (?:you|u) (?:stop|calm|grow|are)\b",
        r"\b(?:{IM}|we'?re|we are)(?: so| just| completely| totally| officially)? done"
        r"(?:{E}| (?:with (?:this|you|it|us|that|talking|trying|arguing|discussing|the "
        r"(?:conversation|discussion|argument|subject))|talking|trying|arguing|discussing|"
        r"explaining|listening|here|caring))",
        r"\b{IM} not (?:talking|discussing|doing|having|going to (?:talk|discuss|do|have)|"
        r"gonna (?:talk|discuss|do|have))(?: about)? (?:this|it|that)\b",
        r"\b(?:i|we) (?:{DONT}|won'?t|will not|refuse to) (?:want to |wanna )?(?:talk|discuss|"
        r"speak|hear|get into|go into|go there|get into this)(?: about)?(?: (?:it|this|that|"
        r"anything|any of it|any more|anymore))?\b"
        r"(?! (?:now|right now|yet|tonight|today|at the moment))",
        r"\b(?:we'?re|we are) not (?:doing|having|talking about) this\b",
        r"\bthis (?:conversation|discussion|argument|talk) is (?:over|finished|done)\b",
        r"\bend of (?:discussion|story|conversation)\b",
        r"\b(?:i have|i'?ve got|i'?ve|i got) nothing (?:more |else |left )?to say\b",
        r"\b(?:there'?s|there is) nothing (?:more )?to (?:talk about|discuss|say)\b",
        r"\bleave me alone\b",
        r"\bgo away\b",
        r"{C}(?:just |oh )?forget (?:it|i said anything|i asked|about it|i mentioned it)\b",
        r"{S}never ?mind(?:{E}|,? (?:it (?:doesn'?t|does not|don'?t) matter|forget it|"
        r"whatever|i'?m done|doesn'?t matter|it'?s fine|forget i))",
        r"{S}(?:fine|ok|okay|k|oh|sure|yeah)?[,. ]*whatever{E}",
        r"{S}whatever[,.]+ (?:i (?:{DONT}|do not) care|do what|i'?m done)",
        r"{S}(?:fine|k|kk|okay then|fine then)[.!]*{E}",
        r"\b(?:just )?do (?:whatever|what) you (?:want|like|wish)\b",
        r"\bi (?:{DONT}|do not) care(?:{E}| (?:anymore|any more|what you|about (?:you|this|it|"
        r"us|any|that|your)))",
        r"\b(?:this is|it'?s|that'?s|it is|that is) (?:all )?pointless\b",
        r"\b(?:there'?s|there is) no point (?:in )?(?:talking|discussing|trying|arguing|"
        r"explaining)\b",
        r"{S}(?:so )?{WHATS} the point(?: of (?:talking|this|trying|even|any of this))?[?!.\s]*$",
        r"\bi give up(?:{E}| on (?:this|you|us|it|talking))",
        r"{C}(?:just |let'?s just |let'?s |can we just )?drop it\b(?! (?:off|at|round|by|in|"
        r"back|down|over))",
        r"{S}(?:just )?not now(?:,? please)?{E}",
        r"\b(?:{DONT}|do not) (?:talk|speak) to me\b",
        r"\bstop talking\b",
        r"\bshut up\b",
        r"\b{IM} not listening\b",
        r"\btalk to the hand\b",
        r"{S}{IM} out{E}",
        r"\b(?:talking to you|this conversation|this) is (?:a )?(?:waste of (?:time|breath)|"
        r"useless|pointless)\b",
        r"\b(?:no point|no use) (?:in )?talking to you\b",
        r"\bi (?:{CANT}) talk to you\b",
        unless=r"(?<!n't )(?<!not )(?<!nt )\btalk to me\b|\bi'?m here\b|\bno (?:stress|worries|"
        r"problem|bother|rush)\b|\bi'?ll (?:get|do|sort|grab|take|pick|manage|walk|call)\b",
    ),
    # ---- defensiveness ----
    _rule(
        "sorry-but",
        r"\bi (?:apologi[sz]ed|said sorry)[,.]+ (?:it'?s|that'?s) (?:your|ur) problem\b",
        r"\bsorry,? not sorry\b",
        r"\b(?:ok|okay|fine|alright),? (?:i'?m )?sorry,? (?:jeez|geez|god|sheesh|gosh|christ)\b",
        r"\bsorry (?:for being|that i'?m|i'?m|i am|for being such|i was) (?:such |so )?(?:a |an )?"
        r"(?:terrible|awful|horrible|bad|useless|disappointment|monster|failure|burden|"
        r"idiot|inconvenience|embarrassment|nuisance|horrible person|terrible person)",
        r"\b(?:i'?ve|i have|i) (?:already )?(?:apologi[sz]ed|said sorry|said i'?m sorry) "
        r"(?:a (?:hundred|thousand|million|dozen)|so many|enough|like \w+|\d+|ten|twenty|"
        r"fifty|already|over and over|again and again)",
        r"\b(?:i'?ve|i have) already (?:apologi[sz]ed|said sorry)\b",
        r"\b(?:apologi[sz]ed|said sorry)(?: for that| for it)? (?:already|enough)\b",
        r"\bsorry,? (?:okay|ok|alright)[?!]* (?:can we|now|happy|are you|jeez|god)",
        r"\bwhat (?:more|else) (?:do you|can i) (?:want|do|say)\b",
        r"\b{IM} sorry (?:that |if )?(?:{YOU}(?:'?re| are| were| feel| felt| think| thought| "
        r"took| take| got| get|'?ve been| have been| see it| saw it| are feeling)|that'?s how "
        r"you|it came across|it (?:upset|offended|hurt) you)",
        r"\b(?:sorry|i apologi[sz]e) (?:if|that) (?:{YOU}|that|it|my \w+) (?:offended|upset|hurt|"
        r"were|was|took|feel|felt|think|got|are)\b",
        r"\bi apologi[sz]e if\b",
        r"\bi (?:said|already said|'?ve said|have said|'?ve already said|already apologi[sz]ed)"
        r"(?: i'?m| i was| that i'?m)? sorry\b",
        r"\bi (?:said|already said) i apologi[sz]ed\b",
        r"\bhow many times (?:do|must|will|should) i (?:have to )?(?:say (?:i'?m )?sorry|apologi)",
        r"\bwhat (?:more|else) do you want(?: from me)?\b",
        r"\b(?:are you |happy |satisfied )?(?:happy|satisfied) now\?",
        r"\bsorry i'?m not (?:perfect|good enough|a mind reader)\b",
        r"\bsorry (?:for )?(?:breathing|existing)\b",
        r"{S}(?:ok|okay|fine|alright|all right)[,.!]* (?:i'?m )?sorry[.!,]",
        r"\bsorry,? (?:okay|ok|alright)\?",
        r"\b{IM} sorry i'?m (?:such|so) (?:a|an|terrible|awful|bad|useless)",
        # An apology, then a "but" in the same sentence or opening the next.
        r"\b(?:{IM} (?:so |really |very )?sorry|sorry|i apologi[sz]e)\b[^.!?\n]{0,80}?\bbut\b",
        r"\b(?:{IM} (?:so |really |very )?sorry|sorry|i apologi[sz]e)\b[^.!?\n]{0,120}"
        r"[.!?\u2026\n]+\s*but\b",
        unless=r"\bsorry (?:to (?:bother|interrupt|ask|trouble|disturb|say|hear|spring)|for "
        r"(?:the (?:late|slow|short)|the delay|the wait|asking|interrupting|bothering))",
        after_ok=_REQUEST_AFTER_BUT,
    ),
    _rule(
        "yes-but",
        r"{C}(?:yeah|yes|well|oh),? well\b",
        r"{C}(?:yes|yeah|yep|yea|ya|ok|okay|sure|right|fine|true|fair enough|granted|i know|"
        r"i get (?:it|that)|i hear you|i understand|i see|i agree|maybe|alright|all right|"
        r"i hear what you'?re saying|i see what you mean|i get what you'?re saying|"
        r"i understand what you mean|i take your point|point taken|"
        r"well yes|that may be|that might be|could be|agreed|obviously)[,.!]*[\w' ]{0,25}?[,.!]*\s*"
        r"but\b",
        after_ok=_REQUEST_AFTER_BUT,
    ),
    _rule(
        "counter-attack",
        r"{C}(?:what,? )?and (?:you|u)(?:'?ve| have)? (?:never|don'?t|didn'?t|aren'?t|haven'?t|"
        r"weren'?t)\b[^.!?\n]*\?",
        r"\b(?:you|u) want to talk about \w+\?",
        r"\b(?:look at|what about|start with|worry about|think about) your own\b",
        r"{C}(?:oh,? )?so (?:you|u)(?:'?ve| have)? (?:never|don'?t|didn'?t|do not|did not)\b"
        r"[^.!?\n]*\?",
        r"(?<!feel )(?<!felt )(?<!feels )\blike (?:you|u)(?:'?ve| have)? never\b",
        r"\b(?:{YOU}(?:'?ve| have)? got|{YOU} have) (?:some|a lot of|the) nerve\b",
        r"\b(?:it'?s|that'?s) (?:your|ur) problem(?:,| if| not mine)",
        r"\b(?:turn|turning|flip|flipping|twist|twisting|put|putting) (?:this|it|that|things) "
        r"(?:around |back )?(?:on|onto) me\b",
        r"\b{YOU} (?:weren'?t|aren'?t|were not|are not|haven'?t been|have not been) (?:exactly |"
        r"always |so )?(?:an angel|a saint|perfect|innocent|blameless|honest|faithful|"
        r"reliable|there)\b",
        r"\b(?:don'?t|do not) you dare\b",
        r"\b(?:{DONT}|do not|you can'?t|you don'?t get to) (?:lecture|preach to|judge|moralise at|"
        r"moralize at|tell) me (?:about|when|after|on)\b",
        r"\b(?:{YOURE}|you are) (?:hardly|not exactly|the last person|in no position) (?:one |"
        r"the one |someone |to )?(?:to )?(?:talk|lecture|judge|preach|criticise|criticize)",
        r"\b(?:funny|rich|interesting|ironic|that'?s rich|big words),? coming from (?:you|u)\b",
        r"\bcoming from (?:you|u|someone who|the one who|the person who)\b",
        r"\b(?:and )?whose fault (?:is|was) (?:that|this|it)\b",
        r"\bif (?:you|u)(?:'?d|'?d just| had(?:n'?t)?| hadn'?t| would(?:n'?t)?(?: have)?|"
        r" did(?:n'?t)?|"
        r" were(?:n'?t)?| was(?:n'?t)?| could have| just)\b[^.!?\n]{0,60}\b(?:i|this|"
        r"none of (?:this|it)|it|we|nothing)\b[^.!?\n]{0,20}\b(?:would(?:n'?t)?|'?d|would'?ve|"
        r"never|could(?:n'?t)?|wouldn'?t have)\b",
        r"\b{YOU} (?:didn'?t|don'?t|weren'?t|aren'?t|haven'?t|never|did not|do not|weren'?t "
        r"exactly|didn'?t exactly)\b[^.!?\n]{0,40}\beither\b",
        r"\b{YOURE} no (?:angel|saint|better) (?:either|yourself)\b",
        r"\bwhat about (?:your|you) (?:own|part|lies|lying|behaviou?r|drinking|phone|mistakes)",
        r"\blook in the mirror\b",
        r"\bmaybe (?:you|u) should (?:look at|take a look at|start with|ask) yourself\b",
        r"\b(?:and )?(?:you|u) think (?:you'?re|you are|ur) (?:perfect|innocent|better)\b",
        r"\bwhat about (?:you|when you|the time|that time|your|all the times|the times|how "
        r"you|last (?:week|month|year|night|time))\b",
        r"\b{YOURE} one to talk\b",
        r"\blook who'?s talking\b",
        r"\bsays the (?:one|person|guy|girl|man|woman|lady) who\b",
        r"\b(?:at least|well at least) i (?:{DONT}|do not|didn'?t|never|come|am not|'?m not|"
        r"wasn'?t|was|have|do|did|know|try|bother|remember|can|call|show|tell|say|admit|"
        r"actually|keep|don'?t)\b",
        r"\b{YOU} (?:do|did) (?:it|that|this|the (?:exact )?same(?: thing)?)(?: (?:too|as well|"
        r"all the time|first|every day|constantly))?(?:{E}|!| last| yesterday| too)",
        r"\b{YOU} do (?:it|that) too\b",
        r"\b{YOU}(?:'?re| are) not (?:exactly )?(?:perfect|innocent|a saint|an angel|blameless)",
        r"\b{YOU}(?:'?re| are) no (?:better|saint|angel)\b",
        r"\blike {YOU}(?:'?re| are) (?:any|so) (?:better|perfect|innocent)",
        r"\b{YOU} (?:started|began) (?:it|this)\b",
        r"\b{YOU} (?:did it|went|started) first\b",
        r"\b(?:it'?s|it is|it was|that'?s) (?:all )?your (?:fault|doing) (?:that )?i\b",
        r"\bif {YOU} (?:had(?:n'?t)?|'?d|would(?:n'?t)? have|didn'?t|weren'?t|wasn'?t|hadn'?t)"
        r"(?: just)?\b[^.!?\n]{0,60}\bi (?:would|wouldn'?t|'?d|never|wouldnt)\b",
        r"\b{YOU} (?:made|make|forced|pushed|drove) me (?:do|say|act|lose|react|to|into)\b",
        r"\b{YOU} (?:drove|pushed) me to\b",
        r"\b{YOURE} the one who\b",
        r"{C}and {YOU} (?:{DONT}|do not|didn'?t|aren'?t|never|haven'?t|weren'?t)\?",
        r"\bpot,? (?:meet|calling) (?:the )?kettle\b",
        r"\b{YOU} of all people\b",
        r"\b{YOU} can talk\b",
        r"{C}(?:neither|nor) do you\b",
        r"{S}well,? {YOU}(?:'?re| are| were| never| always| did| do| don'?t| didn'?t|'?ve| have)\b",
        r"\b{YOU} were (?:late|rude|worse|no better|just as bad|the same) too\b",
        r"\bwhy (?:{DONT}|do not) you (?:look at|start with) yourself\b",
        unless=r"\b(?:thank|love|grateful|appreciate)",
    ),
    _rule(
        "innocent-victim",
        r"\b{YOURE} (?:attacking|blaming|accusing|criticising|criticizing|picking on|ganging up "
        r"on|having a go at|getting at) me\b",
        r"\bmak(?:e|es|ing) me (?:out to be|look like|into) (?:the|a) (?:villain|bad guy|monster|"
        r"bad one|liar|problem|bad person)\b",
        r"\bwalking on eggshells\b",
        r"\b(?:everyone|everybody|the whole world|you all)(?:'?s| is| are) (?:against|out to get|"
        r"ganging up on) me\b",
        r"\b(?:this|that) is the thanks i get\b",
        r"\b(?:and )?this is (?:how|what) i get for\b",
        r"\b(?:trying|doing|try|do) my (?:best|hardest|very best)\b[^.!?\n]{0,20}\b(?:and|but|"
        r"yet|while) (?:you|u|all you|still|it'?s never|nothing)\b",
        r"\b{YOURE} always (?:blaming|attacking|criticising|criticizing|accusing|picking on|"
        r"nagging|getting at|having a go at) me\b",
        r"\bwhy do i (?:even )?(?:bother|try)\b",
        r"\b(?:everything|anything|whatever|nothing) i (?:do|say|did|said|try)\b[^.!?\n]{0,30}"
        r"\b(?:wrong|good enough|right|according to you|upsets? you|makes? you|annoys? you|"
        r"problem|criticis|criticiz)",
        r"\bi (?:{CANT}|cannot|can never) (?:say|do|breathe|open my mouth|make a move|even|"
        r"ask|mention) (?:anything |a thing |a word )?without (?:you|u|being)\b",
        r"\bwhy (?:do|must|should) i always (?:have to )?(?:be|do|say|apologi|fix|give|make)\b",
        r"\bwhy am i always (?:the|blamed|wrong|in trouble|the one)\b",
        r"\b{IM} not a mind[- ]?reader\b",
        r"\bso (?:now )?{IM} (?:the|a) (?:monster|bad guy|villain|problem|bad one|liar|"
        r"terrible|horrible|awful|evil)\b",
        r"\b{IM} (?:always )?(?:the one|blamed|in the wrong|the bad one) (?:who gets blamed|for "
        r"everything|no matter what)\b",
        r"\bi (?:get|'?m getting|always get) blamed for (?:everything|it all|all of it)\b",
        r"\bwhy (?:is|does) (?:everything|it) (?:always )?(?:have to be|end up|come back to) "
        r"(?:being )?(?:my fault|on me|about me)\b",
        r"\bi (?:never|can'?t) do anything right\b",
        r"\bi try (?:so hard|my best|everything)\b[^.!?\n]{0,40}\b(?:and|but) (?:you|it'?s never|"
        r"nothing)\b",
        r"\bi'?m (?:sick|tired) of being (?:blamed|the bad guy|attacked|criticised|criticized|"
        r"judged|the villain)\b",
        r"\bwhy (?:are|do) {YOU}(?: always| so| constantly| keep)? (?:attacking|attack|picking "
        r"on|pick on|getting at|having a go at|ganging up on|blaming|blame|yelling at|shouting "
        r"at|on at|coming at|accusing|criticising|criticizing|nagging) me\b",
        r"\bstop (?:attacking|blaming|picking on|criticising|criticizing|nagging|accusing|"
        r"judging|getting at|having a go at) me\b",
        r"\bi (?:{CANT}|never) do anything right\b",
        r"\bnothing i (?:do|say|did) is (?:ever )?(?:good enough|right|enough)\b",
        r"\b(?:whatever|everything|anything) i (?:do|say)[,]? (?:it'?s|is) (?:wrong|never|not)\b",
        r"\b(?:(?:so )?now |so )?(?:it'?s|everything'?s|everything is|this is|it is) (?:all )?"
        r"my fault\b",
        r"\b{IM} (?:always |just |once again |again )?the (?:bad guy|villain|problem|one to "
        r"blame|bad one|scapegoat|monster|enemy)\b",
        r"\bwhy is it always (?:me|my fault)\b",
        r"\b(?:it'?s|it is|that'?s|that is|this is|it was|that was|this was) not my "
        r"(?:fault|problem|job|responsibility)\b",
        r"\b(?:it|that|this) (?:isn'?t|wasn'?t|is not|was not) my (?:fault|problem|job|"
        r"responsibility|idea)\b",
        r"\bnot my (?:fault|problem) (?:that )?you\b",
        r"\bi(?: did| have done|'?ve done| done) nothing wrong\b",
        r"\bi (?:{DIDNT}|haven'?t|have not) (?:do|done) anything(?: wrong)?\b",
        r"\b(?:{DONT}|do not) (?:blame|look at) me\b",
        r"\bhow is (?:that|this|it) my fault\b",
        r"\b{IM} not the one (?:who|that)\b",
        r"\bblame me,? (?:as usual|again|why don'?t you|of course)\b",
        r"\b(?:of course|as usual|sure),? blame me\b",
        r"\b{IM} (?:just )?doing (?:my|the) best(?: i can)?(?: here)?(?:,? (?:okay|ok|alright)|!| "
        r"and|{E})",
        r"\bwhat do you want from me\b",
        r"\bi (?:{CANT}|never) win\b",
        r"\bdamned if i do\b",
        r"\bwhy am i (?:always )?the (?:one|only one)\b",
        own_feeling_ok=True,
    ),
    _rule(
        "minimising",
        r"\b(?:so )?hung up on (?:it|this|that)\b",
        r"\bi (?:{DONT}|do not) (?:get|understand|see) why (?:you'?re|you are|ur) (?:so|still|"
        r"even)\b",
        r"\bi (?:{DONT}|do not) see (?:the|what the|what'?s the|what'?s so|why it'?s a) "
        r"(?:problem|big deal|issue|fuss)\b",
        r"\bwhy are (?:you|u) (?:so|getting so|even|this) (?:upset|worked up|angry|bothered|mad|"
        r"emotional|sensitive|bent out of shape|wound up|hung up)\b",
        r"\b(?:it'?s|that'?s|it is|that is|it was|that was) (?:all )?in the past\b",
        r"\bi (?:barely|hardly|only just) (?:even )?(?:spoke|talked|texted|saw|know|knew|looked|"
        r"touched|drank|spent)\b",
        r"\b(?:bigger|more of a|a bigger) (?:deal|thing|problem|issue) than it (?:is|was)\b",
        r"\b(?:making|make|made) (?:it|this|that|things) (?:sound|seem|look) (?:way |so much |a "
        r"lot |much )?(?:worse|bigger|like a (?:big )?deal|like i)",
        r"\b(?:it|that|this)(?:'?s| is| was)(?: literally| only| just| really| honestly)* (?:just|"
        r"only) (?:a |an |one |some |two |my |the )?(?:little |silly |harmless |stupid |quick |"
        r"friendly |innocent |tiny )?" + _INCIDENTS,
        r"\b(?:not|isn'?t|wasn'?t) worth (?:fighting|arguing|getting upset|getting worked up|"
        r"a fight|an argument|crying|falling out)(?: about| over)?\b",
        r"\bcan we (?:just|please just) (?:move (?:past|on from)|forget about|get past|get over) "
        r"(?:this|it|that)\b",
        r"\bi (?:{DIDNT}|did not) (?:know|realise|realize|think) (?:it|that|this) (?:mattered|was "
        r"(?:such |that )?(?:a big deal|important|serious)|would (?:upset|bother|hurt) you)\b",
        r"\b{YOURE}(?: just| so| totally| completely| really)? (?:reading|looking) (?:way |far |"
        r"much |a lot )?too (?:much|deep(?:ly)?) into\b",
        r"\b(?:nothing|nothing really|nothing even) happened\b",
        r"\b(?:it|that|this|the \w+) (?:was|is) (?:completely |totally |perfectly |just |only |"
        r"quite |pretty )?(?:harmless|innocent|meaningless|nothing serious|no big thing|a "
        r"harmless \w+|an innocent \w+|a silly \w+|a stupid little \w+)",
        r"\b(?:stop|quit|why are you|you need to stop|you keep) (?:dwelling|living in the past|"
        r"digging|raking)",
        r"\bdwelling on (?:the past|it|this)\b",
        r"\b(?:{ITS}|it'?s|it was)(?: really| honestly| seriously| just)? (?:not|n'?t)(?: really)?"
        r" (?:that|so|very) (?:serious|deep|bad|big|important|dramatic)\b",
        r"\b(?:other|most|lots of|loads of|plenty of|many) (?:couples|people|partners|guys|"
        r"women|men) (?:deal with|have|go through|put up with|do) (?:worse|much worse|it|this|"
        r"that|far worse)\b",
        r"\b(?:it )?could (?:have been|be) (?:so much |much |a lot |way )?worse\b",
        r"\b{YOURE} (?:taking|took) (?:it|this|that|everything|things) (?:so |way |too )?"
        r"(?:wrong|the wrong way|personally|too seriously|too personally|out of context)\b",
        r"\b{YOU} took (?:it|that|this) (?:the )?wrong(?: way)?\b",
        r"\b{YOURE} (?:making|turning) (?:this|it|everything) (?:into )?(?:a (?:big )?(?:thing|"
        r"drama|deal|problem)|about)",
        r"\b(?:why are you|you'?re|stop) (?:getting )?(?:so )?worked up\b",
        r"\b(?:get|got) (?:so )?(?:bent out of shape|worked up|het up)\b",
        r"\bit was (?:just |only )?(?:a )?(?:bit of fun|harmless fun|banter|nothing serious)\b",
        r"\bjust (?:a|one|some) (?:little|tiny|silly|harmless|stupid) \w+\b",
        r"\byou'?ll (?:get over it|be fine|live)\b",
        r"\b(?:{ITS}|it'?s|it was)(?: really| honestly| just| seriously)? (?:not|no|n'?t)"
        r"(?: such| that)? (?:a )?(?:big deal|huge deal|big thing)\b",
        r"\bno big deal\b",
        r"{S}(?:it|that|this) (?:was|is) nothing{E}",
        r"\b{WHATS} the big deal\b",
        r"\b(?:{ITS}|it'?s|it was|it wasn'?t|that wasn'?t|it isn'?t|that isn'?t)"
        r"(?: not)? (?:that|so|really) (?:bad|serious|big|important|terrible)\b",
        r"\b(?:{YOURE}|stop|why are you|quit|you keep|(?:{DONT}|do not) go) (?:making|make) (?:a |"
        r"such a |so much of a )?(?:big )?(?:deal|fuss|drama|"
        r"scene|song and dance)(?: (?:out )?of (?:nothing|it|this|everything))?\b",
        r"\bmountain(?:s)? out of (?:a )?molehill",
        r"\b(?:blowing|blow|blown|blew) (?:this|it|things|everything|that) (?:way |totally |"
        r"completely |all )?(?:out of proportion|up)\b",
        r"\b(?:it|that|this) (?:was|is) (?:only|just) (?:a |an |one |some |the |two |a few )?"
        r"(?:little |silly |harmless |stupid |quick |friendly |innocent |tiny )?" + _INCIDENTS,
        r"\b(?:it|that) (?:only )?happened (?:once|one time|twice)\b",
        r"\b(?:it|that) was (?:one|a single|just one|only one) (?:time|drink|text|message|"
        r"night|kiss|lunch|mistake|coffee)\b",
        r"\b(?:it|that|this) (?:was|happened) (?:years|months|weeks|ages|forever|a long time|"
        r"so long) ago\b",
        r"\b(?:why are you|you'?re|you are|stop) still (?:going on|on about|talking about|"
        r"bringing (?:it|this|that) up|banging on|harping|upset about|dwelling)",
        r"\b(?:why do you|stop) (?:keep )?bring(?:ing)? (?:it|this|that) up\b",
        r"{C}(?:just |can you (?:just )?|can'?t you (?:just )?|please just |you need to )"
        r"let it go\b",
        r"\b(?:just )?(?:move on|get over it)(?: already)?\b",
        r"\b{YOURE}(?: just| being| so| totally| completely| really| way| always| clearly|"
        r" such a)* (?:over-?reacting|too sensitive|so sensitive|oversensitive|hypersensitive|"
        r"dramatic|hysterical|touchy|overly emotional|too emotional|so emotional|blowing|"
        r"making this|reading (?:too much|into)|imagining (?:things|it)|exaggerating|"
        r"being silly|silly|unreasonable|irrational)\b",
        r"\b(?:just )?calm down\b(?! the)",
        r"{C}(?:just |oh )?(?:relax|chill(?: out)?|lighten up)\b",
        r"\b(?:take|took|taking) a joke\b",
        r"\b(?:i was|{IM}|i were) (?:only|just) (?:joking|kidding|teasing|messing|having a laugh)",
        r"\b(?:it|that) was (?:just |only )?a joke\b",
        r"\b(?:{ITS}|it'?s) not like i\b",
        r"\b(?:it|that) (?:{DIDNT}|did not|doesn'?t|does not) mean anything\b",
        r"\b(?:it|that) meant nothing\b",
        r"\b(?:everyone|everybody|all couples|lots of people|most people|all guys|all men|"
        r"all women|people) (?:does|do) (?:it|that)\b",
        r"\b(?:{ITS}|it'?s) not (?:the end of the world|a crime|like it matters)\b",
        r"\bnot the end of the world\b",
        unless=r"big deal if\b|big deal,? (?:we|i'?ll|i can|don'?t worry|no worries|it happens)|"
        r"\b(?:i|we|let me|let us|let'?s)\b(?:(?!\byou\b)[^.!?]){0,40}\b(?:calm down|relax|"
        r"chill)|\bi'?m (?:making|blowing|overreacting)|\bi was "
        r"(?:making|blowing|overreacting)|\bdid i (?:make|blow)|\bam i (?:over|being|making|too)",
    ),
    _rule(
        "excuse",
        r"\bi (?:{DIDNT}|did not) know what i was doing\b",
        r"\bi was (?:drunk|high|wasted|hammered|out of it),",
        r"\b(?:because of|it'?s) (?:how|the way) i was (?:raised|brought up)\b",
        r"\b(?:didn'?t|did not) (?:do it|mean it|mean to) on purpose,? so\b",
        r"\bi had to,? (?:didn'?t i|okay|ok|you know|alright)\b",
        r"\b{IM} only human\b",
        r"\bi (?:{DIDNT}|did not) mean (?:to|it),? so\b",
        r"\bi was going to (?:tell|say|mention|ask|call|text)\b[^.!?\n]{0,40}\b(?:just|but)\b",
        r"\bi (?:just )?(?:didn'?t|did not|never) (?:get|have|find) (?:the |a )?(?:chance|time|"
        r"moment)\b",
        r"\bwhat (?:do|did|else did|else do) (?:you|u) expect\b",
        r"\b(?:that'?s|it'?s|this is) (?:just )?(?:how|who|the way) i (?:am|was raised|roll|"
        r"was brought up)\b",
        r"\bi was (?:just |only |so )?(?:stressed|tired|exhausted|busy|overwhelmed|drunk|"
        r"distracted)[,.!]+ (?:what|you know|okay|ok|so|that'?s|alright|give me)\b",
        r"\bi had (?:a lot|so much|loads|too much) (?:going )?on\b[^.!?\n]{0,30}\b(?:okay|ok|you "
        r"know|so|what)\b",
        r"\b(?:blame|it was) (?:my|the) (?:boss|work|job|mum|mom|dad|traffic|kids|alcohol|drink|"
        r"stress),? not me\b",
        r"\bi (?:{DIDNT}|did not) (?:mean|think) it (?:like that|that way)\b[^.!?\n]{0,20}"
        r"\b(?:you|u)\b",
        r"\bit'?s not like i (?:meant|wanted|planned|tried|did it on purpose)\b",
        r"\bi only (?:did|said|went|do|say|texted|called|met|saw|drank|went out|lied|did it|"
        r"did that|said it|said that|yelled|snapped|left|stayed|looked|told)\b[^.!?\n]*"
        r"\b(?:because|cause|cos|coz|since)\b",
        r"\b(?:because|cause|cos|since) (?:{YOU}|you) (?:wouldn'?t|didn'?t|never|always|were|"
        r"kept|made|started|yelled|nagged|ignored|pushed)\b",
        r"\b(?:how|what) (?:was|am|were) i (?:supposed|meant|expected) to (?:know|do|say|think|"
        r"guess)\b",
        r"\bhow (?:should|would|could|the hell would|am) i (?:have )?(?:know|known|guess)\b",
        r"\bwhat else (?:was|could|should|am) i (?:supposed to |meant to )?(?:do|say)\b",
        r"\bi had no (?:choice|option|other option|alternative)\b",
        r"\bi (?:couldn'?t|could not) help it\b",
        r"\bi (?:{DIDNT}|did not) have (?:time|a choice|the time)\b",
        r"\b(?:nobody|no one|noone) (?:told|tells|asked|said|reminded) me\b",
        # "You never told me" answers a complaint; "you didn't tell me you'd be late" is often
        # the complaint itself, said gently, so only the first is flagged.
        r"\b{YOU} never (?:told|said|mentioned|reminded|warned) me\b(?! (?:that )?(?:you|u)'?(?:d| "
        r"would| were| had))",
        r"\b(?:i was|{IM}) (?:just |only |so )?(?:tired|busy|stressed|exhausted|working|"
        r"distracted|drunk)[,!]* (?:okay|ok|alright|all right|you know|so what|that'?s all|"
        r"that'?s why)\b",
        r"\bi was (?:just |only )?(?:going to|gonna) (?:do|get|call|tell|text|fix|clean)\b",
        r"\bi had a lot (?:going )?on[,]? (?:you know|okay|ok|alright)\b",
        r"\bi (?:would|'?d) have(?: done it)? if (?:{YOU}|you)\b",
        r"\bwhat did you expect\b",
        r"\bi did it for (?:you|us)\b",
        r"\b(?:work|my boss|the kids|traffic) (?:needed|made|kept) me\b[^.!?\n]{0,30}"
        r"(?:okay|ok|so|what)\b",
        r"\bi had no choice\b",
        r"\bit (?:wasn'?t|was not|isn'?t) my (?:idea|decision|call)\b",
    ),
    # ---- contempt ----
    _rule(
        "name-calling",
        r"\b{YOURE} nothing but\b",
        r"\b(?:{CANT}|cannot|can barely|can hardly) (?:stand|bear) (?:to be )?(?:in the same room|"
        r"near|around|with|next to|the sight)(?: as| of)? (?:you|u)\b",
        r"\bmakes? my (?:skin crawl|stomach turn)\b",
        r"\b{YOU} (?:sound|look|act) like (?:a|an|such an?) (?:broken record|child|idiot|baby|"
        r"lunatic|maniac|toddler|teenager|fool|clown|madman|madwoman|crazy person|psycho)\b",
        r"{S}what an? (?:pathetic|lame|weak|poor|rubbish|crap|feeble|sad) (?:excuse|apology|"
        r"effort|attempt|answer)\b",
        r"\b{YOU} (?:absolute|complete|total|utter|stupid|fucking|bloody|pathetic|useless|"
        r"massive|giant|big fat|little) \w+",
        r"{S}(?:such|what) an? (?:\w+ )?(?:baby|child|idiot|moron|loser|clown|fool|jerk|"
        r"drama queen|princess|brat|muppet|diva|wimp|coward|hypocrite|liar|slob|snob|"
        r"know-?it-?all|martyr)\b",
        r"(?:^|[,.!?;]\s*)(?:you )?(?:drama queen|muppet|princess|diva|numpty|nitwit|dimwit|"
        r"halfwit|idiot|moron|dumbass|genius|einstein|sherlock|mr\.? perfect|saint \w+)[.!?]*"
        r"\s*$",
        r"\b(?:{DONT}|do not) (?:touch|come near|come anywhere near|look at) me\b",
        r"\bthe (?:emotional )?(?:range|intelligence|maturity|attention span|brain|iq|spine|"
        r"personality|depth) of an? \w+",
        r"\b(?:use|using) (?:small|little|short) words\b",
        r"\b(?:spell|explain) it (?:out )?(?:slowly|for you|in small words)\b",
        r"\bi (?:{DONT}|do not) know why i (?:even )?(?:bother|try|waste my breath)\b",
        r"\bwhy do i (?:even )?waste my (?:breath|time)\b",
        r"\b(?:stop )?(?:acting|behaving) like (?:a|an|such a|such an) (?:child|baby|toddler|"
        r"idiot|spoiled|spoilt|teenager|brat|lunatic|maniac|psycho|crazy|martyr|victim|"
        r"drama queen|princess|teenager|moron|fool|two-?year-?old|five-?year-?old)",
        r"\bwhat are (?:you|u),? (?:twelve|five|ten|two|a child|a baby|\d+|stupid|deaf|thick)\b",
        r"\b(?:{IM} |i feel |i am )?(?:embarrassed|ashamed) (?:of you|to be (?:seen )?(?:with|"
        r"near) you|to be your|to call you)\b",
        r"\b{YOURE} (?:an? )?(?:embarrassment|disgrace|disappointment|letdown|let-down)\b",
        r"\b{YOURE} (?:so |such |really |just )*(?:revolting|repulsive|vile|gross|disgusting|"
        r"exhausting|unbearable|insufferable|intolerable|tiresome|draining|a nightmare|"
        r"a headache|a pain|a joke|a waste)\b",
        r"\bgrow a (?:spine|pair|brain)\b",
        r"\b(?:were|are) (?:you|u) (?:raised|brought up) (?:by|in)\b",
        r"\bwho (?:raised|brought) (?:you|u)(?: up)?\b",
        r"\b(?:you|u) (?:make|made) me (?:want to )?(?:sick|puke|vomit|cringe)\b",
        r"\bhow (?:stupid|dumb|thick|dense|pathetic) (?:can|could|are) (?:you|u)\b",
        r"\b{YOURE}(?: \w+)? {INTENS}" + _NAMES + r"\b",
        r"\b{YOU} (?:absolute|complete|total|stupid|little|utter|big|pathetic|lazy|selfish|"
        r"fucking|bloody|useless|sad|fat|ignorant|self-?centr?e?red|spoiled|spoilt|miserable)"
        r"(?: \w+)? (?:idiot|moron|loser|clown|fool|jerk|child|baby|brat|pig|slob|creep|man|"
        r"woman|cow|bitch|bastard|prick|twat|excuse|thing|mess)\b",
        r"{S}what an? (?:\w+ )?(?:idiot|moron|imbecile|loser|clown|fool|jerk|joke|baby|child|"
        r"creep|hypocrite|liar|coward|slob|brat|psycho)\b",
        r"{S}(?:just |so |honestly,? |how |wow,? )?(?:pathetic|unbelievable|ridiculous|"
        r"disgusting|laughable|incredible|embarrassing|useless|typical male|typical woman)"
        r"(?:,? really| honestly| mate)?{E}",
        r"\bstop being (?:such )?(?:an? )?(?:baby|child|idiot|drama queen|princess|brat|"
        r"martyr|wimp|pathetic|childish|stupid|ridiculous)",
        r"\b(?:{DONT}|do not) be (?:such )?(?:an? )?(?:baby|child|idiot|drama queen|princess|"
        r"brat|wimp|stupid|ridiculous|pathetic)\b",
        r"\b{YOU} (?:disgust|repulse|sicken) me\b",
        r"\b(?:{YOU}|this|it|looking at you|the sight of you) (?:make|makes) me (?:sick|want to "
        r"(?:throw up|puke|vomit))\b",
        r"\bmakes? me sick to (?:look at|see|be near) you\b",
        r"\b(?:{IM} |i'?m so )?(?:sick|tired) of (?:you|looking at you|your face)\b(?! (?:being|"
        r"doing|not))",
        r"\bi (?:{CANT}|cannot) (?:stand|bear|stomach) (?:you|the sight of you|looking at you|"
        r"being near you|your)\b",
        r"\bi (?:{CANT}|cannot) (?:even )?look at you\b",
        r"\b(?:ugh+,? )?you'?re (?:so )?(?:gross|vile|repulsive|revolting)\b",
        r"{S}ew+{E}",
        r"\bwho (?:would|could) (?:ever )?(?:love|want|marry|stand) you\b",
        r"\bno wonder (?:no one|nobody|everyone)\b",
        r"\bare you (?:stupid|dumb|thick|deaf|blind|an idiot|brain-?dead|retarded|mental)\b",
        r"\bdo you (?:even )?have a brain\b",
        r"\buse your (?:brain|head)\b",
        r"\b(?:even )?a (?:child|five[- ]year[- ]old|toddler|monkey) could\b",
        r"\bit'?s not rocket science\b",
        unless=r"\b(?:i'?m|i am|i was|i'?ve been|i feel|i felt) (?:such |so |an? |like an? |"
        r"being )?(?:an? )?(?:idiot|moron|fool|stupid|ridiculous|pathetic|baby|child|mess)",
        deniable=True,
    ),
    _rule(
        "sarcasm",
        r"\bi (?:guess |suppose )?(?:i )?(?:should|must|ought to) be (?:grateful|thankful|"
        r"honou?red|"
        r"flattered|happy|pleased) (?:that )?(?:you|u)\b",
        r"\b(?:congratulations|congrats|well done|bravo|good job|gold star),? (?:you|u) "
        r"(?:remembered|managed|did it|noticed|finally|actually)\b",
        r"\bout(?:did|done) yourself (?:this time|again)\b",
        r"\bthanks? (?:\w+ )*for making me feel (?:like )?(?:garbage|crap|shit|dirt|small|stupid|"
        r"worthless|an idiot|rubbish|terrible|awful|bad|nothing)\b",
        r"{S}(?:real|very|so|how|that'?s|oh,? very) (?:smart|clever|mature|nice|classy|helpful|"
        r"grown-?up|adult|original)[.!]*{E}",
        r"\boh wait[.!]*\s*$",
        r"\b(?:good|glad|nice) to know where i (?:rank|stand|come|fit)\b",
        r"\bi (?:forgot|keep forgetting) (?:you'?re|you are|ur) (?:perfect|never wrong|always "
        r"right|a saint|an angel|so busy|so important)\b",
        r"\b(?:{DONT}|do not|careful not to|try not to) (?:strain|hurt|overexert|exhaust|tire|"
        r"break) (?:yourself|a sweat)\b",
        r"\bexcuse me for (?:breathing|existing|living|asking|having|caring|being alive)\b",
        r"\b(?:shall|should) i (?:throw|have|bake) (?:a|you a) (?:party|parade|cake)\b",
        r"\b(?:do you )?want a (?:medal|gold star|trophy|prize|cookie|biscuit|round of applause|"
        r"pat on the back)\b",
        r"\b(?:give|get) (?:you|u|him|her) a (?:medal|gold star|trophy|prize|cookie)\b",
        r"\b(?:father|mother|husband|wife|partner|boyfriend|girlfriend|dad|mum|mom|parent|"
        r"employee|friend) of the year\b",
        r"\btake your time,? (?:it'?s not like|i'?ve only|i only|really|no rush,? really)\b",
        r"\b(?:it'?s|its) not like i(?:'?ve| have)? (?:been|was|had|only) (?:waiting|here|"
        r"sitting)\b",
        r"\bhow very (?:generous|kind|nice|thoughtful|good|big|gracious|noble|considerate)\b",
        r"\b(?:oh|yeah|yes|sure|right|well),? because (?:you|u|that|it|i)\b",
        r"{S}(?:oh|well),? look(?: at that)?,? (?:who|he|she|you|it|someone)\b",
        r"\bwhat an? (?:apology|effort|gesture|performance|sacrifice|hero|gentleman|catch|"
        r"prize)\b[.!]*(?=[^.!?\n]*$)",
        r"\b(?:well|oh|wow|gosh),? (?:aren'?t|isn'?t) (?:you|u|he|she) (?:just )?(?:a|an|so|"
        r"the|such)\b",
        r"\b(?:a )?(?:little )?ray of sunshine\b",
        r"\b(?:oh|sorry|so sorry|i'?m sorry|forgive me),? (?:am|was) i (?:bothering|boring|"
        r"annoying|keeping|interrupting|disturbing|inconveniencing|bugging)\b",
        r"{S}wow[.!,]*\s+(?:just )?wow\b",
        r"\b(?:because|cause|cos|since when|oh so now) {YOURE} (?:suddenly |now |such |so |"
        r"the |an |a )*(?:expert|authority|genius|saint|angel|perfect|model|picture|guru|"
        r"therapist|relationship expert)",
        r"\b{YOURE} (?:suddenly|now) (?:an? |the |such an? )?(?:expert|authority|genius|saint|"
        r"angel|therapist|guru)\b",
        r"\b(?:that'?s|how|very|so) (?:original|rich|mature|convenient|predictable|typical|"
        r"helpful|useful|considerate|thoughtful) coming from you\b",
        r"{S}(?:oh,? )?sure,? (?:blame|it'?s|that'?s|you (?:did|were|are|do|will|would|was)|"
        r"why not)\b",
        r"\b(?:oh|yeah|well),? that'?s (?:original|helpful|really helpful|so helpful|great|"
        r"just great|brilliant|wonderful|perfect|lovely|rich|mature|convenient)\b",
        r"\b(?:great|brilliant|wonderful|perfect|fantastic|lovely|genius|excellent|amazing|"
        r"stellar|superb|nice) (?:plan|idea|move|work|job|timing|thinking|call|choice|decision|"
        r"effort|going|parenting|listening)[.!]+\s*(?:really|truly|honestly|bravo|genius|just|"
        r"wow|well done)\b",
        r"\bthanks? (?:so much |a lot |loads )?for (?:nothing|the help,? not|ruining|"
        r"nothing at all)\b",
        r"\bi'?ll alert the media\b",
        r"\b(?:wow|gosh|oh),? (?:so|how|what a) (?:helpful|supportive|thoughtful|caring|"
        r"considerate|kind|generous|romantic)(?: of you)?[.!]+\s*(?:really|thanks|not)",
        r"\boh,? how (?:the tables|lovely|nice|sweet|wonderful|helpful)\b[^.!?\n]{0,30}"
        r"\b(?:you|again|finally)\b",
        r"{S}(?:oh,? |wow,? |well,? |ah,? )?(?:just )?(?:great|wonderful|perfect|brilliant|"
        r"fantastic|lovely|marvell?ous|terrific|super|awesome|splendid|excellent)\b[,.!]*"
        r"(?=[^.!?\n]*\b(?:you|your|u)\b)(?=[^.!?\n]*\b(?:again|another|for once|as usual|"
        r"finally|of course|thanks to you|like always|every time|once again|genius|"
        r"just what i needed)\b)",
        r"\bthanks? for nothing\b",
        r"\bthanks? (?:a lot|a bunch|so much) for (?:ruining|wasting|nothing|embarrassing|"
        r"making me|forgetting|ignoring|leaving|letting me down|the help\W*(?:not|really))\b",
        r"\b(?:gee|cheers),? thanks\b",
        r"\bthanks,? (?:really|genius)[.!]",
        r"\b(?:yeah|yea|ya|oh),? (?:right|sure)[.!]*(?:{E}|,? (?:like|because|as if|whatever))",
        r"{S}(?:oh,? )?sure(?:,? sure)?[,.!]* (?:because|like|as if|you did|you were|you are|"
        r"you will|you would|whatever)\b",
        r"\blike {YOU}(?:'?d| would| ever| even| actually| could| care| know| notice)\b"
        r"(?! (?:to|me to|it if|some|a |more|less))",
        r"\bas if {YOU}(?:'?d| would| ever| could| care| know| noticed| even)\b",
        r"\bof course {YOU} (?:did|didn'?t|do|don'?t|forgot|were|weren'?t|are|aren'?t|would|"
        r"wouldn'?t|had to|can'?t|couldn'?t|never|always|won'?t|will|'?re|'?d|did it|"
        r"missed|left|lied|said|think|thought|blame|chose|went)\b",
        r"\b(?:big|what a|surprise,?) surprise\b",
        r"{S}(?:what a )?shocker\b",
        r"\bcolou?r me (?:shocked|surprised)\b",
        r"{S}who knew\??{E}",
        r"\bhow (?:convenient|original|predictable|mature|nice for you|lovely for you|"
        r"generous of you|big of you|kind of you to (?:finally|bother|grace))\b",
        r"{S}(?:how |very |so )?convenient[.!]*{E}",
        r"\bmust be nice\b",
        r"\bnice of you to (?:finally|bother|show up|grace|remember|join|notice|call)",
        r"\b(?:real|very|so|how|oh so) mature\b",
        r"\b(?:well done|good job|great job|nice one|bravo|congratulations|congrats|way to go|"
        r"slow clap|nice going|thanks),? (?:genius|einstein|sherlock|captain obvious|mr\.? \w+|"
        r"miss \w+|hero|champ|sweetie|dear)\b",
        r"\b(?:genius|einstein|sherlock|your (?:majesty|highness|lordship))\b",
        r"\bmr\.? (?:important|perfect|know-?it-?all|right|busy|nice guy|sensitive)\b",
        r"\b(?:miss|little miss|ms\.?) (?:perfect|important|know-?it-?all|sensitive|busy)\b",
        r"\b(?:well done|good job|great job|nice one|bravo|congratulations|congrats|way to go|"
        r"nice going)\b[^.!?\n]{0,50}\b(?:for once|finally|really|you managed|truly|as usual|"
        r"again|genius)\b",
        r"\b(?:sure|{IM} sure|i bet|yeah) {YOU}(?:'?re| are| were| was| did| had|'?d| have)\b"
        r"(?=[^.!?\n]{0,20}[\"']\w)",
        r"\b(?:because|cause|cos) (?:that|it) (?:worked|went|goes|works) so well\b",
        r"\b(?:that|this) (?:went|worked) (?:so |really )?well,? (?:didn'?t|did) it\b",
        r"\b(?:oh,? )?that'?s rich\b",
        r"\b(?:way|thanks) to go\b",
        r"\bso+o+ (?:busy|tired|sorry|important|hard|stressed)\b",
        r"\bi'?m so+ sorry,? your\b",
        unless=r"\b(?:thank you for (?!nothing)|you (?:did|were) (?:great|amazing|brilliant))",
    ),
    _rule(
        "mockery",
        r"\b{YOURE} [\"'][\w ]{2,24}[\"']",
        r"\b(?:that'?s|how|isn'?t that|aw+,? that'?s) (?:so )?(?:cute|adorable)[.!?]*$",
        r"{S}cry about it\b",
        r"\benough already\b",
        r"{S}(?:ugh,? )?enough[.!]+{E}",
        r"\bwa+ wa+\b",
        r"\blisten to (?:you|u),",
        r"{S}(?:mhm+|uh-?huh|mm+|hmm+)[.,]*\s*(?:sure|right|okay|ok|whatever)\b",
        r"\bwhatever (?:makes|helps) (?:you|u) (?:feel better|sleep at night)\b",
        r"\bhere we go\W*$",
        r"\b(?:omg|oh my god|god),? here we go\b",
        r"\b(?:heard|i'?ve heard) (?:it|that|this) all before\b",
        r"\bo+h+,? (?:i'?m|im|i am) (?:so+ |soo+ )",
        r"\baw+,? (?:is|did|does|are|has|was|poor)\b(?=[^.!?\n]*\b(?:hurt|upset|sad|crying|"
        r"sulking|poor|baby|little|feelings|boo|scared|widdle|mean|big bad|sensitive|"
        r"tired|offended)\b)",
        r"\b(?:lol|haha+|hah|lmao|ha ha)\b[^.!?\n]{0,40}\b(?:crying|upset|sulking|whining|"
        r"moaning|offended|serious|really|actually|you|sensitive)\b",
        r"\b(?:are you|you'?re|ur) (?:actually|seriously|really) (?:crying|upset|sulking|"
        r"whining|moaning|offended|jealous|mad|angry) (?:about|over|because)\b",
        r"\*\s*(?:sigh|sighs|heavy sigh|scoff|scoffs|snort|snorts|yawn|yawns|groan|groans|"
        r"facepalm|slow clap|eye ?roll|rolls eyes)\s*\*",
        r"\((?:sigh|sighs|scoff|scoffs|snort|yawn|yawns|groan|eye ?roll|rolls eyes)\)",
        r"\b(?:the|here come the|turn on the|turn off the) waterworks\b",
        r"\bcrocodile tears\b",
        r"\bhere come(?:s)? the (?:tears|drama|guilt trip|lecture|sermon|speech)\b",
        r"\b(?:oh,? |ugh,? |and )here we go\b",
        r"\b(?:spare|save) me the (?:drama|sob story|lecture|speech|tears|guilt trip|violin|"
        r"excuses|theatrics)\b",
        r"\bsomeone(?:'s| is| has) (?:got )?(?:a )?(?:touchy|sensitive|grumpy|cranky|jealous|"
        r"moody|hangry|in a mood)\b",
        r"\bplay(?:ing)? the (?:victim|martyr)\b",
        r"\b(?:get|climb) off (?:your|ur) high horse\b",
        r"\bcry(?:ing)? (?:about|over) (?:nothing|everything|this|it)\b[^.!?\n]{0,10}",
        r"\b(?:whine|whining|moan|moaning) (?:about|all the time|again)\b",
        r"\bthe world'?s (?:smallest|tiniest) violin\b",
        r"\bpoor (?:baby|thing|you|little|darling|dear|diddums|sweetie|princess)\b",
        r"\bboo[ -]?hoo\b",
        r"\bcry me a river\b",
        r"\bwa+h+\b",
        r"\baw+,? (?:is|did|does|are|has) (?:someone|somebody|the baby|little|widdle|poor)\b",
        r"\b(?:is |has )?(?:someone|somebody)(?:'s| is|'?s) (?:sulking|grumpy|cranky|touchy|"
        r"sensitive|jealous|upset|crying|in a mood|throwing a tantrum)\b",
        r"\b{YOU} and your (?:feelings|drama|moods|problems|excuses|precious|little|poor|"
        r"sensitive|stupid|issues)\b",
        r"\boh no,? (?:did|have|has|am) (?:i|someone|somebody)\b",
        r"\b(?:your|ur) (?:little|precious|delicate|fragile|poor) (?:feelings|ego|heart|"
        r"friends|job|world)\b",
        r"\bhurt (?:your|ur) (?:little |precious |delicate |fragile |poor )?feelings\?",
        r"\bdiddums\b",
        r"\*?rolls? (?:my |her |his )?eyes\*?",
        r"\beye[- ]?roll",
        "\U0001f644",
        "\U0001f612",
        r"{S}ugh+\b(?=[^.!?\n]*\b(?:you|again|whatever|here we go|this|seriously)\b)",
        r"{S}(?:ugh+[,.]* )?(?:pf+t+|psh+|tsk+|smh|meh)\b",
        r"\b(?:here we go|there you go|off you go) again\b",
        r"{S}(?:oh,? )?here we go{E}",
        r"\bnot this again\b",
        r"\boh,? (?:please|puh-?lease|come on)\b",
        r"\bgive me a break\b",
        r"\bget over yourself\b",
        r"\bget a (?:grip|life)\b",
        r"{C}(?:just |oh,? )?grow up\b",
        r"\bwhatever you say\b",
        r"\bif you say so\b",
        r"{C}(?:oh,? )?spare me\b",
        r"\bblah,? blah\b",
        r"{S}(?:yeah,? yeah|sure,? sure|yes,? yes|okay,? okay|right,? right)\b(?!,? (?:i|we) )",
        r"\blol,? (?:ok|okay|sure|right|whatever|good one)\b",
        r"\bok,? boomer\b",
        r"{C}save (?:it|your breath)\b",
        r"\bwho do you think you are\b",
        r"\b(?:listen|look) to yourself\b",
        r"\bdo you (?:even )?(?:hear|listen to) (?:yourself|how you sound|what you'?re saying)",
        r"\bdo you (?:even )?know how you sound\b",
        r"\b{YOU} (?:think|thought) {YOURE} (?:so |so much |much |a lot |way )?(?:better|smarter|"
        r"perfect|special|clever|"
        r"above|superior|god'?s gift)",
        r"\bwho (?:even )?(?:talks|acts|behaves|thinks|dresses|does) like that\b",
        r"\b(?:{DONT}|do not) make me laugh\b",
        r"\b{YOU} call (?:that|this) an? \w+",
        r"\bis (?:that|this) (?:supposed|meant) to be an?\b",
        r"\bare you (?:kidding|joking) me\b",
        r"\bthe drama\b",
        unless=r"\b(?:i'?m here|sounds (?:hard|awful|rough|tough)|that sounds)\b",
    ),
    # ---- criticism ----
    _rule(
        "you-make-me",
        r"\b{YOU} (?:make|made) me (?:feel |so |want to |really )*(?:small|stupid|angry|mad|"
        r"sad|crazy|insane|furious|miserable|hate|sick of|worthless|useless|invisible|"
        r"like (?:i'?m|i am|a|an|nothing|dirt|crap|shit)|go crazy|do|lose|scream|cry|doubt|"
        r"anxious|lonely|alone|unwanted|unloved|ashamed|guilty|crazy|nuts|so angry|"
        r"embarrassed|ill|tired|depressed)\b",
        unless=r"\b(?:safe|loved|happy|laugh|smile|better|good|calm|seen|heard|at home|special|"
        r"proud|strong|brave|beautiful|whole|hopeful)\b",
    ),
    _rule(
        "loaded-question",
        r"\bdo (?:you|u) even (?:care|listen|notice|love|want|try|think|remember|know|see)\b",
        r"\b(?:what'?s|what is|whats) (?:your|ur) (?:excuse|story|reason) (?:this time|now|today|"
        r"going to be)\b",
        r"\bwhy would (?:you|u) (?:even|ever)\b",
        r"\b(?:are|r) (?:you|u) (?:incapable|unable|too (?:lazy|stupid|busy|selfish)) (?:of|to)\b",
        r"\b(?:you|u) (?:just )?(?:don'?t|do not) (?:get it|understand|see it),? (?:do you|"
        r"huh|right)\?",
        r"\bwhy (?:{CANT}|can'?t|won'?t|couldn'?t) (?:you|u) (?:just|ever|even|for once|"
        r"simply|once|be|do|listen|stop|try|remember|help|think|get)\b",
        r"\bhow (?:hard|difficult) (?:is|can) it (?:be )?(?:to\b|for you)",
        r"\bhow many times (?:do|must|will|have|should) i (?:have to )?(?:tell|ask|remind|say|"
        r"explain|repeat|beg)",
        r"\bis it (?:really |honestly |so )?too much to ask\b",
        r"\b(?:{CANT}|can'?t) (?:you|u) (?:ever|even|just|do anything|for once|once|"
        r"think|see|get anything)\b",
        r"\bhow (?:could|can|dare) (?:you|u)\b(?! (?:tell|help|think|let me know|be so kind))",
        r"\bwhy (?:do|would|must|did) (?:you|u) (?:have to|always|never|keep|insist|even bother|"
        r"always have to|constantly)\b",
        r"\bwhy (?:are|r) (?:you|u) (?:like this|like that|always|so (?:\w+ )?(?:difficult|"
        r"cold|lazy|selfish|stubborn|negative|useless|stupid|mean|dense|thick|clueless|"
        r"careless|defensive|impossible|hard|angry|grumpy|moody|dramatic|childish)|being (?:so )?"
        r"(?:difficult|difficult|stupid|childish|ridiculous|impossible))\b",
        r"\bwhat kind of (?:person|partner|husband|wife|man|woman|father|mother|parent|adult|"
        r"boyfriend|girlfriend|friend|human|idiot|monster) (?:does|would|forgets|says|acts|"
        r"thinks|treats|lies|leaves|is)\b",
        r"{S}who (?:forgets|does that|says that|acts like|treats|does this|lies|leaves|"
        r"behaves|even does)\b",
        r"\b(?:are you|r u) (?:serious|for real)\?",
        r"\bwhat were you thinking\b",
        unless=r"\b(?:i'?m curious|help me understand|i wonder|genuinely|i'?d love to know)\b",
    ),
    _rule(
        "character",
        r"\bevery (?:promise|word|thing|apology|excuse|plan) (?:you|u) (?:make|made|say|said|give|"
        r"gave|do|did)\b",
        r"\blike talking to a (?:brick )?wall\b",
        r"\b(?:how|why) (?:anyone|anybody|i|we|people) (?:puts?|put) up with (?:you|u)\b",
        r"\b{YOU} (?:lie|lied|cheat|complain|moan|whine|exaggerate|overreact|twist things|"
        r"argue|nag|sulk) (?:about everything|all the time|constantly|non-?stop)\b",
        r"\b{YOU} (?:{DONT}|do not) deserve (?:me|my|this|us|a|the|to|anything|her|him|them)\b",
        r"\b{YOURE} (?:just |so |absolutely |honestly |completely )?(?:unbelievable|impossible)\b",
        r"\bnothing(?:'s| is)? ever (?:your|ur) fault\b",
        r"\b(?:i'?m|i am|im) (?:so )?(?:sick|tired) (?:and tired )?of (?:your|ur) \w+",
        r"\b{YOURE} (?:the (?:reason|problem|cause)|why) (?:this|we|everything|our|i'?m|it'?s)\b",
        r"\b{YOU} only (?:ever )?(?:\w+ ){1,2}(?:when|because|if) (?:you|u|it suits|there'?s)",
        r"\b{YOU} (?:act|behave|talk|carry on|live) (?:like|as if|as though) (?:you'?re|you are|"
        r"the rules|everyone|nobody|no one|i'?m|it'?s|you own|you'?re the only)",
        r"\b(?:is|'s|are) (?:all )?(?:a joke|a game|nothing|meaningless) to (?:you|u)\b",
        r"\b{YOU} treat (?:\w+ ){1,3}better than (?:you treat )?me\b",
        r"\bsomeone (?:so|this|that) " + _TRAITS + r"\b",
        r"\bmake (?:it|this|everything|every conversation) (?:all )?about (?:you|yourself)\b",
        r"\b{YOU} (?:couldn'?t|can'?t|won'?t|wouldn'?t|didn'?t|don'?t) even\b",
        r"\b(?:it'?s|its) like (?:you|u) (?:don'?t|do not|never|can'?t) (?:even )?(?:want|care|"
        r"notice|listen|see|think|try)\b",
        r"\b{YOU} (?:treat|treated|talk to|speak to) me like (?:an? |your |dirt|crap|shit|"
        r"nothing)",
        r"\b{YOU} (?:just|simply|really) (?:{DONT}|do not|never|can'?t) (?:get it|understand|"
        r"listen|care|see|try|think|notice|learn)\b",
        r"\bthe least \w+ (?:person|man|woman|partner|husband|wife|human|boyfriend|girlfriend)\b",
        r"\b(?:always|every time|forever) the same with (?:you|u)\b",
        r"\bsame old (?:you|story|excuses)\b",
        r"\b{YOU}(?: have|'?ve got|'?ve| got| have got) no (?:backbone|spine|filter|shame|manners|"
        r"idea)\b",
        r"\b{YOU} (?:haven'?t|have not|never) (?:changed|grown|learned|learnt)\b(?! (?:a bit|"
        r"at all)"
        r"[^.!?\n]*\b(?:love|glad|still))",
        r"\b{YOU} (?:couldn'?t|could not) care less\b",
        r"\b{YOU} (?:{DONT}|do not|never|didn'?t) give a (?:damn|shit|toss|crap|fuck|single)\b",
        r"\b{YOU} think (?:the world|everything|the universe|it all) (?:revolves|is) (?:around|"
        r"about) (?:you|u)\b",
        r"\b(?:it'?s|everything'?s|everything is|it is) (?:always |all )?(?:about|all about) "
        r"(?:you|u|yourself)\b",
        r"\b{YOU}(?: have|'?ve got|'?ve| got| have got) (?:zero|no|not an ounce of|"
        r"not one ounce of|not a shred "
        r"of) (?:empathy|respect|compassion|self-?control|manners|idea|clue|consideration|"
        r"shame|backbone|spine|decency|sense|integrity|heart)\b",
        r"\b{YOU} (?:{DONT}|do not) have an? (?:caring|kind|romantic|honest|loyal|thoughtful|"
        r"generous|sympathetic|decent) bone\b",
        r"\b(?:your|ur) (?:problem|issue|trouble) is\b",
        r"\bthe (?:problem|trouble|thing) with (?:you|u) is\b",
        r"\b(?:that'?s|this is) (?:your|ur) (?:whole )?problem\b",
        r"\bfor once in (?:your|ur) (?:life|whole life)\b",
        r"\b(?:can|could|would|will) (?:you|u) (?:just )?(?:for once|ever|once)\b",
        r"\b(?:late|wrong|busy|tired|distracted|on your phone|grumpy|drunk|absent|useless|"
        r"rude|selfish|careless|forgetful) (?:as always|as usual|like always|again as usual|"
        r"like every time)\b",
        r"\bwhy (?:is|does) (?:everything|it) (?:always )?(?:have to be |end up |come back to )?"
        r"(?:about|be about) (?:you|u)\b",
        r"\b{YOURE} (?:never|not) (?:there|around|present|home|available|reliable) (?:when|for)\b",
        r"\b{YOU} (?:only|just) (?:ever )?(?:take|use|want) (?:and take|people|me)\b",
        r"\b{YOUWERE} {INTENS}" + _TRAITS + r"\b",
        r"\b{YOUWERE} {INTENS}(?:an? )?" + _TRAITS + " " + _TRAIT_NOUNS + r"\b",
        r"\b(?:{WHATS}|what(?: the hell| on earth| the heck| the fuck) is)(?: the hell| on earth|"
        r" the heck)? (?:wrong|the matter|up) with (?:you|u)\b"
        r"(?! (?:lately|today|this week)[,.]? (?:i'?m|are you|is everything))",
        r"\b{WHATS} (?:your|ur) (?:problem|deal|issue)\b",
        r"\b{WHATS} (?:it )?with (?:you|u)(?: and| lately\?|\?|{E})",
        r"\b(?:there'?s|there is|something'?s|something is|something) (?:seriously |really |"
        r"clearly |obviously )?wrong with (?:you|u)\b",
        r"\b{YOUWERE}(?: \w+)? {INTENS}" + _CHARACTER + r"\b",
        r"\b{YOUWERE} {INTENS}" + _SUPERLATIVE,
        r"\b{YOU} (?:act|acted|sound|sounded|seem|behave|behaved|are acting|'?re acting)"
        r" (?:so |really |just |like an? )?" + _CHARACTER + r"\b",
        r"\bwhat an? (?:\w+ )?(?:selfish|lazy|careless|thoughtless|inconsiderate|"
        r"irresponsible|cruel|heartless|stupid|pathetic) (?:thing|person|man|woman|move|way)",
        r"\b{YOU} (?:{DONT}|do not|clearly don'?t|obviously don'?t) (?:even |ever |"
        r"actually |really )?(?:care|try|listen|notice|think|ask|help|bother|make an effort|"
        r"give a|respect|love|value|appreciate)\b(?! (?:to|if|whether|which|what (?:we|time)))",
        r"\b(?:clearly|obviously),? {YOU} (?:{DONT}|do not|never|can'?t|won'?t)\b",
        r"\b{YOU} (?:clearly|obviously) (?:{DONT}|do not|never|can'?t|won'?t|are|'?re)\b",
        r"\b{YOU} only (?:ever )?(?:care|think|worry) about\b",
        r"\b{YOU} (?:care|think) (?:more )?(?:about|of) (?:\w+ ){0,3}more than (?:me|us|"
        r"your (?:family|kids))\b",
        r"\b{YOU} care more about\b",
        r"\b{YOU} (?:only )?(?:ever )?think (?:only )?(?:of|about) (?:yourself|your own)\b",
        r"\b{YOURE} (?:just )?(?:like|exactly like|turning into|no different from) your "
        r"(?:father|mother|dad|mum|mom|ex|brother|sister|parents|family)\b",
        r"{S}(?:how |so |just |that'?s (?:so |just )?)?typical(?:{E}|,? (?:isn'?t it|really)| "
        r"of you| you| male| man| woman)",
        r"\b(?:that'?s|this is|it'?s) (?:just |exactly )?who you are\b",
        r"\b{YOU}(?:'?ll| will) never change\b",
        r"\b{YOU} (?:never|won'?t|will not) (?:ever )?change\b",
        r"\b{YOURE} (?:just )?the (?:kind|type|sort) of (?:person|man|woman|guy|girl|partner)"
        r" (?:who|that)\b",
        r"\b{YOU} (?:ruin|ruined|spoil|spoiled|spoilt|wreck|wrecked|destroy|destroyed|mess up|"
        r"messed up) (?:everything|it all|every|all of|the whole|our)\b",
        r"\b(?:it'?s|it is|this is|that'?s|everything is|everything'?s|it was|that was) "
        r"(?:all |always |entirely |completely )?(?:your|ur) (?:fault|doing)\b",
        r"\bbecause of you\b(?!,? (?:i (?:feel|felt|am|'m) (?:safe|loved|happy|better)))",
        r"\b{YOU} should (?:have|'?ve) known\b",
        r"\b{YOU} should (?:know|have learned|have learnt) (?:by now|better)\b",
        r"\b{YOU} (?:have|'?ve got) no (?:idea|clue|respect|consideration|shame|decency)\b",
        r"\b{YOU} (?:{CANT}) be trusted\b",
        r"\b{YOU} (?:{CANT}|never) (?:even |ever )?(?:do anything right|get anything right|"
        r"remember (?:anything|one thing|a single)|be trusted|keep a promise|follow through)",
        r"\b{YOU} (?:{CANT}) (?:even )?(?:remember|manage|do|handle|get|keep)\b(?=[^.!?\n]*"
        r"\b(?:one|single|simple|anything|basic|even)\b)",
        r"\b{YOU} (?:constantly|continually|perpetually) \w+",
        r"\b{YOURE} (?:constantly|continually|forever|perpetually) \w+",
        r"\ball {YOU} (?:ever )?(?:do|care about|think about|want|talk about|have done|did)\b",
        r"\b{YOU} (?:only )?ever (?:think|care|talk|worry)\b",
        r"\bevery (?:single )?time (?:i|we|you)\b(?=[^.!?\n]*\b(?:you|your)\b)",
        r"\b{YOURE} (?:incapable|not capable) of\b",
        r"\b{YOURE} (?:a|an) (?:terrible|bad|lousy|awful|horrible|selfish|lazy|useless|"
        r"careless|cold|crap|shit|pathetic) \w+",
        r"\b{YOU} (?:never|don'?t|do not) (?:think|care) about (?:anyone|anybody) (?:but|except|"
        r"other than) yourself",
        r"\bno (?:wonder|surprise) (?:you|u)\b",
        unless=r"\b(?:thank|appreciate|grateful|love (?:that|how|it when|you)|proud|admire)",
        deniable=True,
    ),
    _rule(
        "always-never",
        r"\b{YOU}(?: (?:can|could|will|would|do|did|just|literally|honestly|really|seriously|"
        r"pretty much|simply|still|'ll|'d|can'?t|couldn'?t|won'?t|wouldn'?t|don'?t|didn'?t))+ "
        r"(?:always|never|constantly|ever)\b",
        r"\b(?:as always|as usual|like always|same as always|like every other time|every "
        r"damn time|every bloody time|every single time)\b(?=[^.!?\n]*\b(?:you|your|u|ur)\b)",
        r"\b(?:you|u|your|ur)\b[^.!?\n]{0,40}\b(?:as always|as usual|like always|same as always|"
        r"every damn time|every bloody time)\b",
        r"\b{YOU}(?:'?ve| have|'?re| are|'?d| would| will|'?ll| just| literally| honestly| "
        r"really| seriously| pretty much)? (?:always|never|constantly|forever|never once|"
        r"never ever|every single time|all the time|always have to|never even)\b",
        r"\b(?:why do|do) {YOU} (?:always|never)\b",
        r"\b{YOU} (?:{DONT}|won'?t|will not|do not|never) ever\b",
        r"\b{YOURE} (?:always|never|forever|constantly)\b",
        unless=r",? (?:right|isn'?t it|don'?t you|aren'?t you|correct)\?|\bremember when",
    ),
)

# -- what the hint holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    key: str  # the kind of phrase
    pattern: str  # criticism, contempt, defensiveness or stonewalling
    name: str  # the kind, in plain words
    found: str  # the words as written
    why: str
    instead: tuple[str, ...]


_SENTENCE_END = re.compile(r"[.!?\u2026\n]")
_CLAUSE_END = re.compile(r"[.!?\u2026\n,;:\u2014\u2013]|\s-\s|\b(?:but|and|so)\b")

# Straight quotes, one character for one.
_STRAIGHT = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)

# A verb that reports what someone else said or felt; after it, their words, not one's own.
_REPORTING = re.compile(
    r"\b(?:(?:you|u|he|she|they|we|someone|somebody|people|everyone|everybody|(?:my|your|his|"
    r"her|our|the) \w+|mum|mom|dad|mother|father)(?: just| once| always| also| then| even| "
    r"kept| keep| were| are|'re| ever| sometimes| often)? (?:said|say|says|saying|wrote|write|"
    r"texted|told (?:me|us|him|her|them)|meant|mean|asked (?:whether|if|me|us|why)|asks|"
    r"called (?:me|it|us|him|her)|put it)|when (?:you|u) (?:say|said)|"
    r"i (?:told|asked) (?:you|u) to|tell me|tells me|(?:wrote|write|written) down|"
    r"(?:remember|recall) (?:you|u) saying|"
    r"write|texted|called (?:me|it|us|him|her)|call (?:me|it)|calls me|mean(?:t)? by|"
    r"i (?:hear|heard) (?:you (?:say|said)|that)|hearing(?: is)?(?: that)?|used to say|"
    r"the words?|feel like i|felt like i|feels like i|it sounds like|sounds like you|"
    r"you(?:'re| are)? (?:feeling|felt|feel) (?:that|like)|understand (?:that )?you|"
    r"accused me of|accuse me of|if i understand(?: you)?|what i'?m hearing|is what you said)\b"
    r"[,:]?\s*(?:that\s+)?",
    re.IGNORECASE,
)
# Quotation marks around words (double anywhere; single only where they can't be an
# apostrophe: after a space or a bracket, before a letter).
_QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|(?<![\w])'(?=\w)[^'\n]{1,120}?(?<=[\w.!?,])'(?!\w)")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


class _Sentences:
    """Where each sentence of a text begins and ends, found once per text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stops = [m.start() for m in _SENTENCE_END.finditer(text)]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """From just after the last stop before `start` to the next stop at or after `end`
        (that stop included, so a sentence keeps its question mark)."""
        i = bisect_left(self.stops, start)
        begin = self.stops[i - 1] + 1 if i else 0
        j = bisect_left(self.stops, end)
        finish = self.stops[j] + 1 if j < len(self.stops) else len(self.text)
        return begin, finish


def _set_aside_reported_words(text: str) -> str:
    """Blank out the words someone else said, keeping every position: a quotation next to a
    reporting verb, and the rest of a clause that follows one."""
    out = text
    sentences = _Sentences(text)
    for quote in _QUOTED.finditer(text):
        begin, finish = sentences.around(quote.start(), quote.end())
        # A quote in a sentence with no reporting verb is a sneer ("working late") or mimicry,
        # which stays in; a quotation that reports someone's words is set aside.
        if _REPORTING.search(text, begin, finish):
            out = _blank(out, quote.start() + 1, quote.end() - 1)
    for verb in _REPORTING.finditer(out):
        end = _CLAUSE_END.search(out, verb.end())
        stop = end.start() if end else len(out)
        # "You said I never listen, and ..." keeps "and ..." in view.
        out = _blank(out, verb.end(), stop)
    return out


_CLAUSE_MARK = re.compile(r"[,;:\u2014\u2013]|\bbut\b|\band\b", re.IGNORECASE)


def _clause_before(text: str, sentence_start: int, start: int) -> str:
    """The words of a match's clause that come before it."""
    head = text[sentence_start:start]
    cut = max((m.end() for m in _CLAUSE_MARK.finditer(head)), default=0)
    return head[cut:]


_NEVER_WORDS = re.compile(r"\bnever\b|\bdon'?t ever\b|\bwon'?t ever\b|\bnot ever\b", re.IGNORECASE)


def _warm_always_never(text: str, sentence: str, match: re.Match[str]) -> bool:
    """ "You always make me laugh", "you never complain": a habit named to praise it."""
    if _WARM.search(sentence):
        return True
    rest = text[match.end() : match.end() + 60]
    if _NEVER_WORDS.search(match.group()):
        return bool(_BAD_HABIT_ABSENT.search(rest))
    return bool(_GOOD_HABIT.search(rest))


def _lower(text: str) -> str:
    """Lowercase, one character for one (a few letters grow when lowercased; they stay)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _matches(rule: Rule, read: str) -> list[re.Match[str]]:
    """Every match of a rule's phrases, in the order they appear in the (lowercased) text."""
    found = []
    for phrase in rule.phrases:
        if phrase.needs and not any(word in read for word in phrase.needs):
            continue
        for match in phrase.pattern.finditer(read):
            start = match.start()
            if match.end() == start or not match.group().strip():
                continue
            if phrase.at_word and start and (read[start - 1].isalnum() or read[start - 1] == "_"):
                continue
            found.append(match)
    found.sort(key=lambda m: (m.start(), -m.end()))
    return found


MAX_CHARS = 2000  # what one box holds (conversations and concerns alike); the rest is not read


def hints(text: str) -> list[Hint]:
    """The kinds of phrase this text meets, each once, in the order they appear."""
    plain = _lower(text[:MAX_CHARS].translate(_STRAIGHT))
    read = _set_aside_reported_words(plain)
    way_back = _WAY_BACK.search(read) is not None
    sentences = _Sentences(read)
    claimed: list[tuple[int, int]] = []
    found: dict[str, tuple[int, Hint]] = {}
    for rule in RULES:
        if rule.kind in found:
            continue
        if rule.kind == "shutting-down" and way_back:
            continue
        for match in _matches(rule, read):
            start, end = match.span()
            if any(start < c_end and c_start < end for c_start, c_end in claimed):
                continue
            s_start, s_end = sentences.around(start, end)
            sentence = read[s_start:s_end]
            if rule.unless is not None and rule.unless.search(sentence):
                continue
            before = _clause_before(read, s_start, start)
            if rule.deniable and _DENIED.search(before):
                continue
            if rule.own_feeling_ok and _OWN_FEELING.search(before):
                continue
            if (
                rule.after_ok is not None
                and match.group().lower().endswith("but")
                and rule.after_ok.match(read, end, s_end)
            ):
                continue
            if rule.kind == "always-never" and _warm_always_never(read, sentence, match):
                continue
            kind = KINDS[rule.kind]
            words = text[start:end].strip(" ,.*\"'")
            hint = Hint(
                kind.key, kind.pattern, kind.name, words or text[start:end], kind.why, kind.instead
            )
            found[rule.kind] = (start, hint)
            claimed.append((start, end))
            break
    return [hint for _, hint in sorted(found.values(), key=lambda pair: pair[0])]
