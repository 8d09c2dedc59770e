"""Reminder emails: who is due one now, and what it says.

The worker plans these without anyone's keys, so everything here reads clear fields only:
kinds, statuses, schedules and dates. An email says how many occasions of which kind today
holds, with a link; never a title or any other entry text (an inbox may be read by others).

"Due" is wall-clock time: a person is due once their local time today has reached the time
they chose. Comparing wall-clock times (not instants) keeps 08:00 at 08:00 across
daylight-saving changes, and a chosen time that a spring-forward night skips still comes,
at the first minute after it. The outbox's dedupe key, one per person per local day, makes
it at most one email a day however many workers plan at once.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from commitments.models import Kind, ReminderSetting, Status
from commitments.occurrences import falls_on
from commitments.services import visible_commitments
from milestones import services as milestones
from outbox import services as outbox
from push import services as push

logger = logging.getLogger(__name__)

SUBJECT = "Today in Tending"
DEFAULT_TIME = time(8, 0)
# The order kinds are named in, and how.
KIND_NAMES: dict[str, tuple[str, str]] = {
    Kind.CHECKIN: ("daily check-in", "daily check-ins"),
    Kind.CONVERSATION: ("weekly conversation", "weekly conversations"),
    Kind.REVIEW: ("monthly review", "monthly reviews"),
    Kind.PROMISE: ("commitment", "commitments"),
    Kind.RITUAL: ("ritual", "rituals"),
    Kind.PROJECT: ("project step", "project steps"),
}


# -- a person's choice ----------------------------------------------------------------------


def setting_for(user: User) -> ReminderSetting:
    """Their setting, or the default (off, 08:00) if they never chose."""
    found = ReminderSetting.objects.filter(user=user).first()
    return found if found is not None else ReminderSetting(user=user, local_time=DEFAULT_TIME)


@transaction.atomic
def save_setting(
    user: User, *, enabled: bool, local_time: time, now: datetime | None = None
) -> ReminderSetting:
    """Save the choice (the same submit twice leaves one row). A time that has already passed
    today starts tomorrow: the email comes at the chosen time, not the moment of saving."""
    local_now = (now or timezone.now()).astimezone(user.zone)
    setting, _ = ReminderSetting.objects.select_for_update().get_or_create(user=user)
    setting.enabled = enabled
    setting.local_time = local_time.replace(second=0, microsecond=0)
    if local_now.time() >= setting.local_time and (
        setting.planned_on is None or setting.planned_on < local_now.date()
    ):
        setting.planned_on = local_now.date()
    setting.save(update_fields=["enabled", "local_time", "planned_on", "updated_at"])
    return setting


def next_reminder(setting: ReminderSetting, now: datetime | None = None) -> date | None:
    """The local day the next reminder is planned for (sent only if that day holds anything)."""
    if not setting.enabled:
        return None
    local_now = (now or timezone.now()).astimezone(setting.user.zone)
    today = local_now.date()
    if setting.planned_on is not None and setting.planned_on >= today:
        return today + timedelta(days=1)
    return today


def next_reminder_text(setting: ReminderSetting, now: datetime | None = None) -> str:
    day = next_reminder(setting, now)
    if day is None:
        return "Reminder emails are off."
    today = (now or timezone.now()).astimezone(setting.user.zone).date()
    when = "today" if day == today else "tomorrow"
    return (
        f"The next one is planned for {when} at {setting.local_time:%H:%M}, "
        "if the day holds anything."
    )


# -- what today holds -----------------------------------------------------------------------


def today_counts(user: User, day: date) -> dict[str, int]:
    """How many occasions of each kind this person keeps on `day`: their own commitments and
    the joint rhythms (their partner's own commitments are their partner's to keep)."""
    theirs = visible_commitments(user).filter(
        Q(author_id=user.pk) | Q(joint=True), status=Status.ACTIVE
    )
    counts: Counter[str] = Counter()
    for c in theirs:
        if falls_on(list(c.schedules.all()), c.starts_on, c.ends_on, day):
            counts[c.kind] += 1
    return {kind: counts[kind] for kind in KIND_NAMES if counts[kind]}


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summary(counts: dict[str, int]) -> str:
    """ "Today holds 1 daily check-in and 2 commitments." Numbers and kinds, nothing else."""
    parts = [
        f"{counts[kind]} {KIND_NAMES[kind][0] if counts[kind] == 1 else KIND_NAMES[kind][1]}"
        for kind in KIND_NAMES
        if counts.get(kind)
    ]
    return f"Today holds {_listed(parts)}."


def message(counts: dict[str, int]) -> tuple[str, str]:
    """The subject and body of a reminder. Deliberately without any entry text."""
    site = settings.SITE_URL
    body = (
        f"{summary(counts)}\n"
        "\n"
        f"Open Tending: {site}{reverse('today')}\n"
        "\n"
        "This email only ever says how many of each kind today holds, never what you wrote.\n"
        f"Change its time or stop it: {site}{reverse('commitments:reminders')}\n"
    )
    return SUBJECT, body


@dataclass(frozen=True)
class Preview:
    """What this person's own email would say on `day`: built by `message`, as it is sent."""

    day: date
    subject: str
    body: str
    holds_nothing: bool


