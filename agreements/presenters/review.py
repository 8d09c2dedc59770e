"""The monthly review in words: the agreements to review, and once both have finished, each
agreement's answers side by side with a calm line or what to talk about. The partner's
answers come only from services.review_results, which opens them only then."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from agreements import services
from agreements.models import Agreement, Choice, Review, ReviewAnswer
from agreements.review_forms import ReviewItem, agreement_title
from couples import services as couples
from privacy.keyring import Keyring

CHOICE_WORDS = dict(Choice.choices)
BOTH_CHOSE: dict[str, str] = {
    Choice.KEEP: "You both chose to keep it as it is.",
    Choice.REVISE: "You both chose to revise it. Either of you can propose the new words "
    "from the agreement's page.",
    Choice.RETIRE: "You both chose to retire it. Either of you can propose retiring it from "
    "the agreement's page.",
}
CHOSE_DIFFERENTLY = "To talk about: you chose differently"
ONE_ANSWERED = "To talk about: only one of you answered for this one"
FIELD_TROUBLE = "Something on this page needs another look. Nothing was saved."


def partner_name(user: User) -> str:
    partner = couples.partner_of(user)
    return partner.display_name if partner else "your partner"


def review_items(ring: Keyring, user: User) -> list[ReviewItem]:
    """The agreements in effect, the ones someone stepped back from first, opened."""
    agreements = services.reveal_agreements(ring, services.to_review(user))
    partner = partner_name(user)

    def who(agreement: Agreement) -> str:
        if not agreement.stepped_back:
            return ""
        return "You" if agreement.stepped_back_by_id == user.pk else partner

    return [ReviewItem(a, agreement_title(a), who(a)) for a in agreements]


@dataclass(frozen=True)
class Said:
    """One person's answer about one agreement, in words."""

    choice: str
    note: str


def said_of(answer: ReviewAnswer | None, partner: str) -> Said:
    if answer is None:
        return Said("No answer this month", "")
    if answer.unreadable:
        return Said("This answer can't be opened any more", "")
    if answer.waiting:
        return Said(f"This answer opens once {partner} next visits Tending", "")
    return Said(
        CHOICE_WORDS.get(answer.plain.get("choice") or "", "No answer this month"),
        answer.plain.get("note") or "",
    )


@dataclass(frozen=True)
class ResultCard:
    agreement: Agreement
    title: str
    mine: Said
    theirs: Said
    flag: str  # words saying why it is to talk about; empty when both chose the same
    calm: str  # the line shown when both chose the same


def result_cards(ring: Keyring, review: Review, partner: str) -> list[ResultCard]:
    cards = []
    for row in services.review_results(ring, review):  # differing rows come first
        flag = ""
        calm = ""
        if row.differs:
            flag = CHOSE_DIFFERENTLY if row.mine and row.theirs else ONE_ANSWERED
        else:
            choice = row.mine.plain.get("choice") if row.mine else ""
            calm = BOTH_CHOSE.get(choice or "", "You both chose the same.")
        cards.append(
            ResultCard(
                row.agreement,
                agreement_title(row.agreement),
                said_of(row.mine, partner),
                said_of(row.theirs, partner),
                flag,
                calm,
            )
        )
    return cards
