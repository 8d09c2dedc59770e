"""Reminder emails: planned by the worker at each person's own 08:00 (or whenever they
chose), at most once a day however many workers run, and never carrying entry text."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tasks import send_password_reset
from commitments import reminders
from commitments.models import Cadence, Kind, ReminderSetting, Status
from commitments.occurrences import Rule
from commitments.services import create_commitment, set_status
from conftest import PASSWORD, Cast, make_user
from outbox import services as outbox
from outbox.models import OutboxEmail
from privacy.keyring import PasswordKeyring
from tending.management.commands.worker import run_pass

ON_POSTGRES = connection.vendor == "postgresql"
LONG_AGO = date(2026, 1, 1)
WEDNESDAY = 2
THURSDAY = 3
# Wednesday 10 June 2026, 09:00 in Amsterdam (CEST): after everyone's 08:00.
A_WEDNESDAY_MORNING = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


def commit(
    user: User,
    title: str,
    rule: Rule = Rule(Cadence.DAILY),
    *,
    kind: str = Kind.PROMISE,
    shared: bool = False,
    joint: bool = False,
) -> Any:
    return create_commitment(
        PasswordKeyring(user, PASSWORD),
        title=title,
        rule=rule,
        starts_on=LONG_AGO,
        kind=kind,
        shared=shared,
        joint=joint,
    )


def remind(user: User, at: time = time(8, 0)) -> ReminderSetting:
    return ReminderSetting.objects.create(user=user, enabled=True, local_time=at)


def sent_to(user: User) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


# -- at the right local time, across daylight-saving changes ----------------------------------


def _sweep(start: datetime, days: int, step: timedelta) -> list[tuple[str, datetime]]:
    """Run the worker every `step` from `start`; note when each email went, and to whom."""
    went: list[tuple[str, datetime]] = []
    with time_machine.travel(start, tick=False) as clock:
        now = start
        while now < start + timedelta(days=days):
            before = len(mail.outbox)
            reminders.plan_due_reminders()
            outbox.deliver_pending("sweeper")
            went += [(m.to[0], now) for m in mail.outbox[before:]]
            clock.shift(step)
            now += step
    return went


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("first_day", "utc_hours_at_eight", "utc_times_at_half_past_two"),
    [
        # Clocks go forward on Sunday 29 March 2026 (02:00 CET → 03:00 CEST).
        (
            date(2026, 3, 27),
            (7, 7, 6, 6),
            # 02:30 doesn't exist on the 29th: it comes at 03:00 CEST (01:00 UTC), once.
            ((1, 30), (1, 30), (1, 0), (0, 30)),
        ),
        # Clocks go back on Sunday 25 October 2026 (03:00 CEST → 02:00 CET).
        (
            date(2026, 10, 23),
            (6, 6, 7, 7),
            # 02:30 happens twice on the 25th: the first one only.
            ((0, 30), (0, 30), (0, 30), (1, 30)),
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_eight_oclock_in_amsterdam_across_a_clock_change(
    db: None,
    first_day: date,
    utc_hours_at_eight: tuple[int, ...],
    utc_times_at_half_past_two: tuple[tuple[int, int], ...],
) -> None:
    ada = make_user("Ada", "Europe/Amsterdam")
    early = make_user("Early", "Europe/Amsterdam")
    for person in (ada, early):
        commit(person, "Walk before work", kind=Kind.CHECKIN)
    remind(ada, time(8, 0))
    remind(early, time(2, 30))

    went = _sweep(_at(first_day, 0), days=4, step=timedelta(minutes=10))

    days = [first_day + timedelta(days=n) for n in range(4)]
    assert [when for to, when in went if to == ada.email] == [
        _at(day, hour) for day, hour in zip(days, utc_hours_at_eight, strict=True)
    ]
    assert [when for to, when in went if to == early.email] == [
        _at(day, *hm) for day, hm in zip(days, utc_times_at_half_past_two, strict=True)
    ]
    assert OutboxEmail.objects.count() == 8


def test_the_time_is_the_persons_own_clock(db: None) -> None:
    """The same 08:00 in three zones is three instants. Saved at midnight UTC: a time that
    has already passed on someone's clock starts the next day, not at once."""
    start = datetime(2026, 6, 10, 0, 0, tzinfo=UTC)
    tokyo, amsterdam, new_york = (
        make_user("Kei", "Asia/Tokyo"),  # 09:00 on the 10th: passed
        make_user("Ada", "Europe/Amsterdam"),  # 02:00 on the 10th: still to come
        make_user("Ny", "America/New_York"),  # 20:00 on the 9th: passed
    )
    for person in (tokyo, amsterdam, new_york):
        commit(person, "Morning walk")
        reminders.save_setting(person, enabled=True, local_time=time(8, 0), now=start)
    went = _sweep(start, days=1, step=timedelta(minutes=30))
    assert went == [
        (amsterdam.email, _at(date(2026, 6, 10), 6)),
        (new_york.email, _at(date(2026, 6, 10), 12)),
        (tokyo.email, _at(date(2026, 6, 10), 23)),  # 08:00 on the 11th in Tokyo
    ]


