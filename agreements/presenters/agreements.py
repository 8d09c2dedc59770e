"""The agreement pages' wording and page building: how an agreement, its versions and its
history read to this person ("you", the partner's name, or after a leave whoever it
was), and where it sits on the list. The views parse, call the services and render these
plain values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from agreements import compare, services
from agreements.models import Agreement, AgreementVersion, Change, Kind, Status, VersionState
from couples import services as couples
from privacy.keyring import Keyring

KIND_WORDS: dict[str, str] = {
    Kind.TRANSPARENCY: "Transparency",
    Kind.BOUNDARY: "Boundary",
    Kind.OTHER: "Something else",
}
# What each kind is, in one line, where a person chooses which to propose.
KIND_CHOICES = (
    (
        Kind.TRANSPARENCY,
        "A transparency agreement",
        "What one of you will share with the other, how often, and how.",
    ),
    (
        Kind.BOUNDARY,
        "A boundary",
        "A line you both keep, about people, devices, social media, privacy or time.",
    ),
    (
        Kind.OTHER,
        "Something else",
        "Any other agreement the two of you want to make, in your own words.",
    ),
)
PROPOSE_HEADINGS: dict[str, str] = {
    Kind.TRANSPARENCY: "Propose a transparency agreement",
    Kind.BOUNDARY: "Propose a boundary",
    Kind.OTHER: "Propose an agreement",
}
CHANGE_WORDS: dict[str, str] = {
    Change.PROPOSE: "First proposal",
    Change.REVISE: "A change to the words",
    Change.RETIRE: "Ending it",
}
VERSION_STATE_WORDS: dict[str, str] = {
    VersionState.PENDING: "Waiting for an answer",
    VersionState.ACCEPTED: "Accepted",
    VersionState.REPLACED: "Replaced by a later proposal",
    VersionState.WITHDRAWN: "Withdrawn",
    VersionState.DECLINED: "Not taken up",
}

NO_SUCH_KIND = "That kind of agreement isn't one Tending offers. Please choose one of these three."
NOTHING_CHANGED = "That couldn't be done, so nothing changed."
ALREADY_ANSWERED = "That proposal had already been answered, so nothing changed."
CHANGED_MEANWHILE = (
    "This agreement changed while you had it open, so nothing was done. Here is how it stands now."
)

# Where an agreement shows on the list, in reading order.
SECTIONS = (
    ("answer", "Waiting for your answer"),
    ("stepped_back", "Stepped back: to talk about"),
    ("in_effect", "In effect"),
    ("mine", "Proposed by you"),
)


# -- who is who, and whether the couple space is still open ------------------------------


@dataclass(frozen=True)
class Pair:
    user: User
    partner: User | None
    open_couple_id: int | None  # the couple space, while both are in it

    @property
    def partner_name(self) -> str:
        return self.partner.display_name if self.partner is not None else "your partner"

    def is_open(self, agreement: Agreement) -> bool:
        """Whether anything about it can still change (not once a partner has left)."""
        return self.open_couple_id is not None and agreement.couple_id == self.open_couple_id

    def who(self, person_id: Any, load: Callable[[], User | None]) -> str:
        """ "you", the partner's name, or (after a leave) the name of whoever it was."""
        if person_id is None:
            return ""
        if person_id == self.user.pk:
            return "you"
        if self.partner is not None and person_id == self.partner.pk:
            return self.partner.display_name
        person = load()
        return person.display_name if person is not None else "your partner"


def pair_of(user: User) -> Pair:
    membership = couples.current_membership(user)
    if membership is None or membership.couple.ended_at is not None:
        return Pair(user, None, None)
    theirs = couples.partner_membership(membership)
    if theirs is None:
        return Pair(user, None, None)
    return Pair(user, theirs.user, membership.couple_id)


# -- reading an agreement ------------------------------------------------------------------


def author_of(version: AgreementVersion) -> Callable[[], User | None]:
    return lambda: version.author


def answerer_of(version: AgreementVersion) -> Callable[[], User | None]:
    return lambda: version.answered_by


def is_readable(version: AgreementVersion | None) -> bool:
    return version is not None and not (version.waiting or version.unreadable)


def title_of(agreement: Agreement, last: AgreementVersion | None = None) -> str:
    """From the version in effect, else the one proposed, else (for a proposal that wasn't
    taken up) the last one there was. Versions are revealed first."""
    versions = (agreement.current, agreement.pending, last)
    for version in versions:
        if version is not None and is_readable(version):
            return str(version.plain.get("title") or "")
    kind = KIND_WORDS.get(agreement.kind, "An agreement")
    if any(v is not None and v.waiting for v in versions):
        return f"{kind} (its words open once your partner next visits Tending)"
    return f"{kind} (its words can't be opened any more)"