def preview(user: User, now: datetime | None = None) -> Preview:
    """This person's email for the day of their next reminder (today while it is off)."""
    setting = setting_for(user)
    local_now = (now or timezone.now()).astimezone(user.zone)
    day = next_reminder(setting, now) or local_now.date()
    counts = today_counts(user, day)
    subject, body = message(counts) if counts else (SUBJECT, "")
    return Preview(day, subject, body, holds_nothing=not counts)


# -- planning (the worker) ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    setting: ReminderSetting
    local_date: date


def dedupe_key(user_id: int, local_date: date) -> str:
    return f"reminder:{user_id}:{local_date.isoformat()}"


def due_now(now: datetime | None = None) -> list[Due]:
    """Everyone whose chosen time has come today, on their own clock, and not yet planned."""
    now = now or timezone.now()
    # No one's local date is later than the UTC date plus one: rows planned for that are done.
    candidates = (
        ReminderSetting.objects.filter(enabled=True, user__is_active=True)
        .filter(Q(planned_on__isnull=True) | Q(planned_on__lte=now.astimezone(UTC).date()))
        .select_related("user")
        .order_by("pk")
    )
    found = []
    for setting in candidates:
        local_now = now.astimezone(setting.user.zone)
        today = local_now.date()
        if setting.planned_on is not None and setting.planned_on >= today:
            continue
        if local_now.time() < setting.local_time:  # wall-clock times, both naive
            continue
        found.append(Due(setting, today))
    return found


def plan(due: Due) -> bool:
    """Put one person's reminder for the day in the outbox, unless the day holds nothing or
    another worker got there first. True when this call made the email."""
    user = due.setting.user
    counts = today_counts(user, due.local_date)
    made = False
    # On one of this person's quiet dates nothing nudges: no email, no push (issue 15).
    if counts and not milestones.is_quiet_for(user, due.local_date):
        subject, body = message(counts)
        _, made = outbox.enqueue(
            to=user.email,
            subject=subject,
            body=body,
            dedupe_key=dedupe_key(user.pk, due.local_date),
            user=user,
        )
        # Beside the email, on the phones that asked for the day's reminder (issue 14).
        push.queue(user, "reminder", dedupe_key=dedupe_key(user.pk, due.local_date))
    ReminderSetting.objects.filter(pk=due.setting.pk).update(planned_on=due.local_date)
    return made


def plan_due_reminders(now: datetime | None = None) -> int:
    """One planning pass; returns how many reminders it put in the outbox."""
    planned = 0
    for due in due_now(now):
        try:
            planned += plan(due)
        except Exception:
            # One person's trouble must not hold up everyone after them; next pass retries.
            logger.exception("Reminder for setting %s not planned", due.setting.pk)
    return planned
