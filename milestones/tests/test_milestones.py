"""Milestones without streaks, a welcome back after a gap, and quiet dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine
from django.urls import reverse

from appreciations import services as appreciations
from checkins import services as checkins
from conftest import PASSWORD, Cast
from milestones import services
from milestones.models import QuietDate, Reached
from privacy.keyring import PasswordKeyring

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning in Amsterdam


def check_in(cast: Cast, on: date) -> None:
    ring = PasswordKeyring(cast.bob.user, PASSWORD)
    checkins.check_in(ring, on, safety=5, closeness=5, heaviness=2, words="", shared=False)


def today_of(cast: Cast, who: str = "bob") -> str:
    client = getattr(cast, who).client
    return str(client.get(reverse("today")).content.decode())


def test_seven_check_ins_on_any_days_are_marked_for_their_person_only(cast: Cast) -> None:
    # Seven check-ins with gaps between them: counted, never "in a row".
    days = [START.date() + timedelta(days=d) for d in (0, 1, 3, 4, 6, 8, 9)]
    for n, day in enumerate(days):
        with time_machine.travel(datetime.combine(day, START.timetz()), tick=False):
            check_in(cast, day)
            page = today_of(cast)
            if n < 6:
                assert "A week&#x27;s worth of check-ins" not in page
    with time_machine.travel(datetime.combine(days[-1], START.timetz()) + timedelta(days=1)):
        page = today_of(cast)
        assert "A week&#x27;s worth of check-ins" in page
        for word in ("streak", "in a row", "missed", "broke"):
            assert word not in page.lower()
        assert "A week&#x27;s worth" not in today_of(cast, "alice")
    (row,) = Reached.objects.all()
    assert row.user_id == cast.bob.user.pk and row.reached_on == days[-1]


def test_a_long_gap_is_met_with_welcome_back(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        check_in(cast, START.date())
    with time_machine.travel(START + timedelta(days=12), tick=False):
        page = today_of(cast)
        assert "Welcome back" in page
        assert "streak" not in page.lower()
    with time_machine.travel(START + timedelta(days=13), tick=False):
        assert "Welcome back" not in today_of(cast)


def test_shared_milestones_show_to_both_and_either_can_turn_them_off(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    ring = PasswordKeyring(cast.alice.user, PASSWORD)
    # Both have been to Today already; the tenth note makes both look again at once.
    for n in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            appreciations.write(ring, what_they_did=f"thing {n}", what_it_meant="it helped")
    assert "Ten notes of appreciation" in today_of(cast, "alice")
    assert "Ten notes of appreciation" in today_of(cast, "bob")
    assert cast.bob.client.post(reverse("milestones:switch"), {}).status_code == 302
    assert "Ten notes of appreciation" not in today_of(cast, "bob")
    assert "Ten notes of appreciation" in today_of(cast, "alice")
    assert "Ten notes of appreciation" not in today_of(cast, "carol")


def test_nothing_is_marked_and_nothing_nudges_on_a_quiet_date(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        response = cast.bob.client.post(
            reverse("milestones:add_quiet"), {"day": "2025-03-12", "note": "a hard day"}
        )
        assert response.status_code == 302
    for n in range(7):
        with time_machine.travel(START + timedelta(days=n), tick=False):
            check_in(cast, START.date() + timedelta(days=n))
    quiet_day = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    with time_machine.travel(quiet_day, tick=False):
        page = today_of(cast)
        assert "A week&#x27;s worth" not in page and "Worth marking" not in page
        assert "Notice one bid today" not in page  # the daily nudge rests too
    with time_machine.travel(quiet_day + timedelta(days=1), tick=False):
        page = today_of(cast)
        assert "A week&#x27;s worth" in page and "Notice one bid today" in page
    # Quiet dates are private, encrypted, and never the partner's to see or remove.
    quiet = QuietDate.objects.get()
    assert b"03-12" not in bytes(quiet.month_day)
    assert "a hard day" not in cast.alice.client.get(reverse("milestones:index")).content.decode()
    remove = reverse("milestones:remove_quiet", args=[quiet.pk])
    assert cast.alice.client.post(remove).status_code == 404
    assert cast.bob.client.post(remove).status_code == 302
    assert not QuietDate.objects.exists()


def test_bad_quiet_dates_are_refused(cast: Cast) -> None:
    url = reverse("milestones:add_quiet")
    assert cast.bob.client.post(url, {"day": "not a day"}).status_code == 422
    assert cast.bob.client.post(url, {"day": ""}).status_code == 422
    assert cast.bob.client.post(url, {"day": "2026-05-01", "note": "x" * 201}).status_code == 422
    assert cast.bob.client.post(url, {"day": "2026-05-01"}).status_code == 302
    twice = cast.bob.client.post(url, {"day": "2024-05-01"})
    assert twice.status_code == 409
    assert "already one of your quiet dates" in twice.content.decode()
    assert QuietDate.objects.count() == 1
    assert services.is_quiet(PasswordKeyring(cast.bob.user, PASSWORD), date(2030, 5, 1))
