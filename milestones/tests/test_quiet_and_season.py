"""Quiet dates hold back every nudge (reminder email and push) as well as every celebration;
a season of keeping a commitment is marked; either person can turn milestones off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commitments import reminders
from commitments.models import Cadence, Kind, ReminderSetting, Result
from commitments.occurrences import Rule
from commitments.services import create_commitment, record_outcome
from conftest import PASSWORD, Cast
from couples import services as couples
from couples.models import CoupleSpace
from milestones import services
from milestones.models import MilestonePreference, Reached
from outbox import services as outbox
from privacy.keyring import PasswordKeyring
from push import services as push
from push.models import PushMessage

# Wednesday 10 June 2026, 09:00 in Amsterdam: after an 08:00 reminder.
MORNING = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


def daily(cast: Cast, starts_on: date) -> object:
    return create_commitment(
        PasswordKeyring(cast.bob.user, PASSWORD),
        title="Phone in the kitchen after ten",
        rule=Rule(Cadence.DAILY),
        starts_on=starts_on,
        kind=Kind.PROMISE,
    )


def test_no_reminder_email_or_push_on_a_quiet_date_and_both_the_next_day(cast: Cast) -> None:
    bob = cast.bob.user
    daily(cast, date(2026, 1, 1))
    ReminderSetting.objects.create(user=bob, enabled=True, local_time=time(8, 0))
    push.subscribe(bob, "https://push.example.test/bob", "B" + "A" * 86, "A" * 22, "Phone")
    ring = PasswordKeyring(bob, PASSWORD)
    services.add_quiet_date(ring, date(2019, 6, 10), "")  # any year: the day of the year
    # The marks the worker reads are keyed hashes, never the date itself.
    marks = MilestonePreference.objects.get(user=bob).quiet_marks
    assert marks and "06-10" not in marks and "0610" not in marks

    with time_machine.travel(MORNING, tick=False) as clock:
        reminders.plan_due_reminders()
        outbox.deliver_pending("w")
        assert mail.outbox == []
        assert not PushMessage.objects.exists()
        clock.shift(timedelta(days=1))
        reminders.plan_due_reminders()
        outbox.deliver_pending("w")
        assert [m.to for m in mail.outbox] == [[bob.email]]
        assert PushMessage.objects.count() == 1


def test_removing_a_quiet_date_lets_nudges_come_again(cast: Cast) -> None:
    bob = cast.bob.user
    ring = PasswordKeyring(bob, PASSWORD)
    quiet = services.add_quiet_date(ring, date(2026, 6, 10))
    assert services.is_quiet_for(bob, date(2027, 6, 10))
    assert not services.is_quiet_for(cast.alice.user, date(2026, 6, 10))
    cast.bob.client.post(reverse("milestones:remove_quiet", args=[quiet.pk]))
    assert not services.is_quiet_for(bob, date(2026, 6, 10))


def test_marks_made_before_they_existed_are_filled_in_on_the_next_visit(cast: Cast) -> None:
    bob = cast.bob.user
    services.add_quiet_date(PasswordKeyring(bob, PASSWORD), date(2026, 6, 10))
    MilestonePreference.objects.filter(user=bob).update(quiet_marks="")
    assert not services.is_quiet_for(bob, date(2026, 6, 10))
    cast.bob.client.get(reverse("today"))
    assert services.is_quiet_for(bob, date(2026, 6, 10))


def _keep(cast: Cast, commitment: object, start: date, days: int, every: int) -> None:
    ring = PasswordKeyring(cast.bob.user, PASSWORD)
    for n in range(0, days, every):
        record_outcome(ring, commitment, start + timedelta(days=n), Result.KEPT)  # type: ignore[arg-type]


def test_a_season_kept_more_often_than_not_is_marked(cast: Cast) -> None:
    start = date(2026, 3, 1)
    commitment = daily(cast, start)
    today = start + timedelta(days=95)
    with time_machine.travel(datetime.combine(today, time(9), tzinfo=UTC), tick=False):
        _keep(cast, commitment, start, 95, every=2)  # a little over half
        page = cast.bob.client.get(reverse("today")).content.decode()
    assert "A season of keeping your word" in page
    assert Reached.objects.filter(key="a-season", user=cast.bob.user).exists()
    assert "A season of keeping" not in cast.alice.client.get(reverse("today")).content.decode()
    for word in ("streak", "in a row"):
        assert word not in page.lower()


def test_a_season_kept_less_often_is_not(cast: Cast) -> None:
    start = date(2026, 3, 1)
    commitment = daily(cast, start)
    today = start + timedelta(days=95)
    with time_machine.travel(datetime.combine(today, time(9), tzinfo=UTC), tick=False):
        _keep(cast, commitment, start, 95, every=3)
        cast.bob.client.get(reverse("today"))
    assert not Reached.objects.filter(key="a-season").exists()


def test_a_year_is_marked_for_both_and_held_back_on_a_quiet_date_or_when_off(
    cast: Cast,
) -> None:
    membership = couples.current_membership(cast.bob.user)
    assert membership is not None
    # A year ago, as far as the couple space knows (sessions don't last a year of travel).
    CoupleSpace.objects.filter(pk=membership.couple_id).update(
        created_at=timezone.now() - timedelta(days=366)
    )
    ring = PasswordKeyring(cast.bob.user, PASSWORD)
    quiet = services.add_quiet_date(ring, timezone.localdate())
    mark = "A year since you started"

    def today(who: str) -> str:
        response = getattr(cast, who).client.get(reverse("today"))
        page = response.content.decode()
        assert "Hello," in page or "You and" in page  # signed in: the check can fail
        return str(page)

    assert mark not in today("bob")
    assert mark in today("alice")
    assert Reached.objects.filter(key="a-year", couple_id=membership.couple_id).exists()
    services.remove_quiet_date(ring, quiet)
    assert mark in today("bob")
    cast.bob.client.post(reverse("milestones:switch"), {})
    assert mark not in today("bob")
    assert mark in today("alice")