def state_words(agreement: Agreement, pair: Pair) -> str:
    status = agreement.status
    if status == Status.RETIRED:
        return "Retired: you both agreed to end it"
    if status == Status.NOT_AGREED:
        return "Not taken up"
    if not pair.is_open(agreement):
        return "Kept as history: the couple space it was made in has closed"
    partner = pair.partner_name
    pending = agreement.pending
    mine = pending is not None and pending.author_id == pair.user.pk
    if status == Status.PROPOSED:
        if mine:
            return f"Proposed by you, waiting for {partner}'s answer"
        return f"Proposed by {partner}, waiting for your answer"
    words = "In effect"
    if agreement.stepped_back:
        by = "you" if agreement.stepped_back_by_id == pair.user.pk else partner
        words += f"; {by} stepped back from it, so it's there to talk about"
    if pending is not None:
        what = "ending it" if pending.change == Change.RETIRE else "a change"
        if mine:
            words += f"; you proposed {what}, waiting for {partner}'s answer"
        else:
            words += f"; {partner} proposed {what}, waiting for your answer"
    return words


def shown_fields(kind: str, version: AgreementVersion) -> list[compare.FieldChange]:
    """A version's words as a person reads them, empty fields left out."""
    changes = compare.compare(services.FIELD_LABELS[kind], None, version.plain)
    return [c for c in changes if c.after]


def comparison(
    kind: str, before: AgreementVersion | None, after: AgreementVersion
) -> list[compare.FieldChange]:
    base = before.plain if before is not None and is_readable(before) else None
    changes = compare.compare(services.FIELD_LABELS[kind], base, after.plain)
    return [c for c in changes if c.before or c.after]


def standing(ring: Keyring, agreement: Agreement, pair: Pair) -> dict[str, Any]:
    """The agreement as it stands: its version in effect, and a proposal waiting beside it."""
    current, pending = agreement.current, agreement.pending
    # Never agreed: nothing is in effect or waiting, so show the last proposal there was.
    last = None
    if current is None and pending is None:
        last = next(iter(services.history(agreement).reverse()), None)
    # What a waiting proposal is read against: the words in effect, or, before anything is
    # in effect, the proposal it replaced (a counter-proposal shows what it changed).
    before = current or (services.replaced_by(pending) if pending is not None else None)
    services.reveal_versions(ring, [v for v in (current, pending, last, before) if v])
    is_open = pair.is_open(agreement)
    context: dict[str, Any] = {
        "agreement": agreement,
        "title": title_of(agreement, last),
        "kind_words": KIND_WORDS.get(agreement.kind, ""),
        "state": state_words(agreement, pair),
        "is_open": is_open,
        "partner_name": pair.partner_name,
        "current": current,
        "pending": pending,
    }
    if current is not None:
        context |= {
            "current_heading": (
                "In effect"
                if agreement.status == Status.IN_EFFECT and is_open
                else "As it stood when you ended it"
                if agreement.status == Status.RETIRED
                else "As the two of you agreed it"
            ),
            "current_readable": is_readable(current),
            "current_fields": shown_fields(agreement.kind, current) if is_readable(current) else [],
            "current_by": pair.who(current.author_id, author_of(current)),
            "current_accepted_by": pair.who(current.answered_by_id, answerer_of(current)),
        }
    if pending is not None:
        retiring = pending.change == Change.RETIRE
        context |= {
            "pending_heading": (
                "Proposed: ending it"
                if retiring
                else "Proposed change"
                if current is not None
                else "Proposed agreement"
            ),
            "pending_mine": pending.author_id == pair.user.pk,
            "pending_by": pair.who(pending.author_id, author_of(pending)),
            "pending_readable": is_readable(pending),
            "retiring": retiring,
            "comparison": comparison(agreement.kind, before, pending)
            if is_readable(pending)
            else [],
            "compared": before is not None and is_readable(before),
            "compared_with_proposal": current is None and before is not None,
        }
    if last is not None:
        context |= {
            "last": last,
            "last_readable": is_readable(last),
            "last_fields": shown_fields(agreement.kind, last) if is_readable(last) else [],
            "last_by": pair.who(last.author_id, author_of(last)),
            "last_answer": answer_phrase(last, pair.who(last.answered_by_id, answerer_of(last))),
        }
    return context


# -- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    agreement: Agreement
    title: str
    kind: str
    state: str