# -- what the email says, and when none comes ------------------------------------------------


@pytest.fixture
def wednesday() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(A_WEDNESDAY_MORNING, tick=False) as clock:
        yield clock


SECRET_TITLES = (
    "text when I'm running late",
    "Bring Bob coffee in bed",
    "Our Wednesday talk about the garden",
    "Call my sister Juniper",
    "Paused: learn the cello",
    "Thursday flowers",
)


def _a_full_wednesday(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    commit(alice, "Daily check-in", kind=Kind.CHECKIN)
    commit(alice, "text when I'm running late", shared=True)
    commit(alice, "Bring Bob coffee in bed", Rule(Cadence.WEEKLY, weekdays=(WEDNESDAY,)))
    commit(
        bob,
        "Our Wednesday talk about the garden",
        Rule(Cadence.WEEKLY, weekdays=(WEDNESDAY,)),
        kind=Kind.CONVERSATION,
        joint=True,
    )
    commit(bob, "Call my sister Juniper", shared=True)  # bob's to keep, not alice's
    paused = commit(alice, "Paused: learn the cello")
    set_status(paused, Status.PAUSED, expected_revision=paused.revision)
    commit(alice, "Thursday flowers", Rule(Cadence.WEEKLY, weekdays=(THURSDAY,)))


def test_the_email_counts_kinds_links_to_tending_and_holds_no_entry_text(
    cast: Cast, wednesday: time_machine.Traveller, settings: Any
) -> None:
    settings.SITE_URL = "https://tending.example.org"
    _a_full_wednesday(cast)
    remind(cast.alice.user)
    remind(cast.bob.user, time(7, 30))

    assert run_pass("w").sent == 2

    (to_alice,) = sent_to(cast.alice.user)
    (to_bob,) = sent_to(cast.bob.user)
    assert to_alice.subject == to_bob.subject == "Today in Tending"
    assert to_alice.body.startswith(
        "Today holds 1 daily check-in, 1 weekly conversation and 2 commitments.\n"
    )
    assert to_bob.body.startswith("Today holds 1 weekly conversation and 1 commitment.\n")
    for message in (to_alice, to_bob):
        assert f"https://tending.example.org{reverse('today')}" in message.body
        assert f"https://tending.example.org{reverse('commitments:reminders')}" in message.body
        for title in SECRET_TITLES:
            assert title not in message.subject
            assert title not in message.body
        for name in ("Alice", "Bob"):
            assert name not in message.body
    # What waits in the database is just as bare.
    stored = " ".join(f"{e.subject} {e.body}" for e in OutboxEmail.objects.all())
    assert not any(title in stored for title in SECRET_TITLES)


def test_the_summary_names_each_kind_in_the_singular_or_plural() -> None:
    assert reminders.summary({Kind.PROMISE: 1}) == "Today holds 1 commitment."
    assert (
        reminders.summary({Kind.PROMISE: 2, Kind.CHECKIN: 1})
        == "Today holds 1 daily check-in and 2 commitments."
    )
    assert (
        reminders.summary({Kind.REVIEW: 1, Kind.CONVERSATION: 2, Kind.CHECKIN: 3})
        == "Today holds 3 daily check-ins, 2 weekly conversations and 1 monthly review."
    )


def test_no_email_when_today_holds_nothing_or_reminders_are_off(
    cast: Cast, wednesday: time_machine.Traveller
) -> None:
    erin, carol, dan = cast.erin.user, cast.carol.user, cast.dan.user
    remind(erin)  # nothing at all
    commit(dan, "Thursday flowers", Rule(Cadence.WEEKLY, weekdays=(THURSDAY,)))
    remind(dan)  # only on Thursdays
    commit(carol, "Morning walk")
    ReminderSetting.objects.create(user=carol, enabled=False, local_time=time(8, 0))
    gone = commit(erin, "Retired walk")
    set_status(gone, Status.RETIRED, expected_revision=gone.revision)

    run_pass("w")
    wednesday.shift(timedelta(hours=12))
    run_pass("w")

    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()
    # Dan's Thursday does get one.
    wednesday.shift(timedelta(hours=12))
    run_pass("w")
    assert [m.to for m in mail.outbox] == [[dan.email]]


def test_not_before_the_chosen_time(cast: Cast, wednesday: time_machine.Traveller) -> None:
    commit(cast.alice.user, "Morning walk")
    remind(cast.alice.user, time(9, 1))  # it is 09:00 in Amsterdam
    run_pass("w")
    assert mail.outbox == []
    wednesday.shift(timedelta(minutes=1))
    run_pass("w")
    assert len(mail.outbox) == 1


def test_an_inactive_account_gets_nothing(cast: Cast, wednesday: time_machine.Traveller) -> None:
    commit(cast.alice.user, "Morning walk")
    remind(cast.alice.user)
    User.objects.filter(pk=cast.alice.user.pk).update(is_active=False)
    run_pass("w")
    assert mail.outbox == []


# -- at most once per person per day, whatever happens ----------------------------------------


def test_two_planners_interleaved_make_one_email(
    cast: Cast, wednesday: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A looks for today's email and finds none; before A inserts, worker B runs a
    whole pass (plans and sends). A's insert must come to nothing (on SQLite this is how two
    workers at once are simulated; PostgreSQL also runs the threaded test below)."""
    commit(cast.alice.user, "Morning walk")
    remind(cast.alice.user)
    real_existing = outbox._existing
    interleaved: list[object] = []

    def look_then_let_b_run(key: str) -> OutboxEmail | None:
        seen = real_existing(key)
        if not interleaved:
            interleaved.append(key)
            run_pass("B")
        return seen  # what A saw, before B

    monkeypatch.setattr(outbox, "_existing", look_then_let_b_run)
    run_pass("A")
    assert interleaved == [f"reminder:{cast.alice.user.pk}:2026-06-10"]
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().claimed_by == "B"


def test_changing_the_time_after_todays_email_sends_no_second(
    cast: Cast, wednesday: time_machine.Traveller
) -> None:
    commit(cast.alice.user, "Morning walk")
    remind(cast.alice.user, time(8, 0))
    run_pass("w")
    reminders.save_setting(cast.alice.user, enabled=True, local_time=time(10, 0))
    wednesday.shift(timedelta(hours=2))
    run_pass("w")
    # Even if the "already planned" note were lost, the day's key holds.
    ReminderSetting.objects.update(planned_on=None)
    run_pass("w")
    assert len(mail.outbox) == 1
    wednesday.shift(timedelta(days=1))
    run_pass("w")
    assert len(mail.outbox) == 2


def test_a_crash_between_claiming_and_sending_still_sends_once(
    cast: Cast, wednesday: time_machine.Traveller
) -> None:
    commit(cast.alice.user, "Morning walk")
    remind(cast.alice.user)
    assert reminders.plan_due_reminders() == 1
    (row,) = OutboxEmail.objects.all()
    assert outbox.claim(row.pk, "worker-that-crashed")  # … and died before sending
    call_command("worker", "--once", verbosity=0)
    assert mail.outbox == []  # the claim is still fresh: nobody else sends it yet

    wednesday.shift(outbox.CLAIM_TIMEOUT + timedelta(seconds=1))
    call_command("worker", "--once", verbosity=0)
    call_command("worker", "--once", verbosity=0)
    wednesday.shift(outbox.CLAIM_TIMEOUT * 2)
    call_command("worker", "--once", verbosity=0)

    (message,) = mail.outbox
    assert message.to == [cast.alice.user.email]
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.claimed_by != "worker-that-crashed"


@pytest.mark.skipif(not ON_POSTGRES, reason="real concurrency needs separate connections")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email_per_person_per_day() -> None:
    people = [make_user(f"P{n}", "Europe/Amsterdam") for n in range(6)]
    for person in people:
        commit(person, "Morning walk")
        remind(person)
    errors: list[BaseException] = []

    def worker(name: str, start: threading.Barrier) -> None:
        try:
            start.wait()
            for _ in range(3):
                run_pass(name)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(A_WEDNESDAY_MORNING, tick=False) as clock:
        for _day in range(2):
            start = threading.Barrier(2)
            threads = [threading.Thread(target=worker, args=(n, start)) for n in ("A", "B")]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            clock.shift(timedelta(days=1))

    assert errors == []
    assert Counter(m.to[0] for m in mail.outbox) == Counter({p.email: 2 for p in people})
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 12


# -- the worker command ----------------------------------------------------------------------


def test_worker_once_plans_delivers_and_runs_queued_tasks(
    cast: Cast, wednesday: time_machine.Traveller
) -> None:
    commit(cast.alice.user, "Morning walk")
    remind(cast.alice.user)
    queued = send_password_reset.enqueue(cast.bob.user.pk, "http://testserver")

    call_command("worker", "--once", verbosity=0)

    assert sorted(m.subject for m in mail.outbox) == [
        "Choosing a new Tending password",
        "Today in Tending",
    ]
    assert DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL"
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    # The connection the test holds is still open and usable.
    assert User.objects.filter(pk=cast.alice.user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_stops_cleanly_on_sigterm() -> None:
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("worker", "--interval", "0.05", verbosity=2)
    finally:
        timer.cancel()
    assert signal.getsignal(signal.SIGTERM) is before


# -- the settings page -----------------------------------------------------------------------


def test_the_page_says_what_the_email_holds(cast: Cast) -> None:
    page = cast.alice.client.get(reverse("commitments:reminders"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "how many occasions of which kind today holds" in text
    assert "never contains anything you or your partner wrote" in text
    assert "Reminder emails are off." in text
    assert 'type="time"' in text and 'value="08:00"' in text


def test_saving_a_reminder_time(cast: Cast) -> None:
    with time_machine.travel(datetime(2026, 6, 10, 4, 0, tzinfo=UTC), tick=False):  # 06:00
        done = cast.alice.client.post(
            reverse("commitments:reminders"), {"enabled": "on", "local_time": "07:30"}, follow=True
        )
    assert done.redirect_chain == [(reverse("commitments:reminders"), 302)]
    assert "Saved. The next one is planned for today at 07:30" in done.content.decode()
    saved = ReminderSetting.objects.get(user=cast.alice.user)
    assert saved.enabled and saved.local_time == time(7, 30)
    assert not ReminderSetting.objects.filter(user=cast.bob.user).exists()

    # Switched on after the time has passed today: it starts tomorrow.
    with time_machine.travel(datetime(2026, 6, 10, 8, 0, tzinfo=UTC), tick=False):  # 10:00
        later = cast.bob.client.post(
            reverse("commitments:reminders"), {"enabled": "on", "local_time": "09:00"}, follow=True
        )
    assert "planned for tomorrow at 09:00" in later.content.decode()

    off = cast.alice.client.post(
        reverse("commitments:reminders"), {"enabled": "off", "local_time": "07:30"}, follow=True
    )
    assert "Reminder emails are off." in off.content.decode()
    assert not ReminderSetting.objects.get(user=cast.alice.user).enabled


@pytest.mark.parametrize("bad", ["25:00", "08:60", "eight", "", "8.00pm", "<script>"])
def test_an_invalid_time_is_refused_plainly_and_changes_nothing(cast: Cast, bad: str) -> None:
    remind(cast.alice.user, time(8, 0))
    page = cast.alice.client.post(
        reverse("commitments:reminders"), {"enabled": "off", "local_time": bad}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Please give a time of day like 08:00 or 19:30" in text
    assert "<script>" not in text
    setting = ReminderSetting.objects.get(user=cast.alice.user)
    assert setting.enabled and setting.local_time == time(8, 0)


def test_a_missing_or_odd_choice_is_refused_and_changes_nothing(cast: Cast) -> None:
    for data in ({"local_time": "07:00"}, {"enabled": "sometimes", "local_time": "07:00"}):
        page = cast.alice.client.post(reverse("commitments:reminders"), data)
        assert page.status_code == 200
        assert "Please choose yes or no." in page.content.decode()
    assert not ReminderSetting.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    page = cast.anonymous.post(
        reverse("commitments:reminders"), {"enabled": "on", "local_time": "07:00"}
    )
    assert page.status_code == 302 and reverse("accounts:sign_in") in page["Location"]
    assert not ReminderSetting.objects.exists()


def test_one_persons_trouble_does_not_hold_up_the_others(
    cast: Cast, wednesday: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    for persona in (cast.alice, cast.bob):
        commit(persona.user, "Morning walk")
        remind(persona.user)
    real_counts = reminders.today_counts

    def broken_for_alice(user: User, day: date) -> dict[str, int]:
        if user.pk == cast.alice.user.pk:
            raise RuntimeError("unexpected")
        return real_counts(user, day)

    monkeypatch.setattr(reminders, "today_counts", broken_for_alice)
    run_pass("w")
    assert [m.to for m in mail.outbox] == [[cast.bob.user.email]]
    monkeypatch.setattr(reminders, "today_counts", real_counts)
    run_pass("w")
    assert [m.to for m in mail.outbox] == [[cast.bob.user.email], [cast.alice.user.email]]


def test_the_preview_is_this_persons_own_email_built_as_it_is_sent(
    cast: Cast, wednesday: time_machine.Traveller, settings: Any
) -> None:
    """Bug 10: Bob's preview said "1 daily check-in", which he doesn't have."""
    settings.SITE_URL = "https://tending.example.org"
    commit(cast.alice.user, "Alice's walk")
    commit(cast.alice.user, "Daily check-in", kind=Kind.CHECKIN)
    commit(cast.bob.user, "Bob's walk")
    commit(cast.bob.user, "Bob's Thursday", Rule(Cadence.WEEKLY, weekdays=(THURSDAY,)))

    bobs = cast.bob.client.get(reverse("commitments:reminders")).content.decode()
    alices = cast.alice.client.get(reverse("commitments:reminders")).content.decode()
    erins = cast.erin.client.get(reverse("commitments:reminders")).content.decode()

    assert "Today holds 1 commitment." in bobs
    assert "check-in" not in bobs.split("What the email says")[1]
    assert "Today holds 1 daily check-in and 1 commitment." in alices
    _, body = reminders.message({Kind.PROMISE: 1})
    assert "https://tending.example.org/" in bobs and "Change its time or stop it" in bobs
    assert body.splitlines()[0] in bobs
    assert "Today holds nothing for you to keep, so no email would come." in erins
    for title in ("Alice", "Bob"):
        assert f"{title}&#x27;s walk" not in bobs + alices
