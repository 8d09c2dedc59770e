"""Commitments: every rule about making, changing, marking and noticing lives in this
package, by sub-domain: `promises` (making and changing a commitment, rituals), `outcomes`
(marking an occasion, "I noticed"), `rhythms` (the three practice rhythms and their
suggestions), `project_steps` (a project's dated steps) and `reading` (occasions,
follow-through, a season of keeping, the worker's reminders). Everything is imported from
`commitments.services`, as before the split.

`create_commitment` is the public entry point other areas use (a conversation ends
in commitments once their owner confirms them).
"""

from __future__ import annotations

# Re-exported on purpose (`X as X`): the names other areas may use, with the functions below.
from commitments.models import Cadence as Cadence
from commitments.models import Commitment as Commitment
from commitments.models import Kind
from commitments.occurrences import Rule as Rule
from commitments.occurrences import month_bounds as month_bounds
from commitments.services.outcomes import may_mark, notice, record_outcome
from commitments.services.project_steps import (
    end_project_steps,
    mark_project_step,
    plan_project_step,
)
from commitments.services.promises import (
    CommitmentProblem,
    StaleEdit,
    change_cadence,
    check_plan,
    create_commitment,
    edit_commitment,
    local_today,
    rest_ritual,
    ritual_statuses,
    set_status,
    start_ritual,
)
from commitments.services.reading import (
    SEASON,
    Occasion,
    WeekCount,
    follow_through,
    for_today,
    kept_between,
    kept_more_often_than_not,
    occasion_on,
    occasions,
    plan_due_reminders,
    visible_commitments,
)
from commitments.services.rhythms import (
    RHYTHM_TITLES,
    Rhythms,
    answer_suggestion,
    current_rhythms,
    keep_rhythm_in,
    rhythm_suggestions,
    set_rhythms,
    suggestions_for,
)

# Other areas name the rhythm kinds through this alias (their own models have a `Kind`).
RhythmKind = Kind

__all__ = [
    "RHYTHM_TITLES",
    "SEASON",
    "Cadence",
    "Commitment",
    "CommitmentProblem",
    "Occasion",
    "RhythmKind",
    "Rhythms",
    "Rule",
    "StaleEdit",
    "WeekCount",
    "answer_suggestion",
    "change_cadence",
    "check_plan",
    "create_commitment",
    "current_rhythms",
    "edit_commitment",
    "end_project_steps",
    "follow_through",
    "for_today",
    "keep_rhythm_in",
    "kept_between",
    "kept_more_often_than_not",
    "local_today",
    "mark_project_step",
    "may_mark",
    "month_bounds",
    "notice",
    "occasion_on",
    "occasions",
    "plan_due_reminders",
    "plan_project_step",
    "record_outcome",
    "rest_ritual",
    "rhythm_suggestions",
    "ritual_statuses",
    "set_rhythms",
    "set_status",
    "start_ritual",
    "suggestions_for",
    "visible_commitments",
]
