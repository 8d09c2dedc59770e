"""Agreements: every rule about proposing, accepting, stepping back, reviewing and raising
a concern lives in this package, by sub-domain: `versions` (proposing, answering, revising,
retiring, stepping back), `terms` (the words of a version and their check), `reading` (what
one may see of agreements and their versions), `heading` (where we're heading), `review`
(the monthly review) and `concerns`; `guards` holds the problems and the checks they share.
Everything is imported from `agreements.services`, as before the split. Views parse, call
and render.

The state of an agreement, in words:
- proposed: a first version waits for the other partner's answer;
- in effect: a version both accepted holds (a revision or retiring may be waiting beside
  it; the accepted version holds until the other partner accepts the change);
- stepped back: in effect, but one partner has said they no longer keep it; it needs a
  conversation, and shows on the weekly agenda and the monthly review;
- retired: both agreed to end it;
- not agreed: the first proposal was withdrawn or not accepted.

Nobody changes an agreement alone: every change is a proposal the other accepts. Every
change bumps `Agreement.revision`, and every action names the revision it saw, so a form
opened before someone else's change is refused with what changed, never applied blindly.
"""

from __future__ import annotations

from agreements.services.concerns import (
    ALREADY,
    SETTLED,
    SUGGESTED,
    answer_concern,
    concern_answer,
    keep_open,
    my_drafts,
    open_topics,
    reveal_concern,
    settle,
    visible_concerns,
    write_concern,
)
from agreements.services.guards import AgreementProblem, StaleAgreement, local_today
from agreements.services.heading import HEADING_MAX, HEADING_TITLE, heading_of, propose_heading
from agreements.services.reading import (
    Agreement,
    Concern,
    history,
    last_proposals,
    needing_conversation,
    replaced_by,
    reveal_agreements,
    reveal_versions,
    today_probes,
    version_of,
    visible_agreement_or_404,
    visible_agreements,
    visible_concern_or_404,
    waiting_for_answer,
    waiting_today,
)
from agreements.services.review import (
    ReviewRow,
    find_review,
    finish_review,
    has_finished,
    month_of,
    my_answers,
    past_reviews,
    review_results,
    save_and_finish_review,
    save_review_answers,
    to_review,
)
from agreements.services.terms import FIELD_LABELS, Terms, check_terms
from agreements.services.versions import (
    accept,
    decline,
    propose,
    propose_retiring,
    revise,
    step_back,
    step_back_in,
    withdraw,
)

# Agreement and Concern are re-exported on purpose: other areas may name these types, and
# reach the rest through the functions here.
__all__ = [
    "ALREADY",
    "FIELD_LABELS",
    "HEADING_MAX",
    "HEADING_TITLE",
    "SETTLED",
    "SUGGESTED",
    "Agreement",
    "AgreementProblem",
    "Concern",
    "ReviewRow",
    "StaleAgreement",
    "Terms",
    "accept",
    "answer_concern",
    "check_terms",
    "concern_answer",
    "decline",
    "find_review",
    "finish_review",
    "has_finished",
    "heading_of",
    "history",
    "keep_open",
    "last_proposals",
    "local_today",
    "month_of",
    "my_answers",
    "my_drafts",
    "needing_conversation",
    "open_topics",
    "past_reviews",
    "propose",
    "propose_heading",
    "propose_retiring",
    "replaced_by",
    "reveal_agreements",
    "reveal_concern",
    "reveal_versions",
    "review_results",
    "revise",
    "save_and_finish_review",
    "save_review_answers",
    "settle",
    "step_back",
    "step_back_in",
    "to_review",
    "today_probes",
    "version_of",
    "visible_agreement_or_404",
    "visible_agreements",
    "visible_concern_or_404",
    "visible_concerns",
    "waiting_for_answer",
    "waiting_today",
    "withdraw",
    "write_concern",
]
