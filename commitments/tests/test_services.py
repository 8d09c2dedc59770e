"""The rules of commitments, called directly: making, changing, marking, noticing, the
rhythms, and follow-through, with the clock set by time-machine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from accounts.models import User
from commitments import services
from commitments.models import (
    Cadence,
    Commitment,
    Kind,
    Noticed,
    Outcome,
    Result,
    Schedule,
    Status,
)
from commitments.occurrences import Rule
from commitments.tests.helpers import how_it_went
from conftest import Cast, ring
from privacy import entries

# Wednesday 11 March 2026, 13:00 in Amsterdam.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
YESTERDAY = TODAY - timedelta(days=1)
DAILY = Rule(Cadence.DAILY)
Problem = services.CommitmentProblem


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def make(
    user: User,
    *,
    rule: Rule = DAILY,
    starts_on: date = TODAY - timedelta(days=20),
    ends_on: date | None = None,
    shared: bool = True,
    joint: bool = False,
    title: str = "Text when I'm running late",
) -> Commitment:
    return services.create_commitment(
        ring(user),
        title=title,
        rule=rule,
        starts_on=starts_on,
        ends_on=ends_on,
        shared=shared,
        joint=joint,
        kind=Kind.CONVERSATION if joint else Kind.PROMISE,
    )


def set_zone(user: User, zone: str) -> None:
    user.time_zone = zone
    user.save(update_fields=["time_zone"])


def raw_column(table: str, column: str) -> list[bytes]:
    """The bytes as the database holds them, past every layer of our own code."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # fixed names, in a test
        return [bytes(row[0]) for row in cursor.fetchall() if row[0] is not None]


# -- making -------------------------------------------------------------------------------------


