"""The consent check-in by email: only for those who chose it, once per person per planned
moment, never while paused, and saying nothing but that something is waiting in Tending."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from closeness import services
from closeness.models import Moment, MomentState, Pause
from closeness.services import YES
from closeness.steps import BUILT_IN, TIERS
from conftest import Cast, ring
from outbox.models import OutboxEmail
from tending.management.commands.worker import run_pass

# Wednesday 11 March 2026, 12:00 UTC (13:00 in Amsterdam).
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
EVERY_STEP = [s.key for s in BUILT_IN]


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def yes_to_everything(*people: User) -> None:
    for person in people:
        services.save_answers(ring(person), dict.fromkeys(EVERY_STEP, YES), ())


def planned(proposer: User, partner: User, at: datetime, steps: list[str]) -> Moment:
    moment = services.plan_moment(ring(proposer), at, steps)
    services.answer_moment(partner, moment, yes=True)
    moment.refresh_from_db()
    assert moment.state == MomentState.ACCEPTED
    return moment


def emails_to(user: User) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(to=user.email))


def check_in_emails() -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(dedupe_key__startswith="closeness-checkin:"))


@pytest.fixture
def both_chose_email(cast: Cast) -> Cast:
    yes_to_everything(cast.alice.user, cast.bob.user)
    services.save_setting(cast.alice.user, email_checkins=True)
    services.save_setting(cast.bob.user, email_checkins=True)
    return cast


def test_one_email_per_person_per_moment_when_the_check_in_opens(
    both_chose_email: Cast, clock: time_machine.Traveller
) -> None:
    cast = both_chose_email
    alice, bob = cast.alice.user, cast.bob.user
    first = planned(alice, bob, NOW + timedelta(hours=3), ["b-hug"])
    second = planned(bob, alice, NOW + timedelta(hours=3, minutes=30), ["b-kiss", "b-walk"])
    assert services.plan_checkin_emails() == 0  # both still more than two hours away
    clock.move_to(NOW + timedelta(hours=1))  # the first check-in opens
    assert services.plan_checkin_emails() == 2
    assert len(emails_to(alice)) == len(emails_to(bob)) == 1
    # Another pass (another worker, or the same one a minute later) adds nothing.
    assert services.plan_checkin_emails() == 0
    clock.move_to(NOW + timedelta(hours=1, minutes=30))  # the second opens too
    assert services.plan_checkin_emails() == 2
    assert services.plan_checkin_emails() == 0
    clock.move_to(NOW + timedelta(hours=2, minutes=59))
    assert services.plan_checkin_emails() == 0
    assert len(emails_to(alice)) == len(emails_to(bob)) == 2
    keys = {e.dedupe_key for e in check_in_emails()}
    assert keys == {
        f"closeness-checkin:{moment.pk}:{person.pk}"
        for moment in (first, second)
        for person in (alice, bob)
    }
    for email in check_in_emails():
        assert email.user is not None
        assert email.to == email.user.email


def test_the_worker_sends_them_once(both_chose_email: Cast, clock: time_machine.Traveller) -> None:
    cast = both_chose_email
    planned(cast.alice.user, cast.bob.user, NOW + timedelta(hours=1), ["b-hug"])
    run_pass("w")
    run_pass("w")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.alice.user.email, cast.bob.user.email]
    )


def test_no_email_for_someone_who_didnt_choose_it(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    yes_to_everything(alice, bob)
    services.save_setting(bob, email_checkins=True)
    services.setting_for(alice)  # the default: no
    planned(alice, bob, NOW + timedelta(hours=1), ["b-hug"])
    assert services.plan_checkin_emails() == 1
    assert emails_to(alice) == []
    assert len(emails_to(bob)) == 1
    # Choosing it and then changing one's mind: nothing more.
    services.save_setting(bob, email_checkins=False)
    planned(bob, alice, NOW + timedelta(hours=1, minutes=30), ["b-hug"])
    assert services.plan_checkin_emails() == 0
    assert len(check_in_emails()) == 1


def test_no_email_for_another_couple_or_the_unpaired(cast: Cast) -> None:
    for person in (cast.carol.user, cast.dan.user, cast.erin.user):
        services.save_setting(person, email_checkins=True)
    yes_to_everything(cast.alice.user, cast.bob.user)
    planned(cast.alice.user, cast.bob.user, NOW + timedelta(hours=1), ["b-hug"])
    assert services.plan_checkin_emails() == 0
    assert check_in_emails() == []


@pytest.mark.parametrize("pauser", ["alice", "bob"])
def test_no_email_while_paused(both_chose_email: Cast, pauser: str) -> None:
    cast = both_chose_email
    planned(cast.alice.user, cast.bob.user, NOW + timedelta(hours=1), ["b-hug"])
    services.pause(getattr(cast, pauser).user)
    assert services.plan_checkin_emails() == 0
    assert check_in_emails() == []


def test_no_email_while_a_pause_is_open_even_for_a_moment_still_planned(
    both_chose_email: Cast,
) -> None:
    """Pausing calls upcoming moments off; the worker also checks the pause itself."""
    cast = both_chose_email
    moment = planned(cast.alice.user, cast.bob.user, NOW + timedelta(hours=1), ["b-hug"])
    assert moment.couple is not None
    pause = Pause.objects.create(couple=moment.couple, paused_by=cast.bob.user)
    assert services.plan_checkin_emails() == 0
    pause.ended_at = NOW
    pause.save()
    assert services.plan_checkin_emails() == 2


@pytest.mark.parametrize("state", ["proposed", "not_this_time", "off", "off_after_accepting"])
def test_no_email_for_a_moment_that_isnt_planned(both_chose_email: Cast, state: str) -> None:
    cast = both_chose_email
    alice, bob = cast.alice.user, cast.bob.user
    moment = services.plan_moment(ring(alice), NOW + timedelta(hours=1), ["b-hug"])
    if state == "not_this_time":
        services.answer_moment(bob, moment, yes=False)
    if state == "off":
        services.call_off(alice, moment)
    if state == "off_after_accepting":
        services.answer_moment(bob, moment, yes=True)
        services.call_off(bob, moment)
    assert services.plan_checkin_emails() == 0
    assert check_in_emails() == []


def test_no_email_once_the_time_has_passed(
    both_chose_email: Cast, clock: time_machine.Traveller
) -> None:
    cast = both_chose_email
    planned(cast.alice.user, cast.bob.user, NOW + timedelta(hours=1), ["b-hug"])
    clock.move_to(NOW + timedelta(hours=1))
    assert services.plan_checkin_emails() == 0


def test_the_email_says_nothing_but_that_something_is_waiting(
    both_chose_email: Cast, clock: time_machine.Traveller
) -> None:
    cast = both_chose_email
    alice, bob = cast.alice.user, cast.bob.user
    own = services.add_step(ring(alice), "Dancing in the kitchen", "affection")
    yes_to_everything(alice, bob)
    for person in (alice, bob):
        answers = dict.fromkeys([*EVERY_STEP, own.key], YES)
        services.save_answers(ring(person), answers, ())
    planned(alice, bob, NOW + timedelta(hours=1, minutes=15), [own.key, "b-hug", "b-sex"])
    planned(bob, alice, NOW + timedelta(hours=1, minutes=45), ["b-walk"])
    assert services.plan_checkin_emails() == 4
    sent = check_in_emails()
    # Every one is the same text, whoever it's for and whichever moment it is about.
    assert len({(e.subject, e.body) for e in sent}) == 1
    subject, body = sent[0].subject, sent[0].body
    assert subject == services.CHECKIN_EMAIL_SUBJECT
    link = f"{settings.SITE_URL}{reverse('today')}"
    assert link in body
    words = f"{subject}\n{body.replace(link, '')}"
    lowered = words.lower()
    banned = [
        *(s.words for s in BUILT_IN),
        *(t.name for t in TIERS),
        "Dancing in the kitchen",
        alice.display_name,
        bob.display_name,
        alice.email,
        bob.email,
        "hug",
        "kiss",
        "sex",
        "closeness",
        "moment",
        "plan",
        "intim",
        "consent",
        "partner",
    ]
    for word in banned:
        assert word.lower() not in lowered, word
    # No time, date or day in it.
    assert not re.search(r"\d", words), words
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        assert day not in lowered
    for when in ("today", "tonight", "tomorrow", "morning", "afternoon", "evening", "o'clock"):
        assert when not in lowered
    assert "waiting" in lowered
    # The link is to the Today page, not to anything about the moment.
    assert body.count("http") == 1
    assert "/closeness" not in body