def section_of(agreement: Agreement, pair: Pair) -> str:
    if agreement.status in (Status.RETIRED, Status.NOT_AGREED) or not pair.is_open(agreement):
        return "ended"
    pending = agreement.pending
    if pending is not None and pending.author_id != pair.user.pk:
        return "answer"
    if agreement.status == Status.IN_EFFECT and agreement.stepped_back:
        return "stepped_back"
    if pending is not None:
        return "mine"
    return "in_effect" if agreement.status == Status.IN_EFFECT else "mine"


def list_context(ring: Keyring, user: User) -> dict[str, Any]:
    """The list: each agreement under its section, the open repair topics and one's own
    drafts (each by its agreement and date, never a count)."""
    pair = pair_of(user)
    # Where we're heading has its own page (projects); the agreements list leaves it out.
    found = services.reveal_agreements(
        ring, services.visible_agreements(user).exclude(kind=Kind.HEADING)
    )
    never_agreed = services.reveal_versions(ring, services.last_proposals(user, found))
    last = {version.agreement_id: version for version in never_agreed}
    grouped: dict[str, list[Item]] = {key: [] for key, _ in (*SECTIONS, ("ended", ""))}
    titles: dict[Any, str] = {}
    for agreement in found:
        title = title_of(agreement, last.get(agreement.pk))
        titles[agreement.pk] = title
        item = Item(
            agreement, title, KIND_WORDS.get(agreement.kind, ""), state_words(agreement, pair)
        )
        grouped[section_of(agreement, pair)].append(item)
    # Each open repair topic by its agreement and when it was sent: never a count of them.
    topics = [
        (concern.pk, titles.get(concern.agreement_id, "an agreement"), concern.sent_at)
        for concern in services.open_topics(user)
    ]
    drafts = [
        (concern.pk, titles.get(concern.agreement_id, "an agreement"), concern.created_at)
        for concern in services.my_drafts(user)
    ]
    context = {
        "partner": pair.partner,
        "drafts": drafts,
        "sections": [(key, heading, grouped[key]) for key, heading in SECTIONS if grouped[key]],
        "ended": grouped["ended"],
        "topics": topics,
        "has_any": bool(found),
    }
    return context


# -- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    version: AgreementVersion
    change: str
    state: str
    proposed_by: str
    answered: str  # who answered and how, as a phrase ("accepted by Bob"); "" if nobody
    readable: bool
    retiring: bool
    compared_with: AgreementVersion | None
    changes: list[compare.FieldChange]


def answer_phrase(version: AgreementVersion, who: str) -> str:
    if version.state == VersionState.ACCEPTED:
        return f"Accepted by {who}"
    if version.state == VersionState.DECLINED:
        return f"Not taken up by {who}"
    if version.state == VersionState.WITHDRAWN:
        return f"Withdrawn by {who}"
    return ""


def history_context(ring: Keyring, user: User, agreement: Agreement) -> dict[str, Any]:
    """Every version of an agreement, oldest first, each compared with the one it changed."""
    pair = pair_of(user)
    versions = services.reveal_versions(ring, services.history(agreement))
    rows: list[HistoryRow] = []
    last_accepted: AgreementVersion | None = None
    previous: AgreementVersion | None = None
    for version in versions:
        base = last_accepted or previous
        if base is not None and not is_readable(base):
            base = None
        retiring = version.change == Change.RETIRE
        readable = is_readable(version)
        rows.append(
            HistoryRow(
                version=version,
                change=CHANGE_WORDS.get(version.change, ""),
                state=VERSION_STATE_WORDS.get(version.state, ""),
                proposed_by=pair.who(version.author_id, author_of(version)),
                answered=answer_phrase(
                    version,
                    pair.who(version.answered_by_id, answerer_of(version)),
                ),
                readable=readable,
                retiring=retiring,
                compared_with=base if readable and not retiring else None,
                changes=comparison(agreement.kind, base, version)
                if readable and not retiring
                else [],
            )
        )
        if version.state == VersionState.ACCEPTED and not retiring:
            last_accepted = version
        previous = version
    by_id = {v.pk: v for v in versions}
    # The title from the versions already open, without fetching them again.
    agreement.current = by_id.get(agreement.current_id) if agreement.current_id else None
    agreement.pending = by_id.get(agreement.pending_id) if agreement.pending_id else None
    context = {
        "agreement": agreement,
        "title": title_of(agreement, versions[-1] if versions else None),
        "kind_words": KIND_WORDS.get(agreement.kind, ""),
        "state": state_words(agreement, pair),
        "rows": rows,
    }
    return context