def test_create_keeps_the_title_encrypted_and_the_schedule_clear(cast: Cast) -> None:
    c = make(cast.alice.user, rule=Rule(Cadence.WEEKLY, weekdays=(3, 0, 3)))
    assert c.is_shared and c.revision == 1 and c.status == Status.ACTIVE
    (schedule,) = c.schedules.all()
    assert (schedule.cadence, schedule.weekdays, schedule.effective_from) == (
        "weekly",
        "0,3",
        c.starts_on,
    )
    assert all(
        b"running late" not in blob for blob in raw_column("commitments_commitment", "title")
    )
    (opened,) = entries.reveal([Commitment.objects.get()], ring(cast.bob.user))
    assert opened.plain["title"] == "Text when I'm running late"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "Please give the commitment a few words."),
        ({"ends_on": TODAY - timedelta(days=21)}, "The end date is before the start date."),
        ({"rule": Rule(Cadence.WEEKLY)}, "Choose at least one day of the week."),
        ({"rule": Rule(Cadence.WEEKLY, weekdays=(7,))}, "Days of the week go from Monday"),
        ({"rule": Rule(Cadence.MONTHLY)}, "Choose either a day of the month, or a weekday"),
        (
            {"rule": Rule(Cadence.MONTHLY, month_day=3, month_week=1, month_weekday=2)},
            "Choose either a day of the month, or a weekday",
        ),
        ({"rule": Rule(Cadence.MONTHLY, month_day=32)}, "A day of the month is between 1 and 31."),
        ({"rule": Rule(Cadence.MONTHLY, month_day=0)}, "A day of the month is between 1 and 31."),
        (
            {"rule": Rule(Cadence.MONTHLY, month_week=5, month_weekday=2)},
            "Choose which weekday: first to fourth, or the last.",
        ),
        (
            {"rule": Rule(Cadence.MONTHLY, month_week=1, month_weekday=7)},
            "Choose which weekday: first to fourth, or the last.",
        ),
    ],
)
def test_a_plan_that_makes_no_sense_is_refused_and_nothing_is_saved(
    cast: Cast, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(Problem, match=re.escape(message)):
        make(cast.alice.user, **kwargs)  # type: ignore[arg-type]
    assert Commitment.objects.count() == 0 and Schedule.objects.count() == 0


def test_sharing_needs_a_partner_and_nothing_is_half_saved(cast: Cast) -> None:
    with pytest.raises(Problem, match="Sharing needs a partner"):
        make(cast.erin.user, shared=True)
    assert Commitment.objects.count() == 0 and Schedule.objects.count() == 0
    assert not make(cast.erin.user, shared=False).is_shared


# -- editing: an optimistic lock, never a silent overwrite ----------------------------------------


def test_a_second_edit_with_an_old_revision_is_stale(cast: Cast) -> None:
    c = make(cast.alice.user, joint=True)
    opened = c.revision
    bobs_copy = Commitment.objects.get(pk=c.pk)
    services.edit_commitment(
        ring(cast.bob.user),
        bobs_copy,
        expected_revision=opened,
        title="Bob's words",
        details="",
        ends_on=None,
    )
    with pytest.raises(services.StaleEdit) as stale:
        services.edit_commitment(
            ring(cast.alice.user),
            c,
            expected_revision=opened,
            title="Alice's words",
            details="",
            ends_on=None,
        )
    assert stale.value.current.revision == opened + 1
    (now,) = entries.reveal([Commitment.objects.get(pk=c.pk)], ring(cast.alice.user))
    assert now.plain["title"] == "Bob's words"
    with pytest.raises(services.StaleEdit):
        services.set_status(c, Status.PAUSED, expected_revision=opened)
    with pytest.raises(services.StaleEdit):
        services.change_cadence(ring(cast.alice.user), c, expected_revision=opened, rule=DAILY)
    assert Commitment.objects.get(pk=c.pk).status == Status.ACTIVE
    assert Schedule.objects.filter(commitment=c).count() == 1


def test_an_edit_keeps_the_end_after_the_start(cast: Cast) -> None:
    c = make(cast.alice.user)
    with pytest.raises(Problem, match=r"The end date is before the start date\."):
        services.edit_commitment(
            ring(cast.alice.user),
            c,
            expected_revision=c.revision,
            title="t",
            details="",
            ends_on=c.starts_on - timedelta(days=1),
        )
    assert Commitment.objects.get(pk=c.pk).revision == 1


def test_set_status_refuses_an_unknown_status(cast: Cast) -> None:
    c = make(cast.alice.user)
    with pytest.raises(Problem):
        services.set_status(c, "deleted", expected_revision=c.revision)
    assert Commitment.objects.get(pk=c.pk).status == Status.ACTIVE


# -- changing the cadence -------------------------------------------------------------------------


def test_a_cadence_change_applies_from_today_and_keeps_past_outcomes(cast: Cast) -> None:
    alice = cast.alice.user
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        c = make(alice, starts_on=date(2026, 3, 1))
    with time_machine.travel(datetime(2026, 3, 8, 9, 0, tzinfo=UTC), tick=False):
        services.record_outcome(ring(alice), c, date(2026, 3, 5), Result.KEPT)
        services.record_outcome(ring(alice), c, date(2026, 3, 7), Result.MISSED)
    # Wednesday 11 March: from now on, Mondays only.
    services.change_cadence(
        ring(alice), c, expected_revision=c.revision, rule=Rule(Cadence.WEEKLY, weekdays=(0,))
    )
    schedules = [(s.cadence, s.effective_from) for s in Schedule.objects.filter(commitment=c)]
    assert schedules == [("daily", date(2026, 3, 1)), ("weekly", TODAY)]
    found = services.occasions(
        alice, (date(2026, 3, 1), date(2026, 3, 31)), commitments=[c], ring=ring(alice)
    )
    assert [o.day for o in found] == [
        *(date(2026, 3, d) for d in range(1, 11)),
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]
    assert {o.day: o.state for o in found if o.outcome} == {
        date(2026, 3, 5): "kept",
        date(2026, 3, 7): "missed",
    }
    # A past day under the old cadence can still be marked; today under the new one can't.
    services.record_outcome(ring(alice), c, date(2026, 3, 9), Result.KEPT)
    with pytest.raises(Problem, match="doesn't fall on that day"):
        services.record_outcome(ring(alice), c, TODAY, Result.KEPT)


def test_changing_twice_on_one_day_replaces_that_days_schedule(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice)
    services.change_cadence(ring(alice), c, expected_revision=1, rule=Rule(Cadence.WEEKLY, (0,)))
    services.change_cadence(ring(alice), c, expected_revision=2, rule=Rule(Cadence.WEEKLY, (4,)))
    assert [(s.effective_from, s.weekdays) for s in Schedule.objects.filter(commitment=c)] == [
        (c.starts_on, ""),
        (TODAY, "4"),
    ]


def test_a_cadence_change_before_the_start_applies_from_the_start(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice, starts_on=TODAY + timedelta(days=10))
    services.change_cadence(ring(alice), c, expected_revision=1, rule=Rule(Cadence.WEEKLY, (2,)))
    assert [(s.cadence, s.effective_from) for s in Schedule.objects.filter(commitment=c)] == [
        ("weekly", TODAY + timedelta(days=10))
    ]


def test_a_bad_cadence_change_changes_nothing(cast: Cast) -> None:
    c = make(cast.alice.user)
    with pytest.raises(Problem, match="Choose at least one day"):
        services.change_cadence(
            ring(cast.alice.user), c, expected_revision=1, rule=Rule(Cadence.WEEKLY)
        )
    assert Commitment.objects.get(pk=c.pk).revision == 1
    assert Schedule.objects.filter(commitment=c).count() == 1


# -- marking --------------------------------------------------------------------------------------


def test_marking_the_future_or_off_the_cadence_is_refused(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice, rule=Rule(Cadence.WEEKLY, weekdays=(2,)))  # Wednesdays
    with pytest.raises(Problem, match="hasn't come yet"):
        services.record_outcome(ring(alice), c, TODAY + timedelta(days=7), Result.KEPT)
    with pytest.raises(Problem, match="doesn't fall on that day"):
        services.record_outcome(ring(alice), c, YESTERDAY, Result.KEPT)
    with pytest.raises(Problem, match="doesn't fall on that day"):
        services.record_outcome(ring(alice), c, c.starts_on - timedelta(days=7), Result.KEPT)
    with pytest.raises(Problem, match=r"Choose kept, partly kept, or missed\."):
        services.record_outcome(ring(alice), c, TODAY, "failed")
    assert Outcome.objects.count() == 0
    services.record_outcome(ring(alice), c, TODAY, Result.KEPT)
    assert Outcome.objects.count() == 1


def test_a_partner_may_not_mark_a_personal_commitment(cast: Cast) -> None:
    c = make(cast.alice.user)
    with pytest.raises(Problem, match="Only the person who made this commitment"):
        services.record_outcome(ring(cast.bob.user), c, YESTERDAY, Result.MISSED)
    assert Outcome.objects.count() == 0


def test_either_partner_marks_a_joint_occasion_and_it_stays_one_row(cast: Cast) -> None:
    c = make(cast.alice.user, joint=True)
    services.record_outcome(ring(cast.bob.user), c, YESTERDAY, Result.KEPT)
    services.record_outcome(ring(cast.alice.user), c, YESTERDAY, Result.PARTLY)
    (outcome,) = Outcome.objects.all()
    assert how_it_went(outcome) == Result.PARTLY and outcome.author == cast.alice.user
    assert outcome.is_shared


def test_marking_twice_updates_the_one_outcome(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice)
    first = services.record_outcome(ring(alice), c, YESTERDAY, Result.MISSED, in_the_way="tired")
    second = services.record_outcome(ring(alice), c, YESTERDAY, Result.KEPT)
    assert first.pk == second.pk
    (outcome,) = Outcome.objects.all()
    assert how_it_went(outcome) == Result.KEPT


def test_reflections_are_kept_only_for_partly_and_missed_and_are_encrypted(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice)
    services.record_outcome(
        ring(alice),
        c,
        YESTERDAY,
        Result.KEPT,
        in_the_way="nothing at all",
        will_change="nothing either",
    )
    (opened,) = entries.reveal([Outcome.objects.get()], ring(alice))
    assert opened.plain == {"how_it_went": "kept", "in_the_way": None, "will_change": None}

    services.record_outcome(
        ring(alice),
        c,
        YESTERDAY,
        Result.MISSED,
        in_the_way="a work call ran late",
        will_change="I'll set a reminder at five",
    )
    (opened,) = entries.reveal([Outcome.objects.get()], ring(alice))
    assert opened.plain == {
        "how_it_went": "missed",
        "in_the_way": "a work call ran late",
        "will_change": "I'll set a reminder at five",
    }
    # The partner reads them on a shared commitment; the database alone never does.
    (bobs,) = entries.reveal([Outcome.objects.get()], ring(cast.bob.user))
    assert bobs.plain["in_the_way"] == "a work call ran late"
    for column in ("in_the_way", "will_change"):
        stored = raw_column("commitments_outcome", column)
        assert stored and all(b"work call" not in b and b"reminder" not in b for b in stored)


def test_a_private_commitments_outcome_is_private_too(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice, shared=False)
    outcome = services.record_outcome(
        ring(alice), c, YESTERDAY, Result.PARTLY, in_the_way="only mine"
    )
    assert not outcome.is_shared
    assert Outcome.objects.visible_to(cast.bob.user).count() == 0


# -- noticing -------------------------------------------------------------------------------------


def test_the_partner_notices_and_it_stays_one_mark(cast: Cast) -> None:
    c = make(cast.alice.user)
    services.notice(ring(cast.bob.user), c, YESTERDAY, "you texted at six")
    services.notice(ring(cast.bob.user), c, YESTERDAY, "you texted at six, thank you")
    (mark,) = Noticed.objects.all()
    assert mark.author == cast.bob.user and mark.is_shared
    (opened,) = entries.reveal([mark], ring(cast.alice.user))
    assert opened.plain["note"] == "you texted at six, thank you"
    assert all(b"six" not in b for b in raw_column("commitments_noticed", "note"))
    found = services.occasions(cast.alice.user, (YESTERDAY, YESTERDAY), commitments=[c])
    assert [n.pk for n in found[0].noticed] == [mark.pk]


def test_noticing_ones_own_a_joint_or_a_private_commitment_is_refused(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    own = make(alice)
    with pytest.raises(Problem, match="not your own"):
        services.notice(ring(alice), own, YESTERDAY)
    joint = make(alice, joint=True)
    with pytest.raises(Problem, match="not your own"):
        services.notice(ring(bob), joint, YESTERDAY)
    private = make(alice, shared=False)
    with pytest.raises(Problem, match="isn't shared with you"):
        services.notice(ring(bob), private, YESTERDAY)
    with pytest.raises(Problem, match="hasn't come yet"):
        services.notice(ring(bob), own, TODAY + timedelta(days=1))
    assert Noticed.objects.count() == 0


# -- the practice rhythms -------------------------------------------------------------------------


def test_rhythms_switch_on_change_and_switch_off(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    services.set_rhythms(ring(alice), checkin=True, conversation_weekday=6, review_day=31)
    # Bob makes the same choice: that is his yes.
    services.set_rhythms(ring(bob), checkin=False, conversation_weekday=6, review_day=31)
    now = services.current_rhythms(alice)
    assert now.checkin and now.conversation and now.review
    assert not now.checkin.joint and now.conversation.joint and now.review.joint
    assert now.conversation.is_shared and now.review.is_shared
    assert not now.checkin.is_shared  # a check-in rhythm is its person's own (rule 2)
    # Bob sees the joint ones as his too, but not alice's check-in.
    bobs = services.current_rhythms(bob)
    assert bobs.checkin is None
    assert bobs.conversation == now.conversation and bobs.review == now.review
    # Bob moves the conversation to Saturday: a new schedule from today, the same commitment.
    services.set_rhythms(ring(bob), checkin=False, conversation_weekday=5, review_day=31)
    conversation = Commitment.objects.get(kind=Kind.CONVERSATION)
    assert [s.weekdays for s in conversation.schedules.all()] == ["5"]
    assert Commitment.objects.filter(kind=Kind.CHECKIN).count() == 1  # bob's off is a no-op
    # Off pauses, by either one alone; history stays.
    services.set_rhythms(ring(alice), checkin=False, conversation_weekday=None, review_day=None)
    assert set(Commitment.objects.values_list("status", flat=True)) == {Status.PAUSED}
    after = services.current_rhythms(alice)
    assert after.checkin is None and after.conversation is None and after.review is None


def test_a_joint_rhythm_starts_only_when_both_agree(cast: Cast) -> None:
    """Rule 6: one partner alone switched on the joint weekly and monthly rhythms."""
    alice, bob = cast.alice.user, cast.bob.user
    services.set_rhythms(ring(alice), checkin=False, conversation_weekday=6, review_day=20)
    # Suggested, not on: nothing is asked of either, nothing reaches the calendar.
    assert services.current_rhythms(alice).conversation is None
    assert services.current_rhythms(bob).review is None
    assert services.occasions(bob, (TODAY, TODAY + timedelta(days=40))) == []
    waiting = services.suggestions_for(bob)
    assert {c.kind for c in waiting} == {Kind.CONVERSATION, Kind.REVIEW}
    assert services.suggestions_for(alice) == []  # hers waits for him, not for her
    conversation = next(c for c in waiting if c.kind == Kind.CONVERSATION)
    review = next(c for c in waiting if c.kind == Kind.REVIEW)
    with pytest.raises(Problem, match="your own suggestion"):
        services.answer_suggestion(ring(alice), conversation, accept=True)
    services.answer_suggestion(ring(bob), conversation, accept=True)
    services.answer_suggestion(ring(bob), review, accept=False)
    assert services.current_rhythms(alice).conversation == conversation
    assert services.current_rhythms(alice).review is None
    assert Commitment.objects.get(pk=review.pk).status == Status.RETIRED
    with pytest.raises(Problem, match="already answered"):
        services.answer_suggestion(ring(bob), review, accept=True)
    # Resuming a paused joint rhythm by one of them is again a suggestion.
    services.set_rhythms(ring(bob), checkin=False, conversation_weekday=None, review_day=None)
    paused = Commitment.objects.get(pk=conversation.pk)
    assert paused.status == Status.PAUSED
    services.set_status(paused, Status.ACTIVE, expected_revision=paused.revision, by=alice)
    assert Commitment.objects.get(pk=conversation.pk).status == Status.SUGGESTED
    assert services.current_rhythms(bob).conversation is None


def test_unchanged_rhythms_change_nothing(cast: Cast) -> None:
    alice = cast.alice.user
    services.set_rhythms(ring(alice), checkin=True, conversation_weekday=2, review_day=1)
    services.set_rhythms(ring(cast.bob.user), checkin=False, conversation_weekday=2, review_day=1)
    revisions = sorted(Commitment.objects.values_list("revision", flat=True))
    services.set_rhythms(ring(alice), checkin=True, conversation_weekday=2, review_day=1)
    assert sorted(Commitment.objects.values_list("revision", flat=True)) == revisions
    assert Schedule.objects.count() == 3


def test_joint_rhythms_need_a_partner(cast: Cast) -> None:
    erin = cast.erin.user
    with pytest.raises(Problem, match="need your partner"):
        services.set_rhythms(ring(erin), checkin=True, conversation_weekday=3, review_day=None)
    assert Commitment.objects.count() == 0
    services.set_rhythms(ring(erin), checkin=True, conversation_weekday=None, review_day=None)
    (checkin,) = Commitment.objects.all()
    assert checkin.kind == Kind.CHECKIN and not checkin.is_shared


# -- time zones and follow-through ----------------------------------------------------------------

# Sunday 15 March 2026, 20:00 UTC: already Monday the 16th, 09:00, in Auckland (UTC+13), still
# Sunday the 15th, 13:00, in Los Angeles (UTC-7, a week after its clocks went forward).
EVENING = datetime(2026, 3, 15, 20, 0, tzinfo=UTC)


def test_today_is_the_persons_own_local_date(cast: Cast) -> None:
    alice, carol = cast.alice.user, cast.carol.user
    set_zone(alice, "Pacific/Auckland")
    set_zone(carol, "America/Los_Angeles")
    with time_machine.travel(EVENING, tick=False):
        assert services.local_today(alice) == date(2026, 3, 16)
        assert services.local_today(carol) == date(2026, 3, 15)
        hers = make(alice, starts_on=date(2026, 3, 1))
        theirs = make(carol, starts_on=date(2026, 3, 1))
        # Marking "today" uses the owner's local date.
        services.record_outcome(ring(alice), hers, date(2026, 3, 16), Result.KEPT)
        with pytest.raises(Problem, match="hasn't come yet"):
            services.record_outcome(ring(carol), theirs, date(2026, 3, 16), Result.KEPT)
        services.record_outcome(ring(carol), theirs, date(2026, 3, 15), Result.KEPT)
    assert sorted(Outcome.objects.values_list("on_date", flat=True)) == [
        date(2026, 3, 15),
        date(2026, 3, 16),
    ]


def test_follow_through_counts_kept_of_due_per_week_in_each_persons_zone(cast: Cast) -> None:
    alice, bob, carol = cast.alice.user, cast.bob.user, cast.carol.user
    set_zone(alice, "Pacific/Auckland")
    set_zone(carol, "America/Los_Angeles")
    with time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False):
        hers = make(alice, starts_on=date(2026, 3, 2))
        make(alice, starts_on=date(2026, 3, 2), shared=False, title="a private one")
        ours = make(
            bob, joint=True, rule=Rule(Cadence.WEEKLY, weekdays=(6,)), starts_on=date(2026, 3, 2)
        )
        make(bob, starts_on=date(2026, 3, 2), title="bob's own: not alice's to count")
        theirs = make(carol, starts_on=date(2026, 3, 2))
    with time_machine.travel(EVENING, tick=False):
        for day in range(2, 9):  # the week of 2 March: 5 kept, 1 partly, 1 missed
            result = {7: Result.PARTLY, 8: Result.MISSED}.get(day, Result.KEPT)
            services.record_outcome(ring(alice), hers, date(2026, 3, day), result)
        services.record_outcome(ring(bob), ours, date(2026, 3, 8), Result.KEPT)
        services.record_outcome(ring(alice), hers, date(2026, 3, 16), Result.KEPT)
        for day in range(9, 16):
            services.record_outcome(ring(carol), theirs, date(2026, 3, day), Result.KEPT)

        weeks = services.follow_through(ring(alice), weeks=3)
        # Alice is on Monday the 16th: her current week has begun, with one day due per daily.
        assert [(w.start, w.kept, w.partly, w.missed, w.due) for w in weeks] == [
            (date(2026, 3, 2), 5 + 1, 1, 1, 7 + 7 + 1),
            (date(2026, 3, 9), 0, 0, 0, 7 + 7 + 1),
            (date(2026, 3, 16), 1, 0, 0, 2),
        ]
        # Carol, in Los Angeles, is still on Sunday the 15th: her last week is 9-15 March.
        weeks = services.follow_through(ring(carol), weeks=2)
        assert [(w.start, w.kept, w.due) for w in weeks] == [
            (date(2026, 3, 2), 0, 7),
            (date(2026, 3, 9), 7, 7),
        ]
